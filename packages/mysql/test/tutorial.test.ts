import { Cluster, httpRequest, ImageRegistry, registerUserland, StringSink, type Container, type Deployment, type KubeObject, type PersistentVolumeClaim, type Pod, type Secret, type Service } from "@ksim/kube";
import { History, spawn } from "@ksim/sim";
import { expect, it } from "vitest";
import { checkAvailability, checkPosts, hostNet, postsWorkload, registerMySQL, registerWordPress, verifyPosts } from "../src/index.js";

/** The tutorial's objects, as `kubectl apply -k ./` creates them (the Secret named by kustomize). */
function tutorialObjects(): KubeObject[] {
  const labels = { app: "wordpress" };
  const claim = (name: string): PersistentVolumeClaim => ({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name, labels }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } } });
  const secret: Secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "mysql-pass-5m26tmdb5k" }, type: "Opaque", data: { password: Buffer.from("YOUR_PASSWORD").toString("base64") } };
  const password = { valueFrom: { secretKeyRef: { name: "mysql-pass-5m26tmdb5k", key: "password" } } };
  const deployment = (name: string, tier: string, container: Container, mountPath: string, claimName: string): Deployment => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      selector: { matchLabels: { app: "wordpress", tier } },
      strategy: { type: "Recreate" },
      template: {
        metadata: { labels: { app: "wordpress", tier } },
        spec: { containers: [{ ...container, volumeMounts: [{ name: `${tier}-persistent-storage`, mountPath }] }], volumes: [{ name: `${tier}-persistent-storage`, persistentVolumeClaim: { claimName } }] },
      },
    },
  });
  const service = (name: string, tier: string, port: number, extra: Record<string, unknown>): Service =>
    ({ apiVersion: "v1", kind: "Service", metadata: { name, labels }, spec: { ports: [{ port }], selector: { app: "wordpress", tier }, ...extra } }) as Service;
  return [
    secret,
    service("wordpress-mysql", "mysql", 3306, { clusterIP: "None" }),
    claim("mysql-pv-claim"),
    deployment(
      "wordpress-mysql",
      "mysql",
      {
        image: "mysql:8.0",
        name: "mysql",
        env: [{ name: "MYSQL_ROOT_PASSWORD", ...password }, { name: "MYSQL_DATABASE", value: "wordpress" }, { name: "MYSQL_USER", value: "wordpress" }, { name: "MYSQL_PASSWORD", ...password }],
        ports: [{ containerPort: 3306, name: "mysql" }],
      },
      "/var/lib/mysql",
      "mysql-pv-claim",
    ),
    service("wordpress", "frontend", 80, { type: "LoadBalancer" }),
    claim("wp-pv-claim"),
    deployment(
      "wordpress",
      "frontend",
      {
        image: "wordpress:6.2.1-apache",
        name: "wordpress",
        env: [{ name: "WORDPRESS_DB_HOST", value: "wordpress-mysql" }, { name: "WORDPRESS_DB_PASSWORD", ...password }, { name: "WORDPRESS_DB_USER", value: "wordpress" }],
        ports: [{ containerPort: 80, name: "wordpress" }],
      },
      "/var/www/html",
      "wp-pv-claim",
    ),
  ];
}

it("runs the tutorial's manifests on the cluster, and the posts survive the MySQL pod's deletion", () => {
  const registry = new ImageRegistry();
  registerUserland(registry);
  registerMySQL(registry);
  registerWordPress(registry);
  const c = new Cluster({ registry, seed: 5 });
  for (const o of tutorialObjects()) c.create(o);
  const running = (tier: string) => c.api.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.["tier"] === tier && p.status?.phase === "Running" && p.metadata.deletionTimestamp === undefined);
  expect(c.runUntil(() => running("mysql").length === 1 && running("frontend").length === 1, 300_000)).toBe(true);
  c.run(60_000);
  const logs = (pod: Pod, container: string) => c.podWorker("default", pod.metadata.name!)!.logs(container, false)!.lines.map((l) => l.text);
  const mysql = running("mysql")[0]!;
  const wp = running("frontend")[0]!;
  expect(logs(mysql, "mysql").some((l) => l.endsWith("[Note] [Entrypoint]: MySQL init process done. Ready for start up."))).toBe(true);
  expect(logs(wp, "wordpress").slice(0, 2)).toEqual(["WordPress not found in /var/www/html - copying now...", "Complete! WordPress has been successfully copied to /var/www/html"]);

  // curl inside the WordPress container sees the installer redirect.
  const out = new StringSink();
  const curl = c.podWorker("default", wp.metadata.name!)!.instance("wordpress")!.processes.spawn(["curl", "-sI", "http://localhost/"], { stdout: out, stderr: out, env: new Map([["PATH", "/usr/bin:/bin"]]) });
  let curlStatus: number | undefined;
  curl.exited.subscribe((s) => (curlStatus = s));
  c.runUntil(() => curlStatus !== undefined, 60_000);
  expect(out.text()).toMatch(/^HTTP\/1\.1 302 Found\r?\n/);

  // A client on the cluster network: install, write posts, delete the MySQL pod, read them back.
  const net = hostNet(c.network.addHost("client", "10.244.200.9"), (name) => c.dns.resolve(name, "default"));
  const history = new History(c.sim);
  const installed = spawn(c.sim, httpRequest({ sim: c.sim, net }, "http://wordpress/wp-admin/install.php?step=2", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "weblog_title=T&user_name=admin&admin_password=pw&admin_password2=pw&admin_email=a%40b.org" }));
  c.runUntil(() => installed.done, 60_000);
  const start = c.sim.now;
  const workload = spawn(c.sim, postsWorkload(c.sim, net, history, { url: "http://wordpress", user: "admin", password: "pw", durationMs: 120_000, intervalMs: 500 }));
  c.run(20_000);
  c.api.delete("Pod", "default", mysql.metadata.name!);
  c.runUntil(() => workload.done, 300_000);
  const verify = spawn(c.sim, verifyPosts(c.sim, net, history, { url: "http://wordpress" }, 120_000));
  c.runUntil(() => verify.done, 300_000);
  const posts = checkPosts(history);
  expect(posts.violations).toEqual([]);
  expect(posts.metrics.created).toBeGreaterThan(20);
  const availability = checkAvailability(history, start, start + 120_000);
  expect(availability.metrics.longestOutageMs).toBeGreaterThan(1_000);
  expect(running("mysql")[0]!.metadata.name).not.toBe(mysql.metadata.name);
});
