import type { Host, Sim, Timer } from "@ksim/sim";
import type { Container, IntOrString, Probe } from "../api/types.js";
import { SpawnError } from "../runtime/process.js";
import { StringSink } from "../runtime/streams.js";
import type { ContainerInstance } from "./container.js";

export type ProbeKind = "readiness" | "liveness" | "startup";

export const PROBE_USER_AGENT = "kube-probe/1.35";

export interface ProbeOutcome {
  readonly ok: boolean;
  /** What the kubelet reports in the Unhealthy event. */
  readonly output: string;
}

/** Resolves a probe or service port that may be a container port name. */
export function resolvePort(port: IntOrString, container: Container): number | undefined {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/**
 * Runs one probe once: exec in the container, an HTTP GET or a TCP connect from the node to the
 * pod IP, each bounded by timeoutSeconds. Calls back once with the outcome.
 */
export function runProbe(
  sim: Sim,
  probe: Probe,
  spec: Container,
  instance: ContainerInstance,
  podIp: string,
  node: Host,
  done: (outcome: ProbeOutcome) => void,
): void {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  let finished = false;
  let timer: Timer | undefined;
  const finish = (o: ProbeOutcome) => {
    if (finished) return;
    finished = true;
    sim.cancel(timer);
    done(o);
  };
  if (probe.exec?.command !== undefined) {
    const command = probe.exec.command;
    const out = new StringSink();
    try {
      const p = instance.exec(command, { stdout: out, stderr: out });
      timer = sim.schedule(timeoutMs, () => {
        // Told before the kill, whose exit would otherwise report the probe's empty output.
        finish({ ok: false, output: `command ${JSON.stringify(command.join(" "))} timed out` });
        p.signal("SIGKILL");
      }, "probe-timeout");
      p.exited.subscribe((code) => finish({ ok: code === 0, output: out.text() }));
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      // The runtime reports a failed exec as an OCI error; the probe fails with it.
      finish({ ok: false, output: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${command[0]}": executable file not found in $PATH: unknown` });
    }
    return;
  }
  const action = probe.httpGet ?? probe.tcpSocket;
  if (action === undefined) {
    finish({ ok: true, output: "" });
    return;
  }
  const port = resolvePort(action.port, spec);
  const host = action.host ?? podIp;
  if (port === undefined) {
    finish({ ok: false, output: `unable to resolve port ${action.port}` });
    return;
  }
  const conn = node.connect(host, port, { timeoutMs });
  const path = probe.httpGet?.path ?? "/";
  const url = `http://${host}:${port}${path}`;
  timer = sim.schedule(timeoutMs, () => {
    conn.destroy();
    finish({
      ok: false,
      output: probe.httpGet
        ? `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`
        : `dial tcp ${host}:${port}: i/o timeout`,
    });
  }, "probe-timeout");
  conn.onClose = (reason) => {
    if (reason === "closed") return;
    const what = reason === "ECONNREFUSED" ? "connect: connection refused" : reason === "EHOSTUNREACH" ? "connect: no route to host" : "i/o timeout";
    finish({ ok: false, output: probe.httpGet ? `Get "${url}": dial tcp ${host}:${port}: ${what}` : `dial tcp ${host}:${port}: ${what}` });
  };
  conn.onOpen = () => {
    if (probe.tcpSocket) {
      conn.end();
      finish({ ok: true, output: "" });
      return;
    }
    const headers: Record<string, string> = { Host: `${host}:${port}`, "User-Agent": PROBE_USER_AGENT, Accept: "*/*" };
    for (const h of probe.httpGet!.httpHeaders ?? []) headers[h.name] = h.value;
    conn.send({ type: "http.request", method: "GET", path, headers, body: "" });
  };
  conn.onData = (msg) => {
    const res = msg as { type?: string; status?: number };
    if (res.type !== "http.response" || res.status === undefined) return;
    conn.end();
    const ok = res.status >= 200 && res.status < 400;
    finish({ ok, output: ok ? "" : `HTTP probe failed with statuscode: ${res.status}` });
  };
}

/**
 * A probe worker (pkg/kubelet/prober/worker.go): probes every periodSeconds once the container
 * has run initialDelaySeconds, and reports a new result only after successThreshold successes or
 * failureThreshold failures in a row.
 */
export class ProbeWorker {
  private timer: Timer | undefined;
  private lastResult: boolean | undefined;
  private run = 0;
  private busy = false;
  // One callback and label for the worker's life, not a closure and a string every period.
  private readonly tickNext = (): void => this.tick();
  private readonly label: string;
  /** The worker's current verdict: readiness starts failed, liveness and startup succeeded. */
  result: boolean;
  /** Called on every failed probe (the kubelet records an Unhealthy event each time). */
  onFailure: ((output: string) => void) | undefined;

  constructor(
    private readonly sim: Sim,
    readonly kind: ProbeKind,
    private readonly probe: Probe,
    private readonly spec: Container,
    private readonly instance: ContainerInstance,
    private readonly podIp: string,
    private readonly node: Host,
    /** Whether probing may happen now (liveness and readiness wait for the startup probe). */
    private readonly enabled: () => boolean,
    private readonly onChange: (ok: boolean, output: string) => void,
  ) {
    this.result = kind !== "readiness";
    this.label = `probe:${kind}`;
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.sim.cancel(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = this.sim.schedule(ms, this.tickNext, this.label);
  }

  private tick(): void {
    this.schedule((this.probe.periodSeconds ?? 10) * 1000);
    if (this.busy || !this.instance.running || !this.enabled()) return;
    if (this.sim.epochMs() - this.instance.startedAt < (this.probe.initialDelaySeconds ?? 0) * 1000) return;
    this.busy = true;
    runProbe(this.sim, this.probe, this.spec, this.instance, this.podIp, this.node, (o) => {
      this.busy = false;
      if (this.timer === undefined) return;
      if (o.ok === this.lastResult) this.run++;
      else {
        this.lastResult = o.ok;
        this.run = 1;
      }
      if (!o.ok) this.onFailure?.(o.output);
      const threshold = o.ok ? (this.probe.successThreshold ?? 1) : (this.probe.failureThreshold ?? 3);
      if (this.run < threshold) return;
      if (o.ok !== this.result) {
        this.result = o.ok;
        this.onChange(o.ok, o.output);
      }
      // A failed liveness or startup check restarts the container; this worker is done with it.
      if (!o.ok && this.kind !== "readiness") this.stop();
    });
  }
}
