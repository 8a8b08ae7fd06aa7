import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from "../api/server.js";
import { jsonEqual } from "../api/json-value.js";
import type { WatchEvent } from "../api/store.js";
import type { KubeObject } from "../api/types.js";
import type { ControllerContext } from "./context.js";
import { WorkQueue } from "./workqueue.js";

const COMPONENT = "garbage-collector";

/**
 * The garbage collector (pkg/controller/garbagecollector), driven by ownerReferences:
 * - an object whose owners are all gone is deleted (background propagation);
 * - an owner being deleted with the `orphan` finalizer has its dependents' references to it
 *   removed, then the finalizer;
 * - an owner being deleted with `foregroundDeletion` has its dependents deleted (foreground
 *   too), and loses the finalizer once none is left.
 * It reacts a little after the change, as the real one does after its informers catch up.
 */
export class GarbageCollector {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (uid) => this.process(uid), 5);
  }

  start(): void {
    this.ctx.api.store.watchAll((e) => this.onChange(e));
  }

  private onChange(e: WatchEvent): void {
    const o = e.object;
    const uid = o.metadata.uid;
    if (uid === undefined) return;
    if (e.type === "DELETED") {
      // Dependents of a vanished owner need attention, and so does an owner deleted in the
      // foreground that may have been waiting for this one to go.
      for (const d of this.ctx.api.store.dependents(uid)) this.queue.add(d.metadata.uid!);
      for (const r of o.metadata.ownerReferences ?? []) {
        const owner = this.ctx.api.store.getByUid(r.uid);
        if (owner?.metadata.deletionTimestamp !== undefined && (owner.metadata.finalizers ?? []).includes(FINALIZER_FOREGROUND)) this.queue.add(r.uid);
      }
      return;
    }
    // Every change to every object comes here: finalizers matter only on an object being deleted.
    if (o.metadata.deletionTimestamp !== undefined) {
      const fin = o.metadata.finalizers ?? [];
      if (fin.includes(FINALIZER_ORPHAN) || fin.includes(FINALIZER_FOREGROUND)) this.queue.add(uid);
    }
    // As the graph builder does, an update only matters when it changes the owner references:
    // owners vanishing are handled through their own DELETED events.
    const refs = o.metadata.ownerReferences;
    if ((refs?.length ?? 0) > 0 && (e.type === "ADDED" || !jsonEqual(refs, e.previous?.metadata.ownerReferences))) this.queue.add(uid);
  }

  private process(uid: string): void {
    const api = this.ctx.api;
    const o = api.store.getByUid(uid);
    if (o === undefined) return;
    const fin = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp !== undefined && fin.includes(FINALIZER_ORPHAN)) {
      for (const d of api.store.dependents(uid)) {
        api.mutate(d.kind, d.metadata.namespace, d.metadata.name!, (x: KubeObject) => {
          const refs = (x.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (refs.length > 0) x.metadata.ownerReferences = refs;
          else delete x.metadata.ownerReferences;
        });
      }
      api.removeFinalizer(o.kind, o.metadata.namespace, o.metadata.name!, FINALIZER_ORPHAN);
      return;
    }
    if (o.metadata.deletionTimestamp !== undefined && fin.includes(FINALIZER_FOREGROUND)) {
      const dependents = api.store.dependents(uid);
      for (const d of dependents) {
        if (d.metadata.deletionTimestamp === undefined) {
          api.delete(d.kind, d.metadata.namespace, d.metadata.name!, { propagationPolicy: "Foreground" });
        }
      }
      if (api.store.dependents(uid).length === 0) {
        api.removeFinalizer(o.kind, o.metadata.namespace, o.metadata.name!, FINALIZER_FOREGROUND);
      }
      return;
    }
    const refs = o.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const alive = refs.filter((r) => {
      const owner = api.store.getByUid(r.uid);
      return owner !== undefined && owner.metadata.name === r.name;
    });
    if (alive.length === refs.length) return;
    if (alive.length === 0) {
      if (o.metadata.deletionTimestamp === undefined) {
        api.delete(o.kind, o.metadata.namespace, o.metadata.name!, { propagationPolicy: "Background" });
      }
      return;
    }
    api.mutate(o.kind, o.metadata.namespace, o.metadata.name!, (x: KubeObject) => {
      x.metadata.ownerReferences = alive;
    });
  }
}
