import { describe, expect, it } from "vitest";
import { kubectlWorld } from "../../kube/test/kubectl-cmd-helpers.js";

/**
 * The kernel shields a container's PID 1 as an init: the runtime's SIGTERM reaches it only if it
 * catches SIGTERM. A shell running a command (`sh -c 'cmd; …'`) does not, so deleting its pod
 * waits out the 30-second grace period for the SIGKILL; a shell that traps TERM ends at once.
 * Meanwhile the pod is Terminating and still Ready.
 */
describe("pod termination with a shell as PID 1", () => {
  it("outlives SIGTERM until the grace period's SIGKILL unless the shell traps TERM", () => {
    const { term, cluster } = kubectlWorld({ seed: 3 });
    const run = (line: string) => {
      const r = term.run(line);
      expect(r.status, r.output).toBe(0);
    };
    run("kubectl run plain --image=busybox:1.28 -- sh -c 'sleep 3600; echo done'");
    run(`kubectl run trapped --image=busybox:1.28 -- sh -c "trap 'exit 0' TERM; while true; do sleep 1; done"`);
    run("kubectl wait --for=condition=Ready pod/plain pod/trapped --timeout=2m");
    // `kill -9 1` from inside the container is discarded too.
    run("kubectl exec plain -- kill -9 1");
    const took = (pod: string) => {
      const t0 = cluster.sim.now;
      run(`kubectl delete pod ${pod}`);
      return cluster.sim.now - t0;
    };
    expect(took("trapped")).toBeLessThan(3_000);
    // Through the grace period the pod shows Terminating and stays Ready (the kubelet goes on
    // probing readiness while it shuts a pod down).
    const t0 = cluster.sim.now;
    run("kubectl delete pod plain --wait=false && sleep 10");
    expect(term.run("kubectl get pod plain --no-headers").output).toMatch(/^plain\s+1\/1\s+Terminating\s+0\s/);
    run("kubectl wait --for=delete pod/plain --timeout=60s");
    const plain = cluster.sim.now - t0;
    expect(plain).toBeGreaterThanOrEqual(30_000);
    expect(plain).toBeLessThan(33_000);
  });
});
