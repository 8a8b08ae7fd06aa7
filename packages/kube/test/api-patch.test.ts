import { describe, expect, it } from "vitest";
import { JsonPatchError, applyJsonPatch, applyMergePatch } from "../src/api/json-patch.js";
import { LAST_APPLIED, PatchError, applyStrategicMergePatch, goPrint, lastAppliedConfiguration, planApply, threeWayMergePatch } from "../src/api/patch.js";
import { schemaFor } from "../src/api/schema-kinds.js";

const stsSchema = schemaFor("apps/v1", "StatefulSet")!;
const deploySchema = schemaFor("apps/v1", "Deployment")!;

const live = () => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "web", namespace: "default", finalizers: ["a"] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "nginx" } },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: {
        containers: [
          {
            name: "nginx",
            image: "registry.k8s.io/nginx-slim:0.8",
            env: [{ name: "A", value: "1" }],
            ports: [{ containerPort: 80, name: "web", protocol: "TCP" }],
            volumeMounts: [{ name: "www", mountPath: "/usr/share/nginx/html" }],
          },
          { name: "sidecar", image: "busybox" },
        ],
      },
    },
  },
});

type Live = ReturnType<typeof live>;
const smp = (patch: Record<string, unknown>, schema = stsSchema) => applyStrategicMergePatch(live(), patch, schema) as Live;

describe("strategic merge patch", () => {
  it("merges maps and replaces scalars (kubectl patch sts web -p '{\"spec\":{\"replicas\":3}}')", () => {
    const out = smp({ spec: { replicas: 3 } });
    expect(out.spec.replicas).toBe(3);
    expect(out.spec.template).toEqual(live().spec.template);
  });

  it("merges containers by name, env by name, volumeMounts by mountPath", () => {
    const out = smp({
      spec: {
        template: {
          spec: {
            containers: [{ name: "nginx", image: "nginx-slim:0.9", env: [{ name: "B", value: "2" }], volumeMounts: [{ mountPath: "/usr/share/nginx/html", readOnly: true }] }],
          },
        },
      },
    });
    const c = out.spec.template.spec.containers;
    expect(c.map((x) => x.name)).toEqual(["nginx", "sidecar"]);
    expect(c[0]).toMatchObject({ image: "nginx-slim:0.9", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }], ports: [{ containerPort: 80 }] });
    expect(c[0]!.volumeMounts).toEqual([{ name: "www", mountPath: "/usr/share/nginx/html", readOnly: true }]);
  });

  it("understands $patch delete and replace, and null", () => {
    expect(smp({ spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } } }).spec.template.spec.containers.map((c) => c.name)).toEqual(["nginx"]);
    expect(smp({ spec: { selector: { matchLabels: { tier: "web" }, $patch: "replace" } } }).spec.selector).toEqual({ matchLabels: { tier: "web" } });
    const out = smp({ spec: { updateStrategy: { type: "OnDelete", rollingUpdate: null } } });
    expect(out.spec.updateStrategy).toEqual({ type: "OnDelete" });
    expect(smp({ spec: { template: { spec: { containers: [{ name: "x" }, { $patch: "replace" }] } } } }).spec.template.spec.containers).toEqual([{ name: "x" }]);
  });

  it("merges finalizers as a set and deletes from it with $deleteFromPrimitiveList", () => {
    expect(smp({ metadata: { finalizers: ["b", "a"] } }).metadata.finalizers).toEqual(["a", "b"]);
    expect(smp({ metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } }).metadata.finalizers).toEqual([]);
  });

  it("keeps only $retainKeys in a retainKeys field", () => {
    const d = { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } } } };
    const out = applyStrategicMergePatch(d, { spec: { strategy: { type: "Recreate", $retainKeys: ["type"] } } }, deploySchema);
    expect(out.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("reorders merged lists with $setElementOrder", () => {
    const out = smp({ spec: { template: { spec: { "$setElementOrder/containers": [{ name: "sidecar" }, { name: "nginx" }], containers: [{ name: "nginx", image: "x" }] } } } });
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(["sidecar", "nginx"]);
  });

  it("refuses an element without its merge key", () => {
    expect(() => smp({ spec: { template: { spec: { containers: [{ image: "x" }] } } } })).toThrow(new PatchError("map: map[image:x] does not contain declared merge key: name", "InternalError"));
    expect(() => smp({ spec: { $patch: "bogus" } })).toThrow("unknown patch type: bogus in map: map[$patch:bogus]");
  });

  it("prints values as fmt's %v does", () => {
    expect(goPrint({ spec: { replicas: 3, foo: [1, "a"], big: 1000000 } })).toBe("map[spec:map[big:1e+06 foo:[1 a] replicas:3]]");
  });
});

describe("JSON patch", () => {
  it("applies the tutorial's image replacement", () => {
    const out = applyJsonPatch(live(), [{ op: "replace", path: "/spec/template/spec/containers/0/image", value: "gcr.io/google_containers/nginx-slim:0.8" }]);
    expect(out.spec.template.spec.containers[0]!.image).toBe("gcr.io/google_containers/nginx-slim:0.8");
    expect(live().spec.template.spec.containers[0]!.image).toBe("registry.k8s.io/nginx-slim:0.8");
  });

  it("adds, removes, moves, copies and tests", () => {
    const out = applyJsonPatch(live(), [
      { op: "add", path: "/metadata/labels", value: { "app.kubernetes.io~1name": "x" } },
      { op: "add", path: "/spec/template/spec/containers/-", value: { name: "last" } },
      { op: "remove", path: "/spec/template/spec/containers/1" },
      { op: "copy", from: "/spec/replicas", path: "/spec/minReadySeconds" },
      { op: "move", from: "/metadata/finalizers", path: "/metadata/old" },
      { op: "test", path: "/spec/replicas", value: 2 },
    ]) as Live & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(["nginx", "last"]);
    expect(out.spec.minReadySeconds).toBe(2);
    expect(out.metadata.old).toEqual(["a"]);
    expect(out.metadata.finalizers).toBeUndefined();
  });

  it("fails in evanphx/json-patch's words", () => {
    const fail = (ops: unknown) => () => applyJsonPatch(live(), ops);
    expect(fail([{ op: "replace", path: "/spec/template/spec/containers/0/imagex", value: "x" }])).toThrow(
      new JsonPatchError("replace operation does not apply: doc is missing key: /spec/template/spec/containers/0/imagex: missing value", "Invalid"),
    );
    expect(fail([{ op: "replace", path: "/spec/foo/bar", value: 1 }])).toThrow("replace operation does not apply: doc is missing path: /spec/foo/bar: missing value");
    expect(fail([{ op: "add", path: "/spec/foo/bar", value: 1 }])).toThrow('add operation does not apply: doc is missing path: "/spec/foo/bar": missing value');
    expect(fail([{ op: "add", path: "/spec/template/spec/containers/5", value: {} }])).toThrow(
      "error in add for path: '/spec/template/spec/containers/5': Unable to access invalid index: 5: invalid index referenced",
    );
    expect(fail([{ op: "remove", path: "/spec/foo" }])).toThrow("error in remove for path: '/spec/foo': unable to remove nonexistent key: foo: missing value");
    expect(fail([{ op: "test", path: "/spec/replicas", value: 3 }])).toThrow("testing value /spec/replicas failed: test failed");
    expect(fail([{ op: "frobnicate", path: "/spec" }])).toThrow("Unexpected kind: frobnicate");
    expect(fail({ op: "replace" })).toThrow(new JsonPatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch", "BadRequest"));
  });
});

describe("JSON merge patch", () => {
  it("merges objects, deletes with null and replaces lists", () => {
    const out = applyMergePatch(live(), { spec: { replicas: 5, selector: null, template: { spec: { containers: [{ name: "only" }] } } } }) as Record<string, Record<string, unknown>>;
    expect(out.spec!.replicas).toBe(5);
    expect(out.spec!.selector).toBeUndefined();
    expect((out.spec!.template as Live["spec"]["template"]).spec.containers).toEqual([{ name: "only" }]);
  });
});

describe("kubectl apply", () => {
  const manifest = () => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "wordpress", namespace: "default", labels: { app: "wordpress" } },
    spec: {
      selector: { matchLabels: { app: "wordpress" } },
      strategy: { type: "Recreate" },
      template: { metadata: { labels: { app: "wordpress" } }, spec: { containers: [{ name: "wordpress", image: "wordpress:6.2.1-apache" }] } },
    },
  });

  it("stores the manifest as Go's JSON encoder writes it", () => {
    const m = { apiVersion: "v1", kind: "Service", metadata: { name: "nginx", namespace: "default" }, spec: { selector: { app: "a&b" } } };
    expect(lastAppliedConfiguration(m)).toBe(
      '{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"nginx","namespace":"default"},"spec":{"selector":{"app":"a\\u0026b"}}}\n',
    );
  });

  it("creates, then reports unchanged, then configured", () => {
    const created = planApply(manifest(), undefined, deploySchema);
    expect(created.action).toBe("create");
    const live = created.action === "create" ? created.object : {};
    expect((live.metadata as { annotations: Record<string, string> }).annotations[LAST_APPLIED]).toBe(lastAppliedConfiguration(manifest()));
    // The server adds defaults and status; they are not the manifest's business.
    const stored = { ...live, spec: { ...(live.spec as object), replicas: 1, revisionHistoryLimit: 10 }, status: { replicas: 1 } };
    expect(planApply(manifest(), stored, deploySchema)).toEqual({ action: "unchanged", missingLastApplied: false });
    const changed = manifest();
    changed.spec.template.spec.containers[0]!.image = "wordpress:6.3";
    const plan = planApply(changed, stored, deploySchema);
    expect(plan.action).toBe("patch");
    const patched = applyStrategicMergePatch(stored, plan.action === "patch" ? plan.patch : {}, deploySchema) as typeof stored & ReturnType<typeof manifest>;
    expect(patched.spec.template.spec.containers[0]!.image).toBe("wordpress:6.3");
    expect(patched.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10 });
  });

  it("removes what the previous manifest had and the new one does not, keeping others' changes", () => {
    const previous = { ...manifest(), metadata: { ...manifest().metadata, labels: { app: "wordpress", tier: "web" } } };
    const liveObj = { ...previous, metadata: { ...previous.metadata, labels: { ...previous.metadata.labels, "added-by": "someone" } } };
    const patch = threeWayMergePatch(previous, manifest(), liveObj, deploySchema);
    expect(patch).toEqual({ metadata: { labels: { tier: null } } });
    const out = applyStrategicMergePatch(liveObj, patch, deploySchema);
    expect(out.metadata.labels).toEqual({ app: "wordpress", "added-by": "someone" });
  });

  it("deletes a removed container and keeps the order", () => {
    const previous = manifest();
    previous.spec.template.spec.containers.push({ name: "sidecar", image: "busybox" });
    const patch = threeWayMergePatch(previous, manifest(), previous, deploySchema);
    expect(patch).toEqual({
      spec: { template: { spec: { "$setElementOrder/containers": [{ name: "wordpress" }], containers: [{ name: "sidecar", $patch: "delete" }] } } },
    });
    expect(applyStrategicMergePatch(previous, patch, deploySchema).spec.template.spec.containers.map((c) => c.name)).toEqual(["wordpress"]);
  });

  it("clears rollingUpdate when the strategy becomes Recreate ($retainKeys)", () => {
    const previous = { ...manifest(), spec: { ...manifest().spec, strategy: { type: "RollingUpdate" } } };
    const liveObj = { ...previous, spec: { ...previous.spec, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } } } };
    const patch = threeWayMergePatch(previous, manifest(), liveObj, deploySchema);
    expect(patch).toEqual({ spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } });
    expect(applyStrategicMergePatch(liveObj, patch, deploySchema).spec.strategy).toEqual({ type: "Recreate" });
  });

  it("flags a live object without the annotation", () => {
    const plan = planApply(manifest(), { ...manifest(), spec: { ...manifest().spec, replicas: 3 } }, deploySchema);
    expect(plan.action).toBe("patch");
    expect(plan.action === "patch" && plan.missingLastApplied).toBe(true);
  });
});
