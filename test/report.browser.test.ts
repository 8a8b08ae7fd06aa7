import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseScenario, renderRunReport, renderSweepReport, runReportData, runScenario, summarizeRun } from "@ksim/scenario";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The HTML reports, opened in a real headless Chromium (Debian's, driven by playwright-core):
 * the page's own script must draw the timeline from the embedded data. CI installs Chromium and
 * sets KSIM_REQUIRE_BROWSER so that a missing browser fails instead of skipping.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available && process.env.KSIM_REQUIRE_BROWSER) throw new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
const OUT = join(import.meta.dirname, "..", "test-results", "reports");

const scenario = parseScenario(
  `
name: report smoke
cluster: { nodes: 3 }
steps:
  - run: kubectl apply -f https://k8s.io/examples/application/web/web.yaml && kubectl rollout status sts/web
  - faults:
      - at: 10s
        run: chaos crash node-1 --for 90s
      - at: 20s
        run: chaos partition pod/web-0 rest --for 30s
  - run: sleep 120; kubectl get pods
checks:
  - type: pods-ready
    selector: app=nginx
    min: 1
`,
  "report-smoke.yaml",
);

describe.skipIf(!available)("HTML reports in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, html: string) {
    const path = join(OUT, `${name}.html`);
    writeFileSync(path, html);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`file://${path}`);
    await page.waitForSelector("body[data-drawn=true]", { timeout: 10_000 });
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    return { page, errors };
  }

  it("draws a run's timeline: a lane per node with its pods, faults as markers, the checks", async () => {
    const r = runScenario(scenario, { seed: 1, record: true });
    expect(r.passed).toBe(true);
    const { page, errors } = await open("run", renderRunReport(runReportData(r.name, r.seed, r.passed, r.traceHash, r.checks, r.timeline!)));
    expect(errors).toEqual([]);
    const nodeLanes = await page.locator("#timeline g.node-lane").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-name")));
    expect(nodeLanes).toEqual(["node-1", "node-2", "node-3"]);
    expect(await page.locator("#timeline g.pod-lane").count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator("#timeline rect.pod-state").count()).toBeGreaterThanOrEqual(2);
    // The crash shows as a red stretch on node-1's lane, and each fault as a marker.
    expect(await page.locator('#timeline g.node-lane[data-name="node-1"] rect[fill="#e53935"]').count()).toBe(1);
    expect(await page.locator("#timeline g.fault").count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator("#checks tr").count()).toBe(1);
    await page.close();
  });

  it("draws a sweep's distributions", async () => {
    const results = [1, 2, 3].map((seed) => summarizeRun(runScenario(scenario, { seed }), seed));
    const { page, errors } = await open("sweep", renderSweepReport({ file: "report-smoke.yaml", scenario: scenario.name, seedsText: "1..3", seeds: [1, 2, 3], results }));
    expect(errors).toEqual([]);
    expect(await page.locator("svg.histogram").count()).toBe(Object.keys(results[0]!.checks[0]!.metrics).length);
    await page.close();
  });
});
