import { closeSync, openSync, writeSync } from "node:fs";
import { Trace } from "@ksim/sim";

/** A trace streamed to a file (the kernel hands us bytes; writing them is the CLI's job). */
export function openTrace(path: string | undefined): { trace: Trace; close(): void } | undefined {
  if (path === undefined) return undefined;
  const fd = openSync(path, "w");
  return {
    trace: new Trace((chunk) => writeSync(fd, chunk)),
    close: () => closeSync(fd),
  };
}
