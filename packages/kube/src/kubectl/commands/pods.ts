import type { Proc } from "@ksim/sim";
import { labelSelectorAsSelector, NOTHING, selectorMatches } from "../../api/labels.js";
import type { Container, KubeObject, LabelSelector, Pod } from "../../api/types.js";
import { isPodReady } from "../../controllers/pod-util.js";
import { parseTime } from "../../api/time.js";
import type { Session } from "./session.js";
import { flatten, selectNames } from "./targets.js";
import { waitForState } from "./waiting.js";

/**
 * Finding the pod and container a command works with (kubectl's polymorphichelpers and podcmd):
 * `POD`, `pod/POD`, or a controller (`deploy/web`, `sts/web`) standing for its most active pod,
 * and the container defaulting with its `Defaulted container …` notice.
 */
const DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

/** The object a `POD | TYPE/NAME` argument names, read from the API server. */
export function podOrController(s: Session, arg: string): KubeObject {
  const selection = selectNames(s, "pods", [arg]);
  if (selection.errors.length > 0) throw selection.errors[0];
  return flatten(selection)[0]!.object;
}

/**
 * AttachablePodForObjectFn: the pod itself, or the most active pod a controller selects (waiting
 * up to `timeoutMs` for one to exist), with how many pods matched.
 */
export function* attachablePod(s: Session, object: KubeObject, timeoutMs: number): Proc<{ pod: Pod; matched: number }> {
  if (object.kind === "Pod") return { pod: object as Pod, matched: 1 };
  const selector = (object.spec as { selector?: LabelSelector } | undefined)?.selector;
  const sel = labelSelectorAsSelector(selector);
  if (sel === NOTHING) throw new Error(`cannot attach to *v1.${object.kind}: invalid label selector`);
  const pods = () => s.list<Pod>("Pod", object.metadata.namespace).filter((p) => selectorMatches(sel, p.metadata.labels));
  const first = yield* waitForState(s, ["Pod"], () => (pods().length > 0 ? pods() : undefined), timeoutMs);
  if (first === undefined) throw new Error("timed out waiting for the condition");
  return { pod: [...first].sort(moreActive)[0]!, matched: first.length };
}

/** podutils.ActivePods reversed: scheduled, Running, Ready (for longer), fewer restarts, older first. */
function moreActive(a: Pod, b: Pod): number {
  const phase = (p: Pod) => (p.status?.phase === "Running" ? 2 : p.status?.phase === "Unknown" ? 1 : 0);
  const readySince = (p: Pod) => parseTime(p.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime ?? "") || 0;
  const restarts = (p: Pod) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  const created = (p: Pod) => parseTime(p.metadata.creationTimestamp ?? "") || 0;
  return (
    Number(b.spec.nodeName !== undefined) - Number(a.spec.nodeName !== undefined) ||
    phase(b) - phase(a) ||
    Number(isPodReady(b)) - Number(isPodReady(a)) ||
    (isPodReady(a) && isPodReady(b) ? readySince(a) - readySince(b) : 0) ||
    restarts(a) - restarts(b) ||
    created(a) - created(b)
  );
}

/** podcmd.AllContainerNames: `app, sidecar, debugger-x7k2p (ephem), init (init)`. */
function allContainerNames(pod: Pod): string {
  return [
    ...pod.spec.containers.map((c) => c.name),
    ...(pod.spec.ephemeralContainers ?? []).map((c) => `${c.name} (ephem)`),
    ...(pod.spec.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(", ");
}

/**
 * FindOrDefaultContainerByName with no name given: the annotated default container, else the
 * first, saying so on stderr when there was a choice.
 */
export function defaultContainer(s: Session, pod: Pod): Container {
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const byAnnotation = pod.spec.containers.find((c) => c.name === annotated);
  if (byAnnotation !== undefined) return byAnnotation;
  const first = pod.spec.containers[0];
  if (first === undefined) throw new Error(`pod ${pod.metadata.namespace}/${pod.metadata.name} does not have any containers`);
  if (pod.spec.containers.length > 1 || (pod.spec.initContainers ?? []).length > 0 || (pod.spec.ephemeralContainers ?? []).length > 0) {
    s.err(`Defaulted container ${JSON.stringify(first.name)} out of: ${allContainerNames(pod)}\n`);
  }
  return first;
}
