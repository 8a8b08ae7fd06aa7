/** `pnpm build`: bundles the CLI into packages/cli/dist/ksim.mjs (runnable with plain `node`). */
import { buildBundle } from "./build-bundle.mjs";

await buildBundle();
