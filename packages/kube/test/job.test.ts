import { describe, expect, it } from "vitest";
import type { Event, Job, Pod } from "../src/api/types.js";
import { parseTime } from "../src/api/time.js";
import { formatIndexes } from "../src/controllers/job.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

function job(name: string, command: string, spec: Record<string, unknown> = {}): string {
  const body = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: { ...spec, template: { spec: { containers: [{ name: "main", image: "busybox:1.28", command: ["sh", "-c", command] }], restartPolicy: "Never" } } },
  };
  return `cat <<'EOF' | kubectl apply -f - >/dev/null\n${JSON.stringify(body)}\nEOF`;
}

function world() {
  const w = kubectlWorld({ seed: 11 });
  const pods = (name: string) => w.cluster.api.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.["job-name"] === name);
  const get = (name: string) => w.cluster.api.get<Job>("Job", "default", name)!;
  return { ...w, pods, get };
}

describe("Job controller", () => {
  it("runs a pod to completion and reports it as kubectl shows a finished Job", () => {
    const { term, get, pods, cluster } = world();
    expect(term.run("kubectl create job pi --image=busybox:1.28 -- sh -c 'sleep 5; echo 3.14159'")).toEqual({ status: 0, output: "job.batch/pi created\n" });
    expect(term.run("kubectl get jobs").output).toBe("NAME   STATUS    COMPLETIONS   DURATION   AGE\npi     Running   0/1                      0s\n");
    expect(term.run("kubectl wait --for=condition=complete job/pi --timeout=60s")).toEqual({ status: 0, output: "job.batch/pi condition met\n" });
    const j = get("pi");
    expect(j.status?.succeeded).toBe(1);
    expect(j.status?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}`)).toEqual(["SuccessCriteriaMet=True CompletionsReached", "Complete=True CompletionsReached"]);
    expect(term.run("kubectl logs job/pi").output).toBe("3.14159\n");
    const [pod] = pods("pi");
    expect(pod!.metadata.name).toMatch(/^pi-[a-z0-9]{5}$/);
    expect(pod!.metadata.finalizers).toBeUndefined();
    expect(term.run("kubectl get pods").output).toMatch(new RegExp(`^NAME +READY +STATUS +RESTARTS +AGE\n${pod!.metadata.name} +0/1 +Completed +0 +\\d+s\n$`));
    const reasons = cluster.api.list<Event>("Event", "default").filter((e) => e.involvedObject.kind === "Job").map((e) => `${e.reason}: ${e.message}`);
    expect(reasons).toEqual([`SuccessfulCreate: Created pod: ${pod!.metadata.name}`, "Completed: Job completed"]);
    // Finished pods may go; the counts stay.
    expect(term.run(`kubectl delete pod ${pod!.metadata.name} >/dev/null && sleep 2 && kubectl get job pi -o jsonpath='{.status.succeeded}'`).output).toBe("1");
    expect(term.run("kubectl delete job pi && sleep 2 && kubectl get pods")).toEqual({ status: 0, output: 'job.batch "pi" deleted from default namespace\nNo resources found in default namespace.\n' });
  });

  it("keeps at most parallelism pods running until completions succeed", () => {
    const { term, get, pods, cluster } = world();
    expect(term.run(job("work", "sleep 3", { completions: 5, parallelism: 2 })).status).toBe(0);
    let most = 0;
    cluster.api.watch<Pod>("Pod", () => {
      const running = pods("work").filter((p) => p.status?.phase !== "Succeeded" && p.metadata.deletionTimestamp === undefined).length;
      most = Math.max(most, running);
    });
    expect(term.run("kubectl wait --for=condition=complete job/work --timeout=120s").status).toBe(0);
    expect(most).toBe(2);
    expect(pods("work")).toHaveLength(5);
    // A zero count is left out, as Go's omitempty leaves it.
    expect(get("work").status).toMatchObject({ succeeded: 5 });
    expect(get("work").status?.active).toBeUndefined();
    expect(term.run("kubectl get job work").output).toMatch(/^NAME +STATUS +COMPLETIONS +DURATION +AGE\nwork +Complete +5\/5 +\d+s +\d+s\n$/);
  });

  it("replaces failed pods after a doubling back-off, then fails with BackoffLimitExceeded", () => {
    const { term, get, pods } = world();
    expect(term.run(job("fails", "exit 1", { backoffLimit: 2 })).status).toBe(0);
    expect(term.run("kubectl wait --for=condition=failed job/fails --timeout=300s").status).toBe(0);
    const created = pods("fails")
      .map((p) => parseTime(p.metadata.creationTimestamp!))
      .sort((a, b) => a - b);
    expect(created).toHaveLength(3);
    // 10 s after the first failure, 20 s after the second (each pod also takes a moment to fail).
    expect(created[1]! - created[0]!).toBeGreaterThanOrEqual(10_000);
    expect(created[2]! - created[1]!).toBeGreaterThanOrEqual(20_000);
    const j = get("fails");
    expect(j.status).toMatchObject({ failed: 3 });
    expect(j.status?.active).toBeUndefined();
    expect(j.status?.conditions?.map((c) => `${c.type} ${c.reason}: ${c.message}`)).toEqual([
      "FailureTarget BackoffLimitExceeded: Job has reached the specified backoff limit",
      "Failed BackoffLimitExceeded: Job has reached the specified backoff limit",
    ]);
    expect(term.run("kubectl get job fails").output).toMatch(/^NAME +STATUS +COMPLETIONS +DURATION +AGE\nfails +Failed +0\/1 +\d+s +\d+s\n$/);
  });

  it("fails a Job past activeDeadlineSeconds and deletes its running pod", () => {
    const { term, get, pods } = world();
    expect(term.run(job("slow", "sleep 600", { activeDeadlineSeconds: 20 })).status).toBe(0);
    expect(term.run("kubectl wait --for=condition=failed job/slow --timeout=120s").status).toBe(0);
    expect(get("slow").status?.conditions?.at(-1)).toMatchObject({ type: "Failed", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" });
    expect(term.run("sleep 40").status).toBe(0);
    expect(pods("slow")).toHaveLength(0);
  });

  it("gives Indexed pods their index in the name, hostname and JOB_COMPLETION_INDEX", () => {
    const { term, get, pods } = world();
    expect(term.run(job("idx", 'echo "index $JOB_COMPLETION_INDEX on $(hostname)"', { completions: 3, parallelism: 3, completionMode: "Indexed" })).status).toBe(0);
    expect(term.run("kubectl wait --for=condition=complete job/idx --timeout=60s").status).toBe(0);
    const names = pods("idx").map((p) => p.metadata.name!).sort();
    expect(names.map((n) => n.replace(/-[a-z0-9]{5}$/, ""))).toEqual(["idx-0", "idx-1", "idx-2"]);
    expect(term.run(`kubectl logs ${names[2]}`).output).toBe("index 2 on idx-2\n");
    expect(get("idx").status?.completedIndexes).toBe("0-2");
    expect(term.run("kubectl describe job idx | grep -E '^(Completion Mode|Pods Statuses|Completed Indexes):'").output).toBe(
      "Completion Mode:    Indexed\nPods Statuses:      0 Active (0 Ready) / 3 Succeeded / 0 Failed\nCompleted Indexes:  0-2\n",
    );
  });

  it("deletes a finished Job and its pods ttlSecondsAfterFinished later", () => {
    const { term, cluster, pods } = world();
    expect(term.run(job("short", "true", { ttlSecondsAfterFinished: 30 })).status).toBe(0);
    expect(term.run("kubectl wait --for=condition=complete job/short --timeout=60s && sleep 10").status).toBe(0);
    expect(cluster.api.get("Job", "default", "short")).toBeDefined();
    expect(term.run("sleep 30").status).toBe(0);
    expect(cluster.api.get("Job", "default", "short")).toBeUndefined();
    expect(pods("short")).toHaveLength(0);
  });

  it("stops a suspended Job's pods without counting them, and starts again on resume", () => {
    const { term, get, pods, cluster } = world();
    expect(term.run(job("held", "sleep 30", { suspend: true })).status).toBe(0);
    expect(term.run("sleep 5 && kubectl get job held").output).toMatch(/^NAME +STATUS +COMPLETIONS +DURATION +AGE\nheld +Suspended +0\/1 +5s\n$/);
    expect(pods("held")).toHaveLength(0);
    expect(get("held").status?.startTime).toBeUndefined();
    expect(term.run(`kubectl patch job held -p '{"spec":{"suspend":false}}' && sleep 10`).status).toBe(0);
    expect(pods("held").filter((p) => p.status?.phase === "Running")).toHaveLength(1);
    expect(get("held").status?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}`)).toEqual(["Suspended=False JobResumed"]);
    expect(term.run(`kubectl patch job held -p '{"spec":{"suspend":true}}' >/dev/null && sleep 40`).status).toBe(0);
    expect(pods("held")).toHaveLength(0);
    expect(get("held").status?.failed).toBeUndefined();
    expect(term.run(`kubectl patch job held -p '{"spec":{"suspend":false}}' >/dev/null && kubectl wait --for=condition=complete job/held --timeout=120s`).status).toBe(0);
    // Repeated events are one Event counted twice, as the recorder aggregates them.
    const events = cluster.api.list<Event>("Event", "default").filter((e) => e.reason === "Suspended" || e.reason === "Resumed");
    expect(events.map((e) => `${e.reason}: ${e.message} x${e.count}`)).toEqual(["Suspended: Job suspended x2", "Resumed: Job resumed x2"]);
  });

  it("refuses a template that restarts Always, in the API server's words", () => {
    const { term } = world();
    const always = `cat <<'EOF' | kubectl apply -f -\n{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"bad"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}\nEOF`;
    expect(term.run(always)).toEqual({
      status: 1,
      output: 'The Job "bad" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"\n',
    });
    expect(term.run("kubectl create job x --image=busybox --from=cronjob/nightly")).toEqual({ status: 1, output: "error: either --image or --from must be specified\n" });
    expect(term.run("kubectl create job x --from=cronjob/nightly")).toEqual({ status: 1, output: 'Error from server (NotFound): cronjobs.batch "nightly" not found\n' });
  });

  it("fails the Job at once when an exit code matches a FailJob rule, and retries other exit codes", () => {
    const { term, get, pods } = world();
    const podFailurePolicy = { rules: [{ action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } }] };
    expect(term.run(job("fatal", "exit 42", { backoffLimit: 6, podFailurePolicy })).status).toBe(0);
    expect(term.run(job("flaky", "exit 1", { backoffLimit: 1, podFailurePolicy })).status).toBe(0);
    expect(term.run("kubectl wait --for=condition=failed job/fatal job/flaky --timeout=120s").status).toBe(0);
    const [pod] = pods("fatal");
    expect(pods("fatal")).toHaveLength(1);
    const message = `Container main for pod default/${pod!.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
    expect(get("fatal").status?.conditions?.map((c) => `${c.type} ${c.reason}: ${c.message}`)).toEqual([`FailureTarget PodFailurePolicy: ${message}`, `Failed PodFailurePolicy: ${message}`]);
    expect(get("fatal").status?.failed).toBe(1);
    expect(term.run("kubectl describe job fatal | grep -E '^  Warning'").output).toMatch(new RegExp(`^  Warning +PodFailurePolicy +\\d+s +job-controller +${message}\n$`));
    expect(pods("flaky")).toHaveLength(2);
    expect(get("flaky").status?.conditions?.at(-1)).toMatchObject({ type: "Failed", reason: "BackoffLimitExceeded" });
    // The API server defaults the replacement policy a pod failure policy needs, and shows the policy as written.
    expect(term.run("kubectl get job fatal -o yaml | sed -n '/^  podFailurePolicy:/,/^  podReplacementPolicy:/p'").output).toBe(
      "  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes:\n        containerName: main\n        operator: In\n        values:\n        - 42\n  podReplacementPolicy: Failed\n",
    );
  });

  it("does not count a failure matching an Ignore rule on DisruptionTarget toward backoffLimit", () => {
    // The pod's node goes away; the pod garbage collector fails the pod with DisruptionTarget.
    const run = (spec: Record<string, unknown>) => {
      const { term, get, pods } = world();
      expect(term.run(job("batch", "sleep 100", { backoffLimit: 0, ...spec })).status).toBe(0);
      expect(term.run("sleep 5 && kubectl delete node $(kubectl get pods -o jsonpath='{.items[0].spec.nodeName}') && sleep 300").status).toBe(0);
      const first = pods("batch").find((p) => p.status?.conditions?.some((c) => c.type === "DisruptionTarget"));
      return { status: get("batch").status, pods: pods("batch").length, first };
    };
    const ignored = run({ podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] } });
    expect(ignored.status?.conditions?.map((c) => `${c.type} ${c.reason}`)).toEqual(["SuccessCriteriaMet CompletionsReached", "Complete CompletionsReached"]);
    expect(ignored.status).toMatchObject({ succeeded: 1 });
    expect(ignored.status?.failed).toBeUndefined();
    const counted = run({});
    expect(counted.status?.conditions?.at(-1)).toMatchObject({ type: "Failed", reason: "BackoffLimitExceeded" });
    expect(counted.status).toMatchObject({ failed: 1 });
    expect(counted.pods).toBe(0);
  });

  it("counts failures per index with backoffLimitPerIndex, and fails the Job on its failed indexes", () => {
    const { term, get, pods } = world();
    const failOdd = '[ $((JOB_COMPLETION_INDEX % 2)) -eq 0 ]';
    expect(term.run(job("per-index", failOdd, { completions: 4, parallelism: 4, completionMode: "Indexed", backoffLimitPerIndex: 1 })).status).toBe(0);
    expect(term.run(job("capped", failOdd, { completions: 4, parallelism: 1, completionMode: "Indexed", backoffLimitPerIndex: 0, maxFailedIndexes: 0 })).status).toBe(0);
    expect(term.run("kubectl wait --for=condition=failed job/per-index job/capped --timeout=300s").status).toBe(0);
    const j = get("per-index");
    expect(j.spec.backoffLimit).toBe(2147483647);
    expect(j.status).toMatchObject({ failedIndexes: "1,3", completedIndexes: "0,2", failed: 4, succeeded: 2 });
    expect(j.status?.conditions?.at(-1)).toMatchObject({ type: "Failed", reason: "FailedIndexes", message: "Job has failed indexes" });
    // Each retry of an index carries the count of its failures so far.
    const counts = pods("per-index")
      .map((p) => `${p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"]}:${p.metadata.annotations?.["batch.kubernetes.io/job-index-failure-count"]}`)
      .sort();
    expect(counts).toEqual(["0:0", "1:0", "1:1", "2:0", "3:0", "3:1"]);
    const capped = get("capped");
    expect(capped.status).toMatchObject({ failedIndexes: "1", completedIndexes: "0", failed: 1 });
    expect(capped.status?.conditions?.at(-1)).toMatchObject({ type: "Failed", reason: "MaxFailedIndexesExceeded", message: "Job has exceeded the specified maximal number of failed indexes" });
    expect(pods("capped")).toHaveLength(2);
  });

  it("completes an Indexed Job when its success policy is met, after stopping the other pods", () => {
    const { term, get, pods, cluster } = world();
    const leader = '[ "$JOB_COMPLETION_INDEX" = 0 ] || sleep 600';
    expect(term.run(job("leader", leader, { completions: 4, parallelism: 4, completionMode: "Indexed", successPolicy: { rules: [{ succeededIndexes: "0" }] } })).status).toBe(0);
    const seen: string[] = [];
    cluster.api.watch<Job>("Job", (e) => {
      const st = e.object.status;
      const line = `${(st?.conditions ?? []).map((c) => c.type).join(",")} terminating=${st?.terminating}`;
      if (st?.conditions !== undefined && seen.at(-1) !== line) seen.push(line);
    });
    expect(term.run("kubectl wait --for=condition=complete job/leader --timeout=120s").status).toBe(0);
    // The three other pods are deleted with the interim condition; Complete waits until none is left.
    expect(seen[0]).toBe("SuccessCriteriaMet terminating=3");
    expect(seen.filter((l) => l.includes("Complete"))).toEqual(["SuccessCriteriaMet,Complete terminating=0"]);
    expect(seen.at(-1)).toBe("SuccessCriteriaMet,Complete terminating=0");
    const j = get("leader");
    expect(j.status?.conditions?.map((c) => `${c.type} ${c.reason}: ${c.message}`)).toEqual(["SuccessCriteriaMet SuccessPolicy: Matched rules at index 0", "Complete SuccessPolicy: Matched rules at index 0"]);
    expect(j.status).toMatchObject({ completedIndexes: "0", succeeded: 1 });
    expect(j.status?.failed).toBeUndefined();
    expect(pods("leader").map((p) => p.status?.phase)).toEqual(["Succeeded"]);
  });

  it("replaces a deleted pod only once it has failed when podReplacementPolicy is Failed", () => {
    // The pod takes 20 s to stop; the failure's 10 s back-off passes before that.
    const running = (pods: Pod[]) => pods.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase !== "Failed").length;
    const slowStop = { lifecycle: { preStop: { exec: { command: ["sleep", "20"] } } } };
    const run = (podReplacementPolicy: string) => {
      const { term, get, pods } = world();
      const body = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "r" }, spec: { podReplacementPolicy, template: { spec: { containers: [{ name: "main", image: "busybox:1.28", command: ["sleep", "600"], ...slowStop }], restartPolicy: "Never" } } } };
      expect(term.run(`cat <<'EOF' | kubectl apply -f - >/dev/null\n${JSON.stringify(body)}\nEOF`).status).toBe(0);
      expect(term.run("sleep 5 && kubectl delete --wait=false $(kubectl get pods -o name) >/dev/null && sleep 15").status).toBe(0);
      const early = { running: running(pods("r")), terminating: get("r").status?.terminating };
      expect(term.run("sleep 60").status).toBe(0);
      return { early, later: running(pods("r")) };
    };
    expect(run("TerminatingOrFailed")).toEqual({ early: { running: 1, terminating: 1 }, later: 1 });
    expect(run("Failed")).toEqual({ early: { running: 0, terminating: 1 }, later: 1 });
  });

  it("refuses pod failure and success policies the API server refuses, in its words", () => {
    const { term } = world();
    const apply = (spec: Record<string, unknown>, restartPolicy = "Never") => {
      const body = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "bad" }, spec: { ...spec, template: { spec: { containers: [{ name: "main", image: "busybox" }], restartPolicy } } } };
      return term.run(`cat <<'EOF' | kubectl apply -f -\n${JSON.stringify(body)}\nEOF`);
    };
    const invalid = (...errs: string[]) => ({ status: 1, output: `The Job "bad" is invalid: ${errs.length === 1 ? errs[0] : errs.map((e) => `\n* ${e}`).join("")}\n` });
    const failJob = { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [42] } }] };
    expect(apply({ podFailurePolicy: failJob }, "OnFailure")).toEqual(invalid('spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified'));
    expect(apply({ podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { containerName: "sidecar", operator: "In", values: [0, 3, 2] } }] } })).toEqual(
      invalid(
        'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "sidecar": must be one of the container or initContainer names in the pod template',
        'spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator',
        'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [0,3,2]: must be ordered',
      ),
    );
    expect(apply({ podFailurePolicy: { rules: [{ action: "FailIndex", onPodConditions: [{ type: "DisruptionTarget", status: "Maybe" }] }] } })).toEqual(
      invalid(
        'spec.podFailurePolicy.rules[0].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set',
        'spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
      ),
    );
    expect(apply({ podFailurePolicy: failJob, podReplacementPolicy: "TerminatingOrFailed" })).toEqual(invalid('spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"'));
    expect(apply({ backoffLimitPerIndex: 1, maxFailedIndexes: 2 })).toEqual(
      invalid(
        'spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode',
        'spec.maxFailedIndexes: Invalid value: 2: requires indexed completion mode',
      ),
    );
    expect(apply({ completionMode: "Indexed", completions: 3, maxFailedIndexes: 1 })).toEqual(invalid("spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified"));
    expect(apply({ successPolicy: { rules: [{ succeededCount: 1 }] } })).toEqual(invalid('spec.successPolicy: Invalid value: {"rules":[{"succeededCount":1}]}: requires indexed completion mode'));
    expect(apply({ completionMode: "Indexed", completions: 3, successPolicy: { rules: [{ succeededIndexes: "0-3", succeededCount: 4 }, {}] } })).toEqual(
      invalid(
        'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-3": error parsing succeededIndexes: too large index: "3"',
        'spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal to 3 (the number of specified completions)',
        'spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal to 0 (the number of indexes in the specified succeededIndexes field)',
        'spec.successPolicy.rules[1]: Required value: at least one of succeededCount or succeededIndexes must be specified',
      ),
    );
  });

  it("writes completedIndexes as the controller does", () => {
    expect(formatIndexes(new Set([4, 0, 1, 2, 7, 8]))).toBe("0-2,4,7,8");
    expect(formatIndexes(new Set([3]))).toBe("3");
  });
});
