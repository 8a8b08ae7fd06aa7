import { notFound } from "../../api/errors.js";
import { fieldSelectorMatches, parseFieldSelector, parseSelector, selectorMatches, type FieldRequirement, type Selector } from "../../api/labels.js";
import { groupResource, resolveResource, typeForObject, type ResourceType } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import { StatusError, toStatus, withSource } from "./errors.js";
import type { SourcedObject } from "./sources.js";
import type { Session } from "./session.js";

/**
 * The resource builder of kubectl (cli-runtime resource.Builder) for what commands are pointed
 * at: `TYPE[,TYPE…] [NAME…]`, `TYPE/NAME…`, label and field selectors, `--all`, and objects read
 * from `-f`/`-k`, resolved to live objects with kubectl's errors for bad combinations.
 */
export interface Target {
  readonly type: ResourceType;
  /** Undefined for cluster-scoped resources. */
  readonly namespace: string | undefined;
  readonly name: string;
  /** The live object (for `-f`, fetched by the manifest's name). */
  readonly object: KubeObject;
  /** The `-f` source it was named in. */
  readonly source?: string;
}

export interface Section {
  readonly type: ResourceType;
  readonly targets: Target[];
}

export interface Selection {
  /** Per requested type (consecutive requests of one type merged), in request order. */
  readonly sections: Section[];
  /** NotFound and the like: reported after what was found, as ContinueOnError does. */
  readonly errors: unknown[];
  /** One name asked for: `-o yaml` prints the object rather than a List. */
  readonly singleItem: boolean;
}

export interface SelectRequest {
  readonly args: readonly string[];
  readonly selector?: string;
  readonly fieldSelector?: string;
  /** `--all`: every object of the types. */
  readonly all?: boolean;
  readonly allNamespaces?: boolean;
  /** A bare type lists everything (`get pods`); otherwise it needs names or a selector (`delete pods`). */
  readonly typeAloneListsAll?: boolean;
  /** Objects from `-f`/`-k`: the live objects with their names are selected. */
  readonly sourced?: readonly SourcedObject[];
  /** `--local`: the `-f` objects themselves are the targets; the server is not asked. */
  readonly local?: boolean;
  /**
   * For commands that act on `-f` objects without reading them first (delete): a missing one is
   * reported as the failed action on its source (`error when deleting "web.yaml": …`).
   */
  readonly missingVerb?: string;
}

/** The resource builder's error when neither arguments nor files name anything. */
export const MISSING_RESOURCE =
  "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/** The resource builder's error for resources named by argument under --local. */
export const LOCAL_NEEDS_FILES =
  "you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'";

export function flatten(selection: Selection): Target[] {
  return selection.sections.flatMap((s) => s.targets);
}

/** The namespace a manifest's object goes to, checked against an explicit `-n` (RequireNamespace). */
export function namespaceFor(s: Session, type: ResourceType, object: KubeObject): string | undefined {
  if (!type.namespaced) return undefined;
  const ns = object.metadata.namespace;
  if (ns === undefined || ns === "") return s.namespace;
  if (s.explicitNamespace && ns !== s.namespace) {
    throw new Error(`the namespace from the provided object ${JSON.stringify(ns)} does not match the namespace ${JSON.stringify(s.namespace)}. You must pass '--namespace=${ns}' to perform this operation.`);
  }
  return ns;
}

/** schema.GroupVersionResource's String(): `/v1, Resource=pods`, `apps/v1, Resource=statefulsets`. */
export function gvrString(type: ResourceType): string {
  return `${type.group}/${type.version}, Resource=${type.plural}`;
}

/** schema.GroupVersionKind's String(): `/v1, Kind=Pod`. */
export function gvkString(type: ResourceType): string {
  return `${type.group}/${type.version}, Kind=${type.kind}`;
}

/** The type a manifest's apiVersion and kind map to (loadManifests has already refused others). */
export function typeOf(object: KubeObject): ResourceType {
  const type = typeForObject(object.apiVersion, object.kind);
  if (type === undefined) throw new Error(`no matches for kind ${JSON.stringify(object.kind)} in version ${JSON.stringify(object.apiVersion)}`);
  return type;
}

/** What selecting objects builds up: sections per type, and the errors met fetching named ones. */
class SelectionBuilder {
  readonly sections: Section[] = [];
  readonly errors: unknown[] = [];

  constructor(
    private readonly s: Session,
    private readonly missingVerb?: string,
  ) {}

  add(type: ResourceType, target: Target | undefined): void {
    if (type.deprecation !== undefined) this.s.warn(type.deprecation);
    const last = this.sections[this.sections.length - 1];
    const section = last !== undefined && last.type === type ? last : { type, targets: [] };
    if (section !== last) this.sections.push(section);
    if (target !== undefined) section.targets.push(target);
  }

  fetch(type: ResourceType, namespace: string | undefined, name: string, source?: string): void {
    const object = this.s.api.get(type.kind, namespace, name);
    if (object === undefined) {
      const status = toStatus(notFound(groupResource(type), name));
      this.errors.push(this.missingVerb === undefined ? status : withSource(this.missingVerb, source, status));
      this.add(type, undefined);
    } else this.add(type, { type, namespace, name, object, ...(source !== undefined ? { source } : {}) });
  }

  done(singleItem: boolean): Selection {
    return { sections: this.sections, errors: this.errors, singleItem };
  }
}

/** splitResourceTypeName: `TYPE/NAME` as a type and a name, undefined without a slash. */
function typeAndName(arg: string): { type: ResourceType; name: string } | undefined {
  if (!arg.includes("/")) return undefined;
  const parts = arg.split("/");
  if (parts.length !== 2) throw new Error("arguments in resource/name form may not have more than one slash");
  const [resource, name] = parts as [string, string];
  const types = resource === "" || name === "" || resource.includes(",") ? [] : resolveResource(resource);
  if (types.length !== 1) throw new Error("arguments in resource/name form must have a single resource and name");
  return { type: types[0]!, name };
}

export function select(s: Session, req: SelectRequest): Selection {
  const b = new SelectionBuilder(s, req.missingVerb);

  if (req.sourced !== undefined) {
    if (req.args.length > 0) throw new Error("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well");
    for (const { object, source } of req.sourced) {
      const type = typeOf(object);
      const namespace = namespaceFor(s, type, object);
      if (req.local === true) b.add(type, { type, namespace, name: object.metadata.name ?? "", object, source });
      else b.fetch(type, namespace, object.metadata.name ?? "", source);
    }
    return b.done(req.sourced.length === 1);
  }

  const slashes = req.args.filter((a) => a.includes("/")).length;
  if (slashes > 0) {
    if (slashes !== req.args.length) {
      throw new Error(
        "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      );
    }
    if (hasSelector(req)) throw new Error("selectors and the all flag cannot be used when passing resource/name arguments");
    const tuples = req.args.map((a) => typeAndName(a)!);
    for (const { type, name } of tuples) b.fetch(type, targetNamespace(s, type, req, true), name);
    return b.done(tuples.length === 1);
  }

  if (req.args.length === 0) throw new Error(MISSING_RESOURCE);
  const types = dedupe(req.args[0]!.split(",").filter((t) => t !== "").flatMap((t) => resolveResource(t)));
  const names = req.args.slice(1);
  if (names.length > 0) {
    if (hasSelector(req)) throw new Error("name cannot be provided when a selector is specified");
    if (types.length > 1) throw new Error("you must provide a resource and a resource name together");
    const type = types[0]!;
    for (const name of names) b.fetch(type, targetNamespace(s, type, req, true), name);
    return b.done(names.length === 1);
  }
  if (!hasSelector(req) && !req.typeAloneListsAll) throw new Error("resource(s) were provided, but no name was specified");
  const labels = parseLabels(req.selector);
  for (const type of types) {
    const fields = parseFields(req.fieldSelector, type);
    b.add(type, undefined);
    for (const object of s.list(type.kind, targetNamespace(s, type, req, false))) {
      if (!selectorMatches(labels, object.metadata.labels) || !fieldSelectorMatches(fields, object)) continue;
      b.add(type, { type, namespace: object.metadata.namespace, name: object.metadata.name ?? "", object });
    }
  }
  return b.done(false);
}

/**
 * builder.ResourceNames(resource, names…), as drain, cordon and exec use it: each argument is a
 * NAME of the given resource or a `TYPE/NAME` of any type, fetched from the context's namespace.
 */
export function selectNames(s: Session, resource: string, names: readonly string[]): Selection {
  const b = new SelectionBuilder(s);
  const [fallback] = resolveResource(resource);
  for (const arg of names) {
    const { type, name } = typeAndName(arg) ?? { type: fallback!, name: arg };
    b.fetch(type, type.namespaced ? s.namespace : undefined, name);
  }
  return b.done(names.length === 1);
}

function hasSelector(req: SelectRequest): boolean {
  return (req.selector ?? "") !== "" || (req.fieldSelector ?? "") !== "" || req.all === true;
}

function targetNamespace(s: Session, type: ResourceType, req: SelectRequest, byName: boolean): string | undefined {
  if (!type.namespaced) return undefined;
  if (req.allNamespaces) {
    if (byName) throw new Error("a resource cannot be retrieved by name across all namespaces");
    return undefined;
  }
  return s.namespace;
}

function dedupe(types: ResourceType[]): ResourceType[] {
  return types.filter((t, i) => types.indexOf(t) === i);
}

/** The label selector, parsed as the API server parses it (a BadRequest when it does not parse). */
export function parseLabels(selector: string | undefined): Selector {
  try {
    return parseSelector(selector ?? "");
  } catch (e) {
    throw new StatusError("BadRequest", (e as Error).message);
  }
}

/** The field selector for one type, parsed as the API server does for it. */
export function parseFields(selector: string | undefined, type: ResourceType): FieldRequirement[] {
  if ((selector ?? "") === "") return [];
  try {
    return parseFieldSelector(selector!, type.kind);
  } catch (e) {
    throw new StatusError("BadRequest", (e as Error).message);
  }
}
