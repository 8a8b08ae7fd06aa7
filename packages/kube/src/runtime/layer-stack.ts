import type { LowerEntry, LowerLayer } from "./image.js";

/**
 * Several read-only layers seen as one, the first winning where they overlap (how an image's
 * layers stack, and how the workstation puts its tools over the user's real directory).
 */
export class LayerStack implements LowerLayer {
  constructor(private readonly layers: readonly LowerLayer[]) {}

  lookup(path: string): LowerEntry | undefined {
    for (const l of this.layers) {
      const e = l.lookup(path);
      if (e !== undefined) return e;
    }
    return undefined;
  }

  children(path: string): readonly string[] | undefined {
    let names: Set<string> | undefined;
    for (const l of this.layers) {
      const entry = l.lookup(path);
      // A file or link in an upper layer hides a directory of the same name below it.
      if (entry !== undefined && entry.type !== "dir") return names === undefined ? undefined : [...names].sort();
      const c = l.children(path);
      if (c === undefined) continue;
      names ??= new Set();
      for (const n of c) names.add(n);
    }
    return names === undefined ? undefined : [...names].sort();
  }
}
