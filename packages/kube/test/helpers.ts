import { wait, type Proc } from "@ksim/sim";
import { Cluster, type ClusterOptions } from "../src/cluster.js";
import type { Pod, Service, StatefulSet } from "../src/api/types.js";
import { ImageLayer, ImageRegistry, type ProcessContext } from "../src/runtime/index.js";
import { expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";

/** A registry with a tiny web server image (`test/web`) and a shell-less base. */
export function testRegistry(): ImageRegistry {
  const registry = new ImageRegistry();
  registry.registerProgram("test:web", function* (ctx: ProcessContext): Proc<number> {
    ctx.net.listen(80, (c) => {
      c.onData = (m) => {
        const req = m as { type?: string; path?: string };
        if (req.type === "http.request") c.send({ type: "http.response", status: 200, reason: "OK", headers: {}, body: `hello from ${ctx.hostname}\n` });
      };
      c.onEnd = () => c.end();
    });
    ctx.fs.writeFile("/tmp/healthy", "ok");
    const sick = ctx.env.get("SICK_AFTER");
    if (sick !== undefined) ctx.timer(Number(sick) * 1000, () => ctx.fs.unlink("/tmp/healthy"));
    ctx.onSignal(() => ctx.exit(0));
    return yield* wait(ctx.exited);
  });
  // Healthy while /tmp/healthy exists; the server removes it after $SICK_AFTER seconds.
  registry.registerProgram("test:check", function* (ctx: ProcessContext): Proc<number> {
    return ctx.fs.exists("/tmp/healthy") ? 0 : 1;
  });
  registry.registerProgram("test:true", function* (): Proc<number> {
    return 0;
  });
  registry.registerProgram("test:false", function* (): Proc<number> {
    return 1;
  });
  registry.registerImage({
    repositories: ["test/web"],
    layer: new ImageLayer(
      {
        "/usr/sbin/web": { program: "test:web" },
        "/usr/bin/check": { program: "test:check" },
        "/tmp": { dir: true, mode: 0o1777 },
        "/bin/true": { program: "test:true" },
        "/bin/false": { program: "test:false" },
        "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
      },
      Date.UTC(2023, 0, 1),
    ),
    entrypoint: ["/usr/sbin/web"],
    sizeBytes: 20_000_000,
  });
  return registry;
}

export function testCluster(options: ClusterOptions = {}): Cluster {
  return new Cluster({ registry: testRegistry(), ...options });
}

export function headless(name: string, app: string, port = 80): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels: { app } },
    spec: { clusterIP: "None", selector: { app }, ports: [{ port, name: "web" }] },
  };
}

export function statefulSet(name: string, app: string, replicas: number, extra: Partial<StatefulSet["spec"]> = {}): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      serviceName: "nginx",
      replicas,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: {
          containers: [{ name: "web", image: "test/web:1", ports: [{ containerPort: 80, name: "web" }], volumeMounts: [{ name: "www", mountPath: "/data" }] }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
      ...extra,
    },
  };
}

export function pods(c: Cluster, app: string): Pod[] {
  return c.api
    .list<Pod>("Pod", "default")
    .filter((p) => p.metadata.labels?.app === app)
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
}

export function isReady(p: Pod | undefined): boolean {
  return p?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Runs a script with the sandbox's `sh -c`: its status, standard output and standard error. */
export function sh(sb: Sandbox, script: string) {
  const r = sb.run(["sh", "-c", script]);
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/**
 * Rows recorded from the real programs (Debian 12's): each script run by `sh -c "(script) 2>&1"`
 * in /tmp of a fresh Sandbox must print what it printed there and exit as it did. `prelude` runs
 * first: a setting the recording machine had that a container does not. `base` "busybox" runs
 * them in a busybox image instead.
 */
export function itMatchesRecorded(rows: readonly (readonly [string, string, number])[], prelude = "", base: "debian" | "busybox" = "debian"): void {
  for (const [script, output, status] of rows) {
    it(script.slice(0, 60), () => {
      const r = new Sandbox({ base }).run(["sh", "-c", `(${prelude}${script}) 2>&1`], { cwd: "/tmp" });
      expect({ output: r.stdout, status: r.status }).toEqual({ output, status });
    });
  }
}
