import { describe, expect, it } from "vitest";
import type { Pod } from "../src/api/types.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

function pod(name: string, script: string, extra: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36", command: ["sh", "-c", script], ...extra }] },
  };
}

describe("termination messages", () => {
  it("puts the tail of /dev/termination-log in the terminated state, as describe shows it", () => {
    const { cluster, term } = kubectlWorld({ seed: 3 });
    cluster.api.create(pod("crasher", "echo 'disk quota exceeded on /data' > /dev/termination-log; exit 3"));
    // Only the last 4 KiB of a longer message are kept.
    cluster.api.create(pod("long", "i=0; while [ $i -lt 600 ]; do echo \"line $i\"; i=$((i+1)); done > /dev/termination-log"));
    cluster.api.create(pod("quiet", "exit 0"));
    term.run("sleep 20");
    expect(term.run("kubectl describe pod crasher | grep -A2 'Reason:'").output).toBe("      Reason:   Error\n      Message:  disk quota exceeded on /data\n\n");
    const long = cluster.api.get<Pod>("Pod", "default", "long")!.status!.containerStatuses![0]!.state!.terminated!;
    expect(long.reason).toBe("Completed");
    expect(long.message!.length).toBe(4096);
    expect(long.message!.endsWith("line 599\n")).toBe(true);
    // Nothing written, nothing said.
    expect(cluster.api.get<Pod>("Pod", "default", "quiet")!.status!.containerStatuses![0]!.state!.terminated!.message).toBeUndefined();
  });

  it("falls back to the last lines of the log on an error with FallbackToLogsOnError", () => {
    const { cluster, term } = kubectlWorld({ seed: 3 });
    const fallback = { terminationMessagePolicy: "FallbackToLogsOnError" };
    cluster.api.create(pod("failing", "i=0; while [ $i -lt 100 ]; do echo \"out $i\"; i=$((i+1)); done; echo 'fatal: cannot bind :8080' >&2; exit 1", fallback));
    // A success, or a message of its own, keeps the log out of it.
    cluster.api.create(pod("fine", "echo done; exit 0", fallback));
    cluster.api.create(pod("said", "echo noise; echo 'own words' > /dev/termination-log; exit 2", fallback));
    term.run("sleep 20");
    const message = (name: string) => cluster.api.get<Pod>("Pod", "default", name)!.status!.containerStatuses![0]!.state!.terminated!.message;
    const lines = message("failing")!.split("\n");
    expect(lines.length).toBe(81);
    expect(lines[0]).toBe("out 21");
    expect(lines[79]).toBe("fatal: cannot bind :8080");
    expect(message("fine")).toBeUndefined();
    expect(message("said")).toBe("own words\n");
  });

  it("shares 12 KiB between a pod's containers, keeping the first bytes of each, and writes the file wherever the path says", () => {
    const { cluster, term } = kubectlWorld({ seed: 3 });
    const writer = (name: string) => ({ name, image: "busybox:1.36", command: ["sh", "-c", "i=0; while [ $i -lt 500 ]; do echo \"line $i\"; i=$((i+1)); done > /tmp/msg"], terminationMessagePath: "/tmp/msg" });
    cluster.api.create({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "four", namespace: "default" },
      spec: { restartPolicy: "Never", containers: ["a", "b", "c", "d"].map(writer) },
    } as Pod);
    term.run("sleep 30");
    const statuses = cluster.api.get<Pod>("Pod", "default", "four")!.status!.containerStatuses!;
    // Four containers: 3072 bytes each, the start of the file's last 4 KiB.
    const file = Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join("");
    const expected = file.slice(-4096).slice(0, 3072);
    expect(statuses.map((s) => s.state!.terminated!.message)).toEqual([expected, expected, expected, expected]);
    // The messages came from /tmp/msg: the kubelet bind-mounts the file wherever the path says.
    expect(term.run("kubectl get pod four -o jsonpath='{.status.phase}'").output).toBe("Succeeded");
  });
});
