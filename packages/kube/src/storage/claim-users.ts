import type { ObjectStore } from "../api/store.js";
import type { Pod } from "../api/types.js";

/** Pods by the claims they mount (`namespace/claim` → pods), kept current from the pod watch. */
export class ClaimUsers {
  private readonly users = new Map<string, Map<string, Pod>>();

  constructor(store: ObjectStore) {
    for (const p of store.list<Pod>("Pod")) this.add(p);
    store.watch<Pod>("Pod", (e) => {
      if (e.previous !== undefined) this.remove(e.previous);
      if (e.type !== "DELETED") this.add(e.object);
    });
  }

  /** Pods that reference the claim and have not finished (terminating ones included). */
  active(namespace: string | undefined, claim: string): Pod[] {
    const out: Pod[] = [];
    for (const p of this.users.get(`${namespace}/${claim}`)?.values() ?? []) {
      const phase = p.status?.phase;
      if (phase !== "Succeeded" && phase !== "Failed") out.push(p);
    }
    return out;
  }

  private add(p: Pod): void {
    for (const v of p.spec.volumes ?? []) {
      const c = v.persistentVolumeClaim?.claimName;
      if (c === undefined) continue;
      const k = `${p.metadata.namespace}/${c}`;
      let m = this.users.get(k);
      if (m === undefined) this.users.set(k, (m = new Map()));
      m.set(p.metadata.name!, p);
    }
  }

  private remove(p: Pod): void {
    for (const v of p.spec.volumes ?? []) {
      const c = v.persistentVolumeClaim?.claimName;
      if (c !== undefined) this.users.get(`${p.metadata.namespace}/${c}`)?.delete(p.metadata.name!);
    }
  }
}
