import { Cluster, ImageRegistry, INTERNET_HOSTS, INTERNET_IP, KUBECTL_PROGRAM, registerKubectl, startInternet, StringSink, Workstation } from "@ksim/kube";
import { beforeAll, describe, expect, it } from "vitest";
import { registerCassandra } from "../src/index.js";
import { nodeLines, owns, statusLine } from "./nodetool-output.js";

/**
 * The Kubernetes Cassandra tutorial on a whole simulated cluster, typed at a workstation: the
 * Service and StatefulSet applied from their URLs and run by the real controllers, scheduler and
 * kubelets (volumes, POD_IP, /etc/hosts, the readiness probe), then the ring grown to four with
 * `kubectl edit` and one of its pods deleted. The steps build on each other, in order.
 */

interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function tutorialCluster(seed: number) {
  const registry = new ImageRegistry();
  registerCassandra(registry);
  const cluster = new Cluster({ seed, registry, nodes: 4 });
  registerKubectl(registry, cluster);
  startInternet(cluster.network);
  const workstation = new Workstation({
    cluster,
    tools: { kubectl: KUBECTL_PROGRAM },
    hosts: Object.fromEntries(INTERNET_HOSTS.map((h) => [h, INTERNET_IP])),
  });
  const out = new StringSink();
  const err = new StringSink();
  const session = workstation.session({ stdout: out, stderr: err });
  /** Types `source` at the workstation and waits for it, in simulated time. */
  const sh = (source: string): Result => {
    const [o, e] = [out.text().length, err.text().length];
    const status = session.run(`${source}\n`);
    return { status, stdout: out.text().slice(o), stderr: err.text().slice(e) };
  };
  return { cluster, sh };
}

describe("the Cassandra tutorial on a simulated cluster", () => {
  const { cluster, sh } = tutorialCluster(1);
  const podIp = (name: string) => sh(`kubectl get pod ${name} -o jsonpath='{.status.podIP}'`).stdout;
  const status = (args = "") => sh(`kubectl exec cassandra-0 -- nodetool status ${args}`).stdout;
  const hostId = (out: string, ip: string) => statusLine(out, ip).split(/\s+/)[6];

  beforeAll(() => {
    expect(sh("kubectl apply -f https://k8s.io/examples/application/cassandra/cassandra-service.yaml").status).toBe(0);
    expect(sh("kubectl apply -f https://k8s.io/examples/application/cassandra/cassandra-statefulset.yaml").status).toBe(0);
  });

  it("reaches 3/3 Ready: the seed starts alone, the others bootstrap in order, and every member sees every member UN", () => {
    expect(sh("kubectl rollout status statefulset/cassandra --timeout=10m").status).toBe(0);
    expect(sh("kubectl get statefulset cassandra").stdout).toMatch(/^NAME +READY +AGE\ncassandra +3\/3 +\d+m\d*s?\n$/);
    const ips = ["cassandra-0", "cassandra-1", "cassandra-2"].map(podIp);
    for (let i = 0; i < 3; i++) {
      const out = sh(`kubectl exec cassandra-${i} -- nodetool status`).stdout;
      expect(out.split("\n").slice(0, 5)).toEqual([
        "Datacenter: DC1-K8Demo",
        "======================",
        "Status=Up/Down",
        "|/ State=Normal/Leaving/Joining/Moving",
        "--  Address     Load       Tokens       Owns (effective)  Host ID                               Rack",
      ]);
      expect(nodeLines(out)).toHaveLength(3);
      for (const ip of ips) expect(statusLine(out, ip)).toMatch(/^UN {2}\S+ +\S+ (bytes|KiB) +32 {11}\d+\.\d% +[0-9a-f-]{36} {2}Rack1-K8Demo$/);
      // No user keyspace yet: effective ownership is system_traces' (RF 2), 200% in all.
      expect(owns(out)).toBeCloseTo(200, 0);
    }
    // -r (HostStat.ipOrDns): the names reverse lookups give (the pod's /etc/hosts, the cluster DNS),
    // the Address column as wide as the longest; airline takes the option anywhere after the command.
    const named = status("-r").split("\n");
    expect(named[4]).toBe(`--  ${"Address".padEnd(47)}  Load       Tokens       Owns (effective)  Host ID                               Rack`);
    for (let i = 0; i < 3; i++) expect(named.filter((l) => l.startsWith(`UN  cassandra-${i}.cassandra.default.svc.cluster.local  `))).toHaveLength(1);
    expect(status("--resolve-ip system_traces")).toContain("UN  cassandra-1.cassandra.default.svc.cluster.local  ");
    // Ring.java keeps its Address column as wide as the longest IP: a name runs into the Rack column.
    const ringRows = sh("kubectl exec cassandra-0 -- nodetool ring -r").stdout.split("\n").filter((l) => l.startsWith("cassandra-"));
    expect(ringRows).toHaveLength(96);
    expect(ringRows[0]).toMatch(/^cassandra-\d\.cassandra\.default\.svc\.cluster\.local  Rack1-K8DemoUp     Normal  /);
    const seedLog = sh("kubectl logs cassandra-0").stdout;
    expect(seedLog).toContain("CASSANDRA_CLUSTER_NAME K8Demo\n");
    expect(seedLog).toContain("This node will not auto bootstrap because it is configured to be a seed node.");
    expect(sh("kubectl logs cassandra-2").stdout).toContain("JOINING: sleeping 30000 ms for pending range setup");
  });

  it("grows to four through kubectl edit: the new member is UJ while it bootstraps, then UN", () => {
    expect(sh('KUBE_EDITOR="sed -i s/replicas:\\ 3/replicas:\\ 4/" kubectl edit statefulset cassandra')).toEqual({
      status: 0,
      stdout: "statefulset.apps/cassandra edited\n",
      stderr: "",
    });
    const joining = sh("until kubectl exec cassandra-0 -- nodetool status | grep '^UJ '; do sleep 5; done");
    expect(joining.stdout).toMatch(/^UJ {2}\d+\.\d+\.\d+\.\d+ /);
    expect(sh("kubectl rollout status statefulset/cassandra --timeout=10m").status).toBe(0);
    expect(sh("kubectl get statefulset cassandra").stdout).toMatch(/\ncassandra +4\/4 /);
    const out = status();
    expect(nodeLines(out)).toHaveLength(4);
    expect(statusLine(out, podIp("cassandra-3"))).toMatch(/^UN /);
    expect(sh("kubectl logs cassandra-3").stdout).toContain("Bootstrap completed! for the tokens [");
  });

  it("shows effective ownership on four members summing to 300% for a keyspace at RF 3 and to 100% at RF 1", () => {
    const cql = (q: string) => sh(`kubectl exec cassandra-0 -- cqlsh -e "${q}"`);
    expect(cql("CREATE KEYSPACE rf3 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}").status).toBe(0);
    expect(cql("CREATE KEYSPACE rf1 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}").status).toBe(0);
    const rf3 = status("rf3");
    const rf1 = status("rf1");
    expect(nodeLines(rf3)).toHaveLength(4);
    expect(owns(rf3)).toBeCloseTo(300, 0);
    expect(owns(rf1)).toBeCloseTo(100, 0);
    // Each member replicates a share of the ring three times as large at RF 3 as at RF 1 (or all of it).
    for (const line of nodeLines(rf1)) {
      const ip = line.split(/\s+/)[1]!;
      const one = Number(/(\d+\.\d)%/.exec(line)![1]);
      const three = Number(/(\d+\.\d)%/.exec(statusLine(rf3, ip))![1]);
      expect(three).toBeGreaterThan(one);
      expect(three).toBeLessThanOrEqual(100);
    }
    // With two user keyspaces replicated differently, plain `status` has no effective ownership.
    expect(status()).toMatch(/\nNote: Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless\n$/);
  });

  it("brings a deleted pod back after its preStop drain, with its volume, host ID, tokens and data", () => {
    const drained: string[] = [];
    cluster.sim.trace.observe("cassandra.drained", (e) => drained.push((e.data as { node: string }).node));
    const rows = Array.from({ length: 10 }, (_, k) => `INSERT INTO rf3.t (k, v) VALUES (${k}, 'v${k}');`).join(" ");
    expect(sh(`kubectl exec cassandra-0 -- cqlsh -e "CREATE TABLE rf3.t (k int PRIMARY KEY, v text); CONSISTENCY ALL; ${rows}"`).status).toBe(0);
    const oldIp = podIp("cassandra-1");
    const before = status();
    const id = hostId(before, oldIp);
    const tokens = sh("kubectl exec cassandra-1 -- nodetool info -T").stdout.split("\n").filter((l) => l.startsWith("Token "));
    expect(tokens).toHaveLength(32);

    expect(sh("kubectl delete pod cassandra-1")).toEqual({ status: 0, stdout: 'pod "cassandra-1" deleted from default namespace\n', stderr: "" });
    expect(drained).toEqual([oldIp]);
    expect(sh("kubectl rollout status statefulset/cassandra --timeout=10m").status).toBe(0);
    const newIp = podIp("cassandra-1");
    const after = status();
    expect(nodeLines(after)).toHaveLength(4);
    expect(statusLine(after, newIp)).toMatch(/^UN /);
    expect(hostId(after, newIp)).toBe(id);
    if (newIp !== oldIp) expect(after).not.toContain(`${oldIp} `);
    const log = sh("kubectl logs cassandra-1").stdout;
    expect(log).toContain("Using saved tokens [");
    expect(log).not.toContain("No host ID found");
    expect(sh("kubectl exec cassandra-1 -- nodetool info -T").stdout.split("\n").filter((l) => l.startsWith("Token "))).toEqual(tokens);
    expect(sh(`kubectl exec cassandra-1 -- cqlsh -e "CONSISTENCY ALL; SELECT count(*) FROM rf3.t"`).stdout).toContain("\n count\n-------\n    10\n\n(1 rows)\n");
  });
});
