import type { Proc } from "@ksim/sim";
import { goYaml } from "../output/index.js";
import type { Command, Invocation } from "./command.js";
import { buildKustomization } from "./sources.js";

/**
 * `kubectl kustomize [DIR]`: kustomize's `build` as kubectl embeds it. Each resource is printed
 * as Resource.AsYAML does (JSON, then sigs.k8s.io/yaml, so keys sort as in `-o yaml`), joined by
 * `---`; `-o FILE` writes that text to a file instead.
 */
export const kustomizeCommand: Command = {
  name: "kustomize",
  short: "Build a kustomization target from a directory or URL",
  usage: "DIR [flags]",
  flags: [{ name: "output", short: "o", type: "string" }],
  local: true,
  run: function* ({ s, flags, args }: Invocation): Proc<number> {
    if (args.length > 1) throw new Error("specify one path to kustomization.yaml");
    const resources = buildKustomization(s, args[0] ?? ".");
    const text = resources.map((r) => goYaml(r)).join("---\n");
    const output = flags.string("output");
    if (output === "") s.out(text);
    else s.ctx.fs.writeFile(s.ctx.resolve(output), text);
    return 0;
  },
};
