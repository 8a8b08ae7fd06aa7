import { stringify } from "yaml";

export interface EmitJobOptions {
  readonly file: string;
  readonly text: string;
  readonly scenario: string;
  readonly seedsText: string;
  readonly shards: number;
  readonly image: string;
}

/**
 * A sweep as a Kubernetes Indexed Job: the scenario in a ConfigMap, one pod per shard
 * (JOB_COMPLETION_INDEX picks the slice), each writing its msgpack results to a shared volume
 * for `ksim merge`.
 */
export function emitJob(o: EmitJobOptions): string {
  const name = `ksim-sweep-${slug(o.scenario)}`.slice(0, 52).replace(/-+$/, "");
  const base = o.file.split("/").pop()!;
  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, labels: { app: "ksim-sweep" } },
    data: { [base]: o.text },
  };
  const claim = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: `${name}-results`, labels: { app: "ksim-sweep" } },
    spec: { accessModes: ["ReadWriteMany"], resources: { requests: { storage: "1Gi" } } },
  };
  const command =
    `exec ksim sweep /scenario/${base} --seeds ${o.seedsText} --workers "$(nproc)" ` +
    `--shard "$((JOB_COMPLETION_INDEX + 1))/${o.shards}" --out "/results/shard-$JOB_COMPLETION_INDEX.msgpack"`;
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels: { app: "ksim-sweep" } },
    spec: {
      completionMode: "Indexed",
      completions: o.shards,
      parallelism: o.shards,
      backoffLimitPerIndex: 1,
      template: {
        metadata: { labels: { app: "ksim-sweep" } },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "ksim",
              image: o.image,
              command: ["/bin/sh", "-c", command],
              resources: { requests: { cpu: "2", memory: "2Gi" } },
              volumeMounts: [
                { name: "scenario", mountPath: "/scenario", readOnly: true },
                { name: "results", mountPath: "/results" },
              ],
            },
          ],
          volumes: [
            { name: "scenario", configMap: { name } },
            { name: "results", persistentVolumeClaim: { claimName: `${name}-results` } },
          ],
        },
      },
    },
  };
  return (
    `# ${o.shards} shards of \`ksim sweep ${o.file} --seeds ${o.seedsText}\`. When the Job completes,\n` +
    `# copy /results/shard-*.msgpack off the ${name}-results volume and run: ksim merge shard-*.msgpack\n` +
    [configMap, claim, job].map((d) => stringify(d, { lineWidth: 0 })).join("---\n")
  );
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "scenario";
}
