import { wait, type Proc } from "@ksim/sim";
import type { InputStream } from "@ksim/kube";

/** Reads whole lines from a stream, one at a time (the last one may lack its newline). */
export class LineInput {
  private pending = "";
  private eof = false;
  constructor(private readonly input: InputStream) {}

  /** The next line without its newline, or null at end of input. */
  *line(): Proc<string | null> {
    for (;;) {
      const nl = this.pending.indexOf("\n");
      if (nl >= 0) {
        const line = this.pending.slice(0, nl);
        this.pending = this.pending.slice(nl + 1);
        return line;
      }
      if (this.eof) {
        if (this.pending === "") return null;
        const rest = this.pending;
        this.pending = "";
        return rest;
      }
      const chunk = yield* wait(this.input.read());
      if (chunk === null) this.eof = true;
      else this.pending += chunk;
    }
  }
}
