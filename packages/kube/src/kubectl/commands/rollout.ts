import { Future, timeout, wait, type Proc } from "@ksim/sim";
import { CHANGE_CAUSE } from "../output/messages.js";
import { jsonEqual } from "../../api/json-value.js";
import { labelSelectorAsSelector, selectorMatches } from "../../api/labels.js";
import { groupResource } from "../../api/resources.js";
import { rfc3339 } from "../../api/time.js";
import type { ControllerRevision, DaemonSet, Deployment, KubeObject, PodTemplateSpec, ReplicaSet, StatefulSet } from "../../api/types.js";
import { POD_TEMPLATE_HASH, REVISION_ANNOTATION } from "../../controllers/deployment.js";
import { controllerRef } from "../../controllers/pod-util.js";
import { applyRevision } from "../../controllers/history.js";
import { nameLine, rolloutHistory, rolloutHistoryRevision, schemaGroupKind } from "../output/index.js";
import { DRY_RUN_FLAG, dryRunOf, dryRunSuffix, type Command, type Invocation } from "./command.js";
import { aggregate } from "./errors.js";
import { FILENAME_FLAGS, hasSources, loadSources } from "./sources.js";
import type { Session } from "./session.js";
import { flatten, select, type Target } from "./targets.js";
import { patchObject, updateObject } from "./writes.js";

/**
 * `kubectl rollout status|history|undo|restart|pause|resume` for StatefulSets, DaemonSets and
 * Deployments (kubectl pkg/cmd/rollout and polymorphichelpers).
 */
const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

/** The objects a rollout subcommand works on (`TYPE NAME`, `TYPE/NAME`, `-f`). */
function* targetsOf(inv: Invocation): Proc<{ targets: Target[]; errors: unknown[] }> {
  // Every subcommand's Validate refuses a bare invocation before asking the server anything.
  if (inv.args.length === 0 && !hasSources(inv.flags)) throw new Error("required resource not specified");
  const loaded = hasSources(inv.flags) ? yield* loadSources(inv.s, inv.flags) : undefined;
  const selection = select(inv.s, { args: inv.args, ...(loaded !== undefined ? { sourced: loaded.objects } : {}) });
  return { targets: flatten(selection), errors: [...(loaded?.errors ?? []), ...selection.errors] };
}

// ---- status ---------------------------------------------------------------------------------

/** StatusViewer.Status: the line to print, whether the rollout is done, or an error. */
function rolloutStatus(object: KubeObject): { text: string; done: boolean } {
  if (object.kind === "StatefulSet") {
    const sts = object as StatefulSet;
    const strategy = sts.spec.updateStrategy;
    if (strategy?.type !== "RollingUpdate") throw new Error("rollout status is only available for RollingUpdate strategy type");
    const status = sts.status;
    const observed = status?.observedGeneration ?? 0;
    if (observed === 0 || (sts.metadata.generation ?? 0) > observed) return { text: "Waiting for statefulset spec update to be observed...\n", done: false };
    const replicas = sts.spec.replicas;
    const ready = status?.readyReplicas ?? 0;
    const updated = status?.updatedReplicas ?? 0;
    if (replicas !== undefined && ready < replicas) return { text: `Waiting for ${replicas - ready} pods to be ready...\n`, done: false };
    if (strategy.rollingUpdate !== undefined) {
      const partition = strategy.rollingUpdate.partition;
      if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
        return { text: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...\n`, done: false };
      }
      return { text: `partitioned roll out complete: ${updated} new pods have been updated...\n`, done: true };
    }
    if (status?.updateRevision !== status?.currentRevision) {
      return { text: `waiting for statefulset rolling update to complete ${updated} pods at revision ${status?.updateRevision ?? ""}...\n`, done: false };
    }
    return { text: `statefulset rolling update complete ${status?.currentReplicas ?? 0} pods at revision ${status?.currentRevision ?? ""}...\n`, done: true };
  }
  if (object.kind === "Deployment") {
    const d = object as Deployment;
    const name = JSON.stringify(d.metadata.name);
    const status = d.status ?? {};
    if ((d.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) return { text: "Waiting for deployment spec update to be observed...\n", done: false };
    const progressing = status.conditions?.find((c) => c.type === "Progressing");
    if (progressing?.reason === "ProgressDeadlineExceeded") throw new Error(`deployment ${name} exceeded its progress deadline`);
    const updated = status.updatedReplicas ?? 0;
    const replicas = d.spec.replicas;
    if (replicas !== undefined && updated < replicas) return { text: `Waiting for deployment ${name} rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`, done: false };
    if ((status.replicas ?? 0) > updated) return { text: `Waiting for deployment ${name} rollout to finish: ${(status.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
    if ((status.availableReplicas ?? 0) < updated) return { text: `Waiting for deployment ${name} rollout to finish: ${status.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
    return { text: `deployment ${name} successfully rolled out\n`, done: true };
  }
  if (object.kind === "DaemonSet") {
    const ds = object as DaemonSet;
    if (ds.spec.updateStrategy?.type !== "RollingUpdate") throw new Error("rollout status is only available for RollingUpdate strategy type");
    const name = JSON.stringify(ds.metadata.name);
    const status = ds.status;
    if ((ds.metadata.generation ?? 0) > (status?.observedGeneration ?? 0)) return { text: "Waiting for daemon set spec update to be observed...\n", done: false };
    const desired = status?.desiredNumberScheduled ?? 0;
    const updated = status?.updatedNumberScheduled ?? 0;
    const available = status?.numberAvailable ?? 0;
    if (updated < desired) return { text: `Waiting for daemon set ${name} rollout to finish: ${updated} out of ${desired} new pods have been updated...\n`, done: false };
    if (available < desired) return { text: `Waiting for daemon set ${name} rollout to finish: ${available} of ${desired} updated pods are available...\n`, done: false };
    return { text: `daemon set ${name} successfully rolled out\n`, done: true };
  }
  // StatusViewerFor names the GroupKind: `Pod`, `Job.batch`.
  throw new Error(`no status viewer has been implemented for ${schemaGroupKind(object.kind, object.apiVersion)}`);
}

/** Prints the status on the current object and on every change until done (or `--watch=false`). */
function* watchStatus(s: Session, target: Target, watching: boolean, timeoutMs: number): Proc<void> {
  const done = new Future<Error | undefined>();
  const onObject = (object: KubeObject) => {
    if (done.settled) return;
    try {
      const { text, done: finished } = rolloutStatus(object);
      s.out(text);
      if (finished || !watching) done.resolve(undefined);
    } catch (e) {
      done.resolve(e as Error);
    }
  };
  const stop = s.api.watch(target.type.kind, (e) => {
    if (e.object.metadata.namespace !== target.namespace || e.object.metadata.name !== target.name) return;
    if (e.type === "DELETED") done.resolve(new Error("object has been deleted"));
    else onObject(e.object);
  });
  try {
    onObject(s.api.get(target.type.kind, target.namespace, target.name) ?? target.object);
    const result = timeoutMs > 0 ? yield* wait(timeout(s.sim, done, timeoutMs)) : { value: yield* wait(done) };
    if (result === undefined) throw new Error("timed out waiting for the condition");
    if (result.value !== undefined) throw result.value;
  } finally {
    stop();
  }
}

const statusCommand: Command = {
  name: "status",
  short: "Show the status of the rollout",
  usage: "(TYPE NAME | TYPE/NAME) [flags]",
  flags: [...FILENAME_FLAGS, { name: "watch", short: "w", type: "bool" }, { name: "timeout", type: "duration" }, { name: "revision", type: "int" }],
  run: function* (inv: Invocation): Proc<number> {
    const revision = inv.flags.int("revision", 0);
    if (inv.args.length > 0 && revision < 0) throw new Error(`revision must be a positive integer: ${revision}`);
    const { targets, errors } = yield* targetsOf(inv);
    if (errors.length > 0) throw aggregate(errors);
    if (targets.length === 0) inv.s.err(`No resources found in ${inv.s.namespace} namespace.\n`);
    for (const t of targets) yield* watchStatus(inv.s, t, inv.flags.bool("watch", true), inv.flags.duration("timeout", 0));
    return 0;
  },
};

// ---- history and undo -----------------------------------------------------------------------

/** The ControllerRevisions a StatefulSet or DaemonSet selects and controls, by revision. */
function revisionHistory(s: Session, owner: StatefulSet | DaemonSet): ControllerRevision[] {
  const selector = labelSelectorAsSelector(owner.spec.selector);
  return s
    .list<ControllerRevision>("ControllerRevision", owner.metadata.namespace)
    .filter((cr) => selectorMatches(selector, cr.metadata.labels) && controllerRef(cr)?.uid === owner.metadata.uid)
    .sort((a, b) => a.revision - b.revision);
}

function hasRevisionHistory(object: KubeObject): object is StatefulSet | DaemonSet {
  return object.kind === "StatefulSet" || object.kind === "DaemonSet";
}

/** A Deployment's ReplicaSets that carry a revision, by revision. */
function deploymentHistory(s: Session, d: Deployment): ReplicaSet[] {
  return s
    .list<ReplicaSet>("ReplicaSet", d.metadata.namespace)
    .filter((rs) => controllerRef(rs)?.uid === d.metadata.uid && /^\d+$/.test(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? ""))
    .sort((a, b) => revisionOf(a) - revisionOf(b));
}

function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION_ANNOTATION]);
}

/** A ReplicaSet's template as its revision shows it: without the pod-template-hash label. */
function replicaSetTemplate(rs: ReplicaSet): PodTemplateSpec {
  const labels = { ...(rs.spec.template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  return { ...rs.spec.template, metadata: { ...rs.spec.template.metadata, labels } };
}

function historyText(s: Session, object: KubeObject, revision: number): string {
  let revisions: { revision: number; changeCause?: string; template: () => PodTemplateSpec }[];
  if (hasRevisionHistory(object)) {
    revisions = revisionHistory(s, object).map((cr) => ({ revision: cr.revision, changeCause: cr.metadata.annotations?.[CHANGE_CAUSE], template: () => applyRevision(object, cr).spec.template }));
  } else if (object.kind === "Deployment") {
    revisions = deploymentHistory(s, object as Deployment).map((rs) => ({ revision: revisionOf(rs), changeCause: rs.metadata.annotations?.[CHANGE_CAUSE], template: () => replicaSetTemplate(rs) }));
  } else throw new Error(`no history viewer has been implemented for ${JSON.stringify(schemaGroupKind(object.kind, object.apiVersion))}`);
  if (revision > 0) {
    const found = revisions.find((r) => r.revision === revision);
    if (found === undefined) throw new Error("unable to find the specified revision");
    return rolloutHistoryRevision(object, revision, found.template());
  }
  return rolloutHistory(
    object,
    revisions.map((r) => ({ apiVersion: "apps/v1", kind: "ControllerRevision", metadata: r.changeCause !== undefined ? { annotations: { [CHANGE_CAUSE]: r.changeCause } } : {}, revision: r.revision })),
  );
}

const historyCommand: Command = {
  name: "history",
  short: "View rollout history",
  usage: "(TYPE NAME | TYPE/NAME) [flags]",
  flags: [...FILENAME_FLAGS, { name: "revision", type: "int" }],
  run: function* (inv: Invocation): Proc<number> {
    const revision = inv.flags.int("revision", 0);
    if (revision < 0) throw new Error(`revision must be a positive integer: ${revision}`);
    const { targets, errors } = yield* targetsOf(inv);
    for (const t of targets) {
      try {
        inv.s.out(historyText(inv.s, t.object, revision));
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw aggregate(errors);
    return 0;
  },
};

/** Rollbacker.Rollback: the result word of the name line, or an error. */
function rollback(s: Session, object: KubeObject, toRevision: number, dryRun: ReturnType<typeof dryRunOf>): string {
  if (toRevision < 0) throw new Error(`unable to find specified revision ${toRevision} in history`);
  if (hasRevisionHistory(object)) {
    const history = revisionHistory(s, object);
    if (toRevision === 0 && history.length <= 1) throw new Error("no last revision to roll back to");
    const to = toRevision === 0 ? history[history.length - 2] : history.find((h) => h.revision === toRevision);
    if (to === undefined) throw new Error(`unable to find specified revision ${toRevision} in history`);
    if (jsonEqual(applyRevision(object, to).spec.template, object.spec.template)) return `skipped rollback (current template already matches revision ${toRevision})`;
    if (dryRun !== "client") {
      try {
        patchObject(s, object, "strategic", to.data, dryRun);
      } catch (e) {
        throw new Error(`failed restoring revision ${toRevision}: ${(e as Error).message}`);
      }
    }
    return "rolled back";
  }
  if (object.kind === "Deployment") {
    const d = object as Deployment;
    const history = deploymentHistory(s, d);
    const to = toRevision === 0 ? history[history.length - 2] : history.find((rs) => revisionOf(rs) === toRevision);
    if (to === undefined) throw new Error(toRevision === 0 ? `no rollout history found for deployment ${JSON.stringify(d.metadata.name)}` : `unable to find specified revision ${toRevision} in history`);
    if (d.spec.paused) throw new Error("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    const template = replicaSetTemplate(to);
    if (jsonEqual(template, d.spec.template)) return `skipped rollback (current template already matches revision ${toRevision})`;
    if (dryRun !== "client") updateObject(s, d, { ...d, spec: { ...d.spec, template } }, dryRun);
    return "rolled back";
  }
  throw new Error(`no rollbacker has been implemented for ${JSON.stringify(schemaGroupKind(object.kind, object.apiVersion))}`);
}

const undoCommand: Command = {
  name: "undo",
  short: "Undo a previous rollout",
  usage: "(TYPE NAME | TYPE/NAME) [flags]",
  flags: [...FILENAME_FLAGS, DRY_RUN_FLAG, { name: "to-revision", type: "int" }],
  run: function* (inv: Invocation): Proc<number> {
    const dryRun = dryRunOf(inv.flags);
    const { targets, errors } = yield* targetsOf(inv);
    for (const t of targets) {
      try {
        inv.s.out(nameLine(t.object, `${rollback(inv.s, t.object, inv.flags.int("to-revision", 0), dryRun)}${dryRunSuffix(dryRun)}`));
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw aggregate(errors);
    return 0;
  },
};

// ---- restart, pause, resume -----------------------------------------------------------------

/** Runs `change` on each target; `undefined` from it means nothing to change (the "already" case). */
function* patchEach(inv: Invocation, verb: string, already: string | undefined, change: (o: KubeObject) => KubeObject | undefined): Proc<number> {
  const dryRun = dryRunOf(inv.flags);
  const { targets, errors } = yield* targetsOf(inv);
  for (const t of targets) {
    try {
      const updated = change(t.object);
      if (updated === undefined) {
        if (already === undefined) throw new Error(`failed to create patch for ${t.name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`);
        inv.s.out(nameLine(t.object, already));
        continue;
      }
      updateObject(inv.s, t.object, updated, dryRun);
      inv.s.out(nameLine(t.object, `${verb}${dryRunSuffix(dryRun)}`));
    } catch (e) {
      errors.push(e instanceof NotSupported ? new Error(`error: ${groupResource(t.type)} ${JSON.stringify(t.name)} ${e.message}`) : e);
    }
  }
  if (errors.length > 0) throw aggregate(errors);
  return 0;
}

class NotSupported extends Error {}

function withTemplateAnnotation(object: KubeObject, key: string, value: string): KubeObject | undefined {
  const w = object as StatefulSet | DaemonSet | Deployment;
  const annotations = w.spec.template.metadata?.annotations ?? {};
  if (annotations[key] === value) return undefined;
  return { ...w, spec: { ...w.spec, template: { ...w.spec.template, metadata: { ...w.spec.template.metadata, annotations: { ...annotations, [key]: value } } } } };
}

const restartCommand: Command = {
  name: "restart",
  short: "Restart a resource",
  usage: "RESOURCE",
  flags: [...FILENAME_FLAGS, DRY_RUN_FLAG],
  run: (inv) =>
    patchEach(inv, "restarted", undefined, (o) => {
      if (o.kind !== "StatefulSet" && o.kind !== "DaemonSet" && o.kind !== "Deployment") throw new NotSupported("restarting is not supported");
      if (o.kind === "Deployment" && (o as Deployment).spec.paused) throw new Error("can't restart paused deployment (run rollout resume first)");
      return withTemplateAnnotation(o, RESTARTED_AT, rfc3339(inv.s.now()));
    }),
};

function pauser(paused: boolean, gerund: string) {
  return (o: KubeObject): KubeObject | undefined => {
    if (o.kind !== "Deployment") throw new NotSupported(`${gerund} is not supported`);
    const d = o as Deployment;
    if ((d.spec.paused ?? false) === paused) return undefined;
    const spec = { ...d.spec };
    if (paused) spec.paused = true;
    else delete spec.paused;
    return { ...d, spec };
  };
}

const pauseCommand: Command = {
  name: "pause",
  short: "Mark the provided resource as paused",
  usage: "RESOURCE",
  flags: [...FILENAME_FLAGS],
  run: (inv) => patchEach(inv, "paused", "already paused", pauser(true, "pausing")),
};

const resumeCommand: Command = {
  name: "resume",
  short: "Resume a paused resource",
  usage: "RESOURCE",
  flags: [...FILENAME_FLAGS],
  run: (inv) => patchEach(inv, "resumed", "already resumed", pauser(false, "resuming")),
};

export const rolloutCommand: Command = {
  name: "rollout",
  short: "Manage the rollout of a resource",
  usage: "SUBCOMMAND",
  groupHelpToStdout: true,
  subcommands: [historyCommand, pauseCommand, restartCommand, resumeCommand, statusCommand, undoCommand],
};
