/** `kubectl create -f …` and the generators ksim offers (`namespace`, `configmap`, `secret generic`, `cronjob`, `deployment`, `job`, `service …`, `poddisruptionbudget`, the RBAC kinds). */
import { isUtf8 } from "node:buffer";
import type { Proc } from "@ksim/sim";
import { parseToLabelSelector } from "../../api/labels.js";
import type { ConfigMap, CronJob, Deployment, Job, Namespace, PodDisruptionBudget, Secret, Service } from "../../api/types.js";
import { goEscape, goJson } from "../../api/gojson.js";
import { isConfigMapKey, isDNS1123Subdomain, isEnvVarName, isValidPortName, isValidPortNum } from "../../api/validation/content.js";
import { basename } from "../../runtime/fs.js";
import { suffixHash } from "../kustomize.js";
import { goQuote } from "../../api/validation/field.js";
import { APPLY_FLAGS, createFromSources } from "./apply.js";
import type { Command, Invocation } from "./command.js";
import { ingressGenerator } from "./create-ingress.js";
import { rbacGenerators } from "./create-rbac.js";
import { toStatus, usageError } from "./errors.js";
import { notFound } from "../../api/errors.js";
import type { FlagSpec } from "./flags.js";
import { commandHelp } from "./help.js";
import { GENERATOR_FLAGS, intOrString, send, singleName } from "./generator.js";
import { hasSources } from "./sources.js";

const FROM_FLAGS: readonly FlagSpec[] = [
  { name: "from-literal", type: "stringArray" },
  { name: "from-file", type: "stringSlice" },
  { name: "from-env-file", type: "stringSlice" },
  { name: "append-hash", type: "bool" },
];

type DataKind = "ConfigMap" | "Secret";

/**
 * The data of `create configmap` and `create secret generic`: --from-file, then --from-literal,
 * then --from-env-file, each key checked as kubectl checks it (the two kinds word their errors
 * differently, the Secret one without a colon, as kubectl has it).
 */
function* dataFrom(inv: Invocation, kind: DataKind, name: string): Proc<Record<string, Uint8Array>> {
  const { flags, s } = inv;
  const envFiles = flags.strings("from-env-file");
  if (envFiles.length > 0 && (flags.strings("from-file").length > 0 || flags.strings("from-literal").length > 0)) {
    throw new Error("from-env-file cannot be combined with from-file or from-literal");
  }
  const data: Record<string, Uint8Array> = {};
  const add = (key: string, value: Uint8Array | string) => {
    const problems = isConfigMapKey(key);
    if (problems.length > 0) {
      throw new Error(kind === "ConfigMap" ? `${goQuote(key)} is not a valid key name for a ConfigMap: ${problems.join(";")}` : `${goQuote(key)} is not valid key name for a Secret ${problems.join(";")}`);
    }
    if (Object.hasOwn(data, key)) {
      throw new Error(kind === "ConfigMap" ? `cannot add key ${goQuote(key)}, another key by that name already exists in Data for ConfigMap ${goQuote(name)}` : `cannot add key ${key}, another key by that name already exists`);
    }
    data[key] = typeof value === "string" ? new TextEncoder().encode(value) : value;
  };
  for (const spec of flags.strings("from-file")) {
    const [key, path] = fileSource(spec);
    const abs = s.ctx.resolve(path);
    if (!s.ctx.fs.exists(abs)) throw new Error(`error reading ${path}: no such file or directory`);
    if (s.ctx.fs.stat(abs).type !== "dir") {
      add(key, s.ctx.fs.readFile(abs));
      continue;
    }
    // A directory gives one key per regular file in it, by name: os.ReadDir's entry types, so
    // subdirectories and symlinks (even to files) are skipped.
    if (spec.includes("=")) throw new Error("cannot give a key name for a directory path");
    for (const entry of [...s.ctx.fs.readdir(abs)].sort()) {
      if (s.ctx.fs.lstat(`${abs}/${entry}`).type === "file") add(entry, s.ctx.fs.readFile(`${abs}/${entry}`));
    }
  }
  for (const lit of flags.strings("from-literal")) {
    const eq = lit.indexOf("=");
    if (eq <= 0) throw new Error(`invalid literal source ${lit}, expected key=value`);
    add(lit.slice(0, eq), lit.slice(eq + 1));
  }
  for (const path of envFiles) {
    const abs = s.ctx.resolve(path);
    if (!s.ctx.fs.exists(abs)) throw new Error(`error reading ${path}: no such file or directory`);
    for (const [key, value] of envFileEntries(s.ctx.fs.readText(abs), (k) => s.ctx.environ.get(k) ?? "")) add(key, value);
  }
  return data;
}

/** ParseFileSource: `[key=]path`, the key defaulting to the file's base name. */
function fileSource(spec: string): [string, string] {
  const parts = spec.split("=");
  if (parts.length === 1) return [basename(spec), spec];
  if (parts.length > 2) throw new Error("key names or file paths cannot contain '='");
  if (parts[0] === "") throw new Error(`key name for file path ${parts[1]} missing`);
  if (parts[1] === "") throw new Error(`file path for key name ${parts[0]} missing`);
  return [parts[0]!, parts[1]!];
}

/**
 * An env file as kubectl reads it (processEnvFileLine): a BOM dropped from the first line,
 * leading blanks trimmed, blank and `#` lines skipped, `KEY=value` taken as written, and a bare
 * `KEY` taking kubectl's own environment variable.
 */
function envFileEntries(text: string, getenv: (key: string) => string): [string, string][] {
  const entries: [string, string][] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((raw, i) => {
    let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (i === 0 && line.startsWith("\ufeff")) line = line.slice(1);
    line = line.trimStart();
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    const key = eq < 0 ? line : line.slice(0, eq);
    const problems = isEnvVarName(key);
    if (problems.length > 0) throw new Error(`${goQuote(key)} is not a valid key name: ${problems.join(";")}`);
    entries.push([key, eq < 0 ? getenv(key) : line.slice(eq + 1)]);
  });
  return entries;
}

/**
 * --append-hash: the name gets `-<hash>` of kubectl's own hash (util/hash), which, unlike
 * kustomize's, does include the name. The generators always make the data map, so an empty one
 * hashes as `{}` (and is left out of the object printed).
 */
function withHashedName<T extends ConfigMap | Secret>(inv: Invocation, object: T): T {
  if (!inv.flags.bool("append-hash")) return object;
  const name = object.metadata.name!;
  const binary = (object as ConfigMap).binaryData;
  const fields =
    object.kind === "Secret"
      ? { kind: "Secret", type: (object as Secret).type ?? "", name, data: object.data ?? {} }
      : { kind: "ConfigMap", name, data: object.data ?? {}, ...(binary !== undefined ? { binaryData: binary } : {}) };
  return { ...object, metadata: { ...object.metadata, name: `${name}-${suffixHash(goJson(fields))}` } };
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
    // Values that are UTF-8 text go to data, the others to binaryData (base64).
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    for (const [key, bytes] of Object.entries(yield* dataFrom(inv, "ConfigMap", name))) {
      const text = utf8Text(bytes);
      if (text === undefined) binaryData[key] = Buffer.from(bytes).toString("base64");
      else data[key] = text;
    }
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}), ...(Object.keys(data).length > 0 ? { data } : {}) };
    return yield* send(inv, withHashedName(inv, configMap as ConfigMap));
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
        const data = base64Values(yield* dataFrom(inv, "Secret", name));
        const type = inv.flags.string("type");
        return yield* send(inv, withHashedName(inv, { apiVersion: "v1", kind: "Secret", metadata: { name }, ...(Object.keys(data).length > 0 ? { data } : {}), ...(type !== "" ? { type } : {}) } as Secret));
      },
    },
    {
      name: "docker-registry",
      short: "Create a secret for use with a Docker registry",
      usage: "NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--from-file=[key=]source] [--dry-run=server|client|none]",
      flags: [
        ...GENERATOR_FLAGS,
        { name: "from-file", type: "stringSlice" },
        { name: "append-hash", type: "bool" },
        { name: "docker-username", type: "string" },
        { name: "docker-password", type: "string" },
        { name: "docker-email", type: "string" },
        { name: "docker-server", type: "string" },
      ],
      run: function* (inv: Invocation): Proc<number> {
        const name = singleName(inv);
        const { flags } = inv;
        const username = flags.string("docker-username");
        const password = flags.string("docker-password");
        const server = flags.string("docker-server", "https://index.docker.io/v1/");
        const fromFiles = flags.strings("from-file").length > 0;
        if (!fromFiles && (username === "" || password === "" || server === "")) {
          throw new Error("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required");
        }
        let data: Record<string, string>;
        if (fromFiles) data = base64Values(yield* dataFrom(inv, "Secret", name));
        else {
          const email = flags.string("docker-email");
          // DockerConfigEntry's field order; email is omitempty.
          const entry = { username, password, ...(email !== "" ? { email } : {}), auth: base64(`${username}:${password}`) };
          data = { ".dockerconfigjson": base64(goEscape(JSON.stringify({ auths: { [server]: entry } }))) };
        }
        return yield* send(inv, withHashedName(inv, { apiVersion: "v1", kind: "Secret", metadata: { name }, data, type: "kubernetes.io/dockerconfigjson" } as Secret));
      },
    },
  ],
};

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

function base64Values(data: Record<string, Uint8Array>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = Buffer.from(v).toString("base64");
  return out;
}

/** The bytes as text when they are valid UTF-8 (utf8.Valid), else undefined. */
function utf8Text(bytes: Uint8Array): string | undefined {
  return isUtf8(bytes) ? Buffer.from(bytes).toString("utf8") : undefined;
}

const serviceAccountGenerator: Command = {
  name: "serviceaccount",
  aliases: ["sa"],
  short: "Create a service account with the specified name",
  usage: "NAME [--dry-run=server|client|none]",
  flags: GENERATOR_FLAGS,
  run: function* (inv: Invocation): Proc<number> {
    return yield* send(inv, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: singleName(inv) } });
  },
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
    if (inv.flags.strings("image").length > 1 && command.length > 0) throw new Error("cannot specify multiple --image options and command");
    const port = inv.flags.int("port", -1);
    const labels = { app: name };
    // --port opens the port on the first container only.
    const containers = inv.flags.strings("image").map((image, i) => {
      const base = image.split("/").pop()!.split(":")[0]!.split("@")[0]!;
      return { name: base, image, ...(command.length > 0 ? { command } : {}), ...(port >= 0 && i === 0 ? { ports: [{ containerPort: port }] } : {}), resources: {} };
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

/**
 * `create job`: one container named after the Job, restartPolicy Never, or with
 * `--from=cronjob/NAME` a copy of the CronJob's Job template.
 */
const jobGenerator: Command = {
  name: "job",
  short: "Create a job with the specified name",
  examples:
    "  # Create a job\n  kubectl create job my-job --image=busybox\n  \n  # Create a job with a command\n  kubectl create job my-job --image=busybox -- date\n  \n" +
    '  # Create a job from a cron job named "a-cronjob"\n  kubectl create job test-job --from=cronjob/a-cronjob',
  usage: "NAME --image=image [--from=cronjob/name] -- [COMMAND] [args...]",
  flags: [...GENERATOR_FLAGS, { name: "image", type: "string" }, { name: "from", type: "string" }],
  run: function* (inv: Invocation): Proc<number> {
    const named = inv.argsLenAtDash < 0 ? inv.args : inv.args.slice(0, inv.argsLenAtDash);
    if (named.length !== 1) throw usageError(inv.path, `exactly one NAME is required, got ${named.length}`);
    const name = named[0]!;
    const command = inv.argsLenAtDash < 0 ? [] : inv.args.slice(inv.argsLenAtDash);
    const image = inv.flags.string("image");
    const from = inv.flags.string("from");
    if ((image === "") === (from === "")) throw new Error("either --image or --from must be specified");
    if (command.length > 0 && from !== "") throw new Error("cannot specify --from and command");
    if (from !== "") return yield* send(inv, jobFromCronJob(inv, name, from), "failed to create job");
    return yield* send(inv, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name },
      spec: { template: { metadata: {}, spec: { containers: [{ name, image, ...(command.length > 0 ? { command } : {}), resources: {} }], restartPolicy: "Never" } } },
      status: {},
    } as Job, "failed to create job");
  },
};

/**
 * createJobFromCronJob: the CronJob's Job template under the given name, marked as started by
 * hand and owned by the CronJob (without blockOwnerDeletion, which would need more rights).
 */
function jobFromCronJob(inv: Invocation, name: string, from: string): Job {
  const slash = from.indexOf("/");
  const kind = from.slice(0, slash);
  const cronJobName = from.slice(slash + 1);
  if (slash < 0 || !["cronjob", "cronjobs", "cj", "cronjob.batch", "cronjobs.batch"].includes(kind.toLowerCase())) {
    throw new Error(`from must be an existing cronjob: ${from}`);
  }
  const cj = inv.s.api.get<CronJob>("CronJob", inv.s.namespace, cronJobName);
  if (cj === undefined) throw toStatus(notFound("cronjobs.batch", cronJobName));
  const template = cj.spec.jobTemplate;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      annotations: { "cronjob.kubernetes.io/instantiate": "manual", ...(template.metadata?.annotations ?? {}) },
      ...(template.metadata?.labels !== undefined ? { labels: { ...template.metadata.labels } } : {}),
      ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true }],
    },
    spec: structuredClone(template.spec),
    status: {},
  };
}

/** `create cronjob`: the Job template's pod restarts OnFailure unless --restart says otherwise. */
const cronJobGenerator: Command = {
  name: "cronjob",
  aliases: ["cj"],
  short: "Create a cron job with the specified name",
  examples:
    '  # Create a cron job\n  kubectl create cronjob my-job --image=busybox --schedule="*/1 * * * *"\n  \n' +
    '  # Create a cron job with a command\n  kubectl create cronjob my-job --image=busybox --schedule="*/1 * * * *" -- date',
  usage: "NAME --image=image --schedule='0/5 * * * ?' -- [COMMAND] [args...] [flags]",
  flags: [...GENERATOR_FLAGS, { name: "image", type: "string" }, { name: "schedule", type: "string" }, { name: "restart", type: "string" }],
  required: ["image", "schedule"],
  run: function* (inv: Invocation): Proc<number> {
    const named = inv.argsLenAtDash < 0 ? inv.args : inv.args.slice(0, inv.argsLenAtDash);
    if (named.length !== 1) throw usageError(inv.path, `exactly one NAME is required, got ${named.length}`);
    const name = named[0]!;
    const command = inv.argsLenAtDash < 0 ? [] : inv.args.slice(inv.argsLenAtDash);
    // kubectl checks nothing here: the API server refuses Always.
    const restart = inv.flags.string("restart") || "OnFailure";
    const image = inv.flags.string("image");
    return yield* send(inv, {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name },
      spec: {
        jobTemplate: {
          metadata: { name },
          spec: { template: { metadata: {}, spec: { containers: [{ name, image, ...(command.length > 0 ? { command } : {}), resources: {} }], restartPolicy: restart } } },
        },
        schedule: inv.flags.string("schedule"),
      },
      status: {},
    } as CronJob, "failed to create cronjob");
  },
};

type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";

/** create service's parsePorts: `port[:targetPort]`, the target a number or a port name. */
function servicePort(spec: string): { port: number; targetPort: number | string } {
  const [first, target] = spec.split(":") as [string, string | undefined];
  // utilsnet.ParsePort: strconv.ParseUint(s, 10, 16), zero allowed.
  if (!/^[0-9]+$/.test(first)) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(first)}: invalid syntax`);
  const port = Number(first);
  if (port > 65535) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(first)}: value out of range`);
  if (target === undefined) return { port, targetPort: port };
  if (!/^[+-]?[0-9]+$/.test(target)) {
    const problems = isValidPortName(target);
    if (problems.length > 0) throw new Error(problems.join(","));
    return { port, targetPort: target };
  }
  const problems = isValidPortNum(Number(target));
  if (problems.length > 0) throw new Error(problems.join(","));
  return { port, targetPort: Number(target) };
}

/** One of `create service clusterip|nodeport|loadbalancer|externalname` (ServiceOptions). */
function serviceGenerator(type: ServiceType, name: string, usage: string, flags: readonly FlagSpec[]): Command {
  return {
    name,
    short: `Create ${type === "ExternalName" ? "an" : "a"} ${type} service`,
    usage,
    flags: [...GENERATOR_FLAGS, { name: "tcp", type: "stringSlice" }, ...flags],
    ...(type === "ExternalName" ? { required: ["external-name"] } : {}),
    run: function* (inv: Invocation): Proc<number> {
      const serviceName = singleName(inv);
      const { flags: f } = inv;
      const clusterIP = f.string("clusterip");
      const externalName = f.string("external-name");
      const tcp = f.strings("tcp");
      if (clusterIP === "None" && type !== "ClusterIP") throw new Error("ClusterIP=None can only be used with ClusterIP service type");
      if (clusterIP !== "None" && tcp.length === 0 && type !== "ExternalName") throw new Error("at least one tcp port specifier must be provided");
      if (type === "ExternalName" && isDNS1123Subdomain(externalName).length > 0) throw new Error(`invalid service external name ${externalName}`);
      const nodePort = f.int("node-port", 0);
      const ports = tcp.map((spec) => ({
        name: spec.replaceAll(":", "-"),
        protocol: "TCP",
        ...servicePort(spec),
        ...(nodePort !== 0 ? { nodePort } : {}),
      }));
      const labels = { app: serviceName };
      const service = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: serviceName, labels },
        spec: {
          ...(ports.length > 0 ? { ports } : {}),
          selector: labels,
          type,
          ...(clusterIP !== "" ? { clusterIP } : {}),
          ...(externalName !== "" ? { externalName } : {}),
        },
        status: { loadBalancer: {} },
      } as Service;
      return yield* send(inv, service, `failed to create ${type} service`);
    },
  };
}

const serviceGenerators: Command = {
  name: "service",
  aliases: ["svc"],
  short: "Create a service using a specified subcommand",
  usage: "[flags]",
  subcommands: [
    serviceGenerator("ClusterIP", "clusterip", "NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none]", [{ name: "clusterip", type: "string" }]),
    serviceGenerator("ExternalName", "externalname", "NAME --external-name external.name [--dry-run=server|client|none]", [{ name: "external-name", type: "string" }]),
    serviceGenerator("LoadBalancer", "loadbalancer", "NAME [--tcp=port:targetPort] [--dry-run=server|client|none]", []),
    serviceGenerator("NodePort", "nodeport", "NAME [--tcp=port:targetPort] [--dry-run=server|client|none]", [{ name: "node-port", type: "int" }]),
  ],
};

const pdbGenerator: Command = {
  name: "poddisruptionbudget",
  aliases: ["pdb"],
  short: "Create a pod disruption budget with the specified name",
  usage: "NAME --selector=SELECTOR --min-available=N [--dry-run=server|client|none]",
  flags: [...GENERATOR_FLAGS, { name: "selector", type: "string" }, { name: "min-available", type: "string" }, { name: "max-unavailable", type: "string" }],
  run: function* (inv: Invocation): Proc<number> {
    const name = singleName(inv);
    const { flags } = inv;
    const selector = flags.string("selector");
    const minAvailable = flags.string("min-available");
    const maxUnavailable = flags.string("max-unavailable");
    if (selector === "") throw new Error("a selector must be specified");
    if (minAvailable === "" && maxUnavailable === "") throw new Error("one of min-available or max-unavailable must be specified");
    if (minAvailable !== "" && maxUnavailable !== "") throw new Error("min-available and max-unavailable cannot be both specified");
    // A count or a percentage, not a quantity (10, 50%, but not 10Gb).
    const amount = /^[0-9]+%?$/;
    if (minAvailable !== "" && !amount.test(minAvailable)) throw new Error("invalid format specified for min-available");
    if (maxUnavailable !== "" && !amount.test(maxUnavailable)) throw new Error("invalid format specified for max-unavailable");
    const pdb = {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name },
      spec: {
        ...(minAvailable !== "" ? { minAvailable: intOrString(minAvailable) } : { maxUnavailable: intOrString(maxUnavailable) }),
        selector: parseToLabelSelector(selector),
      },
      // The status fields are not omitempty: a client dry run prints them as zeros.
      status: { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 },
    } as PodDisruptionBudget;
    return yield* send(inv, pdb, "failed to create poddisruptionbudgets");
  },
};

export const createCommand: Command = {
  name: "create",
  short: "Create a resource from a file or from stdin",
  usage: "-f FILENAME",
  flags: [...APPLY_FLAGS, { name: "save-config", type: "bool" }],
  subcommands: [
    ...rbacGenerators(),
    configMapGenerator,
    cronJobGenerator,
    deploymentGenerator,
    ingressGenerator,
    jobGenerator,
    namespaceGenerator,
    pdbGenerator,
    secretGenerator,
    serviceGenerators,
    serviceAccountGenerator,
  ],
  run: function* (inv: Invocation): Proc<number> {
    if (inv.args.length > 0) throw usageError(inv.path, `Unexpected args: [${inv.args.join(" ")}]`);
    if (!hasSources(inv.flags)) {
      inv.s.err(`Error: must specify one of -f and -k\n\n${commandHelp(inv.path, createCommand)}`);
      return 1;
    }
    return yield* createFromSources(inv);
  },
};
