import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/errors.js";
import { base64ErrorOffset, decode, decodeError, failureText, type DecodeFailure } from "../src/api/schema.js";
import { schemaFor } from "../src/api/schema-kinds.js";
import { decodeObject } from "../src/api/validation.js";
import type { KubeObject } from "../src/api/types.js";

const sts = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "web" }, spec });
const deploymentWithContainer = (container: Record<string, unknown>): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "d" },
  spec: { template: { spec: { containers: [{ name: "c", image: "i", ...container }] } } },
});

function failure(obj: KubeObject): string {
  const r = decode(schemaFor(obj.apiVersion, obj.kind)!, obj);
  if (r.ok) throw new Error("decoded");
  return failureText(r.failure);
}

describe("strict decoding", () => {
  it("refuses unknown fields with their full path, list indices included", () => {
    expect(failure(sts({ foo: 1 }))).toBe(`strict decoding error: unknown field "spec.foo"`);
    expect(failure(deploymentWithContainer({ imagePullPolice: "Always", port: 80 }))).toBe(
      `strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolice", unknown field "spec.template.spec.containers[0].port"`,
    );
    expect(failure({ apiVersion: "v1", kind: "Service", metadata: { name: "s", label: {} } as never })).toBe(`strict decoding error: unknown field "metadata.label"`);
    // Field names are case-sensitive.
    expect(failure(sts({ Replicas: 1 }))).toBe(`strict decoding error: unknown field "spec.Replicas"`);
  });

  it("reports the first wrong type as encoding/json does", () => {
    expect(failure(sts({ replicas: "3" }))).toBe("json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32");
    expect(failure(sts({ replicas: 1.5 }))).toBe("json: cannot unmarshal number 1.5 into Go struct field StatefulSetSpec.spec.replicas of type int32");
    expect(failure(deploymentWithContainer({ ports: ["80"] }))).toBe(
      "json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.ports of type v1.ContainerPort",
    );
    expect(failure(deploymentWithContainer({ ports: { containerPort: 80 } }))).toBe(
      "json: cannot unmarshal object into Go struct field Container.spec.template.spec.containers.ports of type []v1.ContainerPort",
    );
    expect(failure(deploymentWithContainer({ image: 5 }))).toBe("json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string");
    expect(failure(deploymentWithContainer({ env: [{ name: "A", value: true }] }))).toBe(
      "json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string",
    );
    expect(failure(deploymentWithContainer({ livenessProbe: [] }))).toBe(
      "json: cannot unmarshal array into Go struct field Container.spec.template.spec.containers.livenessProbe of type v1.Probe",
    );
    // A type error wins over unknown fields.
    expect(failure(sts({ foo: 1, replicas: "x" }))).toMatch(/^json: cannot unmarshal string/);
  });

  it("reports custom unmarshalers' own errors", () => {
    expect(failure(deploymentWithContainer({ resources: { limits: { memory: "1GB" } } }))).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    expect(failure({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80, targetPort: true }] } })).toBe(
      "json: cannot unmarshal bool into Go value of type int32",
    );
    expect(failure({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { password: "not base64!" } })).toBe("illegal base64 data at input byte 3");
  });

  it("builds the API server's BadRequest", () => {
    const f: DecodeFailure = { kind: "strict", unknown: ["spec.foo"] };
    const e = decodeError("StatefulSet", "v1", f);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.reason).toBe("BadRequest");
    expect(e.message).toBe(`StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error: unknown field "spec.foo"`);
    expect(() => decodeObject(sts({ foo: 1 }))).toThrow(e.message);
  });
});

describe("normalization", () => {
  it("writes what a Go round trip writes", () => {
    const out = decodeObject<KubeObject>({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", labels: null as never },
      spec: {
        containers: [{ name: "c", image: "i", stdin: false, ports: [{ containerPort: 80, hostPort: 0 }], resources: { requests: { cpu: "0.5", memory: 1073741824 } } }],
        hostNetwork: false,
        terminationGracePeriodSeconds: 0,
      },
    });
    expect(out.metadata).toEqual({ name: "p" });
    const spec = out.spec as { containers: Record<string, unknown>[]; terminationGracePeriodSeconds?: number; hostNetwork?: boolean };
    expect(spec.containers[0]).toEqual({ name: "c", image: "i", ports: [{ containerPort: 80 }], resources: { requests: { cpu: "500m", memory: "1073741824" } } });
    // A pointer keeps its zero value; a plain bool with omitempty does not.
    expect(spec.terminationGracePeriodSeconds).toBe(0);
    expect(spec.hostNetwork).toBeUndefined();
    expect(out.status).toEqual({});
  });

  it("fills value structs and fields without omitempty", () => {
    const out = decodeObject({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ image: "i" }] } });
    expect((out.spec as { containers: unknown[] }).containers[0]).toEqual({ image: "i", name: "", resources: {} });
    const svc = decodeObject<KubeObject>({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: {} });
    expect(svc.status).toEqual({ loadBalancer: {} });
  });

  it("checks base64 the way Go's decoder does", () => {
    expect(base64ErrorOffset("WU9VUl9QQVNTV09SRA==")).toBeUndefined();
    expect(base64ErrorOffset("YWJj\nZA==")).toBeUndefined();
    expect(base64ErrorOffset("YWJ")).toBe(0);
    expect(base64ErrorOffset("YWJjZA")).toBe(4);
    expect(base64ErrorOffset("YW*j")).toBe(2);
  });
});
