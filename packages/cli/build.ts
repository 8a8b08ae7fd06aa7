/**
 * `pnpm build`: bundles the CLI and everything it imports into one ES module,
 * packages/cli/dist/ksim.mjs, which runs with plain `node` (no tsx, no node_modules) — the
 * form to copy into a container image for sweeps on a real cluster.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));
await build({
  entryPoints: [`${root}src/main.ts`],
  outfile: `${root}dist/ksim.mjs`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // msgpackr loads its optional native accelerator with require(); without it, it uses plain JS.
  external: ["msgpackr-extract"],
  banner: { js: "import { createRequire as __ksimRequire } from 'node:module'; const require = __ksimRequire(import.meta.url);" },
  logLevel: "info",
});
