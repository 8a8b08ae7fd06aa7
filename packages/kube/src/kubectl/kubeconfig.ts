import { parse as parseYaml } from "yaml";
import type { Schema, StructSchema } from "../api/schema.js";
import type { ProcessContext } from "../runtime/process.js";
import { goYaml } from "./output/index.js";

/**
 * kubeconfig files as client-go's clientcmd reads and writes them: the files $KUBECONFIG lists
 * (or ~/.kube/config) merged with the first file winning, the current context choosing the
 * cluster, user and namespace, and `kubectl config` writing changes back to the file that holds
 * the entry (or the first file). Entries keep every field they were read with.
 */
export type Entry = Record<string, unknown>;

export interface Kubeconfig {
  readonly clusters: Map<string, Entry>;
  readonly users: Map<string, Entry>;
  readonly contexts: Map<string, ContextEntry>;
  currentContext: string;
  preferences: Entry;
}

export interface ContextEntry extends Entry {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** A kubeconfig that does not parse (clientcmd.LoadFromFile's error). */
export class KubeconfigError extends Error {
  override name = "KubeconfigError";
}

export function emptyKubeconfig(): Kubeconfig {
  return { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: "", preferences: {} };
}

function named(list: unknown, field: string, into: Map<string, Entry>): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (item === null || typeof item !== "object") continue;
    const { name, [field]: body } = item as Record<string, unknown>;
    // The first file that names an entry wins (clientcmd's merge).
    if (typeof name === "string" && !into.has(name)) into.set(name, { ...((body as Entry | null) ?? {}) });
  }
}

/**
 * Parsed kubeconfig texts: every kubectl invocation reads the file, and parsing YAML was a sixth
 * of what a ZooKeeper tutorial run allocated. Entries are copied out, never changed in place.
 */
const parsedTexts = new Map<string, unknown>();

function parseKubeconfigText(text: string, path: string): unknown {
  if (parsedTexts.has(text)) return parsedTexts.get(text);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new KubeconfigError(`error loading config file "${path}": yaml: ${(e as Error).message.split("\n")[0]}`);
  }
  if (parsedTexts.size >= 64) parsedTexts.clear();
  parsedTexts.set(text, doc);
  return doc;
}

function mergeInto(config: Kubeconfig, text: string, path: string): void {
  const doc = parseKubeconfigText(text, path);
  if (doc === null || doc === undefined) return;
  if (typeof doc !== "object" || Array.isArray(doc)) throw new KubeconfigError(`error loading config file "${path}": couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(doc) ? "array" : typeof doc} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  const d = doc as Record<string, unknown>;
  named(d.clusters, "cluster", config.clusters);
  named(d.users, "user", config.users);
  named(d.contexts, "context", config.contexts);
  if (config.currentContext === "" && typeof d["current-context"] === "string") config.currentContext = d["current-context"];
  if (Object.keys(config.preferences).length === 0 && d.preferences !== null && typeof d.preferences === "object") config.preferences = { ...(d.preferences as Entry) };
}

/** The files kubectl reads: --kubeconfig, else $KUBECONFIG's list, else ~/.kube/config. */
export function kubeconfigFiles(ctx: ProcessContext, explicit: string): { readonly files: readonly string[]; readonly explicit: boolean } {
  if (explicit !== "") return { files: [explicit], explicit: true };
  const env = ctx.environ.get("KUBECONFIG");
  if (env !== undefined && env !== "") return { files: env.split(":").filter((f) => f !== ""), explicit: false };
  return { files: [`${ctx.environ.get("HOME") ?? "/root"}/.kube/config`], explicit: false };
}

export interface LoadedKubeconfig {
  readonly config: Kubeconfig;
  /** Where changes are written: the first file that exists, else the first listed. */
  readonly path: string;
}

export function loadKubeconfig(ctx: ProcessContext, explicit: string, options: { missingIsEmpty?: boolean } = {}): LoadedKubeconfig {
  const { files, explicit: isExplicit } = kubeconfigFiles(ctx, explicit);
  const config = emptyKubeconfig();
  let path: string | undefined;
  for (const f of files) {
    const abs = ctx.resolve(f);
    if (!ctx.fs.exists(abs)) {
      if (isExplicit && options.missingIsEmpty !== true) throw new KubeconfigError(`stat ${f}: no such file or directory`);
      continue;
    }
    path ??= f;
    mergeInto(config, ctx.fs.readText(abs), f);
  }
  return { config, path: path ?? files[0]! };
}

/** The v1 Config object kubectl prints and writes: entries as lists sorted by name. */
export function kubeconfigObject(config: Kubeconfig): Record<string, unknown> {
  // v1 writes Cluster.server and Context.cluster and .user even when empty (no omitempty).
  const list = (m: Map<string, Entry>, field: string, required: Entry = {}) =>
    m.size === 0 ? null : [...m.keys()].sort().map((name) => ({ name, [field]: { ...required, ...m.get(name) } }));
  return {
    apiVersion: "v1",
    clusters: list(config.clusters, "cluster", { server: "" }),
    contexts: list(config.contexts, "context", { cluster: "", user: "" }),
    "current-context": config.currentContext,
    kind: "Config",
    preferences: config.preferences,
    users: list(config.users, "user"),
  };
}

const ANY: Schema = { t: "any" };

/** A struct of clientcmd/api/v1 with its fields in declaration order (values of any shape). */
function v1Struct(go: string, fields: Record<string, Schema | null>): StructSchema {
  const out: Record<string, { s: Schema; mode: "omit" }> = {};
  for (const [name, s] of Object.entries(fields)) out[name] = { s: s ?? ANY, mode: "omit" };
  return { t: "struct", go: `v1.${go}`, fields: out };
}

const extensions: Schema = { t: "list", of: v1Struct("NamedExtension", { name: null, extension: null }) };

/** The v1 Config types `kubectl config view -o json` marshals, for their field order. */
export const KUBECONFIG_SCHEMA = v1Struct("Config", {
  kind: null,
  apiVersion: null,
  preferences: v1Struct("Preferences", { colors: null, extensions }),
  clusters: {
    t: "list",
    of: v1Struct("NamedCluster", {
      name: null,
      cluster: v1Struct("Cluster", {
        server: null,
        "tls-server-name": null,
        "insecure-skip-tls-verify": null,
        "certificate-authority": null,
        "certificate-authority-data": null,
        "proxy-url": null,
        "disable-compression": null,
        extensions,
      }),
    }),
  },
  users: {
    t: "list",
    of: v1Struct("NamedAuthInfo", {
      name: null,
      user: v1Struct("AuthInfo", {
        "client-certificate": null,
        "client-certificate-data": null,
        "client-key": null,
        "client-key-data": null,
        token: null,
        tokenFile: null,
        as: null,
        "as-uid": null,
        "as-groups": null,
        "as-user-extra": null,
        username: null,
        password: null,
        "auth-provider": null,
        exec: null,
        extensions,
      }),
    }),
  },
  contexts: { t: "list", of: v1Struct("NamedContext", { name: null, context: v1Struct("Context", { cluster: null, user: null, namespace: null, extensions }) }) },
  "current-context": null,
  extensions,
});

export function saveKubeconfig(ctx: ProcessContext, path: string, config: Kubeconfig): void {
  const abs = ctx.resolve(path);
  const dir = abs.slice(0, abs.lastIndexOf("/"));
  if (dir !== "" && !ctx.fs.exists(dir)) ctx.fs.mkdir(dir, { recursive: true, mode: 0o750 });
  ctx.fs.writeFile(abs, goYaml(kubeconfigObject(config)), { mode: 0o600 });
}

/** clientcmdapi.MinifyConfig: only the current context, its cluster and its user. */
export function minify(config: Kubeconfig): Kubeconfig {
  if (config.currentContext === "") throw new Error("current-context must exist in order to minify");
  const context = config.contexts.get(config.currentContext);
  if (context === undefined) throw new Error(`cannot locate context ${config.currentContext}`);
  const pick = (m: Map<string, Entry>, name: string | undefined) => {
    const out = new Map<string, Entry>();
    const e = name === undefined ? undefined : m.get(name);
    if (e !== undefined) out.set(name!, e);
    return out;
  };
  return {
    clusters: pick(config.clusters, context.cluster),
    users: pick(config.users, context.user),
    contexts: new Map([[config.currentContext, context]]),
    currentContext: config.currentContext,
    preferences: config.preferences,
  };
}

/** Without --raw, kubectl 1.32 shows the three data fields as DATA+OMITTED and the token and password as REDACTED. */
const DATA_FIELDS: Readonly<Record<string, string>> = {
  "certificate-authority-data": "DATA+OMITTED",
  "client-certificate-data": "DATA+OMITTED",
  "client-key-data": "DATA+OMITTED",
  token: "REDACTED",
  password: "REDACTED",
};

/**
 * clientcmdapi.FlattenConfig: the certificate and key files an entry names go into it as data,
 * read with `readFile` (which throws for a missing file, whose error kubectl reports as `open …`).
 */
export function flatten(config: Kubeconfig, readFile: (path: string) => Uint8Array): Kubeconfig {
  const embed = (m: Map<string, Entry>, fields: readonly string[]) =>
    new Map(
      [...m].map(([name, e]) => {
        const out: Entry = { ...e };
        for (const field of fields) {
          const path = out[field];
          if (typeof path !== "string" || path === "") continue;
          let data: Uint8Array;
          try {
            data = readFile(path);
          } catch {
            throw new Error(`open ${path}: no such file or directory`);
          }
          out[`${field}-data`] = Buffer.from(data).toString("base64");
          delete out[field];
        }
        return [name, out];
      }),
    );
  // Users first: with a file missing in both, kubectl names the user's.
  const users = embed(config.users, ["client-certificate", "client-key"]);
  return { ...config, users, clusters: embed(config.clusters, ["certificate-authority"]) };
}

/** clientcmdapi.ShortenConfig and the redaction of secrets: what `config view` shows without --raw. */
export function shorten(config: Kubeconfig): Kubeconfig {
  const mask = (m: Map<string, Entry>) =>
    new Map([...m].map(([name, e]) => [name, Object.fromEntries(Object.entries(e).map(([k, v]) => [k, k in DATA_FIELDS && v !== "" ? DATA_FIELDS[k] : v]))]));
  return { ...config, clusters: mask(config.clusters), users: mask(config.users) };
}

/** What a command talks to: the context's namespace, or why there is no usable cluster. */
export type ContextChoice =
  | { readonly ok: true; readonly context: string; readonly namespace: string }
  | { readonly ok: false; readonly message: string };

/**
 * clientcmd's DirectClientConfig with the --context/--cluster/--user overrides: the context in
 * effect must exist, and so must its cluster (with a server) and its user. With no context at all
 * kubectl falls back to localhost:8080, where nothing listens.
 */
export function chooseContext(config: Kubeconfig, overrides: { context: string; cluster: string; user: string }): ContextChoice {
  const name = overrides.context || config.currentContext;
  if (name === "" && overrides.cluster === "") {
    return { ok: false, message: "The connection to the server localhost:8080 was refused - did you specify the right host or port?" };
  }
  const context: ContextEntry = name === "" ? {} : (config.contexts.get(name) ?? {});
  const errors: string[] = [];
  if (name !== "" && !config.contexts.has(name)) errors.push(`context was not found for specified context: ${name}`);
  const cluster = overrides.cluster || context.cluster || "";
  const user = overrides.user || context.user || "";
  if (cluster !== "" && typeof config.clusters.get(cluster)?.server !== "string") errors.push(`no server found for cluster ${JSON.stringify(cluster)}`);
  if (user !== "" && !config.users.has(user)) errors.push(`auth info ${JSON.stringify(user)} does not exist`);
  if (errors.length > 0) return { ok: false, message: `Error in configuration: ${errors.length === 1 ? errors[0] : `\n* ${errors.join("\n* ")}`}` };
  return { ok: true, context: name, namespace: context.namespace || "default" };
}

/** RFC 1123 with the zone name, as Go's time.RFC1123 prints UTC (`Mon, 01 Jan 2024 00:00:00 UTC`). */
function rfc1123(epochMs: number): string {
  const d = new Date(epochMs);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`;
}

/**
 * The kubeconfig `minikube start` writes: the cluster's CA and the client certificate as files
 * under ~/.minikube, and minikube's extension on the cluster and the context.
 */
export function minikubeKubeconfig(options: { server: string; home: string; startedAtMs: number; minikubeVersion: string }): string {
  const info = (name: string) => [{ extension: { "last-update": rfc1123(options.startedAtMs), provider: "minikube.sigs.k8s.io", version: options.minikubeVersion }, name }];
  const config: Kubeconfig = {
    clusters: new Map([["minikube", { "certificate-authority": `${options.home}/.minikube/ca.crt`, extensions: info("cluster_info"), server: options.server }]]),
    users: new Map([["minikube", { "client-certificate": `${options.home}/.minikube/profiles/minikube/client.crt`, "client-key": `${options.home}/.minikube/profiles/minikube/client.key` }]]),
    contexts: new Map([["minikube", { cluster: "minikube", extensions: info("context_info"), namespace: "default", user: "minikube" }]]),
    currentContext: "minikube",
    preferences: {},
  };
  return goYaml(kubeconfigObject(config));
}
