import { createHash } from "node:crypto";
import { goJson } from "../api/gojson.js";
import { applyJsonPatch } from "../api/json-patch.js";
import { isJsonObject } from "../api/json-value.js";
import { parseYaml, splitYamlDocuments } from "../api/manifest.js";
import { applyStrategicMergePatch } from "../api/patch.js";
import { typeForObject } from "../api/resources.js";
import { schemaFor } from "../api/schema-kinds.js";
import type { KubeObject } from "../api/types.js";
import { isConfigMapKey } from "../api/validation/content.js";
import { basename, resolvePath } from "../runtime/fs.js";

/**
 * The part of kustomize (sigs.k8s.io/kustomize, as embedded in kubectl) that `kubectl apply -k`,
 * `kubectl kustomize` and `kubectl delete -k` need: resources (files and nested
 * kustomizations), ConfigMap and Secret generators with kustomize's name-suffix hash,
 * generatorOptions, namespace, namePrefix/nameSuffix, commonLabels/labels, commonAnnotations,
 * images, replicas and patches, name references fixed after renaming, and the legacy output
 * order. Files are read through the functions passed in; paths are absolute.
 */
export type ReadFile = (path: string) => string | undefined;
export type IsDirectory = (path: string) => boolean;
/** An http(s) URL's body, or undefined when nothing answers there. */
export type ReadUrl = (url: string) => string | undefined;

export class KustomizeError extends Error {
  override name = "KustomizeError";
}

export interface KustomizeResult {
  readonly resources: KubeObject[];
  /** Deprecation notes kustomize prints to stderr (`# Warning: 'commonLabels' is deprecated. …`). */
  readonly warnings: string[];
}

type Obj = Record<string, unknown>;

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

const KNOWN_FIELDS = new Set([
  "apiVersion", "kind", "metadata", "openapi", "namePrefix", "nameSuffix", "namespace", "commonLabels", "labels", "commonAnnotations",
  "patchesStrategicMerge", "patchesJson6902", "patches", "images", "imageTags", "replacements", "replicas", "vars", "sortOptions",
  "resources", "components", "crds", "bases", "configMapGenerator", "secretGenerator", "helmGlobals", "helmCharts",
  "helmChartInflationGenerator", "generatorOptions", "configurations", "generators", "transformers", "validators", "buildMetadata",
]);
const UNSUPPORTED = ["openapi", "replacements", "vars", "components", "crds", "helmGlobals", "helmCharts", "helmChartInflationGenerator", "configurations", "generators", "transformers", "validators"];

const FIX = "Run 'kustomize edit fix' to update your Kustomization automatically.";
const DEPRECATIONS: Record<string, string> = {
  bases: `# Warning: 'bases' is deprecated. Please use 'resources' instead. ${FIX}`,
  commonLabels: `# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. ${FIX}`,
  patchesJson6902: `# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. ${FIX}`,
  patchesStrategicMerge: `# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. ${FIX}`,
};

interface Res {
  obj: KubeObject;
  /** Every name the resource had, oldest first: references to any of them follow it. */
  names: string[];
  /** Generated and not opted out of the suffix hash. */
  needsHash: boolean;
}

interface Context {
  readonly readFile: ReadFile;
  readonly isDirectory: IsDirectory;
  readonly readUrl: ReadUrl;
  readonly warnings: string[];
}

/** `kubectl kustomize <dir>`: the resources in kustomize's output order. Throws KustomizeError. */
export function kustomize(dir: string, readFile: ReadFile, isDirectory?: IsDirectory, readUrl: ReadUrl = () => undefined): KustomizeResult {
  const ctx: Context = {
    readFile,
    readUrl,
    isDirectory: isDirectory ?? ((p) => KUSTOMIZATION_FILES.some((f) => readFile(`${p}/${f}`) !== undefined)),
    warnings: [],
  };
  if (!ctx.isDirectory(dir)) {
    throw new KustomizeError(`must build at directory: not a valid directory: evalsymlink failure on '${dir}' : lstat ${dir}: no such file or directory`);
  }
  const { resources, sortLegacy } = accumulateTarget(dir, loadKustomization(dir, ctx), ctx);
  for (const r of resources) {
    if (!r.needsHash) continue;
    renameTo(r, `${r.obj.metadata.name}-${nameHash(r.obj)}`);
  }
  fixReferences(resources);
  const out = resources.map((r) => r.obj);
  return { resources: sortLegacy ? legacySort(out) : out, warnings: ctx.warnings };
}

function renameTo(r: Res, name: string): void {
  r.obj = { ...r.obj, metadata: { ...r.obj.metadata, name } };
  r.names.push(name);
}

function loadKustomization(dir: string, ctx: Context): Obj {
  const found = KUSTOMIZATION_FILES.filter((f) => ctx.readFile(`${dir}/${f}`) !== undefined);
  if (found.length === 0) {
    throw new KustomizeError(`unable to find one of ${KUSTOMIZATION_FILES.slice(0, -1).map((f) => `'${f}'`).join(", ")} or '${KUSTOMIZATION_FILES.at(-1)!}' in directory '${dir}'`);
  }
  if (found.length > 1) throw new KustomizeError(`Found multiple kustomization files under: ${dir}\n`);
  const parsed = parseYaml(ctx.readFile(`${dir}/${found[0]!}`)!);
  if ("error" in parsed) throw new KustomizeError(`error converting YAML to JSON: ${parsed.error}`);
  const k = (parsed.value ?? {}) as Obj;
  if (typeof k !== "object" || Array.isArray(k)) throw new KustomizeError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type types.Kustomization");
  for (const field of Object.keys(k)) {
    if (!KNOWN_FIELDS.has(field)) throw new KustomizeError(`error unmarshaling JSON: while decoding JSON: json: unknown field "${field}"`);
  }
  for (const field of Object.keys(DEPRECATIONS)) if (k[field] !== undefined) ctx.warnings.push(DEPRECATIONS[field]!);
  const unsupported = UNSUPPORTED.filter((f) => k[f] !== undefined);
  if (unsupported.length > 0) throw new KustomizeError(`ksim does not support the kustomization field(s): ${unsupported.join(", ")}`);
  if (Object.keys(k).filter((f) => f !== "apiVersion" && f !== "kind").length === 0) throw new KustomizeError("kustomization.yaml is empty");
  if (k.kind === "Component") throw new KustomizeError(`expected kind != 'Component' for path '${dir}'`);
  return k;
}

function accumulateTarget(dir: string, k: Obj, ctx: Context): { resources: Res[]; sortLegacy: boolean } {
  const resources: Res[] = [];
  try {
    for (const path of [...((k.bases as string[] | undefined) ?? []), ...((k.resources as string[] | undefined) ?? [])]) {
      for (const r of accumulatePath(dir, path, ctx)) addResource(resources, r);
    }
  } catch (e) {
    if (e instanceof KustomizeError) throw new KustomizeError(`accumulating resources: ${e.message}`);
    throw e;
  }
  const globalOptions = k.generatorOptions as GeneratorOptions | undefined;
  for (const args of (k.configMapGenerator as GeneratorArgs[] | undefined) ?? []) generate("ConfigMap", args, globalOptions, dir, ctx, resources);
  for (const args of (k.secretGenerator as GeneratorArgs[] | undefined) ?? []) generate("Secret", args, globalOptions, dir, ctx, resources);
  transform(k, dir, ctx, resources);
  const sort = k.sortOptions as { order?: string } | undefined;
  return { resources, sortLegacy: sort?.order !== "fifo" };
}

function addResource(list: Res[], r: Res): void {
  const id = resId(r.obj);
  if (list.some((x) => resId(x.obj) === id)) throw new KustomizeError(`may not add resource with an already registered id: ${id}`);
  list.push(r);
}

/** kyaml ResId.String(): `Secret.v1.[noGrp]/mysql-pass.[noNs]`. */
function resId(o: KubeObject): string {
  const [group, version] = splitApiVersion(o.apiVersion);
  return `${o.kind || "[noKind]"}.${version || "[noVer]"}.${group || "[noGrp]"}/${o.metadata?.name || "[noName]"}.${o.metadata?.namespace || "[noNs]"}`;
}

function splitApiVersion(apiVersion: string | undefined): [string, string] {
  const v = apiVersion ?? "";
  const slash = v.indexOf("/");
  return slash < 0 ? ["", v] : [v.slice(0, slash), v.slice(slash + 1)];
}

function accumulatePath(dir: string, path: string, ctx: Context): Res[] {
  // A resource may be a file at an http(s) URL, which the file loader fetches (IsRemoteFile).
  if (/^https?:\/\//.test(path)) {
    const body = ctx.readUrl(path);
    if (body === undefined) {
      const host = /^https?:\/\/([^/:?#]*)/.exec(path)?.[1] ?? "";
      throw new KustomizeError(`accumulation err='accumulating resources from '${path}': Get "${path}": dial tcp: lookup ${host}: no such host'`);
    }
    return fromText(body, path);
  }
  const abs = resolvePath(dir, path);
  const content = ctx.readFile(abs);
  if (content !== undefined) return fromText(content, path);
  if (!ctx.isDirectory(abs)) {
    const missing = `evalsymlink failure on '${abs}' : lstat ${abs}: no such file or directory`;
    throw new KustomizeError(`accumulation err='accumulating resources from '${path}': ${missing}': must build at directory: not a valid directory: ${missing}`);
  }
  const prefix = `accumulation err='accumulating resources from '${path}': read ${abs}: is a directory': `;
  let k: Obj;
  try {
    k = loadKustomization(abs, ctx);
  } catch (e) {
    if (e instanceof KustomizeError) throw new KustomizeError(`${prefix}couldn't make target for path '${abs}': ${e.message}`);
    throw e;
  }
  try {
    return accumulateTarget(abs, k, ctx).resources;
  } catch (e) {
    if (e instanceof KustomizeError) throw new KustomizeError(`${prefix}recursed accumulation of path '${abs}': ${e.message}`);
    throw e;
  }
}

function fromText(text: string, path: string): Res[] {
  try {
    return resourcesFromText(text, path).map((obj) => ({ obj, names: [obj.metadata.name ?? ""], needsHash: false }));
  } catch (e) {
    if (e instanceof KustomizeError) throw new KustomizeError(`accumulating resources from '${path}': ${e.message}`);
    throw e;
  }
}

function resourcesFromText(text: string, file: string): KubeObject[] {
  const out: KubeObject[] = [];
  const split = splitYamlDocuments(text);
  for (const doc of split.docs) {
    const parsed = parseYaml(doc);
    if ("error" in parsed) throw new KustomizeError(`MalformedYAMLError: ${parsed.error} in File: ${file}`);
    const v = parsed.value as Obj | null;
    if (v === null) continue;
    if (v.kind === "List" && Array.isArray(v.items)) out.push(...(v.items as KubeObject[]));
    else out.push(v as KubeObject);
  }
  if (split.error !== undefined) throw new KustomizeError(split.error);
  for (const o of out) {
    if (typeof o.kind !== "string" || o.kind === "") throw new KustomizeError("missing kind in object");
    o.metadata ??= {};
  }
  return out;
}

// ---- generators ----------------------------------------------------------------------------------

interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: "create" | "replace" | "merge";
  literals?: string[];
  files?: string[];
  envs?: string[];
  env?: string;
  type?: string;
  options?: GeneratorOptions;
}

/** Local options win; global labels and annotations fill the gaps (mergeGlobalOptionsIntoLocal). */
function mergeOptions(local: GeneratorOptions | undefined, global: GeneratorOptions | undefined): GeneratorOptions {
  const out: GeneratorOptions = { ...(local ?? {}) };
  if (global === undefined) return out;
  out.labels = { ...(global.labels ?? {}), ...(local?.labels ?? {}) };
  out.annotations = { ...(global.annotations ?? {}), ...(local?.annotations ?? {}) };
  if (global.disableNameSuffixHash) out.disableNameSuffixHash = true;
  if (global.immutable) out.immutable = true;
  return out;
}

function parseLiteral(source: string): [string, string] {
  const eq = source.indexOf("=");
  if (eq <= 0) throw new KustomizeError(`invalid literal source ${source}, expected key=value`);
  let value = source.slice(eq + 1);
  if (value.length >= 2 && value[0] === value[value.length - 1] && (value[0] === '"' || value[0] === "'")) value = value.slice(1, -1);
  return [source.slice(0, eq), value];
}

function parseEnvLines(content: string): [string, string][] {
  const pairs: [string, string][] = [];
  content.replace(/^\uFEFF/, "").split("\n").forEach((raw) => {
    const line = raw.replace(/\r$/, "").trimStart();
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    const key = eq < 0 ? line : line.slice(0, eq);
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) {
      throw new KustomizeError(`"${key}" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`);
    }
    pairs.push([key, eq < 0 ? "" : line.slice(eq + 1)]);
  });
  return pairs;
}

function readSource(dir: string, path: string, ctx: Context): string {
  const abs = resolvePath(dir, path);
  const content = ctx.readFile(abs);
  if (content === undefined) throw new KustomizeError(`evalsymlink failure on '${abs}' : lstat ${abs}: no such file or directory`);
  return content;
}

/** The key/value pairs of a generator: env files, then literals, then files (kv.Load's order). */
function generatorPairs(args: GeneratorArgs, dir: string, ctx: Context): [string, string][] {
  const pairs: [string, string][] = [];
  const envs = [...(args.envs ?? []), ...(args.env !== undefined ? [args.env] : [])];
  try {
    for (const e of envs) pairs.push(...parseEnvLines(readSource(dir, e, ctx)));
  } catch (err) {
    if (err instanceof KustomizeError) throw new KustomizeError(`env source files: [${envs.join(" ")}]: ${err.message}`);
    throw err;
  }
  try {
    for (const l of args.literals ?? []) pairs.push(parseLiteral(l));
  } catch (err) {
    if (err instanceof KustomizeError) throw new KustomizeError(`literal sources [${(args.literals ?? []).join(" ")}]: ${err.message}`);
    throw err;
  }
  try {
    for (const f of args.files ?? []) {
      const eq = f.indexOf("=");
      if (eq === 0) throw new KustomizeError(`missing key name for file path "${f.slice(1)}" in source "${f}"`);
      const [key, path] = eq < 0 ? [basename(f), f] : [f.slice(0, eq), f.slice(eq + 1)];
      pairs.push([key, readSource(dir, path, ctx)]);
    }
  } catch (err) {
    if (err instanceof KustomizeError) throw new KustomizeError(`file sources: [${(args.files ?? []).join(" ")}]: ${err.message}`);
    throw err;
  }
  return pairs;
}

function generate(kind: "ConfigMap" | "Secret", args: GeneratorArgs, global: GeneratorOptions | undefined, dir: string, ctx: Context, resources: Res[]): void {
  const name = args.name ?? "";
  if (name === "") throw new KustomizeError("a configmap must have a name");
  let pairs: [string, string][];
  try {
    pairs = generatorPairs(args, dir, ctx);
  } catch (e) {
    if (e instanceof KustomizeError) throw new KustomizeError(`loading KV pairs: ${e.message}`);
    throw e;
  }
  const data: Record<string, string> = {};
  for (const [key, value] of pairs) {
    const errs = isConfigMapKey(key);
    if (errs.length > 0) throw new KustomizeError(`"${key}" is not a valid key name: ${errs.join(";")}`);
    if (key in data) throw new KustomizeError(`configmap ${name} illegally repeats the key \`${key}\``);
    data[key] = value;
  }
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(data).sort()) sorted[key] = kind === "Secret" ? Buffer.from(data[key]!, "utf8").toString("base64") : data[key]!;
  const options = mergeOptions(args.options, global);
  const metadata: KubeObject["metadata"] = { name };
  if (args.namespace) metadata.namespace = args.namespace;
  if (options.labels && Object.keys(options.labels).length > 0) metadata.labels = { ...options.labels };
  if (options.annotations && Object.keys(options.annotations).length > 0) metadata.annotations = { ...options.annotations };
  // Field order as kustomize prints a generated object (its YAML output sorts keys).
  const obj: KubeObject =
    kind === "Secret"
      ? { apiVersion: "v1", ...(Object.keys(sorted).length > 0 ? { data: sorted } : {}), ...(options.immutable ? { immutable: true } : {}), kind, metadata, type: args.type ?? "Opaque" }
      : { apiVersion: "v1", ...(Object.keys(sorted).length > 0 ? { data: sorted } : {}), ...(options.immutable ? { immutable: true } : {}), kind, metadata };
  const res: Res = { obj, names: [name], needsHash: options.disableNameSuffixHash !== true };
  const behavior = args.behavior ?? "create";
  const existing = resources.find((r) => r.obj.kind === kind && r.names[0] === name && (r.obj.metadata.namespace ?? "") === (args.namespace ?? ""));
  if (behavior === "create") {
    addResource(resources, res);
  } else if (existing === undefined) {
    throw new KustomizeError(`id ${JSON.stringify(resId(obj))} does not exist; cannot merge or replace`);
  } else {
    const mergedData = behavior === "merge" ? { ...((existing.obj.data as Record<string, string> | undefined) ?? {}), ...sorted } : sorted;
    existing.obj = {
      ...existing.obj,
      ...(Object.keys(mergedData).length > 0 ? { data: mergedData } : {}),
      metadata: {
        ...existing.obj.metadata,
        labels: { ...(existing.obj.metadata.labels ?? {}), ...(metadata.labels ?? {}) },
        annotations: { ...(existing.obj.metadata.annotations ?? {}), ...(metadata.annotations ?? {}) },
      },
    };
    existing.needsHash = existing.needsHash && res.needsHash;
  }
}

/**
 * kustomize's name suffix (hasher.go): sha256 of the JSON Go writes for a map of the fields
 * that matter (`data`, `kind`, `name`, `type`, and `stringData`/`binaryData` when present),
 * its first ten hex digits with 0, 1, 3, a, e mapped to g, h, k, m, t. The name is always "":
 * hasher.go looks it up as `yaml.Lookup("metadata/name")`, one field of that literal name,
 * which no object has. So `mysql-pass` with `password=YOUR_PASSWORD` becomes
 * mysql-pass-5m26tmdb5k (as kubectl 1.32's kustomize v5.5.0 prints it), not the
 * mysql-pass-c57bb4t7mf of the tutorial's older kustomize.
 */
export function nameHash(obj: KubeObject): string {
  const name = "";
  const encoded =
    obj.kind === "Secret"
      ? { kind: "Secret", type: obj.type ?? "", name, data: obj.data ?? "", ...(isJsonObject(obj.stringData) ? { stringData: obj.stringData } : {}) }
      : obj.kind === "ConfigMap"
        ? { kind: "ConfigMap", name, data: obj.data ?? "", ...(isJsonObject(obj.binaryData) ? { binaryData: obj.binaryData } : {}) }
        : obj;
  return suffixHash(goJson(encoded));
}

/** The ten characters both kustomize and kubectl's --append-hash take from the sha256 of JSON. */
export function suffixHash(json: string): string {
  const hex = createHash("sha256").update(json).digest("hex");
  return hex.slice(0, 10).replace(/[013ae]/g, (c) => ({ "0": "g", "1": "h", "3": "k", a: "m", e: "t" })[c]!);
}

// ---- transformers --------------------------------------------------------------------------------

const CLUSTER_SCOPED = new Set(["Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass", "APIService"]);
const WORKLOADS = new Set(["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"]);

function isNamespaced(o: KubeObject): boolean {
  const known = typeForObject(o.apiVersion, o.kind);
  return known !== undefined ? known.namespaced : !CLUSTER_SCOPED.has(o.kind);
}

function transform(k: Obj, dir: string, ctx: Context, resources: Res[]): void {
  applyPatches(k, dir, ctx, resources);
  const namespace = k.namespace as string | undefined;
  if (namespace) for (const r of resources) if (isNamespaced(r.obj)) r.obj = { ...r.obj, metadata: { ...r.obj.metadata, namespace } };
  const prefix = (k.namePrefix as string | undefined) ?? "";
  const suffix = (k.nameSuffix as string | undefined) ?? "";
  if (prefix !== "" || suffix !== "") {
    for (const r of resources) {
      if (r.obj.kind === "Namespace" || r.obj.kind === "CustomResourceDefinition" || r.obj.kind === "APIService") continue;
      renameTo(r, `${prefix}${r.obj.metadata.name ?? ""}${suffix}`);
    }
  }
  const common = k.commonLabels as Record<string, string> | undefined;
  if (common) for (const r of resources) r.obj = addLabels(r.obj, common, true, true);
  for (const entry of (k.labels as { pairs?: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[] | undefined) ?? []) {
    for (const r of resources) r.obj = addLabels(r.obj, entry.pairs ?? {}, entry.includeSelectors === true, entry.includeSelectors === true || entry.includeTemplates === true);
  }
  const annotations = k.commonAnnotations as Record<string, string> | undefined;
  if (annotations) for (const r of resources) r.obj = addAnnotations(r.obj, annotations);
  applyJson6902(k, dir, ctx, resources);
  for (const rep of (k.replicas as { name: string; count: number }[] | undefined) ?? []) {
    for (const r of resources) {
      if (r.names.includes(rep.name) && WORKLOADS.has(r.obj.kind)) r.obj = { ...r.obj, spec: { ...(r.obj.spec as Obj), replicas: rep.count } };
    }
  }
  for (const img of (k.images as ImageSpec[] | undefined) ?? []) for (const r of resources) r.obj = setImages(r.obj, img);
}

/** A deep copy of obj with `update` applied to the object at path (created when `create`). */
function atPath(obj: KubeObject, path: readonly string[], create: boolean, update: (o: Obj) => void): KubeObject {
  const copy = structuredClone(obj) as unknown as Obj;
  const walk = (o: Obj, i: number): void => {
    if (i === path.length) {
      update(o);
      return;
    }
    const key = path[i]!;
    const next = o[key];
    if (path[i + 1] === "[]") {
      if (Array.isArray(next)) for (const item of next) if (item !== null && typeof item === "object") walk(item as Obj, i + 2);
      return;
    }
    if (next === undefined || next === null) {
      if (!create) return;
      o[key] = {};
    }
    if (typeof o[key] === "object" && !Array.isArray(o[key])) walk(o[key] as Obj, i + 1);
  };
  walk(copy, 0);
  return copy as unknown as KubeObject;
}

const AFFINITY_SELECTORS = ["podAffinity", "podAntiAffinity"].flatMap((a) => [
  ["spec", "template", "spec", "affinity", a, "requiredDuringSchedulingIgnoredDuringExecution", "[]", "labelSelector", "matchLabels"],
  ["spec", "template", "spec", "affinity", a, "preferredDuringSchedulingIgnoredDuringExecution", "[]", "podAffinityTerm", "labelSelector", "matchLabels"],
]);

/** The commonLabels field specs of kustomize for the kinds ksim knows. */
function addLabels(obj: KubeObject, labels: Record<string, string>, selectors: boolean, templates: boolean): KubeObject {
  if (Object.keys(labels).length === 0) return obj;
  const put = (o: Obj) => Object.assign(o, labels);
  let out = atPath(obj, ["metadata", "labels"], true, put);
  const kind = obj.kind;
  if (templates && WORKLOADS.has(kind)) out = atPath(out, ["spec", "template", "metadata", "labels"], true, put);
  if (selectors) {
    if (kind === "Service") out = atPath(out, ["spec", "selector"], true, put);
    if (kind === "ReplicationController") out = atPath(out, ["spec", "selector"], true, put);
    if (WORKLOADS.has(kind) && kind !== "ReplicationController") out = atPath(out, ["spec", "selector", "matchLabels"], kind !== "Job", put);
    if (kind === "StatefulSet") out = atPath(out, ["spec", "volumeClaimTemplates", "[]", "metadata", "labels"], true, put);
    if (kind === "PodDisruptionBudget") out = atPath(out, ["spec", "selector", "matchLabels"], false, put);
    if (WORKLOADS.has(kind)) for (const p of AFFINITY_SELECTORS) out = atPath(out, p, false, put);
  }
  return out;
}

function addAnnotations(obj: KubeObject, annotations: Record<string, string>): KubeObject {
  const put = (o: Obj) => Object.assign(o, annotations);
  let out = atPath(obj, ["metadata", "annotations"], true, put);
  if (WORKLOADS.has(obj.kind)) out = atPath(out, ["spec", "template", "metadata", "annotations"], true, put);
  return out;
}

interface ImageSpec {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** The image transformer: `name[:tag][@digest]` whose name matches gets a new name, tag or digest. */
function setImages(obj: KubeObject, img: ImageSpec): KubeObject {
  const rewrite = (image: string): string => {
    const at = image.indexOf("@");
    const ref = at < 0 ? image : image.slice(0, at);
    const colon = ref.lastIndexOf(":");
    const hasTag = colon > ref.lastIndexOf("/");
    const name = hasTag ? ref.slice(0, colon) : ref;
    if (name !== img.name) return image;
    const newName = img.newName ?? name;
    if (img.digest) return `${newName}@${img.digest}`;
    if (img.newTag !== undefined) return `${newName}:${img.newTag}`;
    return `${newName}${hasTag ? ref.slice(colon) : ""}${at < 0 ? "" : image.slice(at)}`;
  };
  let out = obj;
  for (const spec of podSpecPaths(obj.kind)) {
    for (const list of ["containers", "initContainers"]) {
      out = atPath(out, [...spec, list, "[]"], false, (c) => {
        if (typeof c.image === "string") c.image = rewrite(c.image);
      });
    }
  }
  return out;
}

function podSpecPaths(kind: string): string[][] {
  if (kind === "Pod") return [["spec"]];
  if (WORKLOADS.has(kind)) return [["spec", "template", "spec"]];
  if (kind === "CronJob") return [["spec", "jobTemplate", "spec", "template", "spec"]];
  return [];
}

// ---- patches --------------------------------------------------------------------------------------

interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

function matchesTarget(o: KubeObject, t: PatchTarget, names: string[]): boolean {
  const [group, version] = splitApiVersion(o.apiVersion);
  return (
    (t.group === undefined || t.group === group) &&
    (t.version === undefined || t.version === version) &&
    (t.kind === undefined || t.kind === o.kind) &&
    (t.name === undefined || names.includes(t.name) || new RegExp(`^(?:${t.name})$`).test(o.metadata.name ?? "")) &&
    (t.namespace === undefined || t.namespace === (o.metadata.namespace ?? ""))
  );
}

function patchText(p: { path?: string; patch?: string } | string, dir: string, ctx: Context): string {
  if (typeof p === "string") return p.includes("\n") ? p : readSource(dir, p, ctx);
  return p.patch ?? readSource(dir, p.path ?? "", ctx);
}

function applyPatches(k: Obj, dir: string, ctx: Context, resources: Res[]): void {
  const entries: { text: string; target?: PatchTarget }[] = [
    ...((k.patchesStrategicMerge as string[] | undefined) ?? []).map((p) => ({ text: patchText(p, dir, ctx) })),
    ...((k.patches as { path?: string; patch?: string; target?: PatchTarget }[] | undefined) ?? []).map((p) => ({
      text: patchText(p, dir, ctx),
      ...(p.target !== undefined ? { target: p.target } : {}),
    })),
  ];
  for (const entry of entries) {
    const parsed = parseYaml(entry.text);
    if ("error" in parsed) throw new KustomizeError(`MalformedYAMLError: ${parsed.error}`);
    const patch = parsed.value;
    if (Array.isArray(patch)) {
      for (const r of resources) if (entry.target && matchesTarget(r.obj, entry.target, r.names)) r.obj = applyJsonPatch(r.obj, patch);
      continue;
    }
    const p = patch as KubeObject;
    const target: PatchTarget = entry.target ?? { kind: p.kind, ...(p.metadata?.name !== undefined ? { name: p.metadata.name } : {}) };
    const matched = resources.filter((r) => matchesTarget(r.obj, target, r.names));
    if (matched.length === 0 && entry.target === undefined) throw new KustomizeError(`no resource matches strategic merge patch ${JSON.stringify(resId(p))}`);
    for (const r of matched) {
      const body = { ...p, metadata: { ...p.metadata, name: r.obj.metadata.name } } as Obj;
      r.obj = applyStrategicMergePatch(r.obj, body, schemaFor(r.obj.apiVersion, r.obj.kind) ?? { t: "any" });
    }
  }
}

function applyJson6902(k: Obj, dir: string, ctx: Context, resources: Res[]): void {
  for (const p of (k.patchesJson6902 as { target: PatchTarget; path?: string; patch?: string }[] | undefined) ?? []) {
    const parsed = parseYaml(patchText(p, dir, ctx));
    if ("error" in parsed) throw new KustomizeError(`MalformedYAMLError: ${parsed.error}`);
    for (const r of resources) if (matchesTarget(r.obj, p.target, r.names)) r.obj = applyJsonPatch(r.obj, parsed.value);
  }
}

// ---- name references ------------------------------------------------------------------------------

/** Where a pod spec names other objects, by the kind of object named. */
const POD_SPEC_REFS: Record<string, string[][]> = {
  ConfigMap: [
    ["volumes", "[]", "configMap", "name"],
    ["volumes", "[]", "projected", "sources", "[]", "configMap", "name"],
    ...["containers", "initContainers"].flatMap((c) => [
      [c, "[]", "env", "[]", "valueFrom", "configMapKeyRef", "name"],
      [c, "[]", "envFrom", "[]", "configMapRef", "name"],
    ]),
  ],
  Secret: [
    ["volumes", "[]", "secret", "secretName"],
    ["volumes", "[]", "projected", "sources", "[]", "secret", "name"],
    ["imagePullSecrets", "[]", "name"],
    ...["containers", "initContainers"].flatMap((c) => [
      [c, "[]", "env", "[]", "valueFrom", "secretKeyRef", "name"],
      [c, "[]", "envFrom", "[]", "secretRef", "name"],
    ]),
  ],
  PersistentVolumeClaim: [["volumes", "[]", "persistentVolumeClaim", "claimName"]],
  ServiceAccount: [["serviceAccountName"]],
};

function referencePaths(referrer: KubeObject, targetKind: string): string[][] {
  const out = podSpecPaths(referrer.kind).flatMap((spec) => (POD_SPEC_REFS[targetKind] ?? []).map((p) => [...spec, ...p]));
  if (targetKind === "Service" && referrer.kind === "StatefulSet") out.push(["spec", "serviceName"]);
  if (targetKind === "PersistentVolume" && referrer.kind === "PersistentVolumeClaim") out.push(["spec", "volumeName"]);
  if (targetKind === "StorageClass") {
    if (referrer.kind === "PersistentVolumeClaim" || referrer.kind === "PersistentVolume") out.push(["spec", "storageClassName"]);
    if (referrer.kind === "StatefulSet") out.push(["spec", "volumeClaimTemplates", "[]", "spec", "storageClassName"]);
  }
  if (referrer.kind === "ServiceAccount" && targetKind === "Secret") out.push(["secrets", "[]", "name"], ["imagePullSecrets", "[]", "name"]);
  return out;
}

/** The name reference transformer: references to a renamed object follow it to its new name. */
function fixReferences(resources: Res[]): void {
  const renamed = resources.filter((r) => r.names.length > 1);
  for (const referrer of resources) {
    for (const target of renamed) {
      if (isNamespaced(target.obj) && (target.obj.metadata.namespace ?? "") !== (referrer.obj.metadata.namespace ?? "")) continue;
      const current = target.obj.metadata.name!;
      for (const path of referencePaths(referrer.obj, target.obj.kind)) {
        const last = path[path.length - 1]!;
        referrer.obj = atPath(referrer.obj, path.slice(0, -1), false, (o) => {
          if (typeof o[last] === "string" && target.names.includes(o[last] as string)) o[last] = current;
        });
      }
    }
  }
}

// ---- output order ---------------------------------------------------------------------------------

const ORDER_FIRST = [
  "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole",
  "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
  "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
];
const ORDER_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

function typeOrder(kind: string): number {
  const first = ORDER_FIRST.indexOf(kind);
  if (first >= 0) return first - ORDER_FIRST.length;
  const last = ORDER_LAST.indexOf(kind);
  return last >= 0 ? last + 1 : 0;
}

/** kustomize's legacy order (SortOrderTransformer): kind rank, then group_version_kind, then id. */
export function legacySort(objects: readonly KubeObject[]): KubeObject[] {
  const gvk = (o: KubeObject) => {
    const [g, v] = splitApiVersion(o.apiVersion);
    return `${g || "~G"}_${v || "~V"}_${o.kind || "~K"}`;
  };
  const id = (o: KubeObject) => {
    const [g, v] = splitApiVersion(o.apiVersion);
    return `${o.kind || "[noKind]"}.${v || "[noVer]"}.${g || "[noGrp]"}|${o.metadata?.namespace || "~X"}|${o.metadata?.name || "~N"}`;
  };
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...objects].sort((a, b) => typeOrder(a.kind) - typeOrder(b.kind) || cmp(gvk(a), gvk(b)) || cmp(id(a), id(b)));
}
