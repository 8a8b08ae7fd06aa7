/**
 * Go's text/tabwriter (elastic tabstops) as vendored by kubectl (github.com/liggitt/tabwriter),
 * including the RememberWidths flag: with it, column widths never shrink across flushes, which
 * is what keeps `kubectl get -w` rows aligned with the header printed earlier.
 *
 * Cells are terminated by '\t'; the text after the last tab of a line is not part of a column.
 * A column is a run of consecutive lines that all have a cell in it, so a line without tabs
 * ends every column (describe output relies on that). Widths count code points, like Go's
 * utf8.RuneCount.
 */

export interface TabWriterOptions {
  readonly minWidth: number;
  readonly padding: number;
  readonly rememberWidths?: boolean;
}

interface Cell {
  readonly text: string;
  readonly width: number;
}

export class TabWriter {
  private lines: Cell[][] = [[]];
  private cell = "";
  private widths: number[] = [];
  private maxWidths: number[] = [];
  private out = "";

  constructor(private readonly options: TabWriterOptions) {}

  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== "\t" && ch !== "\v" && ch !== "\n" && ch !== "\f") continue;
      this.cell += text.slice(start, i);
      start = i + 1;
      const cells = this.terminateCell();
      if (ch === "\n" || ch === "\f") {
        this.lines.push([]);
        // A line with a single cell cannot influence the layout of later lines.
        if (ch === "\f" || cells === 1) this.format();
      }
    }
    this.cell += text.slice(start);
  }

  /** Formats everything buffered and returns all output produced since the last flush. */
  flush(): string {
    if (this.cell.length > 0) this.terminateCell();
    this.format();
    const out = this.out;
    this.out = "";
    return out;
  }

  /** kubectl resets the remembered widths when it starts printing a new resource type. */
  forgetWidths(): void {
    this.maxWidths = [];
  }

  private terminateCell(): number {
    const line = this.lines[this.lines.length - 1]!;
    line.push({ text: this.cell, width: [...this.cell].length });
    this.cell = "";
    return line.length;
  }

  private format(): void {
    this.formatBlock(0, this.lines.length);
    this.lines = [[]];
    this.widths = [];
  }

  private formatBlock(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= this.lines[current]!.length - 1) continue;
      this.writeLines(line0, current);
      line0 = current;
      let width = this.options.minWidth;
      for (; current < line1; current++) {
        const line = this.lines[current]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column]!.width + this.options.padding);
      }
      if (this.options.rememberWidths) {
        if (this.maxWidths.length < this.widths.length) {
          this.maxWidths.push(...this.widths.slice(this.maxWidths.length));
        }
        if (this.maxWidths.length === this.widths.length) this.maxWidths.push(width);
        else if (this.maxWidths[column]! > width) width = this.maxWidths[column]!;
        else this.maxWidths[column] = width;
      }
      this.widths.push(width);
      this.formatBlock(line0, current);
      this.widths.pop();
      line0 = current;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      line.forEach((c, j) => {
        this.out += c.text;
        if (j < this.widths.length) this.out += " ".repeat(this.widths[j]! - c.width);
      });
      // The last buffered line is the unterminated one: it gets no newline.
      if (i + 1 < this.lines.length) this.out += "\n";
    }
  }
}

/** kubectl's table writer (`printers.GetNewTabWriter`): minwidth 6, padding 3, RememberWidths. */
export function tableWriter(): TabWriter {
  return new TabWriter({ minWidth: 6, padding: 3, rememberWidths: true });
}

/** The describers' and `rollout history`'s `tabbedString`: minwidth 0, padding 2. */
export function tabbed(text: string): string {
  const w = new TabWriter({ minWidth: 0, padding: 2 });
  w.write(text);
  return w.flush();
}
