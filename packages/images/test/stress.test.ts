import type { Pod } from "@ksim/kube";
import { describe, expect, it } from "vitest";
import { kubectlWorld } from "../../kube/test/kubectl-cmd-helpers.js";

/** The Kubernetes docs' memory-limit exercise: stress allocating `vmBytes` under `limit`. */
function stressPod(name: string, limit: string, vmBytes: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: ${name}-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "50Mi"
      limits:
        memory: "${limit}"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "${vmBytes}", "--vm-hang", "1"]
`;
}

describe("memory limits (polinux/stress in a memory cgroup)", () => {
  it("lets a container stay under its limit and OOM-kills one that goes over, which then crash-loops", () => {
    const { term, cluster } = kubectlWorld({ seed: 5 });
    term.run(`cat > /tmp/pods.yaml <<'EOF'\n${stressPod("under", "200Mi", "150M")}---\n${stressPod("over", "100Mi", "250M")}EOF`);
    expect(term.run("kubectl apply -f /tmp/pods.yaml && sleep 30").status).toBe(0);
    const pod = (name: string) => cluster.api.get<Pod>("Pod", "default", name)!;
    expect(pod("under").status!.containerStatuses![0]).toMatchObject({ ready: true, restartCount: 0, state: { running: {} } });
    expect(term.run("kubectl logs under").output).toBe("stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n");
    // The worker is resident for its 150M (153600 KiB) on top of its own small size while it holds them.
    const resident = cluster.podWorker("default", "under")!.instance("under-ctr")!.processes.list().map((p) => p.stats.residentKiB);
    expect(resident).toEqual([563, 154163]);
    const over = pod("over").status!.containerStatuses![0]!;
    expect(over.lastState?.terminated).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
    expect(over.restartCount).toBeGreaterThanOrEqual(2);
    expect(term.run("kubectl get pod over").output).toMatch(/\nover +0\/1 +(CrashLoopBackOff|OOMKilled) +\d+ /);
  });

  it("kills the whole container when a process exec'd into it pushes it over (memory.oom.group)", () => {
    const { term, cluster } = kubectlWorld({ seed: 5 });
    term.run(`cat > /tmp/pod.yaml <<'EOF'\n${stressPod("under", "200Mi", "150M")}EOF`);
    expect(term.run("kubectl apply -f /tmp/pod.yaml && kubectl wait --for=condition=Ready pod/under --timeout=30s").status).toBe(0);
    const r = term.run("kubectl exec under -- stress --vm 1 --vm-bytes 60M --vm-hang 0 --timeout 5s");
    expect(r.output).toBe("stress: info: [3] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\ncommand terminated with exit code 137\n");
    term.run("sleep 5");
    const status = cluster.api.get<Pod>("Pod", "default", "under")!.status!.containerStatuses![0]!;
    expect(status.restartCount).toBe(1);
    expect(status.lastState?.terminated).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
  });

  it("runs cpu workers until the timeout and says so", () => {
    const { term } = kubectlWorld({ seed: 5 });
    expect(term.run("kubectl run s --image=polinux/stress --restart=Never --command -- stress --cpu 2 --timeout 5s && sleep 15 && kubectl logs s").output).toBe(
      "pod/s created\nstress: info: [1] dispatching hogs: 2 cpu, 0 io, 0 vm, 0 hdd\nstress: info: [1] successful run completed in 5s\n",
    );
    expect(term.run("kubectl get pod s -o jsonpath='{.status.phase}'").output).toBe("Succeeded");
  });

  it("holds cpu workers to the container's limits.cpu, each getting its share of the quota", () => {
    const { term, cluster } = kubectlWorld({ seed: 5 });
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: capped
spec:
  containers:
  - name: capped
    image: polinux/stress
    command: ["stress"]
    args: ["--cpu", "2"]
    resources:
      limits:
        cpu: 500m
`;
    term.run(`cat > /tmp/capped.yaml <<'EOF'\n${pod}EOF`);
    expect(term.run("kubectl apply -f /tmp/capped.yaml && sleep 5").status).toBe(0);
    const usage = () => cluster.podWorker("default", "capped")!.containerUsage()[0]!.usage.cpuMs;
    const before = usage();
    term.run("sleep 100");
    // Two workers asking for a CPU each get a quarter of one: 500m together.
    expect(Math.round(usage() - before)).toBe(50_000);
    expect(term.run("kubectl exec capped -- ps").output).toMatch(/\n {4}2 root {6}0:(2\d) stress --cpu 2\n {4}3 root {6}0:\1 stress --cpu 2\n/);
  });
});
