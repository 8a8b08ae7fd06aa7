import { ext4Inodes, Volume, type Random, type Sim } from "@ksim/sim";
import type { ObjectStore } from "../api/store.js";
import type { KubeObject, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from "../api/types.js";
import type { ControllerContext } from "../controllers/context.js";
import { isTerminating, keyOf, matchesSelector, splitKey } from "../controllers/pod-util.js";
import { WorkQueue } from "../controllers/workqueue.js";
import type { ClaimUsers } from "./claim-users.js";
import { parseQuantity, quantityValue } from "../api/quantity.js";

const COMPONENT = "persistentvolume-controller";
export const PVC_PROTECTION = "kubernetes.io/pvc-protection";
export const PV_PROTECTION = "kubernetes.io/pv-protection";
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
export const SELECTED_NODE_ANNOTATION = "volume.kubernetes.io/selected-node";

/**
 * The disks behind PersistentVolumes: one simulated Volume per PV, created when the volume is
 * provisioned and destroyed when its reclaim policy deletes it. Data lives here, not in the pod.
 */
export class VolumeStore {
  private readonly volumes = new Map<string, Volume>();
  constructor(private readonly sim: Sim) {}

  create(id: string, capacityBytes: number): Volume {
    // Provisioners create the directory world-writable, as minikube's hostpath provisioner does.
    // Formatted when first mounted, as the CSI driver runs mkfs.ext4 on a new disk.
    const v = new Volume(this.sim, id, capacityBytes, { mode: 0o777 }, ext4Inodes(capacityBytes));
    this.volumes.set(id, v);
    this.sim.trace.record("volume.create", { id, capacityBytes });
    return v;
  }

  get(id: string): Volume | undefined {
    return this.volumes.get(id);
  }

  destroy(id: string): void {
    if (this.volumes.delete(id)) this.sim.trace.record("volume.destroy", { id });
  }

  all(): IterableIterator<Volume> {
    return this.volumes.values();
  }
}

/**
 * The volumes a claim could bind: those no claim has yet and those whose claimRef names it.
 * Binding looks at these rather than at every volume, which made thousands of claims quadratic;
 * they come in store (creation) order, the order binding breaks ties by.
 */
class ClaimableVolumes {
  private readonly created = new Map<string, number>();
  private seq = 0;
  private readonly unclaimed = new Map<string, PersistentVolume>();
  /** Claim (`uid/<uid>`, or `ref/<namespace>/<name>` for a claimRef without uid) → its volumes by name. */
  private readonly byClaim = new Map<string, Map<string, PersistentVolume>>();

  constructor(store: ObjectStore) {
    for (const pv of store.list<PersistentVolume>("PersistentVolume")) this.add(pv, true);
    store.watch<PersistentVolume>("PersistentVolume", (e) => {
      if (e.previous !== undefined) this.remove(e.previous);
      if (e.type === "DELETED") this.created.delete(e.object.metadata.name!);
      else this.add(e.object, e.type === "ADDED");
    });
  }

  for(pvc: PersistentVolumeClaim): PersistentVolume[] {
    const out = [...this.unclaimed.values()];
    for (const key of [`uid/${pvc.metadata.uid}`, `ref/${pvc.metadata.namespace}/${pvc.metadata.name}`]) {
      for (const pv of this.byClaim.get(key)?.values() ?? []) out.push(pv);
    }
    return out.sort((a, b) => this.created.get(a.metadata.name!)! - this.created.get(b.metadata.name!)!);
  }

  private add(pv: PersistentVolume, created: boolean): void {
    const name = pv.metadata.name!;
    if (created) this.created.set(name, this.seq++);
    const key = claimKey(pv);
    if (key === undefined) {
      this.unclaimed.set(name, pv);
      return;
    }
    let m = this.byClaim.get(key);
    if (m === undefined) this.byClaim.set(key, (m = new Map()));
    m.set(name, pv);
  }

  private remove(pv: PersistentVolume): void {
    const name = pv.metadata.name!;
    const key = claimKey(pv);
    if (key === undefined) {
      this.unclaimed.delete(name);
      return;
    }
    const m = this.byClaim.get(key);
    m?.delete(name);
    if (m?.size === 0) this.byClaim.delete(key);
  }
}

function claimKey(pv: PersistentVolume): string | undefined {
  const ref = pv.spec.claimRef;
  if (ref === undefined) return undefined;
  return ref.uid !== undefined ? `uid/${ref.uid}` : `ref/${ref.namespace}/${ref.name}`;
}

/**
 * The persistent volume controller: binds claims to matching volumes, provisions volumes for
 * claims of a StorageClass (at once, or when the first pod is scheduled for
 * WaitForFirstConsumer), releases and reclaims volumes of deleted claims, and removes the
 * protection finalizers once nothing uses a claim or volume.
 */
export class PersistentVolumeController {
  private readonly claims: WorkQueue;
  private readonly volumesQueue: WorkQueue;
  private readonly random: Random;
  private readonly claimable: ClaimableVolumes;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly disks: VolumeStore,
    private readonly claimUsers: ClaimUsers,
  ) {
    this.claims = new WorkQueue(ctx.sim, COMPONENT, (k) => this.syncClaim(k));
    this.volumesQueue = new WorkQueue(ctx.sim, `${COMPONENT}/volumes`, (k) => this.syncVolume(k));
    this.random = ctx.sim.random.fork("storage/provisioning");
    this.claimable = new ClaimableVolumes(ctx.api.store);
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<PersistentVolumeClaim>("PersistentVolumeClaim", (e) => {
      this.claims.add(keyOf(e.object));
      // As the upstream controller's deleteClaim: the bound volume is released (and reclaimed).
      if (e.type === "DELETED" && e.object.spec.volumeName) this.volumesQueue.add(e.object.spec.volumeName);
    });
    api.watch<PersistentVolume>("PersistentVolume", (e) => {
      this.volumesQueue.add(e.object.metadata.name!);
      const ref = e.object.spec.claimRef;
      if (ref?.namespace && ref.name) this.claims.add(`${ref.namespace}/${ref.name}`);
    });
    // Pods hold claims (protection) and trigger WaitForFirstConsumer provisioning.
    api.watch<Pod>("Pod", (e) => {
      for (const v of e.object.spec.volumes ?? []) {
        if (v.persistentVolumeClaim) this.claims.add(`${e.object.metadata.namespace}/${v.persistentVolumeClaim.claimName}`);
      }
    });
  }

  private syncClaim(key: string): void {
    const [namespace, name] = splitKey(key);
    const api = this.ctx.api;
    const pvc = api.get<PersistentVolumeClaim>("PersistentVolumeClaim", namespace, name);
    if (pvc === undefined) return;
    if (isTerminating(pvc)) {
      if ((pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION) && !this.claimInUse(pvc)) {
        api.removeFinalizer("PersistentVolumeClaim", namespace, name, PVC_PROTECTION);
      }
      return;
    }
    if (pvc.status?.phase === "Bound") {
      const pv = pvc.spec.volumeName ? api.get<PersistentVolume>("PersistentVolume", undefined, pvc.spec.volumeName) : undefined;
      if (pv === undefined) {
        api.mutate<PersistentVolumeClaim>("PersistentVolumeClaim", namespace, name, (c) => {
          c.status = { ...(c.status ?? {}), phase: "Lost" };
        });
        this.ctx.events.record(pvc, "Warning", "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!", COMPONENT);
      }
      return;
    }
    if (pvc.status?.phase === "Lost") return;
    const pv = this.findVolume(pvc);
    if (pv !== undefined) {
      this.bind(pvc, pv);
      return;
    }
    const className = pvc.spec.storageClassName;
    if (!className) return;
    const sc = api.get<StorageClass>("StorageClass", undefined, className);
    if (sc === undefined) {
      this.ctx.events.record(pvc, "Warning", "ProvisioningFailed", `storageclass.storage.k8s.io "${className}" not found`, COMPONENT);
      return;
    }
    if (sc.volumeBindingMode === "WaitForFirstConsumer" && pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === undefined) {
      if (!this.claimInUse(pvc)) {
        this.ctx.events.record(pvc, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding", COMPONENT);
      }
      return;
    }
    this.provision(pvc, sc);
  }

  private provision(pvc: PersistentVolumeClaim, sc: StorageClass): void {
    const { api, events, sim } = this.ctx;
    if (pvc.metadata.annotations?.["volume.kubernetes.io/storage-provisioner"] === sc.provisioner) return;
    api.mutate<PersistentVolumeClaim>("PersistentVolumeClaim", pvc.metadata.namespace, pvc.metadata.name!, (c) => {
      c.metadata.annotations = {
        ...(c.metadata.annotations ?? {}),
        "volume.beta.kubernetes.io/storage-provisioner": sc.provisioner,
        "volume.kubernetes.io/storage-provisioner": sc.provisioner,
      };
    });
    events.record(pvc, "Normal", "ExternalProvisioning", `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`, COMPONENT);
    const delay = Math.round(this.random.logNormal(300, 0.5));
    sim.schedule(delay, () => {
      const claim = api.get<PersistentVolumeClaim>("PersistentVolumeClaim", pvc.metadata.namespace, pvc.metadata.name!);
      if (claim === undefined || claim.metadata.uid !== pvc.metadata.uid || claim.spec.volumeName) return;
      const who = `${sc.provisioner}_provisioner`;
      events.record(claim, "Normal", "Provisioning", `External provisioner is provisioning volume for claim "${claim.metadata.namespace}/${claim.metadata.name}"`, who);
      const name = `pvc-${claim.metadata.uid}`;
      const request = claim.spec.resources?.requests?.storage ?? "1Gi";
      const pv: PersistentVolume = {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: {
          name,
          annotations: { "hostPathProvisionerIdentity": sc.provisioner, "pv.kubernetes.io/provisioned-by": sc.provisioner },
          finalizers: [PV_PROTECTION],
        },
        spec: {
          capacity: { storage: String(request) },
          accessModes: claim.spec.accessModes ?? ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? "Delete",
          storageClassName: sc.metadata.name,
          volumeMode: claim.spec.volumeMode ?? "Filesystem",
          claimRef: {
            kind: "PersistentVolumeClaim",
            namespace: claim.metadata.namespace,
            name: claim.metadata.name,
            uid: claim.metadata.uid,
            apiVersion: "v1",
            resourceVersion: claim.metadata.resourceVersion,
          },
          hostPath: { path: `/tmp/hostpath-provisioner/${claim.metadata.namespace}/${claim.metadata.name}`, type: "" },
        },
      };
      this.disks.create(name, storageBytes(String(request)));
      api.create(pv);
      events.record(claim, "Normal", "ProvisioningSucceeded", `Successfully provisioned volume ${name}`, who);
    }, "provision");
  }

  /** A static volume for the claim: requested name, or the smallest available that fits. */
  private findVolume(pvc: PersistentVolumeClaim): PersistentVolume | undefined {
    const api = this.ctx.api;
    if (pvc.spec.volumeName) {
      const pv = api.get<PersistentVolume>("PersistentVolume", undefined, pvc.spec.volumeName);
      return pv !== undefined && (pv.spec.claimRef === undefined || pv.spec.claimRef.uid === pvc.metadata.uid) ? pv : undefined;
    }
    const want = storageBytes(String(pvc.spec.resources?.requests?.storage ?? "0"));
    let best: PersistentVolume | undefined;
    for (const pv of this.claimable.for(pvc)) {
      if (isTerminating(pv)) continue;
      const ref = pv.spec.claimRef;
      if (ref !== undefined && !(ref.uid === pvc.metadata.uid || (ref.uid === undefined && ref.namespace === pvc.metadata.namespace && ref.name === pvc.metadata.name))) continue;
      if (ref === undefined && pv.status?.phase !== "Available" && pv.status?.phase !== undefined) continue;
      if ((pv.spec.storageClassName ?? "") !== (pvc.spec.storageClassName ?? "")) continue;
      if (!(pvc.spec.accessModes ?? []).every((m) => (pv.spec.accessModes ?? []).includes(m))) continue;
      const size = storageBytes(String(pv.spec.capacity?.storage ?? "0"));
      if (size < want) continue;
      if (pvc.spec.selector !== undefined && !matchesSelector(pvc.spec.selector, pv.metadata.labels)) continue;
      if (ref !== undefined) return pv;
      if (best === undefined || size < storageBytes(String(best.spec.capacity?.storage ?? "0"))) best = pv;
    }
    return best;
  }

  private bind(pvc: PersistentVolumeClaim, pv: PersistentVolume): void {
    const api = this.ctx.api;
    if (this.disks.get(pv.metadata.name!) === undefined) {
      this.disks.create(pv.metadata.name!, storageBytes(String(pv.spec.capacity?.storage ?? "1Gi")));
    }
    api.mutate<PersistentVolume>("PersistentVolume", undefined, pv.metadata.name!, (v) => {
      v.spec.claimRef = {
        kind: "PersistentVolumeClaim",
        namespace: pvc.metadata.namespace,
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
        apiVersion: "v1",
        resourceVersion: pvc.metadata.resourceVersion,
      };
      v.status = { phase: "Bound" };
      if (v.spec.claimRef !== undefined && pv.spec.claimRef === undefined) {
        v.metadata.annotations = { ...(v.metadata.annotations ?? {}), "pv.kubernetes.io/bound-by-controller": "yes" };
      }
    });
    api.mutate<PersistentVolumeClaim>("PersistentVolumeClaim", pvc.metadata.namespace, pvc.metadata.name!, (c) => {
      c.spec.volumeName = pv.metadata.name;
      c.metadata.annotations = {
        ...(c.metadata.annotations ?? {}),
        "pv.kubernetes.io/bind-completed": "yes",
        "pv.kubernetes.io/bound-by-controller": "yes",
      };
      c.status = {
        phase: "Bound",
        accessModes: pv.spec.accessModes,
        capacity: { ...(pv.spec.capacity ?? {}) },
      };
    });
  }

  private syncVolume(name: string): void {
    const api = this.ctx.api;
    const pv = api.get<PersistentVolume>("PersistentVolume", undefined, name);
    if (pv === undefined) return;
    if (isTerminating(pv)) {
      if ((pv.metadata.finalizers ?? []).includes(PV_PROTECTION) && pv.status?.phase !== "Bound") {
        api.removeFinalizer("PersistentVolume", undefined, name, PV_PROTECTION);
        this.disks.destroy(name);
      }
      return;
    }
    const ref = pv.spec.claimRef;
    if (ref === undefined) {
      if (pv.status?.phase !== "Available") api.updateStatus({ ...pv, status: { phase: "Available" } });
      return;
    }
    const claim = ref.name ? api.get<PersistentVolumeClaim>("PersistentVolumeClaim", ref.namespace, ref.name) : undefined;
    const gone = claim === undefined || (ref.uid !== undefined && claim.metadata.uid !== ref.uid);
    if (!gone || pv.status?.phase === "Released" && pv.spec.persistentVolumeReclaimPolicy !== "Delete") {
      if (!gone && claim?.spec.volumeName === name && pv.status?.phase !== "Bound") api.updateStatus({ ...pv, status: { phase: "Bound" } });
      return;
    }
    if (pv.status?.phase !== "Released") api.updateStatus({ ...pv, status: { phase: "Released" } });
    if (pv.spec.persistentVolumeReclaimPolicy === "Delete") {
      // The provisioner deletes the backing disk, then the volume object.
      this.ctx.sim.schedule(Math.round(this.random.logNormal(200, 0.4)), () => {
        const v = api.get("PersistentVolume", undefined, name);
        if (v !== undefined && !isTerminating(v)) api.delete("PersistentVolume", undefined, name);
      }, "reclaim");
    }
  }

  /** Some pod that has not finished still references the claim. */
  private claimInUse(pvc: KubeObject): boolean {
    return this.claimUsers.active(pvc.metadata.namespace, pvc.metadata.name!).length > 0;
  }
}

/** Bytes in a storage quantity; an unparsable one counts as zero (validation refuses those). */
function storageBytes(q: string): number {
  try {
    return quantityValue(parseQuantity(q));
  } catch {
    return 0;
  }
}
