/**
 * The one-line results of mutating commands (cli-runtime's name printer and kubectl delete),
 * `rollout history`, `kubectl version` and `kubectl api-resources`.
 */
import type { ControllerRevision, KubeObject, PodTemplateSpec } from "../../api/types.js";
import { apiVersionOf, type ResourceType } from "../../api/resources.js";
import { podTemplateText } from "./describe-pod.js";
import { cmp } from "./describe-writer.js";
import { tableWriter, tabbed } from "./tabwriter.js";
import { groupKind } from "./tables.js";

/** The name printer: `statefulset.apps/web scaled`, `service/nginx created`, `node/n1 cordoned`. */
export function nameLine(obj: Pick<KubeObject, "kind" | "apiVersion" | "metadata">, operation?: string): string {
  return `${groupKind(obj.kind, obj.apiVersion)}/${obj.metadata.name}${operation ? ` ${operation}` : ""}\n`;
}

/**
 * `kubectl delete` (DeleteOptions.PrintObj): `pod "web-0" deleted from default namespace`,
 * `node "n1" deleted`. Since kubernetes#126619 a namespaced object names its namespace, before
 * the dry-run suffix; `namespace` is undefined for cluster-scoped objects.
 */
export function deletedLine(
  obj: Pick<KubeObject, "kind" | "apiVersion" | "metadata">,
  namespace: string | undefined,
  options: { force?: boolean; dryRunSuffix?: string } = {},
): string {
  const where = namespace === undefined ? "" : ` from ${namespace} namespace`;
  return `${groupKind(obj.kind, obj.apiVersion)} "${obj.metadata.name}" ${options.force ? "force deleted" : "deleted"}${where}${options.dryRunSuffix ?? ""}\n`;
}

/** The annotation `--record` writes, and `rollout history` shows as CHANGE-CAUSE. */
export const CHANGE_CAUSE = "kubernetes.io/change-cause";

/**
 * `kubectl rollout history <sts|ds>`: the name line (with its trailing space), the REVISION /
 * CHANGE-CAUSE table and a blank line; `No rollout history found.` without revisions.
 */
export function rolloutHistory(owner: Pick<KubeObject, "kind" | "apiVersion" | "metadata">, revisions: readonly ControllerRevision[]): string {
  const sorted = [...revisions].sort((a, b) => a.revision - b.revision);
  const table =
    sorted.length === 0
      ? "No rollout history found."
      : tabbed(
          "REVISION\tCHANGE-CAUSE\n" +
            sorted.map((r) => `${r.revision}\t${r.metadata.annotations?.[CHANGE_CAUSE] || "<none>"}\n`).join(""),
        );
  return nameLine(owner, `\n${table}`);
}

/** `kubectl rollout history <sts> --revision=N`: the name line, then the revision's pod template. */
export function rolloutHistoryRevision(
  owner: Pick<KubeObject, "kind" | "apiVersion" | "metadata">,
  revision: number,
  template: PodTemplateSpec,
): string {
  return nameLine(owner, `with revision #${revision}\n${podTemplateText(template)}`);
}

export interface VersionInfo {
  /** `v1.31.0` */
  readonly client: string;
  readonly kustomize: string;
  /** Absent when the server is unreachable. */
  readonly server?: string;
}

/** `kubectl version`, including its warning when client and server are more than one minor apart. */
export function versionText(v: VersionInfo): string {
  let out = `Client Version: ${v.client}\nKustomize Version: ${v.kustomize}\n`;
  if (v.server === undefined) return out;
  out += `Server Version: ${v.server}\n`;
  const minor = (s: string) => /^v?(\d+)\.(\d+)/.exec(s);
  const c = minor(v.client);
  const s = minor(v.server);
  if (c && s && c[1] === s[1] && Math.abs(Number(c[2]) - Number(s[2])) > 1) {
    out += `WARNING: version difference between client (${c[1]}.${c[2]}) and server (${s[1]}.${s[2]}) exceeds the supported minor version skew of +/-1\n`;
  }
  return out;
}

/** `kubectl api-resources`: sorted by API group, then resource name, as kubectl sorts by default. */
export function apiResourcesTable(types: readonly ResourceType[], options: { noHeaders?: boolean } = {}): string {
  const sorted = [...types].sort((a, b) => cmp(a.group, b.group) || cmp(a.plural, b.plural));
  const w = tableWriter();
  if (!options.noHeaders) w.write("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n");
  for (const r of sorted) w.write(`${r.plural}\t${r.shortNames.join(",")}\t${apiVersionOf(r)}\t${r.namespaced}\t${r.kind}\n`);
  return w.flush();
}
