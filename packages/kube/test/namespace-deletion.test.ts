import { describe, expect, it } from "vitest";
import type { Namespace } from "../src/api/types.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

const APISERVICE = `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.custom.metrics.k8s.io
spec:
  group: custom.metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  service:
    name: prometheus-adapter
    namespace: monitoring
`;

/**
 * Deleting a namespace as the namespace registry and controller do it: Terminating, no new
 * content, everything in it deleted (pods take their grace period), then finalized and gone; and
 * stuck Terminating while an aggregated API's discovery fails, the famous way a namespace hangs.
 */
describe("namespace deletion", () => {
  it("empties a Terminating namespace, refusing new content, then removes it", () => {
    const { term, cluster } = kubectlWorld({ seed: 11 });
    term.run("kubectl create ns demo && kubectl -n demo create deployment web --image=registry.k8s.io/nginx-slim:0.8 && sleep 20");
    expect(term.run("kubectl delete ns demo --wait=false && kubectl get ns demo").output).toBe('namespace "demo" deleted\nNAME   STATUS        AGE\ndemo   Terminating   20s\n');
    expect(term.run("kubectl -n demo run late --image=busybox").output).toBe(
      'Error from server (Forbidden): pods "late" is forbidden: unable to create new content in namespace demo because it is being terminated\n',
    );
    expect(term.run("kubectl delete ns demo").output).toBe(
      'Error from server (Conflict): Operation cannot be fulfilled on namespaces "demo": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.\n',
    );
    term.run("sleep 1");
    const conditions = () => cluster.api.get<Namespace>("Namespace", undefined, "demo")?.status?.conditions ?? [];
    expect(conditions().find((c) => c.type === "NamespaceContentRemaining")).toMatchObject({ status: "True", reason: "SomeResourcesRemain", message: "Some resources are remaining: pods has 1 resource instances" });
    expect(term.run("kubectl delete ns kube-system").output).toBe('Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted\n');
    // The pod's 30 s grace period, then the controller's next pass finalizes it.
    expect(term.run("sleep 35; kubectl get ns demo").output).toBe('Error from server (NotFound): namespaces "demo" not found\n');
  });

  it("stays Terminating while an aggregated API's discovery fails, and goes once it is fixed", () => {
    const { term } = kubectlWorld({ seed: 11 });
    term.run(`cat > /tmp/apiservice.yaml <<'EOF'\n${APISERVICE}EOF`);
    expect(term.run("kubectl apply -f /tmp/apiservice.yaml && kubectl create ns demo").status).toBe(0);
    expect(term.run("kubectl delete ns demo --timeout=30s").output).toBe('namespace "demo" deleted\nerror: timed out waiting for the condition on namespaces/demo\n');
    expect(term.run("kubectl describe ns demo").output).toMatch(
      /\n {2}NamespaceDeletionDiscoveryFailure +True +\w{3}, \d\d \w{3} \d{4} [\d:]{8} \+0000 +DiscoveryFailed +Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: custom\.metrics\.k8s\.io\/v1beta1: stale GroupVersion discovery: custom\.metrics\.k8s\.io\/v1beta1\n/,
    );
    expect(term.run("kubectl get apiservice v1beta1.custom.metrics.k8s.io").output).toMatch(/monitoring\/prometheus-adapter   False \(ServiceNotFound\)/);
    // The runbook's fix: delete the stale APIService; the controller's back-off retry then finishes.
    expect(term.run("kubectl delete apiservice v1beta1.custom.metrics.k8s.io && kubectl wait --for=delete ns/demo --timeout=2m").status).toBe(0);
  });
});
