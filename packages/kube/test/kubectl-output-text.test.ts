import { describe, expect, it } from "vitest";
import { humanDuration, age } from "../src/kubectl/output/duration.js";
import { TabWriter, tableWriter, tabbed } from "../src/kubectl/output/tabwriter.js";
import { quantityText } from "../src/kubectl/output/quantity.js";
import { goFloat, goQuote, goSprint, goSyntax } from "../src/kubectl/output/gofmt.js";
import { goYaml, compareYamlKeys } from "../src/kubectl/output/yaml.js";
import { goJsonIndent } from "../src/kubectl/output/json.js";
import { goJson } from "../src/api/gojson.js";

describe("humanDuration", () => {
  it.each([
    [-2000, "<invalid>"],
    [-1500, "0s"],
    [0, "0s"],
    [59_000, "59s"],
    [60_000, "60s"],
    [119_999, "119s"],
    [120_000, "2m"],
    [150_000, "2m30s"],
    [599_000, "9m59s"],
    [600_000, "10m"],
    [3_600_000, "60m"],
    [10_799_000, "179m"],
    [3 * 3_600_000, "3h"],
    [3 * 3_600_000 + 60_000, "3h1m"],
    [8 * 3_600_000, "8h"],
    [47 * 3_600_000 + 59 * 60_000, "47h"],
    [48 * 3_600_000, "2d"],
    [50 * 3_600_000, "2d2h"],
    [8 * 86_400_000, "8d"],
    [364 * 86_400_000, "364d"],
    [730 * 86_400_000, "2y"],
    [740 * 86_400_000, "2y10d"],
    [9 * 365 * 86_400_000, "9y"],
  ])("%d ms prints %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it("ages a timestamp against the given time, and unset timestamps are <unknown>", () => {
    const now = Date.parse("2024-05-01T10:02:30Z");
    expect(age("2024-05-01T10:00:00Z", now)).toBe("2m30s");
    expect(age(undefined, now)).toBe("<unknown>");
  });
});

describe("TabWriter", () => {
  it("pads every column but the last to its widest cell plus 3, at least 6", () => {
    const w = tableWriter();
    w.write("NAME\tREADY\tAGE\nweb-0\t1/1\t5s\nweb-10\t0/1\t119s\n");
    expect(w.flush()).toBe("NAME     READY   AGE\nweb-0    1/1     5s\nweb-10   0/1     119s\n");
  });

  it("remembers widths across flushes so watch rows stay aligned, and never shrinks them", () => {
    const w = tableWriter();
    w.write("NAME\tSTATUS\tAGE\nweb-0\tPending\t0s\n");
    expect(w.flush()).toBe("NAME    STATUS    AGE\nweb-0   Pending   0s\n");
    w.write("web-0\tContainerCreating\t0s\n");
    expect(w.flush()).toBe("web-0   ContainerCreating   0s\n");
    w.write("web-0\tRunning\t19s\n");
    expect(w.flush()).toBe("web-0   Running             19s\n");
    w.forgetWidths();
    w.write("a\tb\tc\n");
    expect(w.flush()).toBe("a     b     c\n");
  });

  it("ends a column at a line without tabs, as describe output needs", () => {
    expect(tabbed("Name:\tweb-0\nLong Label:\tx\nIPs:\n  IP:\t10.0.0.1\n")).toBe(
      "Name:        web-0\nLong Label:  x\nIPs:\n  IP:  10.0.0.1\n",
    );
  });

  it("pads a trailing empty cell, leaving the trailing spaces describe has", () => {
    expect(tabbed("Claim:\t\nMessage:\t\n")).toBe("Claim:    \nMessage:  \n");
  });

  it("counts code points, not UTF-16 units", () => {
    const w = new TabWriter({ minWidth: 0, padding: 1 });
    w.write("é😀\tx\nab\ty\n");
    expect(w.flush()).toBe("é😀 x\nab y\n");
  });
});

describe("quantityText", () => {
  it.each([
    ["1Gi", "1Gi"],
    ["20Gi", "20Gi"],
    ["1536Mi", "1536Mi"],
    ["1024Mi", "1Gi"],
    ["500m", "500m"],
    ["0.5", "500m"],
    ["0.3", "300m"],
    ["1000", "1k"],
    ["1500", "1500"],
    ["1G", "1G"],
    ["100Ki", "100Ki"],
    ["512", "512"],
    ["1e3", "1e3"],
    ["0", "0"],
    [undefined, "0"],
    ["not-a-quantity", "not-a-quantity"],
  ])("%s prints as %s", (input, canonical) => {
    expect(quantityText(input)).toBe(canonical);
  });
});

describe("Go value formatting", () => {
  it("prints float64 like %v: shortest digits, exponent outside [1e-4, 1e6)", () => {
    expect(goFloat(3)).toBe("3");
    expect(goFloat(0.5)).toBe("0.5");
    expect(goFloat(123456)).toBe("123456");
    expect(goFloat(1e6)).toBe("1e+06");
    expect(goFloat(1234567)).toBe("1.234567e+06");
    expect(goFloat(0.0001)).toBe("0.0001");
    expect(goFloat(0.00001)).toBe("1e-05");
  });

  it("quotes like strconv.Quote and dumps maps like fmt", () => {
    expect(goQuote('a"b\n\tc')).toBe('"a\\"b\\n\\tc"');
    expect(goSprint({ b: 1, a: [true, null], c: 1e6, d: 1.5 })).toBe("map[a:[true <nil>] b:1 c:1000000 d:1.5]");
    expect(goSyntax({ kind: "Pod", n: 2, x: null })).toBe('map[string]interface {}{"kind":"Pod", "n":2, "x":interface {}(nil)}');
  });
});

describe("goJsonIndent", () => {
  it("indents by four spaces like json.MarshalIndent, sorting keys and escaping as encoding/json does", () => {
    expect(goJsonIndent({ b: "<a&b>", a: { d: 1, c: undefined }, z: [], y: {} })).toBe(
      '{\n    "a": {\n        "d": 1\n    },\n    "b": "\\u003ca\\u0026b\\u003e",\n    "y": {},\n    "z": []\n}',
    );
    expect(JSON.parse(goJsonIndent({ b: "<x>", a: 1 }))).toEqual(JSON.parse(goJson({ a: 1, b: "<x>" })));
  });
});

describe("goYaml", () => {
  it("orders keys like go-yaml: shorter prefix first, non-letters before letters, numbers by value", () => {
    const keys = ["app.kubernetes.io/name", "app", "b", "a-b", "ab", "port10", "port2", "Z"];
    expect([...keys].sort(compareYamlKeys)).toEqual(["Z", "a-b", "ab", "app", "app.kubernetes.io/name", "b", "port2", "port10"]);
  });

  it("quotes strings that would read back as something else, and those plain YAML cannot hold", () => {
    const yaml = goYaml({
      a: "yes",
      b: "1",
      c: "",
      d: "2024-05-01T10:00:00Z",
      e: "a: b",
      f: "*",
      g: "-c",
      h: "1.5",
      i: "it's",
      j: "tab\there",
      k: "0x1F",
      l: "1:20",
      m: "null",
      p: " padded",
      q: "80:32406/TCP",
      y: "keys are resolved too",
    });
    expect(yaml).toBe(
      [
        'a: "yes"',
        'b: "1"',
        'c: ""',
        'd: "2024-05-01T10:00:00Z"',
        "e: 'a: b'",
        "f: '*'",
        "g: -c",
        'h: "1.5"',
        "i: it's",
        'j: "tab\\there"',
        'k: "0x1F"',
        'l: "1:20"',
        'm: "null"',
        "p: ' padded'",
        "q: 80:32406/TCP",
        '"y": keys are resolved too',
        "",
      ].join("\n"),
    );
  });

  it("writes multi-line strings as literal blocks with chomping indicators", () => {
    expect(goYaml({ a: "x\ny\n", b: "x\ny", c: "x\n\n" })).toBe("a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\n");
  });

  it("folds long strings at the first space past column 80, continuing two deeper", () => {
    const message =
      "0/4 nodes are available: 2 node(s) didn't match pod anti-affinity rules, 2 node(s) were unschedulable. preemption: 0/4 nodes are available.";
    expect(goYaml({ status: { conditions: [{ message, type: "PodScheduled" }] } })).toBe(
      [
        "status:",
        "  conditions:",
        "  - message: '0/4 nodes are available: 2 node(s) didn''t match pod anti-affinity rules,",
        "      2 node(s) were unschedulable. preemption: 0/4 nodes are available.'",
        "    type: PodScheduled",
        "",
      ].join("\n"),
    );
  });

  it("nests sequences and empty collections the way kubectl prints them", () => {
    expect(goYaml({ a: [[1, 2], [], {}], b: { c: null, d: 0.5, e: true } })).toBe(
      "a:\n- - 1\n  - 2\n- []\n- {}\nb:\n  c: null\n  d: 0.5\n  e: true\n",
    );
  });
});
