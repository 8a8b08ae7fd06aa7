import { describe, expect, it } from "vitest";
import {
  NOTHING,
  fieldSelectorMatches,
  formatLabelSelector,
  labelSelectorAsSelector,
  labelSelectorMatches,
  parseFieldSelector,
  parseSelector,
  selectorMatches,
  selectorString,
  validateLabelSelector,
  validateLabels,
} from "../src/api/labels.js";
import type { KubeObject } from "../src/api/types.js";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from "../src/api/validation/content.js";
import { errorString } from "../src/api/validation/field.js";
import { utf8Length } from "../src/api/utf8.js";

describe("label selector syntax (-l)", () => {
  it("parses equality, set and existence requirements", () => {
    const sel = parseSelector("tier in (web, db),app=nginx,!canary,env!=prod,track");
    expect(selectorString(sel)).toBe("app=nginx,!canary,env!=prod,tier in (db,web),track");
    expect(selectorMatches(sel, { app: "nginx", tier: "db", track: "x" })).toBe(true);
    expect(selectorMatches(sel, { app: "nginx", tier: "db", track: "x", canary: "" })).toBe(false);
    expect(selectorMatches(sel, { app: "nginx", tier: "cache", track: "x" })).toBe(false);
    expect(selectorMatches(sel, { app: "nginx", tier: "web", track: "x", env: "prod" })).toBe(false);
    expect(selectorMatches(parseSelector("env!=prod"), {})).toBe(true);
    expect(selectorMatches(parseSelector("env notin (prod)"), {})).toBe(true);
    expect(selectorMatches(parseSelector(""), { a: "b" })).toBe(true);
  });

  it("treats in/notin as values inside parentheses", () => {
    expect(selectorMatches(parseSelector("x in (in,notin)"), { x: "notin" })).toBe(true);
  });

  it("reports apimachinery's parse errors", () => {
    expect(() => parseSelector("app in x")).toThrow("unable to parse requirement: found 'x' expected: '('");
    expect(() => parseSelector("app=nginx x")).toThrow("found 'x', expected: ',' or 'end of string'");
    expect(() => parseSelector("app=nginx,")).toThrow("found '', expected: identifier after ','");
    expect(() => parseSelector("=x")).toThrow("found '=', expected: !, identifier, or 'end of string'");
    expect(() => parseSelector("app in (a b)")).toThrow("unable to parse requirement: found 'b', expected: ',' or ')'");
    expect(() => parseSelector("-app")).toThrow(
      `unable to parse requirement: <nil>: Invalid value: "-app": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
    expect(() => parseSelector("app=-x")).toThrow(
      `unable to parse requirement: values[0][app]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  });
});

describe("metav1.LabelSelector", () => {
  it("matches matchLabels and matchExpressions", () => {
    const sel = { matchLabels: { app: "zk" }, matchExpressions: [{ key: "tier", operator: "NotIn" as const, values: ["x"] }] };
    expect(labelSelectorMatches(sel, { app: "zk" })).toBe(true);
    expect(labelSelectorMatches(sel, { app: "zk", tier: "x" })).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "In", values: ["zk"] }] }, { app: "zk" })).toBe(true);
  });

  it("selects nothing when nil and everything when empty", () => {
    expect(labelSelectorAsSelector(undefined)).toBe(NOTHING);
    expect(labelSelectorMatches(undefined, { a: "b" })).toBe(false);
    expect(labelSelectorMatches({}, { a: "b" })).toBe(true);
  });

  it("prints as kubectl's SELECTOR column does", () => {
    expect(formatLabelSelector({ matchLabels: { tier: "mysql", app: "wordpress" } })).toBe("app=wordpress,tier=mysql");
    expect(formatLabelSelector({})).toBe("<none>");
    expect(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Bogus" as never }] })).toBe("<error>");
  });

  it("validates keys, values and operators", () => {
    const errs = validateLabelSelector(
      { matchLabels: { "-bad": "ok" }, matchExpressions: [{ key: "k", operator: "In" }, { key: "k", operator: "Exists", values: ["v"] }] },
      "spec.selector",
    ).map(errorString);
    expect(errs[0]).toMatch(/^spec\.selector\.matchLabels: Invalid value: "-bad": name part must consist/);
    expect(errs).toContain("spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
    expect(errs).toContain("spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    expect(validateLabels({ "example.com/app": "web" }, "metadata.labels")).toEqual([]);
  });
});

describe("field selectors", () => {
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web-0", namespace: "default" }, spec: { nodeName: "node-1" }, status: { phase: "Running" } } as KubeObject;

  it("matches the fields the API server supports", () => {
    expect(fieldSelectorMatches(parseFieldSelector("metadata.name=web-0,status.phase!=Pending", "Pod"), pod)).toBe(true);
    expect(fieldSelectorMatches(parseFieldSelector("spec.nodeName==node-2", "Pod"), pod)).toBe(false);
    expect(fieldSelectorMatches(parseFieldSelector("spec.hostNetwork=false", "Pod"), pod)).toBe(true);
  });

  it("refuses unsupported labels and bad syntax", () => {
    expect(() => parseFieldSelector("spec.replicas=3", "StatefulSet")).toThrow("field label not supported: spec.replicas");
    expect(() => parseFieldSelector("metadata.name", "Pod")).toThrow("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
  });
});

describe("name and label syntax", () => {
  it("uses apimachinery's words", () => {
    expect(isDNS1123Label("Web")).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(isDNS1123Label("a.b")).toEqual(["must not contain dots"]);
    expect(isDNS1123Label("a".repeat(64))).toEqual(["must be no more than 63 characters"]);
    expect(isDNS1123Subdomain("web_1")).toEqual([
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(isDNS1035Label("1web")[0]).toMatch(/^a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
    expect(isQualifiedName("a/b/c")[0]).toMatch(/^a valid label key must consist of alphanumeric/);
    expect(isQualifiedName("/a")).toEqual(["prefix part must be non-empty"]);
    expect(isValidLabelValue("x".repeat(64))[0]).toBe("must be no more than 63 bytes");
  });
});

describe("utf8Length", () => {
  it("counts the bytes TextEncoder writes, for every kind of character", () => {
    const samples = ["", "abc", "é", "日本語", "😀", "a😀b", "\ud800", "x\udc00y", "\ud83d", "mixed é 日 😀 \u0000"];
    // Random strings over the whole UTF-16 range, lone surrogates included.
    let seed = 7;
    for (let i = 0; i < 200; i++) {
      let s = "";
      for (let j = 0; j < 12; j++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        s += String.fromCharCode(seed % 0x10000);
      }
      samples.push(s);
    }
    const encoder = new TextEncoder();
    for (const s of samples) expect(utf8Length(s), JSON.stringify(s)).toBe(encoder.encode(s).length);
  });
});
