import type { Random, Sim } from "@ksim/sim";
import { ApiError, alreadyExists, conflict, forbidden, notFound } from "./errors.js";
import { groupResource, typeForKind } from "./resources.js";
import { ObjectStore, isNamespaced, type WatchHandler } from "./store.js";
import { cloneJson, jsonEqual } from "./json-value.js";
import { rfc3339 } from "./time.js";
import type { Job, KubeObject, Namespace, ObjectMeta, Pod } from "./types.js";
import { generateJobSelector } from "./validation/batch.js";

export type PropagationPolicy = "Orphan" | "Background" | "Foreground";

export interface DeleteOptions {
  /** Pods only: seconds until the kubelet must have stopped the containers; 0 with force removes at once. */
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: PropagationPolicy;
  /** Refuse unless the object still has this uid (kubectl drain relies on it). */
  readonly uid?: string;
}

/**
 * Per-kind admission: defaulting and validation on create and update. Installed by the cluster
 * from the API machinery (defaults.ts, validation.ts); errors are ApiErrors in the apiserver's
 * words. Without admission, objects are stored as given. admitCreate returns an object (and
 * metadata) that shares nothing with anything else but its input: the server completes it in place.
 */
export interface Admission {
  admitCreate(object: KubeObject): KubeObject;
  admitUpdate(object: KubeObject, old: KubeObject): KubeObject;
  /** A status as the status subresource stores it: decoded (Go's omitempty zeros dropped). */
  admitStatus(object: KubeObject): KubeObject;
  /** A pod as the ephemeralcontainers subresource stores it: the old pod with the new ephemeral containers. */
  admitEphemeralContainers(pod: Pod, old: Pod): Pod;
}

/** Kinds whose spec changes bump metadata.generation (those with a status subresource). */
const GENERATION_KINDS = new Set([
  "Job",
  "StatefulSet",
  "DaemonSet",
  "Deployment",
  "ReplicaSet",
  "PodDisruptionBudget",
  "Service",
  "PersistentVolumeClaim",
  "PersistentVolume",
  "Node",
  "Namespace",
]);

/** Kinds with a status subresource: the main update ignores status, updateStatus ignores the rest. */
const STATUS_KINDS = new Set([...GENERATION_KINDS, "Pod", "HorizontalPodAutoscaler", "APIService"]);

const IMMORTAL_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);

export const FINALIZER_ORPHAN = "orphan";
export const FINALIZER_FOREGROUND = "foregroundDeletion";

/** The plural resource with its group, as error messages name it (`statefulsets.apps`). */
export function resourceName(kind: string): string {
  const type = typeForKind(kind);
  return type === undefined ? `${kind.toLowerCase()}s` : groupResource(type);
}

/**
 * The API server: the registry strategies that sit on the store — uids and timestamps,
 * generation, resourceVersion preconditions, status subresources, graceful pod deletion,
 * finalizers and deletion propagation. Controllers and kubectl both go through it.
 */
export class ApiServer {
  readonly store = new ObjectStore();
  admission: Admission | undefined;
  private readonly uids: Random;
  private readonly names: Random;

  constructor(readonly sim: Sim) {
    this.uids = sim.random.fork("apiserver/uid");
    this.names = sim.random.fork("apiserver/generate-name");
  }

  /** The current time as metav1.Time (RFC 3339, whole seconds). */
  now(): string {
    return rfc3339(this.sim.epochMs());
  }

  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    return this.store.get<T>(kind, namespace, name);
  }

  /** Like get, but a missing object is a NotFound ApiError. */
  read<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T {
    const o = this.store.get<T>(kind, namespace, name);
    if (o === undefined) throw notFound(resourceName(kind), name);
    return o;
  }

  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    return this.store.list<T>(kind, namespace);
  }

  watch<T extends KubeObject = KubeObject>(kind: string, handler: WatchHandler<T>): () => void {
    return this.store.watch(kind, handler);
  }

  /**
   * `uids`: the random stream the new object's uid comes from, when not the server's own (the
   * default RBAC policy draws from a stream of its own, so adding it changed no later uid).
   */
  create<T extends KubeObject>(input: T, options: { dryRun?: boolean; uids?: Random } = {}): T {
    let object: KubeObject = input;
    const namespaced = isNamespaced(object.kind);
    const meta: ObjectMeta = { ...object.metadata };
    if (namespaced) {
      if (!meta.namespace) throw new ApiError("BadRequest", "the namespace of the object must be set");
      if (object.kind !== "Namespace") {
        const ns = this.store.get("Namespace", undefined, meta.namespace);
        if (ns === undefined) throw notFound("namespaces", meta.namespace);
        // The NamespaceLifecycle admission plugin.
        if (ns.metadata.deletionTimestamp !== undefined) {
          throw forbidden(resourceName(object.kind), meta.name ?? meta.generateName ?? "", `unable to create new content in namespace ${meta.namespace} because it is being terminated`);
        }
      }
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName) meta.name = meta.generateName + this.names.k8sSuffix(5);
    if (!meta.name) {
      // The qualified kind has no group for the core API (`ConfigMap`, `StatefulSet.apps`).
      const group = apiGroupOf(object);
      throw new ApiError("Invalid", `${object.kind}${group === "" ? "" : `.${group}`} "" is invalid: metadata.name: Required value: name or generateName is required`, [
        { type: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" },
      ]);
    }
    if (this.store.get(object.kind, meta.namespace, meta.name) !== undefined) throw alreadyExists(resourceName(object.kind), meta.name);
    object = { ...object, metadata: meta };
    if (this.admission) object = this.admission.admitCreate(object);
    // The object and its metadata are this request's own (the copies above, or admission's).
    const m = object.metadata;
    m.uid = (options.uids ?? this.uids).uuid();
    m.creationTimestamp = this.now();
    // The Job strategy builds its selector from the uid, which exists only from here on (the
    // real one does it in Validate, after the uid is filled in).
    if (object.kind === "Job") generateJobSelector(object as Job);
    if (GENERATION_KINDS.has(object.kind)) m.generation = 1;
    delete m.deletionTimestamp;
    delete m.resourceVersion;
    if (options.dryRun) return object as T;
    return this.store.put(object) as T;
  }

  /** Replaces an object. With metadata.resourceVersion set, refuses if someone changed it since. */
  update<T extends KubeObject>(input: T, options: { dryRun?: boolean } = {}): T {
    const old = this.read(input.kind, input.metadata.namespace, input.metadata.name!);
    this.checkPrecondition(input, old);
    let object: KubeObject = {
      ...input,
      metadata: { ...input.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp },
    };
    if (old.metadata.deletionTimestamp !== undefined) {
      object.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
      if (old.metadata.deletionGracePeriodSeconds !== undefined) {
        object.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
      }
    }
    if (STATUS_KINDS.has(object.kind)) {
      if (old.status === undefined) delete object.status;
      else object.status = old.status;
    }
    if (this.admission) object = this.admission.admitUpdate(object, old);
    object.metadata.generation = nextGeneration(object, old);
    if (options.dryRun) return object as T;
    return this.finishWrite(object) as T;
  }

  /** Writes only the status of an object (the status subresource). */
  updateStatus<T extends KubeObject>(input: T): T {
    const old = this.read(input.kind, input.metadata.namespace, input.metadata.name!);
    this.checkPrecondition(input, old);
    let object = { ...old, status: input.status } as KubeObject;
    if (this.admission) object = this.admission.admitStatus(object);
    // As etcd3's GuaranteedUpdate: a write that changes nothing is not stored and not watched.
    if (jsonEqual(object.status, old.status)) return old as T;
    return this.store.put({ ...object, metadata: { ...old.metadata } }) as T;
  }

  /**
   * The pods/ephemeralcontainers subresource: only spec.ephemeralContainers is taken from the
   * input (containers may be added, never changed or removed); everything else stays.
   */
  updateEphemeralContainers(input: Pod): Pod {
    const old = this.read<Pod>("Pod", input.metadata.namespace, input.metadata.name!);
    this.checkPrecondition(input, old);
    const pod = this.admission ? this.admission.admitEphemeralContainers(input, old) : { ...old, spec: { ...old.spec, ephemeralContainers: input.spec.ephemeralContainers } };
    if (jsonEqual(pod.spec, old.spec)) return old;
    return this.store.put({ ...pod, metadata: { ...old.metadata } }) as Pod;
  }

  /**
   * For control-plane components: reads, applies `change` to a copy and writes spec and status
   * back as one change (one watch event). Skips admission: the callers are trusted.
   */
  mutate<T extends KubeObject>(kind: string, namespace: string | undefined, name: string, change: (draft: T) => void): T {
    const old = this.read<T>(kind, namespace, name);
    const draft = cloneJson(old);
    change(draft);
    draft.metadata.generation = nextGeneration(draft, old);
    if (draft.metadata.generation === undefined) delete draft.metadata.generation;
    return this.finishWrite(draft) as T;
  }

  /**
   * Deletes an object as the API server does: objects with finalizers (including those added
   * for Orphan and Foreground propagation) get a deletionTimestamp and stay until the
   * finalizers are gone; scheduled pods get a grace period for the kubelet to stop them.
   */
  delete(kind: string, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject {
    const old = this.read(kind, namespace, name);
    if (options.uid !== undefined && old.metadata.uid !== options.uid) {
      throw conflict(resourceName(kind), name, `Precondition failed: UID in precondition: ${options.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    const meta: ObjectMeta = { ...old.metadata };
    const finalizers = [...(meta.finalizers ?? [])];
    const policy = options.propagationPolicy;
    if (policy === "Orphan" && !finalizers.includes(FINALIZER_ORPHAN)) finalizers.push(FINALIZER_ORPHAN);
    if (policy === "Foreground" && !finalizers.includes(FINALIZER_FOREGROUND)) finalizers.push(FINALIZER_FOREGROUND);

    if (kind === "Namespace") {
      // The NamespaceLifecycle admission plugin's immortal namespaces.
      if (IMMORTAL_NAMESPACES.has(name)) throw forbidden("namespaces", name, "this namespace may not be deleted");
      // The namespace registry: a namespace with spec.finalizers is Terminating until the
      // namespace controller has emptied it and finalized it.
      const ns = old as Namespace;
      if ((ns.spec?.finalizers ?? []).length > 0) {
        if (meta.deletionTimestamp !== undefined) {
          throw conflict("namespaces", name, "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.");
        }
        meta.deletionTimestamp = this.now();
        if (finalizers.length > 0) meta.finalizers = finalizers;
        return this.store.put({ ...ns, metadata: meta, status: { ...ns.status, phase: "Terminating" } } as Namespace);
      }
    }
    if (kind === "Pod") {
      const pod = old as Pod;
      const terminal = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
      let grace = options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      if (!pod.spec.nodeName || terminal) grace = 0;
      if (grace > 0) {
        // A second delete may shorten the grace period, never lengthen it.
        const current = meta.deletionGracePeriodSeconds;
        if (meta.deletionTimestamp !== undefined && current !== undefined && current <= grace) return old;
        meta.deletionTimestamp = rfc3339(this.sim.epochMs() + grace * 1000);
        meta.deletionGracePeriodSeconds = grace;
        meta.finalizers = finalizers.length > 0 ? finalizers : undefined;
        if (meta.finalizers === undefined) delete meta.finalizers;
        return this.store.put({ ...old, metadata: meta });
      }
    }
    if (finalizers.length > 0) {
      if (meta.deletionTimestamp === undefined) {
        meta.deletionTimestamp = this.now();
        meta.deletionGracePeriodSeconds = 0;
      }
      meta.finalizers = finalizers;
      return this.store.put({ ...old, metadata: meta });
    }
    this.store.remove(kind, namespace, name);
    return { ...old, metadata: { ...meta, deletionTimestamp: meta.deletionTimestamp ?? this.now(), deletionGracePeriodSeconds: 0 } };
  }

  /** The namespaces/finalize subresource: spec.finalizers replaced; a Terminating namespace with none left is gone. */
  finalizeNamespace(name: string, finalizers: readonly string[]): void {
    const old = this.store.get<Namespace>("Namespace", undefined, name);
    if (old === undefined) return;
    const { finalizers: _old, ...rest } = old.spec ?? {};
    this.finishWrite({ ...old, spec: finalizers.length === 0 ? rest : { ...rest, finalizers: [...finalizers] } } as Namespace);
  }

  /** Removes a finalizer; an object being deleted with no finalizers left is removed. */
  removeFinalizer(kind: string, namespace: string | undefined, name: string, finalizer: string): void {
    const old = this.store.get(kind, namespace, name);
    if (old === undefined || !(old.metadata.finalizers ?? []).includes(finalizer)) return;
    const finalizers = old.metadata.finalizers!.filter((f) => f !== finalizer);
    const meta: ObjectMeta = { ...old.metadata, finalizers };
    if (finalizers.length === 0) delete meta.finalizers;
    this.finishWrite({ ...old, metadata: meta });
  }

  private finishWrite(object: KubeObject): KubeObject {
    const m = object.metadata;
    const waiting =
      (object.kind === "Pod" && (m.deletionGracePeriodSeconds ?? 0) > 0) || (object.kind === "Namespace" && ((object as Namespace).spec?.finalizers ?? []).length > 0);
    if (m.deletionTimestamp !== undefined && (m.finalizers ?? []).length === 0 && !waiting) {
      this.store.remove(object.kind, m.namespace, m.name!);
      return object;
    }
    return this.store.put(object);
  }

  private checkPrecondition(input: KubeObject, old: KubeObject): void {
    const rv = input.metadata.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion) {
      throw conflict(resourceName(input.kind), input.metadata.name!, "the object has been modified; please apply your changes to the latest version and try again");
    }
  }
}

function apiGroupOf(o: KubeObject): string {
  const slash = o.apiVersion.indexOf("/");
  return slash < 0 ? "" : o.apiVersion.slice(0, slash);
}

function nextGeneration(object: KubeObject, old: KubeObject): number | undefined {
  const g = old.metadata.generation;
  if (g === undefined) return undefined;
  if (!GENERATION_KINDS.has(object.kind)) return g;
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return JSON.stringify(rest);
  };
  return strip(object) !== strip(old) ? g + 1 : g;
}
