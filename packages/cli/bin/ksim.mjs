#!/usr/bin/env node
// Runs the ksim CLI. The TypeScript sources are bundled once with esbuild into
// dist/ksim.mjs and rebuilt whenever a source file is newer than the bundle, so a start costs
// half a second instead of transpiling hundreds of modules on every run.
import { bundleIsFresh, buildBundle, BUNDLE } from "../build-bundle.mjs";

if (!bundleIsFresh()) await buildBundle();
await import(BUNDLE);
