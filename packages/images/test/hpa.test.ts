import type { HorizontalPodAutoscaler } from "@ksim/kube";
import { describe, expect, it } from "vitest";
import { kubectlWorld } from "../../kube/test/kubectl-cmd-helpers.js";

const BUSY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: busy
spec:
  selector:
    matchLabels:
      app: busy
  template:
    metadata:
      labels:
        app: busy
    spec:
      containers:
      - name: stress
        image: polinux/stress
        command: ["stress"]
        args: ["--cpu", "1"]
        resources:
          requests:
            cpu: 500m
`;

/**
 * The HorizontalPodAutoscaler on metrics-server's numbers: pods that each spin a whole CPU
 * against a 500m request (200% of it) scale the Deployment up at most to max(2 × current, 4) per
 * sync, then to maxReplicas; once they idle, the 5-minute downscale stabilization holds the count
 * before it falls to minReplicas.
 */
describe("HorizontalPodAutoscaler with metrics-server", () => {
  it("scales up on CPU utilization, limited by rate and maxReplicas, and down after the stabilization window", () => {
    const { term, cluster } = kubectlWorld({ seed: 7 });
    term.run(`cat > /tmp/busy.yaml <<'EOF'\n${BUSY}EOF`);
    expect(term.run("minikube addons enable metrics-server && kubectl apply -f /tmp/busy.yaml && kubectl autoscale deployment busy --cpu=50% --min=1 --max=5").status).toBe(0);
    const hpa = () => cluster.api.get<HorizontalPodAutoscaler>("HorizontalPodAutoscaler", "default", "busy")!;
    const condition = (type: string) => hpa().status?.conditions?.find((c) => c.type === type);
    // No metrics yet: the APIService is not Available for the first minute.
    expect(term.run("sleep 60; kubectl get hpa busy").output).toBe(
      "NAME   REFERENCE         TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\nbusy   Deployment/busy   cpu: <unknown>/50%   1         5         1          60s\n",
    );
    expect(condition("ScalingActive")).toMatchObject({ status: "False", reason: "FailedGetResourceMetric" });
    expect(term.run("sleep 60; kubectl get hpa busy").output).toMatch(/\nbusy   Deployment\/busy   cpu: 200%\/50%   1         5         4          2m\n$/);
    expect(term.run("sleep 120; kubectl get deploy busy").output).toMatch(/\nbusy   5\/5     5            5           4m\n$/);
    expect(condition("ScalingLimited")).toMatchObject({ status: "True", reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" });
    expect(term.run("kubectl describe hpa busy").output).toContain(
      "  resource cpu on pods  (as a percentage of request):  200% (1001m) / 50%\nMin replicas:                                          1\nMax replicas:                                          5\nDeployment pods:                                       5 current / 5 desired\n",
    );
    const events = term.run("kubectl get events --field-selector involvedObject.name=busy,reason=SuccessfulRescale -o jsonpath='{.items[*].message}'").output;
    expect(events).toBe("New size: 4; reason: cpu resource utilization (percentage of request) above target New size: 5; reason: cpu resource utilization (percentage of request) above target");
    // The pods go idle (stress --io spins on sync(), 50m); the count holds for the window, then drops.
    expect(term.run(`kubectl patch deployment busy --type=json -p='[{"op":"replace","path":"/spec/template/spec/containers/0/args","value":["--io","1"]}]'`).status).toBe(0);
    expect(term.run("sleep 180; kubectl get hpa busy").output).toMatch(/   cpu: 10%\/50%   1         5         5          7m\n$/);
    expect(condition("AbleToScale")).toMatchObject({ reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" });
    expect(term.run("sleep 300; kubectl get deploy busy").output).toMatch(/\nbusy   1\/1     1            1           12m\n$/);
    expect(term.run("kubectl get events --field-selector reason=SuccessfulRescale -o jsonpath='{.items[-1:].message}'").output).toBe("New size: 1; reason: All metrics below target");
  });

  it("runs the HorizontalPodAutoscaler walkthrough: php-apache under a wget loop scales out, then back to 1", () => {
    const { term, cluster } = kubectlWorld({ seed: 7, systemPods: true });
    expect(term.run("minikube addons enable metrics-server >/dev/null && kubectl apply -f https://k8s.io/examples/application/php-apache.yaml").output).toBe(
      "deployment.apps/php-apache created\nservice/php-apache created\n",
    );
    expect(term.run("kubectl autoscale deployment php-apache --cpu=50% --min=1 --max=10").output).toBe("horizontalpodautoscaler.autoscaling/php-apache autoscaled\n");
    expect(term.run("sleep 90; kubectl get hpa").output).toBe(
      "NAME         REFERENCE               TARGETS       MINPODS   MAXPODS   REPLICAS   AGE\nphp-apache   Deployment/php-apache   cpu: 0%/50%   1         10        1          90s\n",
    );
    term.run("kubectl run load-generator --image=busybox:1.28 --restart=Never -- /bin/sh -c 'while sleep 0.01; do wget -q -O- http://php-apache; done'");
    // One pod serves the loop at its 500m limit: 250% of its 200m request once a whole window is loaded.
    term.run("sleep 300");
    const hpa = () => cluster.api.get<HorizontalPodAutoscaler>("HorizontalPodAutoscaler", "default", "php-apache")!;
    const scaledTo = hpa().status!.currentReplicas!;
    expect(scaledTo).toBeGreaterThanOrEqual(4);
    // The loop's requests run one at a time, so the pods share about 500m between them: near the 50% target.
    const utilization = hpa().status!.currentMetrics![0]!.resource!.current.averageUtilization!;
    expect(Math.abs(utilization - 50)).toBeLessThanOrEqual(10);
    expect(term.run("kubectl logs deploy/php-apache | grep -c 'GET / HTTP/1.1\" 200'").output.trim()).not.toBe("0");
    expect(term.run("kubectl delete pod load-generator && sleep 420 && kubectl get deployment php-apache").output).toMatch(/\nphp-apache   1\/1     1            1           \d+m\n$/);
    expect(term.run("kubectl describe hpa php-apache | grep SuccessfulRescale | tail -1").output).toMatch(/New size: 1; reason: All metrics below target\n$/);
  });

  it("scales on one container's CPU with a ContainerResource metric, and says which container", () => {
    const { term } = kubectlWorld({ seed: 7 });
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: busy
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: busy}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: ContainerResource
    containerResource:
      name: cpu
      container: stress
      target: {type: Utilization, averageUtilization: 50}
`;
    term.run(`cat > /tmp/busy.yaml <<'EOF'\n${BUSY}---\n${hpa}EOF`);
    expect(term.run("minikube addons enable metrics-server >/dev/null && kubectl apply -f /tmp/busy.yaml && sleep 150").status).toBe(0);
    expect(term.run("kubectl get hpa busy --no-headers").output).toMatch(/^busy   Deployment\/busy   cpu: 200%\/50%   1     3     \d   /);
    expect(term.run("kubectl describe hpa busy").output).toContain('  resource cpu of container "stress" on pods  (as a percentage of request):  200% (1001m) / 50%\n');
    expect(term.run("kubectl describe hpa busy | grep SuccessfulRescale").output).toContain("New size: 3; reason: cpu container resource utilization (percentage of request) above target");
  });
});
