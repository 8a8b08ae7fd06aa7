import { parseQuantity, quantityValue } from "../api/quantity.js";
import type { Container, Node, Pod, PodSpec } from "../api/types.js";

/** The resources the scheduler accounts for. cpu in millicores, memory in bytes. */
export interface Resources {
  cpu: number;
  memory: number;
  pods: number;
}

function value(q: string | number | undefined): number {
  if (q === undefined) return 0;
  try {
    return quantityValue(parseQuantity(q));
  } catch {
    return 0;
  }
}

function containerRequests(c: Container): { cpu: number; memory: number } {
  return { cpu: Math.ceil(value(c.resources?.requests?.cpu) * 1000), memory: value(c.resources?.requests?.memory) };
}

// A pod's spec object survives its status updates (stored objects are never mutated), and the
// scheduler's cache sees every one of those updates.
const requestsBySpec = new WeakMap<PodSpec, Readonly<Resources>>();

/**
 * A pod's effective requests (pod resource computation): the sum over app containers, or the
 * largest init container if that is bigger.
 */
export function podRequests(pod: Pod): Readonly<Resources> {
  let r = requestsBySpec.get(pod.spec);
  if (r === undefined) requestsBySpec.set(pod.spec, (r = computeRequests(pod)));
  return r;
}

function computeRequests(pod: Pod): Resources {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec.containers) {
    const r = containerRequests(c);
    cpu += r.cpu;
    memory += r.memory;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c);
    cpu = Math.max(cpu, r.cpu);
    memory = Math.max(memory, r.memory);
  }
  return { cpu, memory, pods: 1 };
}

export function nodeAllocatable(node: Node): Resources {
  const a = node.status?.allocatable ?? {};
  return {
    cpu: Math.floor(value(a.cpu) * 1000),
    memory: value(a.memory),
    pods: value(a.pods) || 110,
  };
}
