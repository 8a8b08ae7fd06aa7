/**
 * How ls lays out names that are not a long listing (coreutils' ls.c): down columns (-C, the
 * default on a terminal), across (-x), or separated by commas (-m), within a line length, with
 * tabs every eight columns where a tab saves two blanks or more.
 */

/** ls.c's indent(): from one position to another, a tab whenever it saves two blanks or more. */
function indent(from: number, to: number): string {
  let out = "";
  while (from < to) {
    if (Math.floor(to / 8) > Math.floor((from + 1) / 8)) {
      out += "\t";
      from += 8 - (from % 8);
    } else {
      out += " ";
      from++;
    }
  }
  return out;
}

/** calculate_columns: the most columns whose widths (name + 2, the last without) fit the line. */
function columnWidths(names: readonly string[], lineLength: number, byColumns: boolean): number[] {
  const n = names.length;
  const maxCols = Math.max(1, Math.min(Math.floor(lineLength / 3), n));
  const info = Array.from({ length: maxCols }, (_, i) => ({ valid: true, lineLen: (i + 1) * 3, widths: new Array<number>(i + 1).fill(3) }));
  names.forEach((name, file) => {
    for (let i = 0; i < maxCols; i++) {
      const c = info[i]!;
      if (!c.valid) continue;
      const idx = byColumns ? Math.floor(file / Math.floor((n + i) / (i + 1))) : file % (i + 1);
      const real = name.length + (idx === i ? 0 : 2);
      if (c.widths[idx]! < real) {
        c.lineLen += real - c.widths[idx]!;
        c.widths[idx] = real;
        c.valid = c.lineLen < lineLength;
      }
    }
  });
  let cols = maxCols;
  while (cols > 1 && !info[cols - 1]!.valid) cols--;
  return info[cols - 1]!.widths;
}

/** print_many_per_line (-C): down the columns. */
export function downColumns(names: readonly string[], lineLength: number): string[] {
  if (names.length === 0) return [];
  const widths = columnWidths(names, lineLength, true);
  const rows = Math.ceil(names.length / widths.length);
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    let line = "";
    let pos = 0;
    for (let file = row, col = 0; ; col++) {
      const name = names[file]!;
      line += name;
      file += rows;
      if (file >= names.length) break;
      line += indent(pos + name.length, pos + widths[col]!);
      pos += widths[col]!;
    }
    lines.push(line);
  }
  return lines;
}

/** print_horizontal (-x): across the rows. */
export function acrossRows(names: readonly string[], lineLength: number): string[] {
  if (names.length === 0) return [];
  const widths = columnWidths(names, lineLength, false);
  const lines: string[] = [];
  let line = names[0]!;
  let pos = 0;
  for (let file = 1; file < names.length; file++) {
    const col = file % widths.length;
    if (col === 0) {
      lines.push(line);
      line = "";
      pos = 0;
    } else {
      line += indent(pos + names[file - 1]!.length, pos + widths[col - 1]!);
      pos += widths[col - 1]!;
    }
    line += names[file]!;
  }
  lines.push(line);
  return lines;
}

/** print_with_separator (-m): "a, b, c", a new line where the next name would not fit. */
export function withCommas(names: readonly string[], lineLength: number): string[] {
  const lines: string[] = [];
  let line = "";
  let pos = 0;
  names.forEach((name, i) => {
    if (i > 0) {
      if (pos + name.length + 2 < lineLength) {
        line += ", ";
        pos += 2;
      } else {
        lines.push(`${line},`);
        line = "";
        pos = 0;
      }
    }
    line += name;
    pos += name.length;
  });
  lines.push(line);
  return lines;
}
