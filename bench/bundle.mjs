/**
 * `pnpm bench`: the benchmarks run bundled as the CLI ships (esbuild, the CLI's options), not
 * under tsx, whose keepNames option wraps every named closure in a defineProperty call that the
 * shipped ksim never makes. The bundle sits next to run.ts so that its relative imports of the
 * CLI's files resolve as they do from the source.
 */
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundle } from "../packages/cli/build-bundle.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, ".run.bundle.mjs");
await bundle(join(here, "run.ts"), out, ["../packages/cli/build-bundle.mjs"]);
await import(pathToFileURL(out).href);
