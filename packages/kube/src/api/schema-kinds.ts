import type { Field, ListSchema, MapSchema, Scalar, Schema, StructSchema } from "./schema.js";

/**
 * k8s.io/api (v1.35) for the kinds ksim serves: json names, omitempty and pointer-ness, Go type
 * names and the patchMergeKey/patchStrategy tags. Rarely used volume and persistent-volume
 * sources are free-form objects (their contents are not type-checked).
 */

const str: Scalar = { t: "string" };
const i32: Scalar = { t: "int32" };
const i64: Scalar = { t: "int64" };
const bool: Scalar = { t: "bool" };
const ios: Scalar = { t: "intOrString" };
const qty: Scalar = { t: "quantity" };
const time: Scalar = { t: "time" };
const microTime: Scalar = { t: "time", go: "v1.MicroTime" };
const bytes: Scalar = { t: "bytes" };
const anything: Scalar = { t: "any" };
const named = (go: string): Scalar => ({ t: "string", go });

const o = (s: Schema): Field => ({ s, mode: "omit" });
const k = (s: Schema): Field => ({ s, mode: "keep" });
const r = (s: Schema): Field => ({ s, mode: "required" });
const v = (s: StructSchema): Field => ({ s, mode: "value" });

const struct = (go: string, fields: Record<string, Field>): StructSchema => ({ t: "struct", go, fields });
const list = (of: Schema, mergeKey?: string, extra: Partial<ListSchema> = {}): ListSchema => ({
  t: "list",
  of,
  ...(mergeKey !== undefined ? { mergeKey, strategy: "merge" as const } : {}),
  ...extra,
});
/** A list of primitives with patchStrategy merge: merged as a set. */
const set = (of: Scalar): ListSchema => ({ t: "list", of, strategy: "merge" });
const map = (of: Schema, go?: string): MapSchema => ({ t: "map", of, ...(go !== undefined ? { go } : {}) });
const strings = list(str);
const stringMap = map(str);
const resourceList = map(qty, "v1.ResourceList");
/** A nested object whose contents ksim does not check (exotic volume sources). */
const loose = anything;

// ---- meta ---------------------------------------------------------------------------------------

const ownerReference = struct("v1.OwnerReference", {
  apiVersion: r(str),
  kind: r(str),
  name: r(str),
  uid: r(named("types.UID")),
  controller: k(bool),
  blockOwnerDeletion: k(bool),
});

const managedFieldsEntry = struct("v1.ManagedFieldsEntry", {
  manager: o(str),
  operation: o(named("v1.ManagedFieldsOperationType")),
  apiVersion: o(str),
  time: k(time),
  fieldsType: o(str),
  fieldsV1: k(anything),
  subresource: o(str),
});

const objectMeta = struct("v1.ObjectMeta", {
  name: o(str),
  generateName: o(str),
  namespace: o(str),
  selfLink: o(str),
  uid: o(named("types.UID")),
  resourceVersion: o(str),
  generation: o(i64),
  creationTimestamp: k(time),
  deletionTimestamp: k(time),
  deletionGracePeriodSeconds: k(i64),
  labels: o(stringMap),
  annotations: o(stringMap),
  ownerReferences: o(list(ownerReference, "uid")),
  finalizers: o(set(str)),
  managedFields: o(list(managedFieldsEntry)),
});

const labelSelectorRequirement = struct("v1.LabelSelectorRequirement", {
  key: r(str),
  operator: r(named("v1.LabelSelectorOperator")),
  values: o(strings),
});

const labelSelector = struct("v1.LabelSelector", {
  matchLabels: o(stringMap),
  matchExpressions: o(list(labelSelectorRequirement)),
});

const condition = struct("v1.Condition", {
  type: r(str),
  status: r(named("v1.ConditionStatus")),
  observedGeneration: o(i64),
  lastTransitionTime: k(time),
  reason: r(str),
  message: r(str),
});

const objectReference = struct("v1.ObjectReference", {
  kind: o(str),
  namespace: o(str),
  name: o(str),
  uid: o(named("types.UID")),
  apiVersion: o(str),
  resourceVersion: o(str),
  fieldPath: o(str),
});

const localObjectReference = struct("v1.LocalObjectReference", { name: o(str) });

// ---- pod ----------------------------------------------------------------------------------------

const keyToPath = struct("v1.KeyToPath", { key: r(str), path: r(str), mode: k(i32) });
const objectFieldSelector = struct("v1.ObjectFieldSelector", { apiVersion: o(str), fieldPath: r(str) });
const resourceFieldSelector = struct("v1.ResourceFieldSelector", { containerName: o(str), resource: r(str), divisor: o(qty) });
const downwardAPIVolumeFile = struct("v1.DownwardAPIVolumeFile", {
  path: r(str),
  fieldRef: k(objectFieldSelector),
  resourceFieldRef: k(resourceFieldSelector),
  mode: k(i32),
});
const secretProjection = struct("v1.SecretProjection", { name: o(str), items: o(list(keyToPath)), optional: k(bool) });
const configMapProjection = struct("v1.ConfigMapProjection", { name: o(str), items: o(list(keyToPath)), optional: k(bool) });
const volumeProjection = struct("v1.VolumeProjection", {
  secret: k(secretProjection),
  downwardAPI: k(struct("v1.DownwardAPIProjection", { items: o(list(downwardAPIVolumeFile)) })),
  configMap: k(configMapProjection),
  serviceAccountToken: k(struct("v1.ServiceAccountTokenProjection", { audience: o(str), expirationSeconds: k(i64), path: r(str) })),
  clusterTrustBundle: k(loose),
  podCertificate: k(loose),
});

const persistentVolumeClaimSpecFields = (): Record<string, Field> => ({
  accessModes: o(list(named("v1.PersistentVolumeAccessMode"))),
  selector: k(labelSelector),
  resources: v(struct("v1.VolumeResourceRequirements", { limits: o(resourceList), requests: o(resourceList) })),
  volumeName: o(str),
  storageClassName: k(str),
  volumeMode: k(named("v1.PersistentVolumeMode")),
  dataSource: k(struct("v1.TypedLocalObjectReference", { apiGroup: k(str), kind: r(str), name: r(str) })),
  dataSourceRef: k(struct("v1.TypedObjectReference", { apiGroup: k(str), kind: r(str), name: r(str), namespace: k(str) })),
  volumeAttributesClassName: k(str),
});

const persistentVolumeClaimSpec = struct("v1.PersistentVolumeClaimSpec", persistentVolumeClaimSpecFields());

const volumeSourceFields = (): Record<string, Field> => ({
  hostPath: k(struct("v1.HostPathVolumeSource", { path: r(str), type: k(named("v1.HostPathType")) })),
  emptyDir: k(struct("v1.EmptyDirVolumeSource", { medium: o(named("v1.StorageMedium")), sizeLimit: k(qty) })),
  gcePersistentDisk: k(loose),
  awsElasticBlockStore: k(loose),
  gitRepo: k(loose),
  secret: k(
    struct("v1.SecretVolumeSource", { secretName: o(str), items: o(list(keyToPath)), defaultMode: k(i32), optional: k(bool) }),
  ),
  nfs: k(struct("v1.NFSVolumeSource", { server: r(str), path: r(str), readOnly: o(bool) })),
  iscsi: k(loose),
  glusterfs: k(loose),
  persistentVolumeClaim: k(struct("v1.PersistentVolumeClaimVolumeSource", { claimName: r(str), readOnly: o(bool) })),
  rbd: k(loose),
  flexVolume: k(loose),
  cinder: k(loose),
  cephfs: k(loose),
  flocker: k(loose),
  downwardAPI: k(struct("v1.DownwardAPIVolumeSource", { items: o(list(downwardAPIVolumeFile)), defaultMode: k(i32) })),
  fc: k(loose),
  azureFile: k(loose),
  configMap: k(
    struct("v1.ConfigMapVolumeSource", { name: o(str), items: o(list(keyToPath)), defaultMode: k(i32), optional: k(bool) }),
  ),
  vsphereVolume: k(loose),
  quobyte: k(loose),
  azureDisk: k(loose),
  photonPersistentDisk: k(loose),
  projected: k(struct("v1.ProjectedVolumeSource", { sources: o(list(volumeProjection)), defaultMode: k(i32) })),
  portworxVolume: k(loose),
  scaleIO: k(loose),
  storageos: k(loose),
  csi: k(
    struct("v1.CSIVolumeSource", {
      driver: r(str),
      readOnly: k(bool),
      fsType: k(str),
      volumeAttributes: o(stringMap),
      nodePublishSecretRef: k(localObjectReference),
    }),
  ),
  ephemeral: k(
    struct("v1.EphemeralVolumeSource", {
      volumeClaimTemplate: k(struct("v1.PersistentVolumeClaimTemplate", { metadata: o(objectMeta), spec: r(persistentVolumeClaimSpec) })),
    }),
  ),
  image: k(struct("v1.ImageVolumeSource", { reference: o(str), pullPolicy: o(named("v1.PullPolicy")) })),
});

const volume = struct("v1.Volume", { name: r(str), ...volumeSourceFields() });

const execAction = struct("v1.ExecAction", { command: o(strings) });
const httpGetAction = struct("v1.HTTPGetAction", {
  path: o(str),
  port: r(ios),
  host: o(str),
  scheme: o(named("v1.URIScheme")),
  httpHeaders: o(list(struct("v1.HTTPHeader", { name: r(str), value: r(str) }))),
});
const tcpSocketAction = struct("v1.TCPSocketAction", { port: r(ios), host: o(str) });

const probe = struct("v1.Probe", {
  exec: k(execAction),
  httpGet: k(httpGetAction),
  tcpSocket: k(tcpSocketAction),
  grpc: k(struct("v1.GRPCAction", { port: r(i32), service: k(str) })),
  initialDelaySeconds: o(i32),
  timeoutSeconds: o(i32),
  periodSeconds: o(i32),
  successThreshold: o(i32),
  failureThreshold: o(i32),
  terminationGracePeriodSeconds: k(i64),
});

const lifecycleHandler = struct("v1.LifecycleHandler", {
  exec: k(execAction),
  httpGet: k(httpGetAction),
  tcpSocket: k(tcpSocketAction),
  sleep: k(struct("v1.SleepAction", { seconds: r(i64) })),
});

const seLinuxOptions = struct("v1.SELinuxOptions", { user: o(str), role: o(str), type: o(str), level: o(str) });
const windowsOptions = struct("v1.WindowsSecurityContextOptions", {
  gmsaCredentialSpecName: k(str),
  gmsaCredentialSpec: k(str),
  runAsUserName: k(str),
  hostProcess: k(bool),
});
const seccompProfile = struct("v1.SeccompProfile", { type: r(named("v1.SeccompProfileType")), localhostProfile: k(str) });
const appArmorProfile = struct("v1.AppArmorProfile", { type: r(named("v1.AppArmorProfileType")), localhostProfile: k(str) });

const securityContext = struct("v1.SecurityContext", {
  capabilities: k(struct("v1.Capabilities", { add: o(list(named("v1.Capability"))), drop: o(list(named("v1.Capability"))) })),
  privileged: k(bool),
  seLinuxOptions: k(seLinuxOptions),
  windowsOptions: k(windowsOptions),
  runAsUser: k(i64),
  runAsGroup: k(i64),
  runAsNonRoot: k(bool),
  readOnlyRootFilesystem: k(bool),
  allowPrivilegeEscalation: k(bool),
  procMount: k(named("v1.ProcMountType")),
  seccompProfile: k(seccompProfile),
  appArmorProfile: k(appArmorProfile),
});

const podSecurityContext = struct("v1.PodSecurityContext", {
  seLinuxOptions: k(seLinuxOptions),
  windowsOptions: k(windowsOptions),
  runAsUser: k(i64),
  runAsGroup: k(i64),
  runAsNonRoot: k(bool),
  supplementalGroups: o(list(i64)),
  supplementalGroupsPolicy: k(named("v1.SupplementalGroupsPolicy")),
  fsGroup: k(i64),
  sysctls: o(list(struct("v1.Sysctl", { name: r(str), value: r(str) }))),
  fsGroupChangePolicy: k(named("v1.PodFSGroupChangePolicy")),
  seccompProfile: k(seccompProfile),
  appArmorProfile: k(appArmorProfile),
  seLinuxChangePolicy: k(named("v1.PodSELinuxChangePolicy")),
});

const resourceRequirements = struct("v1.ResourceRequirements", {
  limits: o(resourceList),
  requests: o(resourceList),
  claims: o(list(struct("v1.ResourceClaim", { name: r(str), request: o(str) }), "name")),
});

const envVarSource = struct("v1.EnvVarSource", {
  fieldRef: k(objectFieldSelector),
  resourceFieldRef: k(resourceFieldSelector),
  configMapKeyRef: k(struct("v1.ConfigMapKeySelector", { name: o(str), key: r(str), optional: k(bool) })),
  secretKeyRef: k(struct("v1.SecretKeySelector", { name: o(str), key: r(str), optional: k(bool) })),
  fileKeyRef: k(loose),
});

const containerFields = (): Record<string, Field> => ({
  name: r(str),
  image: o(str),
  command: o(strings),
  args: o(strings),
  workingDir: o(str),
  ports: o(
    list(
      struct("v1.ContainerPort", {
        name: o(str),
        hostPort: o(i32),
        containerPort: r(i32),
        protocol: o(named("v1.Protocol")),
        hostIP: o(str),
      }),
      "containerPort",
    ),
  ),
  envFrom: o(
    list(
      struct("v1.EnvFromSource", {
        prefix: o(str),
        configMapRef: k(struct("v1.ConfigMapEnvSource", { name: o(str), optional: k(bool) })),
        secretRef: k(struct("v1.SecretEnvSource", { name: o(str), optional: k(bool) })),
      }),
    ),
  ),
  env: o(list(struct("v1.EnvVar", { name: r(str), value: o(str), valueFrom: k(envVarSource) }), "name")),
  resources: v(resourceRequirements),
  resizePolicy: o(list(struct("v1.ContainerResizePolicy", { resourceName: r(named("v1.ResourceName")), restartPolicy: r(named("v1.ResourceResizeRestartPolicy")) }))),
  restartPolicy: k(named("v1.ContainerRestartPolicy")),
  restartPolicyRules: o(list(loose)),
  volumeMounts: o(
    list(
      struct("v1.VolumeMount", {
        name: r(str),
        readOnly: o(bool),
        recursiveReadOnly: k(named("v1.RecursiveReadOnlyMode")),
        mountPath: r(str),
        subPath: o(str),
        mountPropagation: k(named("v1.MountPropagationMode")),
        subPathExpr: o(str),
      }),
      "mountPath",
    ),
  ),
  volumeDevices: o(list(struct("v1.VolumeDevice", { name: r(str), devicePath: r(str) }), "devicePath")),
  livenessProbe: k(probe),
  readinessProbe: k(probe),
  startupProbe: k(probe),
  lifecycle: k(struct("v1.Lifecycle", { postStart: k(lifecycleHandler), preStop: k(lifecycleHandler), stopSignal: k(named("v1.Signal")) })),
  terminationMessagePath: o(str),
  terminationMessagePolicy: o(named("v1.TerminationMessagePolicy")),
  imagePullPolicy: o(named("v1.PullPolicy")),
  securityContext: k(securityContext),
  stdin: o(bool),
  stdinOnce: o(bool),
  tty: o(bool),
});

const container = struct("v1.Container", containerFields());
const ephemeralContainer = struct("v1.EphemeralContainer", { ...containerFields(), targetContainerName: o(str) });

const nodeSelectorRequirement = struct("v1.NodeSelectorRequirement", {
  key: r(str),
  operator: r(named("v1.NodeSelectorOperator")),
  values: o(strings),
});
const nodeSelectorTerm = struct("v1.NodeSelectorTerm", {
  matchExpressions: o(list(nodeSelectorRequirement)),
  matchFields: o(list(nodeSelectorRequirement)),
});
const nodeSelector = struct("v1.NodeSelector", { nodeSelectorTerms: r(list(nodeSelectorTerm)) });
const podAffinityTerm = struct("v1.PodAffinityTerm", {
  labelSelector: k(labelSelector),
  namespaces: o(strings),
  topologyKey: r(str),
  namespaceSelector: k(labelSelector),
  matchLabelKeys: o(strings),
  mismatchLabelKeys: o(strings),
});
const weightedPodAffinityTerm = struct("v1.WeightedPodAffinityTerm", { weight: r(i32), podAffinityTerm: v(podAffinityTerm) });
const podAffinityFields = (): Record<string, Field> => ({
  requiredDuringSchedulingIgnoredDuringExecution: o(list(podAffinityTerm)),
  preferredDuringSchedulingIgnoredDuringExecution: o(list(weightedPodAffinityTerm)),
});

const affinity = struct("v1.Affinity", {
  nodeAffinity: k(
    struct("v1.NodeAffinity", {
      requiredDuringSchedulingIgnoredDuringExecution: k(nodeSelector),
      preferredDuringSchedulingIgnoredDuringExecution: o(
        list(struct("v1.PreferredSchedulingTerm", { weight: r(i32), preference: v(nodeSelectorTerm) })),
      ),
    }),
  ),
  podAffinity: k(struct("v1.PodAffinity", podAffinityFields())),
  podAntiAffinity: k(struct("v1.PodAntiAffinity", podAffinityFields())),
});

const toleration = struct("v1.Toleration", {
  key: o(str),
  operator: o(named("v1.TolerationOperator")),
  value: o(str),
  effect: o(named("v1.TaintEffect")),
  tolerationSeconds: k(i64),
});

const podSpec = struct("v1.PodSpec", {
  volumes: o(list(volume, "name", { retainKeys: true })),
  initContainers: o(list(container, "name")),
  containers: r(list(container, "name")),
  ephemeralContainers: o(list(ephemeralContainer, "name")),
  restartPolicy: o(named("v1.RestartPolicy")),
  terminationGracePeriodSeconds: k(i64),
  activeDeadlineSeconds: k(i64),
  dnsPolicy: o(named("v1.DNSPolicy")),
  nodeSelector: o(stringMap),
  serviceAccountName: o(str),
  serviceAccount: o(str),
  automountServiceAccountToken: k(bool),
  nodeName: o(str),
  hostNetwork: o(bool),
  hostPID: o(bool),
  hostIPC: o(bool),
  shareProcessNamespace: k(bool),
  securityContext: k(podSecurityContext),
  imagePullSecrets: o(list(localObjectReference, "name")),
  hostname: o(str),
  subdomain: o(str),
  affinity: k(affinity),
  schedulerName: o(str),
  tolerations: o(list(toleration)),
  hostAliases: o(list(struct("v1.HostAlias", { ip: r(str), hostnames: o(strings) }), "ip")),
  priorityClassName: o(str),
  priority: k(i32),
  dnsConfig: k(
    struct("v1.PodDNSConfig", {
      nameservers: o(strings),
      searches: o(strings),
      options: o(list(struct("v1.PodDNSConfigOption", { name: o(str), value: k(str) }))),
    }),
  ),
  readinessGates: o(list(struct("v1.PodReadinessGate", { conditionType: r(named("v1.PodConditionType")) }))),
  runtimeClassName: k(str),
  enableServiceLinks: k(bool),
  preemptionPolicy: k(named("v1.PreemptionPolicy")),
  overhead: o(resourceList),
  topologySpreadConstraints: o(
    list(
      struct("v1.TopologySpreadConstraint", {
        maxSkew: r(i32),
        topologyKey: r(str),
        whenUnsatisfiable: r(named("v1.UnsatisfiableConstraintAction")),
        labelSelector: k(labelSelector),
        minDomains: k(i32),
        nodeAffinityPolicy: k(named("v1.NodeInclusionPolicy")),
        nodeTaintsPolicy: k(named("v1.NodeInclusionPolicy")),
        matchLabelKeys: o(strings),
      }),
      "topologyKey",
    ),
  ),
  setHostnameAsFQDN: k(bool),
  os: k(struct("v1.PodOS", { name: r(named("v1.OSName")) })),
  hostUsers: k(bool),
  schedulingGates: o(list(struct("v1.PodSchedulingGate", { name: r(str) }), "name")),
  resourceClaims: o(list(loose, "name", { retainKeys: true })),
  resources: k(resourceRequirements),
  hostnameOverride: k(str),
});

const podTemplateSpec = struct("v1.PodTemplateSpec", { metadata: v(objectMeta), spec: v(podSpec) });

const containerState = struct("v1.ContainerState", {
  waiting: k(struct("v1.ContainerStateWaiting", { reason: o(str), message: o(str) })),
  running: k(struct("v1.ContainerStateRunning", { startedAt: k(time) })),
  terminated: k(
    struct("v1.ContainerStateTerminated", {
      exitCode: r(i32),
      signal: o(i32),
      reason: o(str),
      message: o(str),
      startedAt: k(time),
      finishedAt: k(time),
      containerID: o(str),
    }),
  ),
});

const containerStatus = struct("v1.ContainerStatus", {
  name: r(str),
  state: v(containerState),
  lastState: v(containerState),
  ready: r(bool),
  restartCount: r(i32),
  image: r(str),
  imageID: r(str),
  containerID: o(str),
  started: k(bool),
  allocatedResources: o(resourceList),
  resources: k(resourceRequirements),
  volumeMounts: o(list(loose, "mountPath")),
  user: k(loose),
  allocatedResourcesStatus: o(list(loose, "name")),
  stopSignal: k(named("v1.Signal")),
});

const podStatus = struct("v1.PodStatus", {
  observedGeneration: o(i64),
  phase: o(named("v1.PodPhase")),
  conditions: o(
    list(
      struct("v1.PodCondition", {
        type: r(named("v1.PodConditionType")),
        observedGeneration: o(i64),
        status: r(named("v1.ConditionStatus")),
        lastProbeTime: k(time),
        lastTransitionTime: k(time),
        reason: o(str),
        message: o(str),
      }),
      "type",
    ),
  ),
  message: o(str),
  reason: o(str),
  nominatedNodeName: o(str),
  hostIP: o(str),
  hostIPs: o(list(struct("v1.HostIP", { ip: r(str) }), "ip")),
  podIP: o(str),
  podIPs: o(list(struct("v1.PodIP", { ip: r(str) }), "ip")),
  startTime: k(time),
  initContainerStatuses: o(list(containerStatus)),
  containerStatuses: o(list(containerStatus)),
  qosClass: o(named("v1.PodQOSClass")),
  ephemeralContainerStatuses: o(list(containerStatus)),
  resize: o(str),
  resourceClaimStatuses: o(list(loose, "name", { retainKeys: true })),
  extendedResourceClaimStatus: k(loose),
});

// ---- core kinds ----------------------------------------------------------------------------------

// metav1.TypeMeta declares Kind before APIVersion, the order typed `-o json` keeps.
const typeMeta = (): Record<string, Field> => ({ kind: o(str), apiVersion: o(str) });
const kind = (go: string, fields: Record<string, Field>): StructSchema => struct(go, { ...typeMeta(), metadata: v(objectMeta), ...fields });

const pod = kind("v1.Pod", { spec: v(podSpec), status: v(podStatus) });

const servicePort = struct("v1.ServicePort", {
  name: o(str),
  protocol: o(named("v1.Protocol")),
  appProtocol: k(str),
  port: r(i32),
  // omitempty never drops a struct, and IntOrString is one: Go writes `targetPort: 0`.
  targetPort: r(ios),
  nodePort: o(i32),
});

const service = kind("v1.Service", {
  spec: v(
    struct("v1.ServiceSpec", {
      ports: o(list(servicePort, "port")),
      selector: o(stringMap),
      clusterIP: o(str),
      clusterIPs: o(strings),
      type: o(named("v1.ServiceType")),
      externalIPs: o(strings),
      sessionAffinity: o(named("v1.ServiceAffinity")),
      loadBalancerIP: o(str),
      loadBalancerSourceRanges: o(strings),
      externalName: o(str),
      externalTrafficPolicy: o(named("v1.ServiceExternalTrafficPolicy")),
      healthCheckNodePort: o(i32),
      publishNotReadyAddresses: o(bool),
      sessionAffinityConfig: k(
        struct("v1.SessionAffinityConfig", { clientIP: k(struct("v1.ClientIPConfig", { timeoutSeconds: k(i32) })) }),
      ),
      ipFamilies: o(list(named("v1.IPFamily"))),
      ipFamilyPolicy: k(named("v1.IPFamilyPolicy")),
      allocateLoadBalancerNodePorts: k(bool),
      loadBalancerClass: k(str),
      internalTrafficPolicy: k(named("v1.ServiceInternalTrafficPolicy")),
      trafficDistribution: k(str),
    }),
  ),
  status: v(
    struct("v1.ServiceStatus", {
      loadBalancer: v(
        struct("v1.LoadBalancerStatus", {
          ingress: o(
            list(
              struct("v1.LoadBalancerIngress", {
                ip: o(str),
                hostname: o(str),
                ipMode: k(named("v1.LoadBalancerIPMode")),
                ports: o(list(loose)),
              }),
            ),
          ),
        }),
      ),
      conditions: o(list(condition, "type")),
    }),
  ),
});

const endpointAddress = struct("v1.EndpointAddress", { ip: r(str), hostname: o(str), nodeName: k(str), targetRef: k(objectReference) });
const endpoints = kind("v1.Endpoints", {
  subsets: o(
    list(
      struct("v1.EndpointSubset", {
        addresses: o(list(endpointAddress)),
        notReadyAddresses: o(list(endpointAddress)),
        ports: o(list(struct("v1.EndpointPort", { name: o(str), port: r(i32), protocol: o(named("v1.Protocol")), appProtocol: k(str) }))),
      }),
    ),
  ),
});

const endpointSlice = kind("v1.EndpointSlice", {
  addressType: r(named("v1.AddressType")),
  endpoints: r(
    list(
      struct("v1.Endpoint", {
        addresses: r(strings),
        conditions: v(struct("v1.EndpointConditions", { ready: k(bool), serving: k(bool), terminating: k(bool) })),
        hostname: k(str),
        targetRef: k(objectReference),
        deprecatedTopology: o(stringMap),
        nodeName: k(str),
        zone: k(str),
        hints: k(loose),
      }),
    ),
  ),
  ports: r(list(struct("v1.EndpointPort", { name: k(str), protocol: k(named("v1.Protocol")), port: k(i32), appProtocol: k(str) }))),
});

const namespace = kind("v1.Namespace", {
  spec: v(struct("v1.NamespaceSpec", { finalizers: o(list(named("v1.FinalizerName"))) })),
  status: v(
    struct("v1.NamespaceStatus", {
      phase: o(named("v1.NamespacePhase")),
      conditions: o(list(struct("v1.NamespaceCondition", { type: r(str), status: r(str), lastTransitionTime: k(time), reason: o(str), message: o(str) }), "type")),
    }),
  ),
});

const node = kind("v1.Node", {
  spec: v(
    struct("v1.NodeSpec", {
      podCIDR: o(str),
      podCIDRs: o(set(str)),
      providerID: o(str),
      unschedulable: o(bool),
      taints: o(list(struct("v1.Taint", { key: r(str), value: o(str), effect: r(named("v1.TaintEffect")), timeAdded: k(time) }))),
      configSource: k(loose),
      externalID: o(str),
    }),
  ),
  status: v(
    struct("v1.NodeStatus", {
      capacity: o(resourceList),
      allocatable: o(resourceList),
      phase: o(str),
      conditions: o(
        list(
          struct("v1.NodeCondition", {
            type: r(named("v1.NodeConditionType")),
            status: r(named("v1.ConditionStatus")),
            lastHeartbeatTime: k(time),
            lastTransitionTime: k(time),
            reason: o(str),
            message: o(str),
          }),
          "type",
        ),
      ),
      addresses: o(list(struct("v1.NodeAddress", { type: r(named("v1.NodeAddressType")), address: r(str) }), "type")),
      daemonEndpoints: v(struct("v1.NodeDaemonEndpoints", { kubeletEndpoint: v(struct("v1.DaemonEndpoint", { Port: r(i32) })) })),
      nodeInfo: v(
        struct("v1.NodeSystemInfo", {
          machineID: r(str),
          systemUUID: r(str),
          bootID: r(str),
          kernelVersion: r(str),
          osImage: r(str),
          containerRuntimeVersion: r(str),
          kubeletVersion: r(str),
          kubeProxyVersion: r(str),
          operatingSystem: r(str),
          architecture: r(str),
          swap: k(loose),
        }),
      ),
      images: o(list(struct("v1.ContainerImage", { names: o(strings), sizeBytes: o(i64) }))),
      volumesInUse: o(strings),
      volumesAttached: o(list(loose)),
      config: k(loose),
      runtimeHandlers: o(list(loose)),
      features: k(loose),
      declaredFeatures: o(strings),
    }),
  ),
});

const persistentVolumeClaimStatus = struct("v1.PersistentVolumeClaimStatus", {
  phase: o(named("v1.PersistentVolumeClaimPhase")),
  accessModes: o(list(named("v1.PersistentVolumeAccessMode"))),
  capacity: o(resourceList),
  conditions: o(list(loose, "type")),
  allocatedResources: o(resourceList),
  allocatedResourceStatuses: o(stringMap),
  currentVolumeAttributesClassName: k(str),
  modifyVolumeStatus: k(loose),
});

const persistentVolumeClaim = kind("v1.PersistentVolumeClaim", {
  spec: v(persistentVolumeClaimSpec),
  status: v(persistentVolumeClaimStatus),
});

const persistentVolume = kind("v1.PersistentVolume", {
  spec: v(
    struct("v1.PersistentVolumeSpec", {
      capacity: o(resourceList),
      hostPath: k(struct("v1.HostPathVolumeSource", { path: r(str), type: k(named("v1.HostPathType")) })),
      local: k(struct("v1.LocalVolumeSource", { path: r(str), fsType: k(str) })),
      csi: k(loose),
      nfs: k(struct("v1.NFSVolumeSource", { server: r(str), path: r(str), readOnly: o(bool) })),
      gcePersistentDisk: k(loose),
      awsElasticBlockStore: k(loose),
      glusterfs: k(loose),
      rbd: k(loose),
      iscsi: k(loose),
      cinder: k(loose),
      cephfs: k(loose),
      fc: k(loose),
      flocker: k(loose),
      flexVolume: k(loose),
      azureFile: k(loose),
      vsphereVolume: k(loose),
      quobyte: k(loose),
      azureDisk: k(loose),
      photonPersistentDisk: k(loose),
      portworxVolume: k(loose),
      scaleIO: k(loose),
      storageos: k(loose),
      accessModes: o(list(named("v1.PersistentVolumeAccessMode"))),
      claimRef: k(objectReference),
      persistentVolumeReclaimPolicy: o(named("v1.PersistentVolumeReclaimPolicy")),
      storageClassName: o(str),
      mountOptions: o(strings),
      volumeMode: k(named("v1.PersistentVolumeMode")),
      nodeAffinity: k(struct("v1.VolumeNodeAffinity", { required: k(nodeSelector) })),
      volumeAttributesClassName: k(str),
    }),
  ),
  status: v(
    struct("v1.PersistentVolumeStatus", {
      phase: o(named("v1.PersistentVolumePhase")),
      message: o(str),
      reason: o(str),
      lastPhaseTransitionTime: k(time),
    }),
  ),
});

const secret = kind("v1.Secret", {
  immutable: k(bool),
  data: o(map(bytes, "map[string][]uint8")),
  stringData: o(stringMap),
  type: o(named("v1.SecretType")),
});

const configMap = kind("v1.ConfigMap", {
  immutable: k(bool),
  data: o(stringMap),
  binaryData: o(map(bytes, "map[string][]uint8")),
});

const eventSource = struct("v1.EventSource", { component: o(str), host: o(str) });
const coreEvent = kind("v1.Event", {
  involvedObject: v(objectReference),
  reason: o(str),
  message: o(str),
  source: v(eventSource),
  firstTimestamp: k(time),
  lastTimestamp: k(time),
  count: o(i32),
  type: o(str),
  eventTime: k(microTime),
  series: k(struct("v1.EventSeries", { count: o(i32), lastObservedTime: k(microTime) })),
  action: o(str),
  related: k(objectReference),
  reportingComponent: r(str),
  reportingInstance: r(str),
});

const eventsEvent = kind("v1.Event", {
  eventTime: k(microTime),
  series: k(struct("v1.EventSeries", { count: r(i32), lastObservedTime: k(microTime) })),
  reportingController: o(str),
  reportingInstance: o(str),
  action: o(str),
  reason: o(str),
  regarding: v(objectReference),
  related: k(objectReference),
  note: o(str),
  type: o(str),
  deprecatedSource: v(eventSource),
  deprecatedFirstTimestamp: k(time),
  deprecatedLastTimestamp: k(time),
  deprecatedCount: o(i32),
});

const serviceAccount = kind("v1.ServiceAccount", {
  secrets: o(list(objectReference, "name")),
  imagePullSecrets: o(list(localObjectReference)),
  automountServiceAccountToken: k(bool),
});

// ---- apps -----------------------------------------------------------------------------------------

const statefulSet = kind("v1.StatefulSet", {
  spec: v(
    struct("v1.StatefulSetSpec", {
      replicas: k(i32),
      selector: k(labelSelector),
      template: v(podTemplateSpec),
      volumeClaimTemplates: o(list(persistentVolumeClaim)),
      serviceName: o(str),
      podManagementPolicy: o(named("v1.PodManagementPolicyType")),
      updateStrategy: v(
        struct("v1.StatefulSetUpdateStrategy", {
          type: o(named("v1.StatefulSetUpdateStrategyType")),
          rollingUpdate: k(struct("v1.RollingUpdateStatefulSetStrategy", { partition: k(i32), maxUnavailable: k(ios) })),
        }),
      ),
      revisionHistoryLimit: k(i32),
      minReadySeconds: o(i32),
      persistentVolumeClaimRetentionPolicy: k(
        struct("v1.StatefulSetPersistentVolumeClaimRetentionPolicy", {
          whenDeleted: o(named("v1.PersistentVolumeClaimRetentionPolicyType")),
          whenScaled: o(named("v1.PersistentVolumeClaimRetentionPolicyType")),
        }),
      ),
      ordinals: k(struct("v1.StatefulSetOrdinals", { start: o(i32) })),
    }),
  ),
  status: v(
    struct("v1.StatefulSetStatus", {
      observedGeneration: o(i64),
      replicas: r(i32),
      readyReplicas: o(i32),
      currentReplicas: o(i32),
      updatedReplicas: o(i32),
      currentRevision: o(str),
      updateRevision: o(str),
      collisionCount: k(i32),
      conditions: o(list(loose, "type")),
      availableReplicas: r(i32),
    }),
  ),
});

const controllerRevision = kind("v1.ControllerRevision", { data: k(anything), revision: r(i64) });

const deploymentCondition = struct("v1.DeploymentCondition", {
  type: r(named("v1.DeploymentConditionType")),
  status: r(named("v1.ConditionStatus")),
  lastUpdateTime: k(time),
  lastTransitionTime: k(time),
  reason: o(str),
  message: o(str),
});

const deployment = kind("v1.Deployment", {
  spec: v(
    struct("v1.DeploymentSpec", {
      replicas: k(i32),
      selector: k(labelSelector),
      template: v(podTemplateSpec),
      strategy: {
        s: struct("v1.DeploymentStrategy", {
          type: o(named("v1.DeploymentStrategyType")),
          rollingUpdate: k(struct("v1.RollingUpdateDeployment", { maxUnavailable: k(ios), maxSurge: k(ios) })),
        }),
        mode: "value",
        retainKeys: true,
      },
      minReadySeconds: o(i32),
      revisionHistoryLimit: k(i32),
      paused: o(bool),
      progressDeadlineSeconds: k(i32),
    }),
  ),
  status: v(
    struct("v1.DeploymentStatus", {
      observedGeneration: o(i64),
      replicas: o(i32),
      updatedReplicas: o(i32),
      readyReplicas: o(i32),
      availableReplicas: o(i32),
      unavailableReplicas: o(i32),
      terminatingReplicas: k(i32),
      conditions: o(list(deploymentCondition, "type")),
      collisionCount: k(i32),
    }),
  ),
});

const replicaSet = kind("v1.ReplicaSet", {
  spec: v(
    struct("v1.ReplicaSetSpec", {
      replicas: k(i32),
      minReadySeconds: o(i32),
      selector: k(labelSelector),
      template: v(podTemplateSpec),
    }),
  ),
  status: v(
    struct("v1.ReplicaSetStatus", {
      replicas: r(i32),
      fullyLabeledReplicas: o(i32),
      readyReplicas: o(i32),
      availableReplicas: o(i32),
      terminatingReplicas: k(i32),
      observedGeneration: o(i64),
      conditions: o(list(loose, "type")),
    }),
  ),
});

const daemonSet = kind("v1.DaemonSet", {
  spec: v(
    struct("v1.DaemonSetSpec", {
      selector: k(labelSelector),
      template: v(podTemplateSpec),
      updateStrategy: v(
        struct("v1.DaemonSetUpdateStrategy", {
          type: o(named("v1.DaemonSetUpdateStrategyType")),
          rollingUpdate: k(struct("v1.RollingUpdateDaemonSet", { maxUnavailable: k(ios), maxSurge: k(ios) })),
        }),
      ),
      minReadySeconds: o(i32),
      revisionHistoryLimit: k(i32),
    }),
  ),
  status: v(
    struct("v1.DaemonSetStatus", {
      currentNumberScheduled: r(i32),
      numberMisscheduled: r(i32),
      desiredNumberScheduled: r(i32),
      numberReady: r(i32),
      observedGeneration: o(i64),
      updatedNumberScheduled: o(i32),
      numberAvailable: o(i32),
      numberUnavailable: o(i32),
      collisionCount: k(i32),
      conditions: o(
        list(
          struct("v1.DaemonSetCondition", {
            type: r(named("v1.DaemonSetConditionType")),
            status: r(named("v1.ConditionStatus")),
            lastTransitionTime: k(time),
            reason: o(str),
            message: o(str),
          }),
          "type",
        ),
      ),
    }),
  ),
});

// ---- batch ---------------------------------------------------------------------------------------

const podFailurePolicy = struct("v1.PodFailurePolicy", {
  rules: r(
    list(
      struct("v1.PodFailurePolicyRule", {
        action: r(named("v1.PodFailurePolicyAction")),
        onExitCodes: k(
          struct("v1.PodFailurePolicyOnExitCodesRequirement", {
            containerName: k(str),
            operator: r(named("v1.PodFailurePolicyOnExitCodesOperator")),
            values: r(list(i32)),
          }),
        ),
        onPodConditions: o(
          list(struct("v1.PodFailurePolicyOnPodConditionsPattern", { type: r(named("v1.PodConditionType")), status: r(named("v1.ConditionStatus")) })),
        ),
      }),
    ),
  ),
});

const successPolicy = struct("v1.SuccessPolicy", {
  rules: r(list(struct("v1.SuccessPolicyRule", { succeededIndexes: k(str), succeededCount: k(i32) }))),
});

const jobSpec = struct("v1.JobSpec", {
  parallelism: k(i32),
  completions: k(i32),
  activeDeadlineSeconds: k(i64),
  podFailurePolicy: k(podFailurePolicy),
  successPolicy: k(successPolicy),
  backoffLimit: k(i32),
  backoffLimitPerIndex: k(i32),
  maxFailedIndexes: k(i32),
  selector: k(labelSelector),
  manualSelector: k(bool),
  template: v(podTemplateSpec),
  ttlSecondsAfterFinished: k(i32),
  completionMode: k(named("v1.CompletionMode")),
  suspend: k(bool),
  podReplacementPolicy: k(named("v1.PodReplacementPolicy")),
});

const job = kind("v1.Job", {
  spec: v(jobSpec),
  status: v(
    struct("v1.JobStatus", {
      conditions: o(
        list(
          struct("v1.JobCondition", {
            type: r(named("v1.JobConditionType")),
            status: r(named("v1.ConditionStatus")),
            lastProbeTime: k(time),
            lastTransitionTime: k(time),
            reason: o(str),
            message: o(str),
          }),
          "type",
        ),
      ),
      startTime: k(time),
      completionTime: k(time),
      active: o(i32),
      succeeded: o(i32),
      failed: o(i32),
      terminating: k(i32),
      completedIndexes: o(str),
      failedIndexes: k(str),
      uncountedTerminatedPods: k(struct("v1.UncountedTerminatedPods", { succeeded: o(strings), failed: o(strings) })),
      ready: k(i32),
    }),
  ),
});

const cronJob = kind("v1.CronJob", {
  spec: v(
    struct("v1.CronJobSpec", {
      schedule: r(str),
      timeZone: k(str),
      startingDeadlineSeconds: k(i64),
      concurrencyPolicy: o(named("v1.ConcurrencyPolicy")),
      suspend: k(bool),
      jobTemplate: v(struct("v1.JobTemplateSpec", { metadata: v(objectMeta), spec: v(jobSpec) })),
      successfulJobsHistoryLimit: k(i32),
      failedJobsHistoryLimit: k(i32),
    }),
  ),
  status: v(
    struct("v1.CronJobStatus", {
      active: o(list(objectReference)),
      lastScheduleTime: k(time),
      lastSuccessfulTime: k(time),
    }),
  ),
});

// ---- storage, policy -----------------------------------------------------------------------------

const lease = kind("v1.Lease", {
  spec: v(
    struct("v1.LeaseSpec", {
      holderIdentity: o(str),
      leaseDurationSeconds: o(i32),
      acquireTime: o(microTime),
      renewTime: o(microTime),
      leaseTransitions: o(i32),
      strategy: o(named("v1.CoordinatedLeaseStrategy")),
      preferredHolder: o(str),
    }),
  ),
});

const storageClass = kind("v1.StorageClass", {
  provisioner: r(str),
  parameters: o(stringMap),
  reclaimPolicy: k(named("v1.PersistentVolumeReclaimPolicy")),
  mountOptions: o(strings),
  allowVolumeExpansion: k(bool),
  volumeBindingMode: k(named("v1.VolumeBindingMode")),
  allowedTopologies: o(
    list(
      struct("v1.TopologySelectorTerm", {
        matchLabelExpressions: o(list(struct("v1.TopologySelectorLabelRequirement", { key: r(str), values: r(strings) }))),
      }),
    ),
  ),
});

const podDisruptionBudget = kind("v1.PodDisruptionBudget", {
  spec: v(
    struct("v1.PodDisruptionBudgetSpec", {
      minAvailable: k(ios),
      selector: k(labelSelector),
      maxUnavailable: k(ios),
      unhealthyPodEvictionPolicy: k(named("v1.UnhealthyPodEvictionPolicyType")),
    }),
  ),
  status: v(
    struct("v1.PodDisruptionBudgetStatus", {
      observedGeneration: o(i64),
      disruptedPods: o(map(time, "map[string]v1.Time")),
      disruptionsAllowed: r(i32),
      currentHealthy: r(i32),
      desiredHealthy: r(i32),
      expectedPods: r(i32),
      conditions: o(list(condition, "type")),
    }),
  ),
});

// ---- networking ---------------------------------------------------------------------------------

const ingressBackend = struct("v1.IngressBackend", {
  service: k(
    struct("v1.IngressServiceBackend", {
      name: r(str),
      // omitempty never drops a struct.
      port: v(struct("v1.ServiceBackendPort", { name: o(str), number: o(i32) })),
    }),
  ),
  resource: k(struct("v1.TypedLocalObjectReference", { apiGroup: k(str), kind: r(str), name: r(str) })),
});

const httpIngressPath = struct("v1.HTTPIngressPath", {
  path: o(str),
  pathType: k(named("v1.PathType")),
  backend: v(ingressBackend),
});

const ingress = kind("v1.Ingress", {
  spec: v(
    struct("v1.IngressSpec", {
      ingressClassName: k(str),
      defaultBackend: k(ingressBackend),
      tls: o(list(struct("v1.IngressTLS", { hosts: o(strings), secretName: o(str) }))),
      rules: o(
        list(
          struct("v1.IngressRule", {
            host: o(str),
            http: k(struct("v1.HTTPIngressRuleValue", { paths: r(list(httpIngressPath)) })),
          }),
        ),
      ),
    }),
  ),
  status: v(
    struct("v1.IngressStatus", {
      loadBalancer: v(
        struct("v1.IngressLoadBalancerStatus", {
          ingress: o(
            list(
              struct("v1.IngressLoadBalancerIngress", {
                ip: o(str),
                hostname: o(str),
                ports: o(list(struct("v1.IngressPortStatus", { port: r(i32), protocol: r(named("v1.Protocol")), error: k(str) }))),
              }),
            ),
          ),
        }),
      ),
    }),
  ),
});

const ingressClass = kind("v1.IngressClass", {
  spec: v(
    struct("v1.IngressClassSpec", {
      controller: o(str),
      parameters: k(
        struct("v1.IngressClassParametersReference", { apiGroup: k(str), kind: r(str), name: r(str), scope: k(str), namespace: k(str) }),
      ),
    }),
  ),
});

const networkPolicyPort = struct("v1.NetworkPolicyPort", { protocol: k(named("v1.Protocol")), port: k(ios), endPort: k(i32) });
const networkPolicyPeer = struct("v1.NetworkPolicyPeer", {
  podSelector: k(labelSelector),
  namespaceSelector: k(labelSelector),
  ipBlock: k(struct("v1.IPBlock", { cidr: r(str), except: o(strings) })),
});

const networkPolicy = kind("v1.NetworkPolicy", {
  spec: v(
    struct("v1.NetworkPolicySpec", {
      podSelector: v(labelSelector),
      ingress: o(list(struct("v1.NetworkPolicyIngressRule", { ports: o(list(networkPolicyPort)), from: o(list(networkPolicyPeer)) }))),
      egress: o(list(struct("v1.NetworkPolicyEgressRule", { ports: o(list(networkPolicyPort)), to: o(list(networkPolicyPeer)) }))),
      policyTypes: o(list(named("v1.PolicyType"))),
    }),
  ),
});

// ---- autoscaling --------------------------------------------------------------------------------

const metricTarget = struct("v2.MetricTarget", { type: r(named("v2.MetricTargetType")), value: k(qty), averageValue: k(qty), averageUtilization: k(i32) });
const hpaScalingRules = struct("v2.HPAScalingRules", {
  stabilizationWindowSeconds: k(i32),
  selectPolicy: k(named("v2.ScalingPolicySelect")),
  policies: o(list(struct("v2.HPAScalingPolicy", { type: r(named("v2.HPAScalingPolicyType")), value: r(i32), periodSeconds: r(i32) }))),
  tolerance: k(qty),
});

const horizontalPodAutoscaler = kind("v2.HorizontalPodAutoscaler", {
  spec: v(
    struct("v2.HorizontalPodAutoscalerSpec", {
      scaleTargetRef: v(struct("v2.CrossVersionObjectReference", { kind: r(str), name: r(str), apiVersion: o(str) })),
      minReplicas: k(i32),
      maxReplicas: r(i32),
      metrics: o(
        list(
          struct("v2.MetricSpec", {
            type: r(named("v2.MetricSourceType")),
            // The metric sources other than Resource are kept as given.
            object: k(loose),
            pods: k(loose),
            resource: k(struct("v2.ResourceMetricSource", { name: r(named("v1.ResourceName")), target: v(metricTarget) })),
            containerResource: k(loose),
            external: k(loose),
          }),
        ),
      ),
      behavior: k(struct("v2.HorizontalPodAutoscalerBehavior", { scaleUp: k(hpaScalingRules), scaleDown: k(hpaScalingRules) })),
    }),
  ),
  status: v(
    struct("v2.HorizontalPodAutoscalerStatus", {
      observedGeneration: k(i64),
      lastScaleTime: k(time),
      currentReplicas: o(i32),
      desiredReplicas: r(i32),
      currentMetrics: o(list(loose)),
      conditions: o(list(struct("v2.HorizontalPodAutoscalerCondition", { type: r(str), status: r(str), lastTransitionTime: k(time), reason: o(str), message: o(str) }), "type")),
    }),
  ),
});

// ---- rbac ---------------------------------------------------------------------------------------

const policyRule = struct("v1.PolicyRule", {
  verbs: r(strings),
  apiGroups: o(strings),
  resources: o(strings),
  resourceNames: o(strings),
  nonResourceURLs: o(strings),
});
const subject = struct("v1.Subject", { kind: r(str), apiGroup: o(str), name: r(str), namespace: o(str) });
const roleRef = struct("v1.RoleRef", { apiGroup: r(str), kind: r(str), name: r(str) });

const role = kind("v1.Role", { rules: r(list(policyRule)) });
const clusterRole = kind("v1.ClusterRole", {
  rules: r(list(policyRule)),
  aggregationRule: k(struct("v1.AggregationRule", { clusterRoleSelectors: o(list(labelSelector)) })),
});
const roleBinding = kind("v1.RoleBinding", { subjects: o(list(subject)), roleRef: v(roleRef) });
const clusterRoleBinding = kind("v1.ClusterRoleBinding", { subjects: o(list(subject)), roleRef: v(roleRef) });

const apiService = kind("v1.APIService", {
  spec: v(
    struct("v1.APIServiceSpec", {
      service: k(struct("v1.ServiceReference", { namespace: o(str), name: o(str), port: k(i32) })),
      group: o(str),
      version: o(str),
      insecureSkipTLSVerify: o(bool),
      caBundle: o(str),
      groupPriorityMinimum: r(i32),
      versionPriority: r(i32),
    }),
  ),
  status: v(
    struct("v1.APIServiceStatus", {
      conditions: o(list(struct("v1.APIServiceCondition", { type: r(str), status: r(str), lastTransitionTime: k(time), reason: o(str), message: o(str) }), "type")),
    }),
  ),
});

/** Struct schemas by `apiVersion kind`. */
const KIND_SCHEMAS: ReadonlyMap<string, StructSchema> = new Map([
  ["v1 Pod", pod],
  ["v1 Service", service],
  ["v1 Endpoints", endpoints],
  ["v1 Namespace", namespace],
  ["v1 Node", node],
  ["v1 PersistentVolumeClaim", persistentVolumeClaim],
  ["v1 PersistentVolume", persistentVolume],
  ["v1 Secret", secret],
  ["v1 ConfigMap", configMap],
  ["v1 Event", coreEvent],
  ["v1 ServiceAccount", serviceAccount],
  ["apps/v1 StatefulSet", statefulSet],
  ["apps/v1 ControllerRevision", controllerRevision],
  ["apps/v1 Deployment", deployment],
  ["apps/v1 ReplicaSet", replicaSet],
  ["apps/v1 DaemonSet", daemonSet],
  ["batch/v1 Job", job],
  ["batch/v1 CronJob", cronJob],
  ["events.k8s.io/v1 Event", eventsEvent],
  ["storage.k8s.io/v1 StorageClass", storageClass],
  ["coordination.k8s.io/v1 Lease", lease],
  ["policy/v1 PodDisruptionBudget", podDisruptionBudget],
  ["autoscaling/v2 HorizontalPodAutoscaler", horizontalPodAutoscaler],
  ["networking.k8s.io/v1 Ingress", ingress],
  ["networking.k8s.io/v1 IngressClass", ingressClass],
  ["networking.k8s.io/v1 NetworkPolicy", networkPolicy],
  ["rbac.authorization.k8s.io/v1 Role", role],
  ["rbac.authorization.k8s.io/v1 ClusterRole", clusterRole],
  ["rbac.authorization.k8s.io/v1 RoleBinding", roleBinding],
  ["rbac.authorization.k8s.io/v1 ClusterRoleBinding", clusterRoleBinding],
  ["discovery.k8s.io/v1 EndpointSlice", endpointSlice],
  ["apiregistration.k8s.io/v1 APIService", apiService],
]);

export function schemaFor(apiVersion: string, kind: string): StructSchema | undefined {
  return KIND_SCHEMAS.get(`${apiVersion} ${kind}`);
}
