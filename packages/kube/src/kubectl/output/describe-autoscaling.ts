/** `kubectl describe` for HorizontalPodAutoscalers (kubectl pkg/describe describeHorizontalPodAutoscalerV2). */
import type { HPAScalingRules, HorizontalPodAutoscaler } from "../../api/types.js";
import { DescribeWriter, eventsFor, rfc1123z, writeAnnotations, writeEvents, writeLabels, type DescribeOptions, type ObjectLister } from "./describe-writer.js";

function writeDirection(w: DescribeWriter, direction: string, rules: HPAScalingRules | undefined): void {
  if (rules === undefined) return;
  w.write(1, `${direction}:\n`);
  if (rules.stabilizationWindowSeconds !== undefined) w.write(2, `Stabilization Window: ${rules.stabilizationWindowSeconds} seconds\n`);
  const policies = rules.policies ?? [];
  if (policies.length === 0) return;
  w.write(2, `Select Policy: ${rules.selectPolicy ?? "Max"}\n`);
  w.write(2, "Policies:\n");
  for (const p of policies) w.write(3, `- Type: ${p.type}\tValue: ${p.value}\tPeriod: ${p.periodSeconds} seconds\n`);
}

export function describeHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler, lister: ObjectLister, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const { spec } = hpa;
  const status = hpa.status ?? { desiredReplicas: 0 };
  w.write(0, `Name:\t${hpa.metadata.name}\n`);
  w.write(0, `Namespace:\t${hpa.metadata.namespace}\n`);
  writeLabels(w, "Labels", hpa.metadata.labels);
  writeAnnotations(w, "Annotations", hpa.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(hpa.metadata.creationTimestamp)}\n`);
  w.write(0, `Reference:\t${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}\n`);
  w.write(0, "Metrics:\t( current / target )\n");
  (spec.metrics ?? []).forEach((metric, i) => {
    const container = metric.type === "ContainerResource" ? metric.containerResource : undefined;
    const resource = metric.type === "Resource" ? metric.resource : container;
    if (resource === undefined) {
      w.write(1, `<unknown metric type "${metric.type}">\n`);
      return;
    }
    const entry = status.currentMetrics?.[i];
    const current = container !== undefined ? entry?.containerResource?.current : entry?.resource?.current;
    w.write(1, container !== undefined ? `resource ${resource.name} of container "${container.container}" on pods` : `resource ${resource.name} on pods`);
    if (resource.target.averageValue !== undefined) {
      w.write(0, `:\t${current?.averageValue ?? "<unknown>"} / ${resource.target.averageValue}\n`);
      return;
    }
    const now = current?.averageUtilization !== undefined ? `${current.averageUtilization}% (${current.averageValue ?? "0"})` : "<unknown>";
    const target = resource.target.averageUtilization !== undefined ? `${resource.target.averageUtilization}%` : "<auto>";
    w.write(1, `(as a percentage of request):\t${now} / ${target}\n`);
  });
  w.write(0, `Min replicas:\t${spec.minReplicas ?? "<unset>"}\n`);
  w.write(0, `Max replicas:\t${spec.maxReplicas}\n`);
  if (spec.behavior !== undefined) {
    w.write(0, "Behavior:\n");
    writeDirection(w, "Scale Up", spec.behavior.scaleUp);
    writeDirection(w, "Scale Down", spec.behavior.scaleDown);
  }
  w.write(0, `${spec.scaleTargetRef.kind} pods:\t${status.currentReplicas ?? 0} current / ${status.desiredReplicas} desired\n`);
  const conditions = status.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n");
    w.write(1, "Type\tStatus\tReason\tMessage\n");
    w.write(1, "----\t------\t------\t-------\n");
    for (const c of conditions) w.write(1, `${c.type}\t${c.status}\t${c.reason ?? ""}\t${c.message ?? ""}\n`);
  }
  if (options.showEvents !== false) writeEvents(w, eventsFor(hpa, lister), options.now);
  return w.text();
}
