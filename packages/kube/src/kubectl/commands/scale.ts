import type { Proc } from "@ksim/sim";
import { changeCause, RECORD_FLAG, recordAfter, recorded } from "./record.js";
import { canonicalQuantity } from "../../api/quantity.js";
import { apiVersionOf } from "../../api/resources.js";
import type { HorizontalPodAutoscaler, MetricSpec } from "../../api/types.js";
import { nameLine } from "../output/index.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { aggregate, StatusError } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { GENERATOR_FLAGS, send } from "./generator.js";
import { flatten, gvrString, select } from "./targets.js";
import { updateObject } from "./writes.js";

/** Kinds with a scale subresource. */
const SCALABLE = new Set(["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"]);

/** `kubectl scale`: sets spec.replicas through the scale subresource. */
export const scaleCommand: Command = {
  name: "scale",
  short: "Set a new size for a deployment, replica set, or replication controller",
  usage: "[--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)",
  flags: [
    ...FILENAME_FLAGS,
    SELECTOR_FLAG,
    DRY_RUN_FLAG,
    { name: "all", type: "bool" },
    { name: "replicas", type: "int" },
    { name: "current-replicas", type: "int" },
    { name: "resource-version", type: "string" },
    RECORD_FLAG,
  ],
  required: ["replicas"],
  run: runScale,
};

function* runScale(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  const cause = changeCause(inv);
  const replicas = flags.int("replicas", -1);
  if (replicas < 0) throw new Error("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
  const dryRun = dryRunOf(flags);
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, { args, selector: flags.string("selector"), all: flags.bool("all"), ...(loaded !== undefined ? { sourced: loaded.objects } : {}) });
  const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors];
  const targets = flatten(selection);
  if (targets.length === 0 && errors.length === 0) throw new Error("no objects passed to scale");
  for (const target of targets) {
    const live = target.object as { spec?: { replicas?: number } } & typeof target.object;
    try {
      if (!SCALABLE.has(target.type.kind)) throw new StatusError("NotFound", "the server could not find the requested resource");
      const current = live.spec?.replicas ?? 1;
      const expected = flags.int("current-replicas", -1);
      if (expected >= 0 && expected !== current) throw new Error(`Expected replicas to be ${expected}, was ${current}`);
      const version = flags.string("resource-version");
      if (version !== "" && version !== live.metadata.resourceVersion) throw new Error(`Expected resource version to be ${version}, was ${live.metadata.resourceVersion ?? ""}`);
      recordAfter(s, updateObject(s, live, { ...live, spec: { ...live.spec, replicas } }, dryRun).object, cause, dryRun);
      s.out(nameLine(live, `scaled${dryRunSuffix(dryRun)}`));
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}

const CPU_PERCENT_DEPRECATION = "Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).";

/**
 * parseResourceInput: `70%` is a utilization target; a quantity (`500m`, `200Mi`) an average
 * value; a bare number takes the resource's unit (milliCPU, mebibytes).
 */
function resourceMetric(name: "cpu" | "memory", input: string): MetricSpec {
  const value = input.trim();
  if (value === "") throw new Error("empty input");
  if (value.endsWith("%")) {
    const percent = value.slice(0, -1);
    if (!/^[+-]?\d+$/.test(percent) || Number(percent) < 0 || Number(percent) > 2 ** 31 - 1) throw new Error(`invalid percentage value: ${percent}`);
    return { type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization: Number(percent) } } };
  }
  // A bare number: Go's %g of it with the unit appended.
  const text = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? `${Number(value)}${name === "cpu" ? "m" : "Mi"}` : value;
  let averageValue: string;
  try {
    averageValue = canonicalQuantity(text);
  } catch {
    throw new Error(`invalid resource ${name} value: ${value}`);
  }
  return { type: "Resource", resource: { name, target: { type: "AverageValue", averageValue } } };
}

/**
 * `kubectl autoscale` (kubectl pkg/cmd/autoscale, which creates an autoscaling/v2 HPA for each
 * scalable target: deployments, replica sets and stateful sets here).
 */
export const autoscaleCommand: Command = {
  name: "autoscale",
  short: "Auto-scale a deployment, replica set, stateful set, or replication controller",
  usage: "(-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu=CPU] [--memory=MEMORY]",
  flags: [
    ...GENERATOR_FLAGS,
    ...FILENAME_FLAGS,
    { name: "min", type: "int" },
    { name: "max", type: "int" },
    { name: "cpu-percent", type: "int" },
    { name: "cpu", type: "string" },
    { name: "memory", type: "string" },
    { name: "name", type: "string" },
    RECORD_FLAG,
  ],
  required: ["max"],
  run: function* (inv: Invocation): Proc<number> {
    const { s, flags, args } = inv;
    if (flags.changed("cpu-percent")) s.err(`Flag --cpu-percent has been deprecated, ${CPU_PERCENT_DEPRECATION}\n`);
    const min = flags.int("min", -1);
    const max = flags.int("max", -1);
    const cpuPercent = flags.int("cpu-percent", -1);
    const cpu = flags.string("cpu");
    const memory = flags.string("memory");
    if (max < 1) throw new Error(`--max=MAXPODS is required and must be at least 1, max: ${max}`);
    if (max < min) throw new Error(`--max=MAXPODS must be larger or equal to --min=MINPODS, max: ${max}, min: ${min}`);
    if (cpuPercent > 0 && cpu !== "") throw new Error("--cpu-percent and --cpu are mutually exclusive");
    const metrics: MetricSpec[] = [];
    if (cpuPercent > 0) metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cpuPercent } } });
    if (cpu !== "") metrics.push(resourceMetric("cpu", cpu));
    if (memory !== "") metrics.push(resourceMetric("memory", memory));

    const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
    const selection = select(s, { args, ...(loaded !== undefined ? { sourced: loaded.objects } : {}) });
    const errors: unknown[] = [...(loaded?.errors ?? []), ...selection.errors];
    const targets = flatten(selection);
    for (const target of targets) {
      try {
        if (!SCALABLE.has(target.type.kind)) {
          throw new Error(`cannot autoscale a ${target.type.kind}: could not find scale subresource for ${gvrString(target.type)} in discovery information`);
        }
        const hpa: HorizontalPodAutoscaler = {
          apiVersion: "autoscaling/v2",
          kind: "HorizontalPodAutoscaler",
          metadata: { name: flags.string("name") || target.name },
          spec: {
            scaleTargetRef: { apiVersion: apiVersionOf(target.type), kind: target.type.kind, name: target.name },
            ...(min > 0 ? { minReplicas: min } : {}),
            maxReplicas: max,
            ...(metrics.length > 0 ? { metrics } : {}),
          },
          // HorizontalPodAutoscalerStatus is a struct: a client dry run prints it.
          status: { desiredReplicas: 0 },
        };
        yield* send(inv, recorded(hpa, changeCause(inv)), undefined, "autoscaled");
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw aggregate(errors);
    if (targets.length === 0) throw new Error("no objects passed to autoscale");
    return 0;
  },
};
