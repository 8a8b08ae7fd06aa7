import { ApiError } from "./errors.js";
import type { ApiServer } from "./server.js";
import { microTime, parseTime } from "./time.js";
import type { Event, KubeObject } from "./types.js";

/** Repeats of the same event within this window are folded into one object with a count. */
const AGGREGATE_WINDOW_MS = 10 * 60 * 1000;
/** The API server keeps events for an hour (--event-ttl). */
const EVENT_TTL_MS = 60 * 60 * 1000;

/**
 * Records Events as client-go's recorder and the apiserver do: one object per (object, reason,
 * message, source), named `<object>.<hex nanoseconds>`, with count and first/last timestamps;
 * expired after an hour.
 */
export class EventRecorder {
  private readonly recent = new Map<string, { namespace: string; name: string; lastMs: number }>();
  private lastPurge = 0;

  constructor(private readonly api: ApiServer) {}

  record(
    object: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
    host?: string,
  ): void {
    const api = this.api;
    const nowMs = api.sim.epochMs();
    this.purge(nowMs);
    const namespace = object.metadata.namespace ?? "default";
    const key = `${object.metadata.uid}\u0000${reason}\u0000${message}\u0000${component}\u0000${host ?? ""}\u0000${type}`;
    const seen = this.recent.get(key);
    const now = api.now();
    if (seen !== undefined && nowMs - seen.lastMs < AGGREGATE_WINDOW_MS) {
      const existing = api.get<Event>("Event", seen.namespace, seen.name);
      if (existing !== undefined) {
        api.mutate<Event>("Event", seen.namespace, seen.name, (e) => {
          e.count = (e.count ?? 1) + 1;
          e.lastTimestamp = now;
        });
        seen.lastMs = nowMs;
        return;
      }
    }
    let name = `${object.metadata.name}.${(BigInt(nowMs) * 1_000_000n).toString(16)}`;
    for (let i = 1; api.get("Event", namespace, name) !== undefined; i++) {
      name = `${object.metadata.name}.${(BigInt(nowMs) * 1_000_000n + BigInt(i)).toString(16)}`;
    }
    const event: Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: {
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        uid: object.metadata.uid,
        apiVersion: object.apiVersion,
        resourceVersion: object.metadata.resourceVersion,
      },
      reason,
      message,
      source: host === undefined ? { component } : { component, host },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host ?? "",
    };
    if (event.involvedObject.namespace === undefined) delete event.involvedObject.namespace;
    try {
      api.create(event);
    } catch (e) {
      // A namespace being deleted takes no new content: the broadcaster drops the event ("Server rejected event (will not retry!)").
      if (e instanceof ApiError && e.reason === "Forbidden") return;
      throw e;
    }
    this.recent.set(key, { namespace, name, lastMs: nowMs });
  }

  /** Deletes events older than the TTL, at most once a minute. */
  private purge(nowMs: number): void {
    if (nowMs - this.lastPurge < 60_000) return;
    this.lastPurge = nowMs;
    for (const e of this.api.list<Event>("Event")) {
      const last = parseTime(e.lastTimestamp ?? e.metadata.creationTimestamp ?? microTime(nowMs));
      if (nowMs - last > EVENT_TTL_MS) this.api.store.remove("Event", e.metadata.namespace, e.metadata.name!);
    }
    for (const [k, v] of this.recent) if (nowMs - v.lastMs > AGGREGATE_WINDOW_MS) this.recent.delete(k);
  }
}
