import { registerBasicImages } from "@ksim/images";
import {
  Cluster,
  ImageRegistry,
  INTERNET_HOSTS,
  INTERNET_IP,
  KUBECTL_PROGRAM,
  MINIKUBE_PROGRAM,
  registerKubectl,
  startInternet,
  Workstation,
  type LowerLayer,
  type NodeOptions,
} from "@ksim/kube";
import type { Trace } from "@ksim/sim";
import { registerCassandra } from "@ksim/cassandra";
import { registerMySQL, registerWordPress } from "@ksim/mysql";
import { registerZooKeeper } from "@ksim/zookeeper";
import { CHAOS_PROGRAM_ID, chaosProgram } from "./faults/chaos-program.js";
import { FaultInjector } from "./faults/injector.js";

export interface EnvironmentOptions {
  readonly seed?: number | string;
  /** A node count or explicit nodes (default 3). */
  readonly nodes?: number | readonly NodeOptions[];
  /** Zones a node count is spread over, round-robin. */
  readonly zones?: readonly string[];
  /** The simulated instant the cluster is created, epoch milliseconds (sessions begin once its add-ons run). */
  readonly startEpochMs?: number;
  readonly trace?: Trace;
  /** The user's files, visible read-only on the workstation. */
  readonly userFiles?: LowerLayer;
  readonly cwd?: string;
}

/** A cluster with every image ksim models, the workstation its users type on, and the fault injector. */
export interface Environment {
  readonly cluster: Cluster;
  readonly workstation: Workstation;
  readonly faults: FaultInjector;
}

/**
 * The standard images and programs, built once per process: building the image layers took a
 * hundredth of a ZooKeeper tutorial run. Layers are immutable and the programs keep no state of
 * their own, so every environment can share them.
 */
let standardImages: ImageRegistry | undefined;

/** Every image and program the applications provide, in a registry of the caller's own. */
export function standardRegistry(): ImageRegistry {
  if (standardImages === undefined) {
    standardImages = new ImageRegistry();
    registerBasicImages(standardImages);
    registerZooKeeper(standardImages);
    registerMySQL(standardImages);
    registerWordPress(standardImages);
    registerCassandra(standardImages);
  }
  return standardImages.copy();
}

/** A cluster that could not start its add-ons (nodes too small for CoreDNS, say). */
export class ClusterStartError extends Error {
  override name = "ClusterStartError";
}

/** How long a fresh cluster may take to run its add-ons (minikube start's own wait is 6 minutes). */
const ADDONS_TIMEOUT_MS = 6 * 60_000;

export function createEnvironment(options: EnvironmentOptions = {}): Environment {
  const registry = standardRegistry();
  let nodes = options.nodes ?? 3;
  if (typeof nodes === "number" && options.zones !== undefined && options.zones.length > 0) {
    const zones = options.zones;
    nodes = Array.from({ length: nodes }, (_, i) => ({ name: `node-${i + 1}`, zone: zones[i % zones.length]! }));
  }
  const cluster = new Cluster({
    seed: options.seed ?? 1,
    nodes,
    registry,
    systemPods: true,
    ...(options.startEpochMs !== undefined ? { startEpochMs: options.startEpochMs } : {}),
    ...(options.trace !== undefined ? { trace: options.trace } : {}),
  });
  const faults = new FaultInjector(cluster);
  registry.registerProgram(CHAOS_PROGRAM_ID, chaosProgram(faults));
  registerKubectl(registry, cluster);
  startInternet(cluster.network);
  const workstation = new Workstation({
    cluster,
    tools: { kubectl: KUBECTL_PROGRAM, minikube: MINIKUBE_PROGRAM, chaos: CHAOS_PROGRAM_ID },
    hosts: Object.fromEntries(INTERNET_HOSTS.map((h) => [h, INTERNET_IP])),
    ...(options.userFiles !== undefined ? { userFiles: options.userFiles } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  // Sessions begin where `minikube start` leaves the user: the add-ons running, DNS answering.
  if (!cluster.runUntil(() => cluster.addonsReady(), ADDONS_TIMEOUT_MS)) {
    throw new ClusterStartError(`the cluster's kube-system add-ons were not Ready after ${ADDONS_TIMEOUT_MS / 60_000} minutes: ${cluster.addonsNotReady().join(", ")}`);
  }
  return { cluster, workstation, faults };
}
