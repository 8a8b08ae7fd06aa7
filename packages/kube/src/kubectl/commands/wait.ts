import type { Proc } from "@ksim/sim";
import type { KubeObject } from "../../api/types.js";
import { nameLine } from "../output/index.js";
import { executeJsonPath, parseJsonPath } from "../output/jsonpath.js";
import { normalize } from "../output/json.js";
import { ALL_NAMESPACES_FLAG, FIELD_SELECTOR_FLAG, SELECTOR_FLAG, type Command, type Invocation } from "./command.js";
import { aggregate, StatusError } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import { flatten, select, type Target } from "./targets.js";
import { waitForState } from "./waiting.js";

/** `kubectl wait --for=condition=…|delete|jsonpath=…`. */
export const waitCommand: Command = {
  name: "wait",
  short: "Experimental: Wait for a specific condition on one or many resources",
  usage: "([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
  flags: [...FILENAME_FLAGS, SELECTOR_FLAG, FIELD_SELECTOR_FLAG, ALL_NAMESPACES_FLAG, { name: "all", type: "bool" }, { name: "for", type: "string" }, { name: "timeout", type: "duration" }],
  run: runWait,
};

const DEFAULT_TIMEOUT_MS = 30_000;

type Condition = (object: KubeObject | undefined, target: Target) => boolean;

/** conditionFuncFor: what `--for` asks. */
function conditionFor(spec: string): { condition: Condition; forDelete: boolean } {
  if (spec.toLowerCase() === "delete") {
    return { condition: (o, t) => o === undefined || o.metadata.uid !== t.object.metadata.uid, forDelete: true };
  }
  if (spec.startsWith("condition=")) {
    let name = spec.slice("condition=".length);
    let value = "true";
    const eq = name.indexOf("=");
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    return {
      condition: (o) => {
        if (o === undefined) return false;
        const conditions = (o.status as { conditions?: { type: string; status: string; observedGeneration?: number }[] } | undefined)?.conditions ?? [];
        const c = conditions.find((x) => x.type.toLowerCase() === name.toLowerCase());
        if (c === undefined || c.status.toLowerCase() !== value.toLowerCase()) return false;
        return c.observedGeneration === undefined || o.metadata.generation === undefined || c.observedGeneration === o.metadata.generation;
      },
      forDelete: false,
    };
  }
  if (spec.startsWith("jsonpath=")) {
    const body = spec.slice("jsonpath=".length);
    const m = /^(\{.*\})(?:=(.*))?$/.exec(body);
    if (m === null) throw new Error(`jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'`);
    const path = parseJsonPath(m[1]!);
    const expected = m[2];
    return {
      condition: (o) => {
        if (o === undefined) return false;
        let got: string;
        try {
          got = executeJsonPath(path, normalize(o), false);
        } catch {
          return false;
        }
        return expected === undefined ? got !== "" : got === expected;
      },
      forDelete: false,
    };
  }
  throw new Error(`unrecognized condition: ${JSON.stringify(spec)}`);
}

function* runWait(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  const { condition, forDelete } = conditionFor(flags.string("for"));
  const timeoutMs = flags.changed("timeout") ? flags.duration("timeout", 0) : DEFAULT_TIMEOUT_MS;
  const loaded = hasSources(flags) ? yield* loadSources(s, flags) : undefined;
  const selection = select(s, {
    args,
    selector: flags.string("selector"),
    fieldSelector: flags.string("field-selector"),
    all: flags.bool("all"),
    allNamespaces: flags.bool("all-namespaces"),
    ...(loaded !== undefined ? { sourced: loaded.objects } : {}),
  });
  const errors = [...(loaded?.errors ?? []), ...selection.errors.filter((e) => !(forDelete && e instanceof StatusError && e.reason === "NotFound"))];
  const targets = flatten(selection);
  if (targets.length === 0 && errors.length === 0 && !forDelete) throw new Error("no matching resources found");
  const deadline = s.sim.now + timeoutMs;
  for (const t of targets) {
    const current = () => s.api.get(t.type.kind, t.namespace, t.name);
    const met = yield* waitForState(s, [t.type.kind], () => (condition(current(), t) ? true : undefined), Math.max(0, deadline - s.sim.now));
    if (met === undefined) errors.push(new Error(`timed out waiting for the condition on ${t.type.plural}/${t.name}`));
    else s.out(nameLine(t.object, "condition met"));
  }
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}
