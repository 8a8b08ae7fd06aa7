import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/errors.js";
import { loadManifests } from "../src/api/manifest.js";
import { applyStrategicMergePatch } from "../src/api/patch.js";
import { schemaFor } from "../src/api/schema-kinds.js";
import type { KubeObject } from "../src/api/types.js";
import { createAdmission } from "../src/api/validation.js";
import { errorString, kubectlInvalidText, renderValue } from "../src/api/validation/field.js";

const admission = createAdmission({ now: () => "2024-01-01T00:00:00Z" });

function create(obj: Record<string, unknown>): KubeObject {
  const o = obj as KubeObject;
  const namespaced = o.kind !== "StorageClass" && o.kind !== "PersistentVolume" && o.kind !== "Namespace";
  return admission.admitCreate({ ...o, metadata: { ...(namespaced ? { namespace: "default" } : {}), ...o.metadata } });
}

function rejection(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("accepted");
}

const template = {
  metadata: { labels: { app: "nginx" } },
  spec: { containers: [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.8", ports: [{ containerPort: 80, name: "web" }] }] },
};

const sts = (spec: Record<string, unknown>) => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "web" },
  spec: { serviceName: "nginx", replicas: 2, selector: { matchLabels: { app: "nginx" } }, template, ...spec },
});

const deployment = (container: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "wordpress" },
  spec: {
    selector: { matchLabels: { app: "wordpress" } },
    template: { metadata: { labels: { app: "wordpress" } }, spec: { containers: [{ name: "wordpress", image: "wordpress:6.2.1-apache", ...container }] } },
    ...spec,
  },
});

const TUTORIAL_MANIFESTS = `
apiVersion: v1
kind: Service
metadata:
  name: zk-hs
  labels:
    app: zk
spec:
  ports:
  - port: 2888
    name: server
  - port: 3888
    name: leader-election
  clusterIP: None
  selector:
    app: zk
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  selector:
    matchLabels:
      app: zk
  maxUnavailable: 1
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: zk
spec:
  selector:
    matchLabels:
      app: zk
  serviceName: zk-hs
  replicas: 3
  updateStrategy:
    type: RollingUpdate
  podManagementPolicy: OrderedReady
  template:
    metadata:
      labels:
        app: zk
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchExpressions:
                  - key: "app"
                    operator: In
                    values:
                    - zk
              topologyKey: "kubernetes.io/hostname"
      containers:
      - name: kubernetes-zookeeper
        imagePullPolicy: Always
        image: "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10"
        resources:
          requests:
            memory: "1Gi"
            cpu: "0.5"
        ports:
        - containerPort: 2181
          name: client
        command:
        - sh
        - -c
        - "start-zookeeper --servers=3"
        readinessProbe:
          exec:
            command: ["sh", "-c", "zookeeper-ready 2181"]
          initialDelaySeconds: 10
          timeoutSeconds: 5
        volumeMounts:
        - name: datadir
          mountPath: /var/lib/zookeeper
      securityContext:
        runAsUser: 1000
        fsGroup: 1000
  volumeClaimTemplates:
  - metadata:
      name: datadir
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 10Gi
---
kind: StorageClass
apiVersion: storage.k8s.io/v1
metadata:
  name: fast
provisioner: k8s.io/minikube-hostpath
parameters:
  type: pd-ssd
---
apiVersion: v1
kind: Service
metadata:
  name: wordpress
  labels:
    app: wordpress
spec:
  ports:
    - port: 80
  selector:
    app: wordpress
    tier: frontend
  type: LoadBalancer
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: wp-pv-claim
  labels:
    app: wordpress
spec:
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 20Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: wordpress-mysql
spec:
  selector:
    matchLabels:
      app: wordpress
      tier: mysql
  strategy:
    type: Recreate
  template:
    metadata:
      labels:
        app: wordpress
        tier: mysql
    spec:
      containers:
      - image: mysql:8.0
        name: mysql
        env:
        - name: MYSQL_ROOT_PASSWORD
          valueFrom:
            secretKeyRef:
              name: mysql-pass
              key: password
        ports:
        - containerPort: 3306
          name: mysql
        volumeMounts:
        - name: mysql-persistent-storage
          mountPath: /var/lib/mysql
      volumes:
      - name: mysql-persistent-storage
        persistentVolumeClaim:
          claimName: mysql-pv-claim
`;

describe("the tutorials' manifests", () => {
  it("are accepted", () => {
    const { objects, error } = loadManifests(TUTORIAL_MANIFESTS, "tutorial.yaml");
    expect(error).toBeUndefined();
    for (const o of objects) expect(() => create(o as unknown as Record<string, unknown>)).not.toThrow();
  });
});

describe("create validation", () => {
  it("a StatefulSet without selector: required, and the template no longer matches", () => {
    const e = rejection(() => create(sts({ selector: undefined })));
    expect(e.reason).toBe("Invalid");
    expect(e.code).toBe(422);
    expect(e.message).toBe(
      'StatefulSet.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`]',
    );
    expect(kubectlInvalidText("StatefulSet", "web", e.causes)).toBe(
      'The StatefulSet "web" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`\n',
    );
  });

  it("a selector that does not match the template", () => {
    const e = rejection(() => create(sts({ selector: { matchLabels: { app: "web" } } })));
    expect(kubectlInvalidText("StatefulSet", "web", e.causes)).toBe(
      'The StatefulSet "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`',
    );
    expect(e.causes).toEqual([{ type: "FieldValueInvalid", field: "spec.template.metadata.labels", message: 'Invalid value: {"app":"nginx"}: `selector` does not match template `labels`' }]);
  });

  it("StatefulSet pod templates are not validated (claim templates supply volumes); pods are", () => {
    const mounting = { ...template, spec: { containers: [{ ...template.spec.containers[0], volumeMounts: [{ name: "www", mountPath: "/data" }] }] } };
    expect(() => create(sts({ template: mounting }))).not.toThrow();
    const e = rejection(() => create({ apiVersion: "v1", kind: "Pod", metadata: { name: "web-0" }, spec: mounting.spec }));
    expect(e.message).toBe('Pod "web-0" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "www"');
  });

  it("Deployment templates are validated", () => {
    expect(rejection(() => create(deployment({ image: "" }))).message).toBe('Deployment.apps "wordpress" is invalid: spec.template.spec.containers[0].image: Required value');
    const twoHandlers = { livenessProbe: { exec: { command: ["true"] }, tcpSocket: { port: 80 } } };
    expect(rejection(() => create(deployment(twoHandlers))).message).toBe(
      'Deployment.apps "wordpress" is invalid: spec.template.spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    );
    const ports = { ports: [{ containerPort: 70000, name: "web" }, { containerPort: 81, name: "web" }] };
    expect(rejection(() => create(deployment(ports))).causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      'spec.template.spec.containers[0].ports[1].name: Duplicate value: "web"',
    ]);
    // A missing IntOrString is Go's zero value, the integer 0, which validation then refuses.
    expect(rejection(() => create(deployment({ readinessProbe: { httpGet: { path: "/" } } }))).message).toBe(
      'Deployment.apps "wordpress" is invalid: spec.template.spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive',
    );
    const strategy = { strategy: { type: "Recreate", rollingUpdate: { maxSurge: 1 } } };
    expect(rejection(() => create(deployment({}, strategy))).message).toBe(
      "Deployment.apps \"wordpress\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    );
    const env = { env: [{ name: "X", value: "a", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }] };
    expect(rejection(() => create(deployment(env))).message).toBe(
      'Deployment.apps "wordpress" is invalid: spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    );
  });

  it("object names follow each kind's rule", () => {
    expect(rejection(() => create({ apiVersion: "v1", kind: "Service", metadata: { name: "Web" }, spec: { ports: [{ port: 80 }] } })).message).toBe(
      `Service "Web" is invalid: metadata.name: Invalid value: "Web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    );
    expect(rejection(() => create({ apiVersion: "v1", kind: "ConfigMap", metadata: {} })).message).toBe(
      'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    );
    expect(() => create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a.b" } })).not.toThrow();
    expect(rejection(() => create(sts({}) && { ...sts({}), metadata: { name: "web.v1" } })).message).toMatch(/^StatefulSet\.apps "web\.v1" is invalid: metadata\.name: Invalid value: "web\.v1": must not contain dots/);
  });

  it("Service ports and types", () => {
    expect(rejection(() => create({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { selector: { app: "x" } } })).message).toBe(
      'Service "s" is invalid: spec.ports: Required value',
    );
    expect(rejection(() => create({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80 }, { port: 80 }] } })).message).toBe(
      'Service "s" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value, spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}]',
    );
    expect(rejection(() => create({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "Bogus", ports: [{ port: 80 }] } })).message).toBe(
      'Service "s" is invalid: spec.type: Unsupported value: "Bogus": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
    expect(rejection(() => create({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "NodePort", clusterIP: "None", ports: [{ port: 80 }] } })).message).toBe(
      `Service "s" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`,
    );
  });

  it("PodDisruptionBudget minAvailable and maxUnavailable are exclusive", () => {
    const pdb = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "zk-pdb" }, spec: { selector: { matchLabels: { app: "zk" } }, minAvailable: 2, maxUnavailable: "120%" } };
    expect(rejection(() => create(pdb)).message).toBe(
      'PodDisruptionBudget.policy "zk-pdb" is invalid: [spec: Invalid value: {"MinAvailable":2,"Selector":{"matchLabels":{"app":"zk"}},"MaxUnavailable":"120%","UnhealthyPodEvictionPolicy":null}: minAvailable and maxUnavailable cannot be both set, spec.maxUnavailable: Invalid value: "120%": must not be greater than 100%]',
    );
  });

  it("PersistentVolumeClaims need access modes and a storage request", () => {
    expect(rejection(() => create({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c" }, spec: {} })).message).toBe(
      'PersistentVolumeClaim "c" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]',
    );
  });
});

describe("DaemonSet validation", () => {
  const ds = (spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}) => ({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "fluentd" },
    spec: { selector: { matchLabels: { app: "nginx" } }, template: { ...template, spec: { ...template.spec, ...podSpec } }, ...spec },
  });
  const message = (obj: Record<string, unknown>) => rejection(() => create(obj)).message;

  it("accepts a valid DaemonSet and refuses unknown fields", () => {
    expect(() => create(ds())).not.toThrow();
    expect(message(ds({ replicas: 2 }))).toBe('DaemonSet in version "v1" cannot be handled as a DaemonSet: strict decoding error: unknown field "spec.replicas"');
  });

  it("a missing selector is not required but matches no template labels; an empty one is invalid", () => {
    const e = rejection(() => create(ds({ selector: undefined })));
    expect(e.message).toBe('DaemonSet.apps "fluentd" is invalid: spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`');
    expect(message(ds({ selector: { matchLabels: { app: "web" } } }))).toBe(e.message);
    expect(message(ds({ selector: {} }))).toBe('DaemonSet.apps "fluentd" is invalid: spec.selector: Invalid value: {}: empty selector is invalid for daemonset');
  });

  it("pod templates are validated and must restart Always", () => {
    expect(message(ds({}, { restartPolicy: "OnFailure" }))).toBe(
      'DaemonSet.apps "fluentd" is invalid: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    );
    expect(message(ds({}, { activeDeadlineSeconds: 10 }))).toBe(
      'DaemonSet.apps "fluentd" is invalid: spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported',
    );
    expect(message(ds({}, { containers: [{ name: "nginx", image: "" }] }))).toBe('DaemonSet.apps "fluentd" is invalid: spec.template.spec.containers[0].image: Required value');
  });

  it("exactly one of maxUnavailable and maxSurge is non-zero", () => {
    const rolling = (rollingUpdate: Record<string, unknown>) => ds({ updateStrategy: { type: "RollingUpdate", rollingUpdate } });
    expect(message(rolling({ maxUnavailable: 0 }))).toBe('DaemonSet.apps "fluentd" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0');
    // maxUnavailable defaults to 1.
    expect(message(rolling({ maxSurge: 1 }))).toBe('DaemonSet.apps "fluentd" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero');
    expect(() => create(rolling({ maxUnavailable: 0, maxSurge: "10%" }))).not.toThrow();
    expect(message(rolling({ maxUnavailable: "120%", maxSurge: -1 }))).toBe(
      'DaemonSet.apps "fluentd" is invalid: [spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0, spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater than 100%, spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: -1: may not be set when maxUnavailable is non-zero]',
    );
    expect(message(ds({ updateStrategy: { type: "Bogus" } }))).toBe(
      'DaemonSet.apps "fluentd" is invalid: spec.updateStrategy: Unsupported value: {"Type":"Bogus","RollingUpdate":null}: supported values: "RollingUpdate", "OnDelete"',
    );
    expect(() => create(ds({ updateStrategy: { type: "OnDelete" } }))).not.toThrow();
  });

  it("the selector is immutable; other spec changes are accepted", () => {
    const old = create(ds());
    const spec = old.spec as Record<string, unknown>;
    expect(() => admission.admitUpdate({ ...old, spec: { ...spec, minReadySeconds: 10 } }, old)).not.toThrow();
    const labels = { app: "nginx", tier: "log" };
    const changed = { ...spec, selector: { matchLabels: labels }, template: { ...(spec.template as object), metadata: { labels } } };
    const e = rejection(() => admission.admitUpdate({ ...old, spec: changed }, old));
    expect(e.message).toBe('DaemonSet.apps "fluentd" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"nginx","tier":"log"}}: field is immutable');
  });
});

describe("update validation", () => {
  const live = create(sts({}));
  const update = (obj: KubeObject) => admission.admitUpdate(obj, live);

  it("StatefulSet spec fields other than the mutable ones are forbidden", () => {
    expect(() => update({ ...live, spec: { ...(live.spec as object), replicas: 5 } })).not.toThrow();
    const e = rejection(() => update({ ...live, spec: { ...(live.spec as object), serviceName: "other" } }));
    expect(e.message).toBe(
      `StatefulSet.apps "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden`,
    );
  });

  it("switching to OnDelete with a strategic merge patch keeps rollingUpdate and is refused, as upstream does", () => {
    const patched = applyStrategicMergePatch(live, { spec: { updateStrategy: { type: "OnDelete" } } }, schemaFor("apps/v1", "StatefulSet")!);
    expect(rejection(() => update(patched)).message).toBe(
      `StatefulSet.apps "web" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: {"Partition":0,"MaxUnavailable":1}: only allowed for updateStrategy 'RollingUpdate'`,
    );
    const cleared = applyStrategicMergePatch(live, { spec: { updateStrategy: { type: "OnDelete", rollingUpdate: null } } }, schemaFor("apps/v1", "StatefulSet")!);
    expect((update(cleared).spec as { updateStrategy: unknown }).updateStrategy).toEqual({ type: "OnDelete" });
  });

  it("a Deployment's selector is immutable", () => {
    const old = create(deployment({}));
    const changed = deployment({}, { selector: { matchLabels: { app: "wordpress", tier: "frontend" } } });
    changed.spec.template.metadata.labels = { app: "wordpress", tier: "frontend" } as never;
    const e = rejection(() => admission.admitUpdate({ ...(changed as unknown as KubeObject), metadata: old.metadata }, old));
    expect(e.message).toBe('Deployment.apps "wordpress" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"wordpress","tier":"frontend"}}: field is immutable');
  });

  it("a Service keeps its cluster IP", () => {
    const old = create({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10"], ports: [{ port: 80 }] } });
    expect(() => admission.admitUpdate({ ...old, spec: { ports: [{ port: 80 }] } }, old)).not.toThrow();
    const e = rejection(() => admission.admitUpdate({ ...old, spec: { clusterIP: "10.96.0.11", clusterIPs: ["10.96.0.11"], ports: [{ port: 80 }] } }, old));
    expect(e.message).toBe('Service "s" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set');
  });

  it("a claim's spec is immutable except the storage request of a bound claim", () => {
    const old = create({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
    const bound = { ...old, status: { phase: "Bound" } };
    const bigger = { ...(old.spec as object), resources: { requests: { storage: "2Gi" } } };
    expect(() => admission.admitUpdate({ ...bound, spec: bigger }, bound)).not.toThrow();
    // Only a bound claim may grow.
    expect(rejection(() => admission.admitUpdate({ ...old, spec: bigger }, old)).causes[0]!.field).toBe("spec");
    const e = rejection(() => admission.admitUpdate({ ...old, spec: { ...(old.spec as object), accessModes: ["ReadWriteMany"] } }, old));
    expect(e.causes[0]!.field).toBe("spec");
    expect(e.causes[0]!.message).toMatch(/^Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims\n/);
  });
});

describe("field errors", () => {
  it("render bad values as apimachinery does", () => {
    expect(renderValue("a\"b")).toBe('"a\\"b"');
    expect(renderValue(3)).toBe("3");
    expect(renderValue(null)).toBe("null");
    expect(renderValue({ a: "<b>" })).toBe('{"a":"\\u003cb\\u003e"}');
    expect(errorString({ type: "FieldValueTooLong", field: "metadata.annotations", detail: "may not be more than 262144 bytes" })).toBe(
      "metadata.annotations: Too long: may not be more than 262144 bytes",
    );
    expect(errorString({ type: "FieldValueNotSupported", field: "spec.restartPolicy", value: "Never", detail: 'supported values: "Always"' })).toBe(
      'spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    );
  });
});
