/** `kubectl describe`: picks kubectl's describer for the object's kind. */
import type {
  ClusterRole,
  ConfigMap,
  CronJob,
  DaemonSet,
  Job,
  Deployment,
  EndpointSlice,
  Endpoints,
  KubeObject,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  HorizontalPodAutoscaler,
  Ingress,
  IngressClass,
  NetworkPolicy,
  Pod,
  PodDisruptionBudget,
  ReplicaSet,
  Role,
  RoleBinding,
  Secret,
  Service,
  StatefulSet,
  StorageClass,
} from "../../api/types.js";
import { describeConfigMap, describeNamespace, describeNode, describePodDisruptionBudget, describeSecret } from "./describe-cluster.js";
import { describeEndpointSlice, describeGeneric } from "./describe-generic.js";
import { describePod } from "./describe-pod.js";
import { describeHorizontalPodAutoscaler } from "./describe-autoscaling.js";
import { describeIngress, describeIngressClass, describeNetworkPolicy } from "./describe-networking.js";
import { describeRole, describeRoleBinding } from "./describe-rbac.js";
import { describeEndpoints, describeService } from "./describe-services.js";
import { describePersistentVolume, describePersistentVolumeClaim, describeStorageClass } from "./describe-storage.js";
import { describeCronJob, describeDaemonSet, describeDeployment, describeJob, describeReplicaSet, describeStatefulSet } from "./describe-workloads.js";
import type { DescribeOptions, ObjectLister } from "./describe-writer.js";

type Describer = (obj: never, lister: ObjectLister, options: DescribeOptions) => string;

const DESCRIBERS: Record<string, Describer> = {
  Pod: (o: Pod, l, opts) => describePod(o, l, opts),
  StatefulSet: (o: StatefulSet, l, opts) => describeStatefulSet(o, l, opts),
  Deployment: (o: Deployment, l, opts) => describeDeployment(o, l, opts),
  ReplicaSet: (o: ReplicaSet, l, opts) => describeReplicaSet(o, l, opts),
  DaemonSet: (o: DaemonSet, l, opts) => describeDaemonSet(o, l, opts),
  Job: (o: Job, l, opts) => describeJob(o, l, opts),
  CronJob: (o: CronJob, l, opts) => describeCronJob(o, l, opts),
  Service: (o: Service, l, opts) => describeService(o, l, opts),
  Endpoints: (o: Endpoints, l, opts) => describeEndpoints(o, l, opts),
  EndpointSlice: (o: EndpointSlice, l, opts) => describeEndpointSlice(o, l, opts),
  PersistentVolumeClaim: (o: PersistentVolumeClaim, l, opts) => describePersistentVolumeClaim(o, l, opts),
  PersistentVolume: (o: PersistentVolume, l, opts) => describePersistentVolume(o, l, opts),
  StorageClass: (o: StorageClass, l, opts) => describeStorageClass(o, l, opts),
  Node: (o: Node, l, opts) => describeNode(o, l, opts),
  Namespace: (o: Namespace) => describeNamespace(o),
  PodDisruptionBudget: (o: PodDisruptionBudget, l, opts) => describePodDisruptionBudget(o, l, opts),
  Secret: (o: Secret) => describeSecret(o),
  ConfigMap: (o: ConfigMap, l, opts) => describeConfigMap(o, l, opts),
  HorizontalPodAutoscaler: (o: HorizontalPodAutoscaler, l, opts) => describeHorizontalPodAutoscaler(o, l, opts),
  Ingress: (o: Ingress, l, opts) => describeIngress(o, l, opts),
  IngressClass: (o: IngressClass, l, opts) => describeIngressClass(o, l, opts),
  NetworkPolicy: (o: NetworkPolicy) => describeNetworkPolicy(o),
  Role: (o: Role) => describeRole(o),
  ClusterRole: (o: ClusterRole) => describeRole(o),
  RoleBinding: (o: RoleBinding) => describeRoleBinding(o),
  ClusterRoleBinding: (o: RoleBinding) => describeRoleBinding(o),
};

/** One object's description: kubectl's describer for its kind, or its generic describer. */
export function describe(obj: KubeObject, lister: ObjectLister, options: DescribeOptions): string {
  const describer = DESCRIBERS[obj.kind];
  return describer ? describer(obj as never, lister, options) : describeGeneric(obj, lister, options);
}

/** Several descriptions as `kubectl describe` prints them: separated by a blank line pair. */
export function joinDescriptions(texts: readonly string[]): string {
  return texts.join("\n\n");
}
