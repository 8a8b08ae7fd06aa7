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

  it("writes completedIndexes as the controller does", () => {
    expect(formatIndexes(new Set([4, 0, 1, 2, 7, 8]))).toBe("0-2,4,7-8");
    expect(formatIndexes(new Set([3]))).toBe("3");
  });
});
