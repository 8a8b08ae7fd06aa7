import { describe, expect, it } from "vitest";
import type { KubeObject } from "../src/api/types.js";
import { KustomizeError, kustomize, legacySort, nameHash } from "../src/kubectl/kustomize.js";

/** A tiny file tree: paths to contents; directories are the prefixes of those paths. */
function tree(files: Record<string, string>) {
  const readFile = (p: string) => files[p];
  const isDirectory = (p: string) => Object.keys(files).some((f) => f.startsWith(`${p}/`));
  return { readFile, isDirectory, build: (dir: string) => kustomize(dir, readFile, isDirectory) };
}

const MYSQL = `apiVersion: v1
kind: Service
metadata:
  name: wordpress-mysql
  labels:
    app: wordpress
spec:
  ports:
    - port: 3306
  selector:
    app: wordpress
    tier: mysql
  clusterIP: None
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: mysql-pv-claim
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
  labels:
    app: wordpress
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
        volumeMounts:
        - name: mysql-persistent-storage
          mountPath: /var/lib/mysql
      volumes:
      - name: mysql-persistent-storage
        persistentVolumeClaim:
          claimName: mysql-pv-claim
`;

const WORDPRESS = `apiVersion: v1
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
  name: wordpress
  labels:
    app: wordpress
spec:
  selector:
    matchLabels:
      app: wordpress
      tier: frontend
  strategy:
    type: Recreate
  template:
    metadata:
      labels:
        app: wordpress
        tier: frontend
    spec:
      containers:
      - image: wordpress:6.2.1-apache
        name: wordpress
        env:
        - name: WORDPRESS_DB_HOST
          value: wordpress-mysql
        - name: WORDPRESS_DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: mysql-pass
              key: password
`;

/** The WordPress tutorial's directory, kustomization.yaml written by its two `cat <<EOF` steps. */
const TUTORIAL = {
  "/home/user/wp/kustomization.yaml": `secretGenerator:
- name: mysql-pass
  literals:
  - password=YOUR_PASSWORD
resources:
  - mysql-deployment.yaml
  - wordpress-deployment.yaml
`,
  "/home/user/wp/mysql-deployment.yaml": MYSQL,
  "/home/user/wp/wordpress-deployment.yaml": WORDPRESS,
};

const ids = (objs: KubeObject[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);
const envSecret = (d: KubeObject, i: number) =>
  (d.spec as { template: { spec: { containers: { env: { valueFrom?: { secretKeyRef: { name: string } } }[] }[] } } }).template.spec.containers[0]!.env[i]!.valueFrom!.secretKeyRef.name;

describe("the WordPress tutorial's kustomization", () => {
  const { resources, warnings } = tree(TUTORIAL).build("/home/user/wp");

  it("generates mysql-pass with kustomize's hash and lists resources in legacy order", () => {
    expect(ids(resources)).toEqual([
      "Secret/mysql-pass-5m26tmdb5k",
      "Service/wordpress",
      "Service/wordpress-mysql",
      "PersistentVolumeClaim/mysql-pv-claim",
      "PersistentVolumeClaim/wp-pv-claim",
      "Deployment/wordpress",
      "Deployment/wordpress-mysql",
    ]);
    expect(warnings).toEqual([]);
    expect(resources[0]).toEqual({ apiVersion: "v1", data: { password: "WU9VUl9QQVNTV09SRA==" }, kind: "Secret", metadata: { name: "mysql-pass-5m26tmdb5k" }, type: "Opaque" });
  });

  it("reads resources from http(s) URLs as kustomize's file loader does, and names a host that does not answer", () => {
    const remote: Record<string, string> = { "https://k8s.io/examples/application/wordpress/mysql-deployment.yaml": MYSQL };
    const files = { "/k/kustomization.yaml": "resources:\n- https://k8s.io/examples/application/wordpress/mysql-deployment.yaml\n" };
    const read = (p: string) => files[p as keyof typeof files];
    const built = kustomize("/k", read, (p) => p === "/k", (url) => remote[url]);
    expect(ids(built.resources)).toEqual(["Service/wordpress-mysql", "PersistentVolumeClaim/mysql-pv-claim", "Deployment/wordpress-mysql"]);
    const missing = { "/k/kustomization.yaml": "resources:\n- https://example.com/app.yaml\n" };
    expect(() => kustomize("/k", (p) => missing[p as keyof typeof missing], (p) => p === "/k", () => undefined)).toThrow(
      `accumulating resources: accumulation err='accumulating resources from 'https://example.com/app.yaml': Get "https://example.com/app.yaml": dial tcp: lookup example.com: no such host'`,
    );
  });

  it("rewrites the secret references to the hashed name", () => {
    expect(envSecret(resources.find((r) => r.metadata.name === "wordpress-mysql" && r.kind === "Deployment")!, 0)).toBe("mysql-pass-5m26tmdb5k");
    expect(envSecret(resources.find((r) => r.metadata.name === "wordpress" && r.kind === "Deployment")!, 1)).toBe("mysql-pass-5m26tmdb5k");
  });
});

describe("name hash", () => {
  it("matches kustomize's test vectors", () => {
    const secret = (extra: Record<string, unknown>) => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "" }, type: "my-type", ...extra }) as KubeObject;
    expect(nameHash(secret({}))).toBe("5gmgkf8578");
    expect(nameHash(secret({ data: { one: "" } }))).toBe("74bd68bm66");
    expect(nameHash(secret({ data: { one: "", three: 3, two: 2 } }))).toBe("4gf75c7476");
    expect(nameHash(secret({ data: { one: "" }, stringData: { two: 2 } }))).toBe("c4h4264gdb");
  });

  it("depends on the data, escaped as Go escapes <>&, and not on the name (hasher.go never finds it)", () => {
    const cm = (name: string, v: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { k: v } }) as KubeObject;
    expect(nameHash(cm("a", "x"))).toBe(nameHash(cm("b", "x")));
    expect(nameHash(cm("a", "x"))).not.toBe(nameHash(cm("a", "y")));
    // `configMapGenerator: [{name: cm, literals: [a=b]}]` gives cm-4h2mbtbbt6 with kubectl 1.32.
    expect(nameHash({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { a: "b" } } as KubeObject)).toBe("4h2mbtbbt6");
    expect(nameHash(cm("a", "<&>"))).toMatch(/^[2456789bcdfghkmt]{10}$/);
    expect(nameHash(cm("a", "<&>"))).not.toBe(nameHash(cm("a", "\\u003c&>")));
  });
});

describe("generators and transformers", () => {
  it("read literals, files and env files, with generatorOptions", () => {
    const { resources } = tree({
      "/k/kustomization.yaml": `namespace: prod
namePrefix: dev-
generatorOptions:
  labels:
    gen: "yes"
  disableNameSuffixHash: true
configMapGenerator:
- name: settings
  literals:
  - mode="fast"
  files:
  - conf/app.properties
  - renamed.txt=conf/app.properties
  envs:
  - conf/env
  options:
    labels:
      gen: local
resources:
- pod.yaml
`,
      "/k/conf/app.properties": "a=1\n",
      "/k/conf/env": "# comment\nX=1\nY\n",
      "/k/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    envFrom:\n    - configMapRef:\n        name: settings\n",
    }).build("/k");
    expect(ids(resources)).toEqual(["ConfigMap/dev-settings", "Pod/dev-p"]);
    expect(resources[0]).toEqual({
      apiVersion: "v1",
      data: { X: "1", Y: "", "app.properties": "a=1\n", mode: "fast", "renamed.txt": "a=1\n" },
      kind: "ConfigMap",
      metadata: { name: "dev-settings", namespace: "prod", labels: { gen: "local" } },
    });
    expect((resources[1]!.spec as { containers: { envFrom: { configMapRef: { name: string } }[] }[] }).containers[0]!.envFrom[0]!.configMapRef.name).toBe("dev-settings");
    expect(resources[1]!.metadata.namespace).toBe("prod");
  });

  it("put commonLabels on selectors and templates, labels only on metadata", () => {
    const { resources, warnings } = tree({
      "/k/kustomization.yaml": "commonLabels:\n  env: dev\nlabels:\n- pairs:\n    team: a\ncommonAnnotations:\n  note: x\nresources:\n- mysql.yaml\n",
      "/k/mysql.yaml": MYSQL,
    }).build("/k");
    const svc = resources.find((r) => r.kind === "Service")!;
    const d = resources.find((r) => r.kind === "Deployment")!;
    expect(svc.metadata.labels).toEqual({ app: "wordpress", env: "dev", team: "a" });
    expect((svc.spec as { selector: unknown }).selector).toEqual({ app: "wordpress", tier: "mysql", env: "dev" });
    const spec = d.spec as { selector: { matchLabels: unknown }; template: { metadata: { labels: unknown; annotations: unknown } } };
    expect(spec.selector.matchLabels).toEqual({ app: "wordpress", tier: "mysql", env: "dev" });
    expect(spec.template.metadata).toEqual({ labels: { app: "wordpress", tier: "mysql", env: "dev" }, annotations: { note: "x" } });
    expect(warnings).toEqual(["# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically."]);
  });

  it("follow nested kustomizations, images, replicas and strategic merge patches", () => {
    const { resources } = tree({
      "/o/kustomization.yaml": "resources:\n- ../base\nnameSuffix: -v2\nimages:\n- name: mysql\n  newTag: \"8.4\"\nreplicas:\n- name: wordpress-mysql\n  count: 2\npatches:\n- patch: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: wordpress-mysql\n    spec:\n      template:\n        spec:\n          containers:\n          - name: mysql\n            args: [\"--log\"]\n",
      "/base/kustomization.yaml": "resources:\n- mysql.yaml\n",
      "/base/mysql.yaml": MYSQL,
    }).build("/o");
    const d = resources.find((r) => r.kind === "Deployment")!;
    expect(d.metadata.name).toBe("wordpress-mysql-v2");
    const spec = d.spec as { replicas: number; template: { spec: { containers: { image: string; args: string[] }[]; volumes: { persistentVolumeClaim: { claimName: string } }[] } } };
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.containers[0]).toMatchObject({ image: "mysql:8.4", args: ["--log"] });
    expect(spec.template.spec.volumes[0]!.persistentVolumeClaim.claimName).toBe("mysql-pv-claim-v2");
  });
});

describe("errors in kustomize's words", () => {
  it("a missing kustomization file", () => {
    expect(() => tree({ "/k/a.yaml": "" }).build("/k")).toThrow(new KustomizeError("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '/k'"));
    expect(() => tree({}).build("/nope")).toThrow("must build at directory: not a valid directory: evalsymlink failure on '/nope' : lstat /nope: no such file or directory");
  });

  it("a missing resource file", () => {
    const files = { ...TUTORIAL } as Record<string, string>;
    delete files["/home/user/wp/mysql-deployment.yaml"];
    expect(() => tree(files).build("/home/user/wp")).toThrow(
      "accumulating resources: accumulation err='accumulating resources from 'mysql-deployment.yaml': evalsymlink failure on '/home/user/wp/mysql-deployment.yaml' : lstat /home/user/wp/mysql-deployment.yaml: no such file or directory': must build at directory: not a valid directory: evalsymlink failure on '/home/user/wp/mysql-deployment.yaml' : lstat /home/user/wp/mysql-deployment.yaml: no such file or directory",
    );
  });

  it("a directory without a kustomization, bad YAML, bad literals, duplicates, unknown fields", () => {
    expect(() => tree({ "/k/kustomization.yaml": "resources:\n- base\n", "/k/base/x.yaml": "a: 1\n" }).build("/k")).toThrow(
      "accumulating resources: accumulation err='accumulating resources from 'base': read /k/base: is a directory': couldn't make target for path '/k/base': unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '/k/base'",
    );
    expect(() => tree({ "/k/kustomization.yaml": "resources:\n- a.yaml\n", "/k/a.yaml": "a: b: c\n" }).build("/k")).toThrow(
      "accumulating resources: accumulating resources from 'a.yaml': MalformedYAMLError: yaml: line 1: mapping values are not allowed in this context in File: a.yaml",
    );
    expect(() => tree({ "/k/kustomization.yaml": "secretGenerator:\n- name: s\n  literals:\n  - =x\n" }).build("/k")).toThrow(
      "loading KV pairs: literal sources [=x]: invalid literal source =x, expected key=value",
    );
    expect(() => tree({ "/k/kustomization.yaml": "secretGenerator:\n- name: s\n  literals:\n  - a=1\n  - a=2\n" }).build("/k")).toThrow("configmap s illegally repeats the key `a`");
    expect(() => tree({ "/k/kustomization.yaml": "resource:\n- a.yaml\n" }).build("/k")).toThrow('error unmarshaling JSON: while decoding JSON: json: unknown field "resource"');
    expect(() => tree({ "/k/kustomization.yaml": "resources:\n- a.yaml\n- a.yaml\n", "/k/a.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n" }).build("/k")).toThrow(
      "accumulating resources: may not add resource with an already registered id: Service.v1.[noGrp]/s.[noNs]",
    );
  });
});

describe("legacy order", () => {
  it("puts namespaces and storage classes first and webhooks last", () => {
    const o = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, metadata: { name } }) as KubeObject;
    const sorted = legacySort([
      o("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "w"),
      o("apps/v1", "StatefulSet", "web"),
      o("v1", "ConfigMap", "c"),
      o("policy/v1", "PodDisruptionBudget", "p"),
      o("v1", "Pod", "a"),
      o("storage.k8s.io/v1", "StorageClass", "fast"),
      o("v1", "Namespace", "ns"),
      o("v1", "Service", "zk-hs"),
      o("v1", "Service", "zk-cs"),
    ]);
    expect(ids(sorted)).toEqual([
      "Namespace/ns",
      "StorageClass/fast",
      "ConfigMap/c",
      "Service/zk-cs",
      "Service/zk-hs",
      "StatefulSet/web",
      "PodDisruptionBudget/p",
      "Pod/a",
      "ValidatingWebhookConfiguration/w",
    ]);
  });
});
