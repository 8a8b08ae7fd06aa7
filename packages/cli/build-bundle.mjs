import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(here, "..");
const bundlePath = join(here, "dist", "ksim.mjs");
export const BUNDLE = pathToFileURL(bundlePath).href;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith(".ts") || entry.name.endsWith(".json") || entry.name.endsWith(".yaml")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether dist/ksim.mjs is newer than every source file of every package. */
export function bundleIsFresh() {
  if (!existsSync(bundlePath)) return false;
  const built = statSync(bundlePath).mtimeMs;
  for (const pkg of readdirSync(packagesDir)) {
    const src = join(packagesDir, pkg, "src");
    if (existsSync(src) && newestSource(src) > built) return false;
  }
  return true;
}

/** Bundles the CLI and everything it imports into one ES module runnable with plain node. */
export async function buildBundle() {
  await bundle(join(here, "src", "main.ts"), bundlePath);
}

/**
 * Bundles `entry` (and what it imports, but `external`) into `outfile` as the CLI is bundled:
 * one ES module for plain node, with no names kept on functions.
 */
export async function bundle(entry, outfile, external = []) {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // msgpackr loads its optional native accelerator with require(); without it, it uses plain JS.
    external: ["msgpackr-extract", ...external],
    banner: { js: "import { createRequire as __ksimRequire } from 'node:module'; const require = __ksimRequire(import.meta.url);" },
    logLevel: "warning",
  });
}
