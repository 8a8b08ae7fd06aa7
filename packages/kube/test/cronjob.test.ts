import { describe, expect, it } from "vitest";
import { parseCronSchedule } from "../src/api/cron-schedule.js";
import type { CronJob, Event, Job } from "../src/api/types.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("cron schedules as robfig/cron parses them", () => {
  it("finds the next time for steps, ranges, lists, names and descriptors", () => {
    const next = (spec: string, from: string, zone?: string) => iso(parseCronSchedule(spec, zone).next(at(from)));
    expect(next("*/15 * * * *", "2024-01-01T00:07:30Z")).toBe("2024-01-01T00:15:00.000Z");
    expect(next("0 9-17/4 * * mon-fri", "2024-01-05T17:00:00Z")).toBe("2024-01-08T09:00:00.000Z");
    expect(next("30 2 1,15 * *", "2024-01-02T00:00:00Z")).toBe("2024-01-15T02:30:00.000Z");
    expect(next("0 0 1 jan *", "2024-03-01T00:00:00Z")).toBe("2025-01-01T00:00:00.000Z");
    expect(next("@hourly", "2024-01-01T10:00:00Z")).toBe("2024-01-01T11:00:00.000Z");
    expect(next("@every 90m", "2024-01-01T10:00:00Z")).toBe("2024-01-01T11:30:00.000Z");
    // Day of month OR day of week when both are restricted; AND when either is a star.
    expect(next("0 0 13 * fri", "2024-01-01T00:00:00Z")).toBe("2024-01-05T00:00:00.000Z");
    expect(next("0 0 * * fri", "2024-01-01T00:00:00Z")).toBe("2024-01-05T00:00:00.000Z");
    // In a zone: 09:00 in New York in January is 14:00 UTC.
    expect(next("0 9 * * *", "2024-01-01T00:00:00Z", "America/New_York")).toBe("2024-01-01T14:00:00.000Z");
    expect(parseCronSchedule("0 0 30 2 *").next(at("2024-01-01T00:00:00Z"))).toBe(Number.POSITIVE_INFINITY);
  });

  it("refuses what the parser refuses, in its words", () => {
    const error = (spec: string) => {
      try {
        parseCronSchedule(spec);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(error("* * *")).toBe("expected exactly 5 fields, found 3: [* * *]");
    expect(error("61 * * * *")).toBe("end of range (61) above maximum (59): 61");
    expect(error("x * * * *")).toBe('failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    expect(error("@sometimes")).toBe("unrecognized descriptor: @sometimes");
    expect(error("5-1 * * * *")).toBe("beginning of range (5) beyond end of range (1): 5-1");
  });
});

describe("CronJob controller", () => {
  it("starts a Job at every scheduled minute, keeps three successful ones, and copies its template for create job --from", () => {
    const { term, cluster } = kubectlWorld({ seed: 12 });
    expect(term.run(`kubectl create cronjob hello --image=busybox:1.28 --schedule="*/1 * * * *" -- sh -c 'echo Hello from the Kubernetes cluster'`)).toEqual({
      status: 0,
      output: "cronjob.batch/hello created\n",
    });
    expect(term.run("sleep 250").status).toBe(0);
    const jobs = () => cluster.api.list<Job>("Job", "default").map((j) => j.metadata.name!).sort();
    // Created at minutes 1..4 (the names count minutes since the epoch); the oldest is gone.
    expect(jobs()).toEqual(["hello-28401122", "hello-28401123", "hello-28401124"]);
    const cj = cluster.api.get<CronJob>("CronJob", "default", "hello")!;
    expect(cj.status?.lastScheduleTime).toBe("2024-01-01T00:04:00Z");
    expect(cj.status?.lastSuccessfulTime).toMatch(/^2024-01-01T00:04:0\dZ$/);
    expect(cj.status?.active).toBeUndefined();
    expect(term.run("kubectl get cronjobs").output).toMatch(/^NAME +SCHEDULE +TIMEZONE +SUSPEND +ACTIVE +LAST SCHEDULE +AGE\nhello +\*\/1 \* \* \* \* +<none> +False +0 +\d+s +4m\d+s\n$/);
    expect(term.run("kubectl logs job/hello-28401124").output).toBe("Hello from the Kubernetes cluster\n");
    expect(term.run("kubectl create job manual --from=cronjob/hello && kubectl wait --for=condition=complete job/manual --timeout=30s").status).toBe(0);
    expect(cluster.api.get<Job>("Job", "default", "manual")!.metadata.annotations).toEqual({ "cronjob.kubernetes.io/instantiate": "manual" });
    expect(term.run("kubectl delete cronjob hello >/dev/null && sleep 5 && kubectl get jobs,pods").output).toBe("No resources found in default namespace.\n");
  });

  it("skips a start while the last Job runs under Forbid, and replaces it under Replace", () => {
    for (const [policy, expected] of [
      ["Forbid", "JobAlreadyActive"],
      ["Replace", "SuccessfulDelete"],
    ] as const) {
      const { term, cluster } = kubectlWorld({ seed: 12 });
      const body = {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "long" },
        spec: {
          schedule: "* * * * *",
          concurrencyPolicy: policy,
          jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:1.28", command: ["sleep", "100"] }], restartPolicy: "Never" } } } },
        },
      };
      expect(term.run(`cat <<'EOF' | kubectl apply -f - >/dev/null\n${JSON.stringify(body)}\nEOF\nsleep 130`).status).toBe(0);
      const reasons = cluster.api.list<Event>("Event", "default").filter((e) => e.involvedObject.kind === "CronJob").map((e) => e.reason);
      expect(reasons).toContain(expected);
      const running = cluster.api.list<Job>("Job", "default").filter((j) => j.metadata.deletionTimestamp === undefined);
      expect(running).toHaveLength(1);
      expect(running[0]!.metadata.name).toBe(policy === "Forbid" ? "long-28401121" : "long-28401122");
    }
  });

  it("refuses an unparseable schedule and an unknown zone in the API server's words", () => {
    const { term } = kubectlWorld({ seed: 12 });
    expect(term.run(`kubectl create cronjob bad --image=busybox --schedule="61 * * * *"`)).toEqual({
      status: 1,
      output: 'error: failed to create cronjob: CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61\n',
    });
    const zoned = `cat <<'EOF' | kubectl apply -f -\n{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"z"},"spec":{"schedule":"@daily","timeZone":"Mars/Olympus","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}],"restartPolicy":"Never"}}}}}}\nEOF`;
    expect(term.run(zoned)).toEqual({ status: 1, output: 'The CronJob "z" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus\n' });
  });
});
