import { describe, expect, it } from "vitest";
import type { Pod } from "../src/api/types.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

function webWorld() {
  const world = kubectlWorld({ seed: 9 });
  expect(world.term.run("kubectl apply -f https://k8s.io/examples/application/web/web.yaml && kubectl rollout status sts/web").status).toBe(0);
  return world;
}

describe("kubectl label", () => {
  it("says what happened to the labels by comparing them before and after", () => {
    const { term, cluster } = webWorld();
    const labels = () => cluster.api.get<Pod>("Pod", "default", "web-0")!.metadata.labels!;
    expect(term.run("kubectl label pod web-0 tier=front")).toEqual({ status: 0, output: "pod/web-0 labeled\n" });
    // The same value again is no change, and needs no --overwrite.
    expect(term.run("kubectl label pod web-0 tier=front")).toEqual({ status: 0, output: "pod/web-0 not labeled\n" });
    expect(term.run("kubectl label pod web-0 tier=back env=prod --overwrite")).toEqual({ status: 0, output: "pod/web-0 labeled\n" });
    expect(term.run("kubectl label pod web-0 tier- env=dev --overwrite")).toEqual({ status: 0, output: "pod/web-0 label(s) changed\n" });
    expect(labels()).toMatchObject({ env: "dev" });
    expect(labels().tier).toBeUndefined();
    expect(term.run("kubectl label pod web-0 env-")).toEqual({ status: 0, output: "pod/web-0 unlabeled\n" });
    expect(term.run("kubectl label pod web-0 nothere-")).toEqual({ status: 0, output: 'label "nothere" not found.\npod/web-0 not labeled\n' });
    // A client dry run says what would happen, and writes nothing.
    expect(term.run("kubectl label pod web-0 app- --dry-run=client")).toEqual({ status: 0, output: "pod/web-0 unlabeled (dry run)\n" });
    expect(labels().app).toBe("nginx");
    expect(term.run("kubectl label pods -l app=nginx canary=true -o name")).toEqual({ status: 0, output: "pod/web-0\npod/web-1\n" });
  });

  it("lists labels with --list, under a heading per object when there are several", () => {
    const { term } = webWorld();
    const hash = term.run("kubectl get pod web-0 -o jsonpath='{.metadata.labels.controller-revision-hash}'").output;
    expect(term.run("kubectl label pod web-0 --list")).toEqual({
      status: 0,
      output: `app=nginx\napps.kubernetes.io/pod-index=0\ncontroller-revision-hash=${hash}\nstatefulset.kubernetes.io/pod-name=web-0\n`,
    });
    expect(term.run("kubectl label pods -l app=nginx --list").output).toBe(
      `Listing labels for Pod./web-0:\n app=nginx\n apps.kubernetes.io/pod-index=0\n controller-revision-hash=${hash}\n statefulset.kubernetes.io/pod-name=web-0\n` +
        `Listing labels for Pod./web-1:\n app=nginx\n apps.kubernetes.io/pod-index=1\n controller-revision-hash=${hash}\n statefulset.kubernetes.io/pod-name=web-1\n`,
    );
    // With changes, --list shows the labels as they would be, without writing them.
    expect(term.run("kubectl label sts web tier=front --list")).toEqual({ status: 0, output: "tier=front\n" });
    expect(term.run("kubectl label sts web --list")).toEqual({ status: 0, output: "" });
  });
});

describe("kubectl annotate", () => {
  it("annotates, lists and removes annotations", () => {
    const { term } = webWorld();
    expect(term.run("kubectl annotate sts web note=hello owner=team-a")).toEqual({ status: 0, output: "statefulset.apps/web annotated\n" });
    expect(term.run("kubectl annotate sts web note=hello")).toEqual({ status: 0, output: "statefulset.apps/web annotated\n" });
    expect(term.run("kubectl annotate sts web note=bye")).toEqual({
      status: 1,
      output: "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (hello)\n",
    });
    expect(term.run("kubectl annotate sts web note- && kubectl annotate statefulset/web --list")).toEqual({
      status: 0,
      // The last-applied configuration ends in a newline, as kubectl stores it.
      output: `statefulset.apps/web annotated\nkubectl.kubernetes.io/last-applied-configuration=${term.run("kubectl get sts web -o jsonpath='{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}'").output}\nowner=team-a\n`,
    });
    expect(term.run("kubectl annotate pods --all seen=yes --list").output).toBe("Listing annotations for Pod./web-0:\n seen=yes\nListing annotations for Pod./web-1:\n seen=yes\n");
  });
});
