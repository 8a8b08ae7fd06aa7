import type { ComparisonReport } from "../compare.js";
import type { CheckOutcome } from "../runner.js";
import { failuresOf, metricsOf, type SweepReport } from "../sweep.js";
import type { Timeline } from "./timeline.js";

/**
 * Reports as one self-contained HTML file: the data as JSON in the page, drawn into SVG by a
 * little inline script. No network, no external assets, so a report can be attached to a ticket
 * or opened from a CI artifact years later.
 */

export interface RunReportData {
  readonly kind: "run";
  readonly scenario: string;
  readonly seed: number | string;
  readonly passed: boolean;
  readonly traceHash: string;
  readonly checks: readonly { readonly type: string; readonly ok: boolean; readonly invariant: string; readonly first?: string; readonly metrics: Readonly<Record<string, number>> }[];
  readonly timeline: Timeline;
}

export function runReportData(scenario: string, seed: number | string, passed: boolean, traceHash: string, checks: readonly CheckOutcome[], timeline: Timeline): RunReportData {
  return {
    kind: "run",
    scenario,
    seed,
    passed,
    traceHash,
    checks: checks.map((c) => ({
      type: c.type,
      ok: c.result.ok,
      invariant: c.result.invariant,
      ...(c.result.violations[0] !== undefined ? { first: c.result.violations[0].message } : {}),
      metrics: c.result.metrics,
    })),
    timeline,
  };
}

export function renderRunReport(data: RunReportData): string {
  return page(`${data.scenario} — seed ${data.seed}`, data);
}

export function renderSweepReport(report: SweepReport): string {
  const metrics = [...metricsOf(report.results)].map(([name, values]) => ({ name, values }));
  const failures = [...failuresOf(report.results)].map(([invariant, seeds]) => ({ invariant, seeds }));
  return page(`sweep of ${report.scenario}`, { kind: "sweep", scenario: report.scenario, file: report.file, seedsText: report.seedsText, runs: report.results.length, failed: report.results.filter((r) => !r.passed).length, metrics, failures });
}

export function renderComparisonReport(report: ComparisonReport): string {
  const metrics = [...metricsOf(report.results).keys()].map((name) => ({
    name,
    variants: report.variants.map((v) => ({ variant: v, values: metricsOf(report.results.filter((r) => r.variant === v)).get(name) ?? [] })),
  }));
  return page(`comparison of ${report.scenario}`, { kind: "compare", scenario: report.scenario, file: report.file, seedsText: report.seedsText, vary: report.vary, variants: report.variants, metrics });
}

function page(title: string, data: unknown): string {
  // `</script>` inside the JSON would end the script element early.
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} — ksim</title>
<style>${STYLE}</style>
</head>
<body>
<main id="report"></main>
<script type="application/json" id="ksim-data">${json}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

const STYLE = `
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #1d2430; background: #fff; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 20px 0 6px; }
.meta { color: #5a6473; margin-bottom: 8px; } .ok { color: #1a7f37; } .bad { color: #c62828; font-weight: 600; }
table { border-collapse: collapse; margin: 4px 0 12px; } td, th { padding: 2px 10px; text-align: left; border-bottom: 1px solid #e3e7ed; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg text { font: 11px system-ui, sans-serif; fill: #1d2430; } .legend span { display: inline-block; margin-right: 12px; }
.legend i { display: inline-block; width: 12px; height: 10px; margin-right: 4px; vertical-align: middle; }
`;

/** Draws whichever report the data is; plain DOM and SVG, no libraries. */
const SCRIPT = `
(function () {
  const data = JSON.parse(document.getElementById("ksim-data").textContent);
  const root = document.getElementById("report");
  const NS = "http://www.w3.org/2000/svg";
  const el = (tag, attrs, parent, text) => {
    const e = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  };
  const fmt = (v) => Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
  const clock = (ms) => { const s = Math.round(ms / 1000); return "+" + Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s"; };
  const COLORS = { Pending: "#b0b7c3", ContainerCreating: "#90caf9", Running: "#ffd54f", Ready: "#66bb6a", Terminating: "#ba68c8",
    Failed: "#e53935", Succeeded: "#9e9e9e", Unknown: "#795548", NotReady: "#ffb74d", Down: "#e53935", "Ready,SchedulingDisabled": "#a5d6a7",
    "NotReady,SchedulingDisabled": "#ffcc80", LEADING: "#0d47a1", FOLLOWING: "#64b5f6", LOOKING: "#fdd835", OBSERVING: "#b39ddb" };
  const color = (s) => COLORS[s] || "#cfd8dc";
  const legend = (states, parent) => { const d = el("div", { class: "legend" }, parent); for (const s of states) { const sp = el("span", {}, d); el("i", { style: "background:" + color(s) }, sp); sp.appendChild(document.createTextNode(s)); } };

  function run() {
    el("h1", {}, root, data.scenario);
    const meta = el("div", { class: "meta" }, root);
    meta.appendChild(document.createTextNode("seed " + data.seed + " · " + clock(data.timeline.end - data.timeline.start) + " simulated · "));
    el("span", { class: data.passed ? "ok" : "bad" }, meta, data.passed ? "passed" : "FAILED");
    meta.appendChild(document.createTextNode(" · trace " + data.traceHash));
    if (data.checks.length > 0) {
      el("h2", {}, root, "Checks");
      const t = el("table", { id: "checks" }, root);
      for (const c of data.checks) {
        const tr = el("tr", {}, t);
        el("td", { class: c.ok ? "ok" : "bad" }, tr, c.ok ? "ok" : "FAILED");
        el("td", {}, tr, c.type); el("td", {}, tr, c.invariant + (c.first ? " — " + c.first : ""));
        el("td", {}, tr, Object.entries(c.metrics).map(([k, v]) => k + "=" + fmt(v)).join(" "));
      }
    }
    timeline(data.timeline);
    for (const w of data.timeline.workloads) workload(w, data.timeline);
  }

  function timeline(tl) {
    el("h2", {}, root, "Timeline");
    legend(["Pending", "ContainerCreating", "Running", "Ready", "Terminating", "NotReady", "Down", "LEADING", "FOLLOWING", "LOOKING"], root);
    const left = 150, width = 1100, laneH = 14, gap = 3;
    const span = Math.max(1, tl.end - tl.start);
    const x = (t) => left + ((t - tl.start) / span) * width;
    const rows = [];
    for (const n of tl.nodes) {
      rows.push({ kind: "node", name: n.name, segments: n.segments });
      const lanes = tl.pods.filter((p) => p.node === n.name);
      const byPod = new Map();
      for (const p of lanes) { if (!byPod.has(p.pod)) byPod.set(p.pod, []); byPod.get(p.pod).push(p); }
      for (const [pod, runs] of byPod) rows.push({ kind: "pod", name: pod, runs, roles: (tl.roles.find((r) => r.pod === pod) || { segments: [] }).segments });
    }
    const height = 30 + rows.length * (laneH + gap) + 10;
    const svg = el("svg:svg", { id: "timeline", width: left + width + 20, height }, root);
    for (let i = 0; i <= 10; i++) {
      const t = tl.start + (span * i) / 10;
      el("svg:line", { x1: x(t), x2: x(t), y1: 18, y2: height - 8, stroke: "#eceff3" }, svg);
      el("svg:text", { x: x(t), y: 12, "text-anchor": "middle" }, svg, clock(t - tl.start));
    }
    rows.forEach((r, i) => {
      const y = 24 + i * (laneH + gap);
      const g = el("svg:g", { class: r.kind === "node" ? "lane node-lane" : "lane pod-lane", "data-name": r.name }, svg);
      el("svg:text", { x: r.kind === "node" ? 4 : 16, y: y + laneH - 3, "font-weight": r.kind === "node" ? "600" : "400" }, g, r.name);
      const bar = (s, h, dy, cls) => {
        const x1 = x(s.from), x2 = x(s.to === undefined || s.to === null ? tl.end : s.to);
        const rect = el("svg:rect", { class: cls, x: x1, y: y + dy, width: Math.max(1, x2 - x1), height: h, fill: color(s.state) }, g);
        el("svg:title", {}, rect, r.name + ": " + s.state + " " + clock(s.from - tl.start) + " – " + clock((s.to ?? tl.end) - tl.start));
      };
      if (r.kind === "node") for (const s of r.segments) bar(s, laneH, 0, "node-state");
      else {
        for (const run of r.runs) for (const s of run.segments) bar(s, laneH - 4, 0, "pod-state");
        for (const s of r.roles) bar(s, 3, laneH - 3, "role");
      }
    });
    for (const f of tl.faults) {
      const fx = x(f.at);
      const g = el("svg:g", { class: "fault" }, svg);
      el("svg:line", { x1: fx, x2: fx, y1: 18, y2: height - 8, stroke: "#c62828", "stroke-dasharray": "4 3" }, g);
      const m = el("svg:path", { d: "M" + (fx - 5) + " 16 L" + (fx + 5) + " 16 L" + fx + " 24 Z", fill: "#c62828" }, g);
      el("svg:title", {}, m, clock(f.at - tl.start) + " " + f.text);
    }
  }

  function workload(w, tl) {
    el("h2", {}, root, "Workload " + w.name);
    const left = 150, width = 1100, h = 90;
    const svg = el("svg:svg", { class: "workload", width: left + width + 20, height: h * 2 + 40 }, root);
    const n = w.buckets.length, bw = width / Math.max(1, n);
    const maxOps = Math.max(1, ...w.buckets.map((b) => b.ok + b.fail + b.info));
    const maxLat = Math.max(1, ...w.buckets.map((b) => b.max));
    el("svg:text", { x: 4, y: 14 }, svg, "operations / " + (tl.bucketMs / 1000) + "s");
    el("svg:text", { x: 4, y: h + 34 }, svg, "latency ms (p50, max)");
    w.buckets.forEach((b, i) => {
      let y = h + 10;
      for (const [k, c] of [["ok", "#66bb6a"], ["info", "#ffb74d"], ["fail", "#e53935"]]) {
        const bh = (b[k] / maxOps) * h;
        y -= bh;
        if (bh > 0) el("svg:rect", { x: left + i * bw, y, width: Math.max(1, bw - 1), height: bh, fill: c }, svg);
      }
      const base = 2 * h + 30;
      if (b.max > 0) el("svg:rect", { x: left + i * bw, y: base - (b.max / maxLat) * h, width: Math.max(1, bw - 1), height: (b.max / maxLat) * h, fill: "#ffe0b2" }, svg);
      if (b.p50 > 0) el("svg:rect", { x: left + i * bw, y: base - (b.p50 / maxLat) * h, width: Math.max(1, bw - 1), height: 2, fill: "#e65100" }, svg);
    });
    el("svg:text", { x: left + width, y: h + 34, "text-anchor": "end" }, svg, "max " + maxLat + " ms");
  }

  function histogram(values, parent, label) {
    const width = 420, h = 80, bins = Math.min(20, Math.max(1, values.length));
    const vs = values.map((v) => v.value);
    const lo = Math.min(...vs), hi = Math.max(...vs);
    const counts = new Array(bins).fill(0);
    for (const v of vs) counts[hi === lo ? 0 : Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
    const max = Math.max(...counts);
    const svg = el("svg:svg", { class: "histogram", width: width + 140, height: h + 24 }, parent);
    el("svg:text", { x: 0, y: 12 }, svg, label);
    counts.forEach((c, i) => el("svg:rect", { x: 130 + (i * width) / bins, y: 16 + h - (c / max) * h, width: width / bins - 1, height: (c / max) * h, fill: "#5c8dd6" }, svg));
    el("svg:text", { x: 130, y: h + 24 }, svg, fmt(lo));
    el("svg:text", { x: 130 + width, y: h + 24, "text-anchor": "end" }, svg, fmt(hi));
  }

  function sweep() {
    el("h1", {}, root, "Sweep of " + data.scenario);
    el("div", { class: "meta" }, root, data.file + " · seeds " + data.seedsText + " · " + data.runs + " runs, " + data.failed + " failed");
    if (data.failures.length > 0) {
      el("h2", {}, root, "Failures by invariant");
      const t = el("table", {}, root);
      for (const f of data.failures) { const tr = el("tr", {}, t); el("td", {}, tr, f.invariant); el("td", { class: "num" }, tr, String(f.seeds.length)); el("td", {}, tr, f.seeds.slice(0, 20).join(", ")); }
    }
    el("h2", {}, root, "Distributions");
    for (const m of data.metrics) histogram(m.values, el("div", {}, root), m.name);
  }

  function compare() {
    el("h1", {}, root, "Comparison of " + data.scenario);
    el("div", { class: "meta" }, root, data.file + " · seeds " + data.seedsText + " · varying " + data.vary);
    for (const m of data.metrics) {
      el("h2", {}, root, m.name);
      for (const v of m.variants) if (v.values.length > 0) histogram(v.values, el("div", {}, root), v.variant);
    }
  }

  ({ run, sweep, compare })[data.kind]();
  document.body.setAttribute("data-drawn", "true");
})();
`;
