import { describe, expect, it } from "vitest";
import { createEnvironment } from "../src/index.js";
import { shell } from "./shell.js";

/** getent in a Debian-based pod: /etc/hosts first, then the cluster DNS through resolv.conf's search list. */
describe("getent", () => {
  it("answers hosts, ahosts, passwd and group as glibc's does in a ZooKeeper member", () => {
    const env = createEnvironment({ seed: 3, nodes: 3 });
    const sh = shell(env);
    expect(sh("kubectl apply -f https://k8s.io/examples/application/zookeeper/zookeeper.yaml >/dev/null && kubectl rollout status sts/zk --timeout=20m >/dev/null").code).toBe(0);
    const ip = (pod: string) => sh(`kubectl get pod ${pod} -o jsonpath='{.status.podIP}'`).out;
    const [zk0, zk1] = [ip("zk-0"), ip("zk-1")];
    // A short name answers under the first search domain that has it, and that name is the canonical one.
    expect(sh("kubectl exec zk-0 -- getent hosts zk-1.zk-hs").out).toBe(`${zk1.padEnd(15)} zk-1.zk-hs.default.svc.cluster.local\n`);
    // localhost is ::1 first (getent asks for IPv6 first); the pod's own name comes from the kubelet's /etc/hosts.
    expect(sh("kubectl exec zk-0 -- getent hosts localhost zk-0 nope")).toEqual({
      code: 2,
      out: `::1             localhost ip6-localhost ip6-loopback\n${zk0.padEnd(15)} zk-0.zk-hs.default.svc.cluster.local zk-0\ncommand terminated with exit code 2\n`,
    });
    const ahosts = sh("kubectl exec zk-0 -- getent ahosts zk-hs").out.split("\n");
    expect(ahosts.length).toBe(3 * 3 + 1);
    expect(ahosts[0]).toMatch(/^10\.244\.\d+\.\d+ +STREAM zk-hs\.default\.svc\.cluster\.local$/);
    expect(ahosts[3]).toMatch(/^10\.244\.\d+\.\d+ +STREAM $/);
    expect(sh("kubectl exec zk-0 -- getent passwd zookeeper 0").out).toBe("zookeeper:x:1000:1000::/home/zookeeper:\nroot:x:0:0:root:/root:/bin/bash\n");
    expect(sh("kubectl exec zk-0 -- getent group zookeeper").out).toBe("zookeeper:x:1000:\n");
    expect(sh("kubectl exec zk-0 -- getent nope").out).toBe("Unknown database: nope\nTry `getent --help' or `getent --usage' for more information.\ncommand terminated with exit code 1\n");
  });
});
