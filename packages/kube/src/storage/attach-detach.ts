import type { Random, Timer } from "@ksim/sim";
import type { Node, PersistentVolumeClaim, Pod } from "../api/types.js";
import type { ControllerContext } from "../controllers/context.js";
import { isOutOfService } from "../controllers/pod-gc.js";
import { WorkQueue } from "../controllers/workqueue.js";
import type { ClaimUsers } from "./claim-users.js";
import type { VolumeStore } from "./pv-controller.js";

const COMPONENT = "attachdetach-controller";
/** How long the controller waits for an unhealthy node to unmount before detaching anyway. */
const MAX_WAIT_FOR_UNMOUNT_MS = 6 * 60 * 1000;

/**
 * The attach/detach controller: a volume is attached to the node of the pods that use it, one
 * node at a time for ReadWriteOnce. It detaches only when no pod on the old node uses it any
 * more — on a node that stopped responding, six minutes after the last of them is gone, or at
 * once if the node has been declared out of service — so a pod moving to another node waits for
 * the detach, with the Multi-Attach warning meanwhile.
 */
export class AttachDetachController {
  private readonly queue: WorkQueue;
  private readonly random: Random;
  /** The attach or detach scheduled for each PV, and how long it was set to wait. */
  private readonly pending = new Map<string, { readonly timer: Timer; readonly ms: number }>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly disks: VolumeStore,
    private readonly claimUsers: ClaimUsers,
  ) {
    this.queue = new WorkQueue(ctx.sim, COMPONENT, (pv) => this.reconcile(pv));
    this.random = ctx.sim.random.fork("storage/attach");
  }

  start(): void {
    const api = this.ctx.api;
    api.watch<Pod>("Pod", (e) => {
      for (const p of [e.previous, e.object]) if (p !== undefined) this.enqueueVolumesOf(p);
    });
    api.watch<PersistentVolumeClaim>("PersistentVolumeClaim", (e) => {
      if (e.object.spec.volumeName) this.queue.add(e.object.spec.volumeName);
    });
    api.watch<Node>("Node", () => {
      for (const v of this.disks.all()) if (v.attachedTo !== null) this.queue.add(v.id);
    });
  }

  /** Whether the PV's disk is attached to `node`. */
  isAttached(pv: string, node: string): boolean {
    return this.disks.get(pv)?.attachedTo === node;
  }

  /** Calls fn once the PV's disk is attached to `node` (at once if it already is). */
  whenAttached(pv: string, node: string, fn: () => void): void {
    if (this.isAttached(pv, node)) {
      fn();
      return;
    }
    const key = `${pv}@${node}`;
    this.waiters.set(key, [...(this.waiters.get(key) ?? []), fn]);
    this.queue.add(pv);
  }

  private enqueueVolumesOf(pod: Pod): void {
    for (const v of pod.spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (claim === undefined) continue;
      const pvc = this.ctx.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", pod.metadata.namespace, claim);
      if (pvc?.spec.volumeName) this.queue.add(pvc.spec.volumeName);
    }
  }

  private reconcile(pvName: string): void {
    const { api, sim, events } = this.ctx;
    const disk = this.disks.get(pvName);
    if (disk === undefined) return;
    const nodes = this.usersOn(pvName);
    const current = disk.attachedTo;
    if (current !== null && !nodes.has(current)) {
      // Nobody needs it there any more. A node that reports (Ready) has unmounted it; one that
      // does not may still have it mounted, so the controller waits maxWaitForUnmountDuration
      // before detaching by force — unless the operator has declared the node out of service.
      const node = api.get<Node>("Node", undefined, current);
      const ready = node?.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
      const gone = !ready && isOutOfService(node);
      const waiting = this.pending.get(pvName);
      if (gone && waiting?.ms === MAX_WAIT_FOR_UNMOUNT_MS) {
        this.ctx.sim.cancel(waiting.timer);
        this.pending.delete(pvName);
      }
      const wait = ready || gone ? Math.round(this.random.logNormal(1500, 0.4)) : MAX_WAIT_FOR_UNMOUNT_MS;
      this.schedule(pvName, wait, () => {
        // A pod may have claimed the volume on this node again while the detach was pending.
        if (this.usersOn(pvName).has(current)) return this.queue.add(pvName);
        if (!ready) sim.trace.record("volume.force-detach", { pv: pvName, node: current });
        disk.detach();
        this.queue.add(pvName);
      });
      return;
    }
    if (current !== null) {
      // Attached where some pod still needs it: everybody elsewhere waits.
      const others = [...nodes.keys()].filter((n) => n !== current);
      const holders = nodes.get(current)!;
      if (others.length > 0) {
        // While a pod object still holds it there (even Terminating on a dead node), it stays:
        // the others wait until that pod is gone, force-deleted if its node never comes back.
        for (const n of others) {
          for (const p of nodes.get(n)!) {
            const key = `${p.metadata.uid}/${pvName}`;
            if (this.warned.has(key)) continue;
            this.warned.add(key);
            const sameNs = holders.filter((h) => h.metadata.namespace === p.metadata.namespace).map((h) => h.metadata.name);
            const why = sameNs.length > 0
              ? `Volume is already used by pod(s) ${sameNs.join(", ")}`
              : "Volume is already exclusively attached to one node and can't be attached to another";
            events.record(p, "Warning", "FailedAttachVolume", `Multi-Attach error for volume "${pvName}" ${why}`, COMPONENT);
          }
        }
      }
      this.wake(pvName, current);
      return;
    }
    const target = [...nodes.keys()][0];
    if (target === undefined) return;
    this.schedule(pvName, Math.round(this.random.logNormal(2000, 0.4)), () => {
      if (disk.attachedTo !== null) return;
      disk.attach(target);
      for (const p of nodes.get(target) ?? []) {
        events.record(p, "Normal", "SuccessfulAttachVolume", `AttachVolume.Attach succeeded for volume "${pvName}" `, COMPONENT);
      }
      this.wake(pvName, target);
      this.queue.add(pvName);
    });
  }

  /** Scheduled pods using the PV's claim, by node. */
  private usersOn(pvName: string): Map<string, Pod[]> {
    const pvc = this.claimOf(pvName);
    const users = pvc === undefined ? [] : this.claimUsers.active(pvc.metadata.namespace, pvc.metadata.name!).filter((p) => p.spec.nodeName);
    const nodes = new Map<string, Pod[]>();
    for (const p of users) nodes.set(p.spec.nodeName!, [...(nodes.get(p.spec.nodeName!) ?? []), p]);
    return nodes;
  }

  private schedule(pv: string, ms: number, fn: () => void): void {
    if (this.pending.has(pv)) return;
    const timer = this.ctx.sim.schedule(ms, () => {
      this.pending.delete(pv);
      fn();
    }, "attach-detach");
    this.pending.set(pv, { timer, ms });
  }

  private wake(pv: string, node: string): void {
    const key = `${pv}@${node}`;
    const ws = this.waiters.get(key);
    if (ws === undefined) return;
    this.waiters.delete(key);
    for (const w of ws) w();
  }

  private claimOf(pvName: string): PersistentVolumeClaim | undefined {
    const pv = this.ctx.api.get<{ kind: string; metadata: object; apiVersion: string; spec: { claimRef?: { namespace?: string; name?: string } } }>("PersistentVolume", undefined, pvName);
    const ref = pv?.spec.claimRef;
    return ref?.name ? this.ctx.api.get<PersistentVolumeClaim>("PersistentVolumeClaim", ref.namespace, ref.name) : undefined;
  }
}
