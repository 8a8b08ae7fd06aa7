import { Future, type Sim } from "@ksim/sim";
import type { ApiServer } from "../../api/server.js";
import type { KubeObject } from "../../api/types.js";
import type { Cluster } from "../../cluster.js";
import type { ProcessContext } from "../../runtime/process.js";
import { pipeBehind } from "../../runtime/streams.js";
import type { ObjectLister } from "../output/index.js";

export interface KubectlOptions {
  /**
   * A `get -w` or `logs -f` without `--request-timeout` ends once nothing it follows has changed
   * for this long: the simulated user pressing Ctrl-C when things have settled. (A program cannot
   * tell a foreground job from a background one, so both end this way.)
   */
  readonly watchQuietMs: number;
}

export const DEFAULT_OPTIONS: KubectlOptions = { watchQuietMs: 60_000 };

/**
 * One kubectl invocation: the process it runs as, the cluster behind the kubeconfig, the
 * namespace in effect and the global flags every command shares.
 */
export class Session {
  readonly api: ApiServer;
  readonly sim: Sim;

  constructor(
    readonly ctx: ProcessContext,
    readonly cluster: Cluster,
    readonly options: KubectlOptions,
    /** `-n` or the context's namespace (`default`). */
    readonly namespace: string,
    /** Whether `-n/--namespace` was given (kubectl's enforceNamespace). */
    readonly explicitNamespace: boolean,
    /** `--request-timeout`, in ms; undefined for none. */
    readonly requestTimeoutMs: number | undefined,
  ) {
    this.api = cluster.api;
    this.sim = cluster.sim;
  }

  /**
   * Settles when kubectl writes to a pipe whose reader has gone. The write may come from a
   * callback (a log line, a watch event) that runs in what produced it, so a streaming command
   * waits on this and ends there, of the SIGPIPE the write would get.
   */
  readonly wroteToBrokenPipe = new Future<void>();

  out(text: string): void {
    if (pipeBehind(this.ctx.stdout)?.broken === true) this.wroteToBrokenPipe.resolve();
    this.ctx.stdout.write(text);
  }

  err(text: string): void {
    this.ctx.stderr.write(text);
  }

  private readonly warned = new Set<string>();

  /** A warning the API server sent, printed as kubectl's warning handler does: once per process. */
  warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.err(`Warning: ${message}\n`);
  }

  /** The API server's clock (epoch ms), which ages are computed from. */
  now(): number {
    return this.sim.epochMs();
  }

  /** What describers read related objects (pods, events) through: lists in the API server's order. */
  get lister(): ObjectLister {
    return { list: (kind, namespace) => this.list(kind, namespace) };
  }

  /** Objects of a kind as the API server lists them: ordered by namespace, then name. */
  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    return sortByKey(this.api.list<T>(kind, namespace));
  }
}

/** etcd's key order (`<namespace>/<name>`), which every list from the API server follows. */
export function sortByKey<T extends KubeObject>(objects: T[]): T[] {
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
  return objects.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
