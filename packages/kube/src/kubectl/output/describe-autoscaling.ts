/** `kubectl describe` for HorizontalPodAutoscalers (kubectl pkg/describe describeHorizontalPodAutoscalerV2). */
import type { HPAScalingRules, HorizontalPodAutoscaler, MetricValueStatus } from "../../api/types.js";
import { goQuote } from "./gofmt.js";
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
    const entry = status.currentMetrics?.[i];
    // A status of the metric's kind prints its current amount (a Quantity pointer Go prints as
    // <nil> when unset); without one the amount is unknown.
    const amount = (current: MetricValueStatus | undefined, field: "value" | "averageValue") => (current === undefined ? "<unknown>" : (current[field] ?? "<nil>"));
    if (metric.type === "External" && metric.external !== undefined) {
      const { metric: id, target } = metric.external;
      if (target.averageValue !== undefined) {
        const current = entry?.external?.current.averageValue ?? "<unknown>";
        w.write(1, `${goQuote(id.name)} (target average value):\t${current} / ${target.averageValue}\n`);
      } else w.write(1, `${goQuote(id.name)} (target value):\t${amount(entry?.external?.current, "value")} / ${target.value ?? "<nil>"}\n`);
      return;
    }
    if (metric.type === "Pods" && metric.pods !== undefined) {
      w.write(1, `${goQuote(metric.pods.metric.name)} on pods:\t${amount(entry?.pods?.current, "averageValue")} / ${metric.pods.target.averageValue ?? "<nil>"}\n`);
      return;
    }
    if (metric.type === "Object" && metric.object !== undefined) {
      const { metric: id, describedObject: ref, target } = metric.object;
      w.write(1, `"${id.name}" on ${ref.kind}/${ref.name} `);
      if (target.type === "AverageValue") w.write(0, `(target average value):\t${amount(entry?.object?.current, "averageValue")} / ${target.averageValue ?? "<nil>"}\n`);
      else w.write(0, `(target value):\t${amount(entry?.object?.current, "value")} / ${target.value ?? "<nil>"}\n`);
      return;
    }
    const container = metric.type === "ContainerResource" ? metric.containerResource : undefined;
    const resource = metric.type === "Resource" ? metric.resource : container;
    if (resource === undefined) {
      w.write(1, `<unknown metric type "${metric.type}">\n`);
      return;
    }
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
