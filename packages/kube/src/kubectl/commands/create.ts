import type { Proc } from "@ksim/sim";
import { withLastApplied } from "../../api/patch.js";
import type { JsonObject } from "../../api/json-value.js";
import type { ConfigMap, Deployment, KubeObject, Namespace, Secret } from "../../api/types.js";
import { basename } from "../../runtime/fs.js";
import { nameLine } from "../output/index.js";
import { APPLY_FLAGS, createFromSources, printObjects } from "./apply.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, OUTPUT_FLAG, TEMPLATE_FLAGS, type Command, type Invocation } from "./command.js";
import { usageError } from "./errors.js";
import type { FlagSpec } from "./flags.js";
import { commandHelp } from "./help.js";
import { hasSources } from "./sources.js";
import { createObject } from "./writes.js";

/** `kubectl create -f …` and the generators ksim offers (`namespace`, `configmap`, `secret generic`, `deployment`). */
const GENERATOR_FLAGS: readonly FlagSpec[] = [DRY_RUN_FLAG, OUTPUT_FLAG, ...TEMPLATE_FLAGS, { name: "save-config", type: "bool" }, { name: "validate", type: "string", noValue: "strict" }];

const FROM_FLAGS: readonly FlagSpec[] = [
  { name: "from-literal", type: "stringArray" },
  { name: "from-file", type: "stringSlice" },
];

/** NameFromCommandArgs. */
function singleName(inv: Invocation): string {
  if (inv.args.length !== 1) throw usageError(inv.path, `exactly one NAME is required, got ${inv.args.length}`);
  return inv.args[0]!;
}

/** Sends a generated object and prints it as `create` does. */
function* send(inv: Invocation, object: KubeObject): Proc<number> {
  const { s, flags } = inv;
  const dryRun = dryRunOf(flags);
  // Generators name the namespace only when -n was given (EnforceNamespace).
  const withNs = s.explicitNamespace && object.kind !== "Namespace" ? { ...object, metadata: { ...object.metadata, namespace: s.namespace } } : object;
  const body = flags.bool("save-config") ? (withLastApplied(withNs as unknown as JsonObject) as unknown as KubeObject) : withNs;
  const created = createObject(s, body, dryRun);
  if (flags.string("output") === "") s.out(nameLine(created, `created${dryRunSuffix(dryRun)}`));
  else printObjects(s, inv, [created]);
  return 0;
}

/** `--from-literal=k=v` and `--from-file=[key=]path` as a data map (values as read). */
function* dataFrom(inv: Invocation): Proc<Record<string, string>> {
  const data: Record<string, string> = {};
  for (const lit of inv.flags.strings("from-literal")) {
    const eq = lit.indexOf("=");
    if (eq <= 0) throw new Error(`invalid literal source ${lit}, expected key=value`);
    data[lit.slice(0, eq)] = lit.slice(eq + 1);
  }
  for (const spec of inv.flags.strings("from-file")) {
    const eq = spec.indexOf("=");
    const path = eq < 0 ? spec : spec.slice(eq + 1);
    const key = eq < 0 ? basename(path) : spec.slice(0, eq);
    const abs = inv.s.ctx.resolve(path);
    if (!inv.s.ctx.fs.exists(abs)) throw new Error(`error reading ${path}: no such file or directory`);
    data[key] = inv.s.ctx.fs.readText(abs);
  }
  return data;
}

const namespaceGenerator: Command = {
  name: "namespace",
  aliases: ["ns"],
  short: "Create a namespace with the specified name",
  usage: "NAME [--dry-run=server|client|none]",
  flags: GENERATOR_FLAGS,
  run: function* (inv: Invocation): Proc<number> {
    return yield* send(inv, { apiVersion: "v1", kind: "Namespace", metadata: { name: singleName(inv) }, spec: {}, status: {} } as Namespace);
  },
};

const configMapGenerator: Command = {
  name: "configmap",
  aliases: ["cm"],
  short: "Create a config map from a local file, directory or literal value",
  usage: "NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
  flags: [...GENERATOR_FLAGS, ...FROM_FLAGS],
  run: function* (inv: Invocation): Proc<number> {
    const name = singleName(inv);
    const data = yield* dataFrom(inv);
    return yield* send(inv, { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, ...(Object.keys(data).length > 0 ? { data } : {}) } as ConfigMap);
  },
};

const secretGenerator: Command = {
  name: "secret",
  short: "Create a secret using a specified subcommand",
  usage: "(docker-registry | generic | tls)",
  subcommands: [
    {
      name: "generic",
      short: "Create a secret from a local file, directory, or literal value",
      usage: "NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
      flags: [...GENERATOR_FLAGS, ...FROM_FLAGS, { name: "type", type: "string" }],
      run: function* (inv: Invocation): Proc<number> {
        const name = singleName(inv);
        const raw = yield* dataFrom(inv);
        const data: Record<string, string> = {};
        for (const [k, v] of Object.entries(raw)) data[k] = Buffer.from(v, "utf8").toString("base64");
        const type = inv.flags.string("type");
        return yield* send(inv, { apiVersion: "v1", kind: "Secret", metadata: { name }, ...(Object.keys(data).length > 0 ? { data } : {}), ...(type !== "" ? { type } : {}) } as Secret);
      },
    },
  ],
};

const deploymentGenerator: Command = {
  name: "deployment",
  aliases: ["deploy"],
  short: "Create a deployment with the specified name",
  usage: "NAME --image=image -- [COMMAND] [args...]",
  flags: [...GENERATOR_FLAGS, { name: "image", type: "stringSlice" }, { name: "replicas", short: "r", type: "int" }, { name: "port", type: "int" }],
  required: ["image"],
  run: function* (inv: Invocation): Proc<number> {
    const named = inv.argsLenAtDash < 0 ? inv.args : inv.args.slice(0, inv.argsLenAtDash);
    if (named.length !== 1) throw usageError(inv.path, `exactly one NAME is required, got ${named.length}`);
    const name = named[0]!;
    const command = inv.argsLenAtDash < 0 ? [] : inv.args.slice(inv.argsLenAtDash);
    const port = inv.flags.int("port", -1);
    const labels = { app: name };
    const containers = inv.flags.strings("image").map((image) => {
      const base = image.split("/").pop()!.split(":")[0]!.split("@")[0]!;
      return { name: base, image, ...(command.length > 0 ? { command } : {}), ...(port >= 0 ? { ports: [{ containerPort: port }] } : {}), resources: {} };
    });
    return yield* send(inv, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, labels },
      spec: { replicas: inv.flags.int("replicas", 1), selector: { matchLabels: labels }, strategy: {}, template: { metadata: { labels }, spec: { containers } } },
      status: {},
    } as Deployment);
  },
};

export const createCommand: Command = {
  name: "create",
  short: "Create a resource from a file or from stdin",
  usage: "-f FILENAME",
  flags: [...APPLY_FLAGS, { name: "save-config", type: "bool" }],
  subcommands: [configMapGenerator, deploymentGenerator, namespaceGenerator, secretGenerator],
  run: function* (inv: Invocation): Proc<number> {
    if (inv.args.length > 0) throw usageError(inv.path, `Unexpected args: [${inv.args.join(" ")}]`);
    if (!hasSources(inv.flags)) {
      inv.s.err(`Error: must specify one of -f and -k\n\n${commandHelp(inv.path, createCommand)}`);
      return 1;
    }
    return yield* createFromSources(inv);
  },
};
