import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseScenario, runScenario } from "@ksim/scenario";
import { describe, expect, it } from "vitest";

/**
 * The scenario files, run as `ksim run` runs them: the tutorials and safe setups must pass, and
 * each broken setup must fail on the invariant it exists to show. One seed each here; the
 * sweeps over many seeds are in the issue notes and `ksim sweep`.
 */
const ROOT = join(import.meta.dirname, "..", "scenarios");

const cases: readonly { file: string; seed: number; fails?: string }[] = [
  { file: "tutorials/statefulset-basics.yaml", seed: 1 },
  { file: "tutorials/wordpress.yaml", seed: 1 },
  { file: "tutorials/zookeeper.yaml", seed: 1 },
  { file: "zookeeper/drain-under-pdb.yaml", seed: 1 },
  { file: "zookeeper/rolling-update.yaml", seed: 1 },
  { file: "kubernetes/namespace-stuck-terminating.yaml", seed: 1 },
  { file: "kubernetes/hpa-without-metrics.yaml", seed: 1 },
  { file: "zookeeper/no-pdb.yaml", seed: 1, fails: "zookeeper.write-availability" },
  { file: "zookeeper/no-anti-affinity.yaml", seed: 1, fails: "zookeeper.write-availability" },
  { file: "zookeeper/force-sync-off.yaml", seed: 1, fails: "zookeeper.acknowledged-writes" },
  { file: "zookeeper/node-shutdown.yaml", seed: 1 },
  { file: "zookeeper/slow-disk.yaml", seed: 1 },
  { file: "zookeeper/memory-limit-rollback.yaml", seed: 1 },
  { file: "zookeeper/disk-full.yaml", seed: 1 },
  { file: "zookeeper/disks-fill-up.yaml", seed: 2 },
  { file: "zookeeper/replicas-after-drains.yaml", seed: 4, fails: "zookeeper.replicas-agree" },
  { file: "zookeeper/locked-out-acl.yaml", seed: 1 },
  { file: "zookeeper/paused-leader.yaml", seed: 20 },
  { file: "zookeeper/connection-leak.yaml", seed: 1 },
  { file: "tutorials/cassandra.yaml", seed: 1 },
  { file: "cassandra/quorum-under-drain.yaml", seed: 1 },
  { file: "cassandra/scale-out.yaml", seed: 1 },
  { file: "cassandra/one-one.yaml", seed: 1, fails: "cassandra.reads" },
  { file: "cassandra/lwt-registers.yaml", seed: 1 },
  { file: "cassandra/lwt-one-reads.yaml", seed: 1, fails: "cassandra.linearizable" },
  { file: "cassandra/lwt-power-loss.yaml", seed: 2, fails: "cassandra.linearizable" },
  { file: "cassandra/repair-after-hint-window.yaml", seed: 1 },
  { file: "cassandra/snapshot-restore.yaml", seed: 1 },
  { file: "cassandra/disk-full.yaml", seed: 1 },
  { file: "cassandra/transfers-logged.yaml", seed: 1 },
  { file: "cassandra/transfers-unlogged.yaml", seed: 1, fails: "cassandra.transfers" },
  { file: "cassandra/counters.yaml", seed: 1 },
  { file: "cassandra/counters-power-loss.yaml", seed: 1, fails: "cassandra.counters" },
  { file: "cassandra/raise-rf-with-repair.yaml", seed: 1 },
  { file: "cassandra/raise-rf-without-repair.yaml", seed: 1, fails: "cassandra.reads" },
  { file: "cassandra/zombie-after-gc-grace.yaml", seed: 1, fails: "cassandra.no-lost-writes" },
  { file: "cassandra/deletes-within-gc-grace.yaml", seed: 1 },
  { file: "cassandra/seed-restarted-alone.yaml", seed: 1, fails: "cassandra.no-lost-writes" },
  { file: "mysql/client.yaml", seed: 1 },
  { file: "mysql/backup-cronjob.yaml", seed: 1 },
  { file: "mysql/disk-full.yaml", seed: 1 },
  { file: "mysql/binlogs-fill-disk.yaml", seed: 1 },
  { file: "mysql/binlog-deleted.yaml", seed: 1 },
  { file: "mysql/emptydir.yaml", seed: 1, fails: "mysql.acknowledged-commits" },
  { file: "mysql/flush-log-0.yaml", seed: 1, fails: "mysql.acknowledged-commits" },
  { file: "nginx/configmap-update.yaml", seed: 1 },
];

describe("scenario files", () => {
  for (const c of cases) {
    it(`${c.file} ${c.fails === undefined ? "passes" : `fails ${c.fails}`} (seed ${c.seed})`, () => {
      const path = join(ROOT, c.file);
      const r = runScenario(parseScenario(readFileSync(path, "utf8"), path), { seed: c.seed });
      const failedSteps = r.steps.filter((s) => s.failures.length > 0).map((s) => `step ${s.index + 1}: ${s.failures.join("; ")}`);
      const violated = r.checks.filter((x) => !x.result.ok).map((x) => x.type);
      if (c.fails === undefined) {
        expect(failedSteps).toEqual([]);
        expect(violated).toEqual([]);
      } else {
        expect(failedSteps).toEqual([]);
        expect(violated).toContain(c.fails);
      }
    });
  }
});
