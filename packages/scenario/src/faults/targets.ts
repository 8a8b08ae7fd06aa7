import { parseSelector, selectorMatches, SelectorError, type Cluster, type Node, type Pod } from "@ksim/kube";
import type { Host } from "@ksim/sim";

/**
 * The machines a network fault applies to, named as users name them:
 *
 *   node/NAME        a node and every pod running on it (a node's partition cuts its pods too)
 *   nodes/SELECTOR   the nodes whose labels match, with their pods
 *   pod/NAME         one pod (in the namespace given with -n)
 *   pods/SELECTOR    the pods whose labels match (`pods/app=zk`)
 *   control-plane    the API server
 *   workstation      the machine kubectl runs on
 *
 * joined with `+` (`pod/zk-0+pod/zk-1`). Membership is decided per packet, so a pod that
 * restarts, or starts later on a cut node, is inside the fault too.
 */
export interface HostGroupSpec {
  readonly text: string;
  readonly test: (host: Host) => boolean;
}

export class TargetError extends Error {
  override name = "TargetError";
}

export function parseHostGroup(cluster: Cluster, text: string, namespace: string): HostGroupSpec {
  const terms = text.split("+").map((t) => parseTerm(cluster, t, namespace));
  return { text, test: (h) => terms.some((t) => t(h)) };
}

/** The pod a host belongs to (pod hosts are named `<namespace>/<pod>`), if it is one. */
function podOf(cluster: Cluster, host: Host): Pod | undefined {
  const slash = host.name.indexOf("/");
  if (slash <= 0 || host.name.startsWith("node/")) return undefined;
  return cluster.api.get<Pod>("Pod", host.name.slice(0, slash), host.name.slice(slash + 1));
}

/** The node a host is, or runs on. */
function nodeOf(cluster: Cluster, host: Host): string | undefined {
  if (host.name.startsWith("node/")) return host.name.slice("node/".length);
  return podOf(cluster, host)?.spec.nodeName;
}

function parseTerm(cluster: Cluster, term: string, namespace: string): (h: Host) => boolean {
  if (term === "control-plane") return (h) => h.name === "control-plane";
  if (term === "workstation") return (h) => h.name === "workstation";
  const slash = term.indexOf("/");
  const kind = slash < 0 ? term : term.slice(0, slash);
  const rest = slash < 0 ? "" : term.slice(slash + 1);
  if (rest === "" && (kind === "node" || kind === "pod" || kind === "nodes" || kind === "pods")) {
    throw new TargetError(`${JSON.stringify(term)}: expected ${kind}/${kind.endsWith("s") ? "SELECTOR" : "NAME"}`);
  }
  switch (kind) {
    case "node": {
      if (cluster.api.get<Node>("Node", undefined, rest) === undefined) throw new TargetError(`nodes "${rest}" not found`);
      return (h) => nodeOf(cluster, h) === rest;
    }
    case "nodes": {
      const selector = labelSelector(rest);
      const matches = (node: string | undefined) => node !== undefined && selectorMatches(selector, cluster.api.get<Node>("Node", undefined, node)?.metadata.labels);
      return (h) => matches(nodeOf(cluster, h));
    }
    case "pod": {
      if (cluster.api.get<Pod>("Pod", namespace, rest) === undefined) throw new TargetError(`pods "${rest}" not found`);
      const name = `${namespace}/${rest}`;
      return (h) => h.name === name;
    }
    case "pods": {
      const selector = labelSelector(rest);
      return (h) => {
        const pod = podOf(cluster, h);
        return pod !== undefined && pod.metadata.namespace === namespace && selectorMatches(selector, pod.metadata.labels);
      };
    }
    default:
      throw new TargetError(`${JSON.stringify(term)}: expected node/NAME, nodes/SELECTOR, pod/NAME, pods/SELECTOR, control-plane or workstation`);
  }
}

function labelSelector(text: string) {
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorError) throw new TargetError(e.message);
    throw e;
  }
}
