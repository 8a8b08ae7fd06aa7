import { describe, expect, it } from "vitest";
import { loadManifests, parseYaml, splitYamlDocuments } from "../src/api/manifest.js";

const names = (text: string) => loadManifests(text, "x.yaml").objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe("manifest files", () => {
  it("read multi-document YAML, skipping empty and comment-only documents", () => {
    const text = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n# nothing here\n---\n\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: b\n";
    expect(names(text)).toEqual(["Service/a", "StatefulSet/b"]);
    expect(loadManifests("", "x.yaml")).toEqual({ objects: [] });
  });

  it("flatten kind: List", () => {
    const text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n";
    expect(names(text)).toEqual(["ConfigMap/a", "Secret/b"]);
  });

  it("read a stream of JSON objects", () => {
    const text = '{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}\n{"apiVersion":"v1","kind":"Service","metadata":{"name":"b"}}';
    expect(names(text)).toEqual(["Service/a", "Service/b"]);
  });

  it("read YAML 1.1 scalars as go-yaml v2 does", () => {
    const [obj] = loadManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  a: yes\n  b: '0777'\n  c: 0777\n  d: 2024-01-01\n", "x.yaml").objects;
    expect(obj!.data).toEqual({ a: true, b: "0777", c: 511, d: "2024-01-01" });
  });

  it("stop at the first bad document, keeping the ones before it", () => {
    const doc = (name: string, extra = "") => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${extra}`;
    const under = loadManifests(`${doc("a")}---\n${doc("b", " labels: x\n")}---\n${doc("c")}`, "web.yaml");
    expect(under.objects.map((o) => o.metadata.name)).toEqual(["a"]);
    // go-yaml reports parser errors with a 0-based line: the bad line is the 5th of its document.
    expect(under.error).toBe("error parsing web.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key");
    const over = loadManifests(`${doc("a")}---\n${doc("b", "   labels: x\n")}`, "web.yaml");
    expect(over.error).toBe("error parsing web.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context");
  });
});

describe("errors in kubectl's words", () => {
  const error = (text: string, source = "web.yaml") => loadManifests(text, source).error;

  it("YAML syntax, with go-yaml's line numbers counted per document", () => {
    expect(error("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: x\n    image: y\n      ports: z\n")).toBe(
      "error parsing web.yaml: error converting YAML to JSON: yaml: line 7: mapping values are not allowed in this context",
    );
    expect(error("a: b: c\n")).toBe("error parsing web.yaml: error converting YAML to JSON: yaml: line 1: mapping values are not allowed in this context");
    expect(error("metadata:\n\tname: web\n")).toBe("error parsing web.yaml: error converting YAML to JSON: yaml: line 2: found character that cannot start any token");
    expect(error("a:\n  - x\n  y: 2\n")).toBe("error parsing web.yaml: error converting YAML to JSON: yaml: line 2: did not find expected '-' indicator");
    expect(error("--- x\n")).toBe("error parsing web.yaml: invalid Yaml document separator: x");
  });

  it("JSON syntax", () => {
    expect(error('{"apiVersion": "v1", }', "s.json")).toBe("error parsing s.json: json: offset 22: invalid character '}' looking for beginning of object key string");
    expect(error('{"a": 1', "s.json")).toBe("error parsing s.json: unexpected EOF");
  });

  it("missing apiVersion or kind", () => {
    expect(error("apiVersion: v1\nmetadata:\n  name: x\n", "x.yaml")).toBe(
      'error validating "x.yaml": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false',
    );
    expect(error("metadata:\n  name: x\n", "x.yaml")).toBe(
      'error validating "x.yaml": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false',
    );
  });

  it("kinds the server does not serve", () => {
    expect(error("apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n", "x.yaml")).toBe(
      'resource mapping not found for name: "x" namespace: "" from "x.yaml": no matches for kind "Foo" in version "v1"\nensure CRDs are installed first',
    );
    expect(error("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: x\n  namespace: prod\n", "x.yaml")).toBe(
      'resource mapping not found for name: "x" namespace: "prod" from "x.yaml": no matches for kind "Deployment" in version "apps/v1beta1"\nensure CRDs are installed first',
    );
  });
});

describe("YAML helpers", () => {
  it("split at --- lines only", () => {
    expect(splitYamlDocuments("a: 1\n--- # c\nb: |\n  x---y\n").docs).toEqual(["a: 1\n", "b: |\n  x---y\n"]);
  });

  it("parse one document or explain why not", () => {
    expect(parseYaml("a: [1, 2]\n")).toEqual({ value: { a: [1, 2] } });
    expect(parseYaml("   \n")).toEqual({ value: null });
    expect(parseYaml("a: b: c\n")).toEqual({ error: "yaml: line 1: mapping values are not allowed in this context" });
  });
});
