import { isNumericWire } from "../sql/eval.js";
import type { ResultColumn } from "../sql/session.js";

/**
 * The mysql client's three result layouts (client/mysql.cc): the bordered table
 * (print_table_data), tab-separated batch output (print_tab_data) and vertical `\G` output
 * (print_table_data_vertically), plus its "(0.01 sec)" timer text (nice_time).
 */

type Row = readonly (string | null)[];

/** Screen cells a string takes: East Asian wide characters take two, as the terminal shows them. */
function cells(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd) ? 2 : 1;
  }
  return n;
}

export function formatTable(columns: readonly ResultColumn[], rows: readonly Row[], columnNames = true): string {
  const widths = columns.map((c, i) => {
    let w = columnNames ? cells(c.name) : 0;
    for (const r of rows) w = Math.max(w, cells(r[i] ?? "NULL"));
    if (w < 4 && !c.notNull) w = 4;
    return w;
  });
  const separator = "+" + widths.map((w) => "-".repeat(w + 2)).join("+") + "+\n";
  let out = separator;
  if (columnNames) {
    out += "|" + columns.map((c, i) => ` ${c.name}${" ".repeat(widths[i]! - cells(c.name))} |`).join("") + "\n";
    out += separator;
  }
  for (const r of rows) {
    out += "|";
    for (const [i, c] of columns.entries()) {
      const v = r[i] ?? "NULL";
      const pad = " ".repeat(widths[i]! - cells(v));
      out += isNumericWire(c.type) ? ` ${pad}${v} |` : ` ${v}${pad} |`;
    }
    out += "\n";
  }
  return out + separator;
}

/** Batch output: tabs between fields; tab, newline, backslash and NUL escaped unless raw. */
export function formatTab(columns: readonly ResultColumn[], rows: readonly Row[], options: { header: boolean; raw: boolean }): string {
  const escape = (v: string | null) => {
    if (v === null) return "NULL";
    if (options.raw) return v;
    return v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\0/g, "\\0");
  };
  let out = options.header ? columns.map((c) => c.name).join("\t") + "\n" : "";
  for (const r of rows) out += r.map(escape).join("\t") + "\n";
  return out;
}

export function formatVertical(columns: readonly ResultColumn[], rows: readonly Row[]): string {
  const width = Math.max(0, ...columns.map((c) => c.name.length));
  let out = "";
  for (const [n, r] of rows.entries()) {
    out += `*************************** ${n + 1}. row ***************************\n`;
    for (const [i, c] of columns.entries()) out += `${c.name.padStart(width)}: ${r[i] ?? "NULL"}\n`;
  }
  return out;
}

/** `0.01 sec`, `1 min 5.00 sec`, `2 hours 1 min 0.00 sec`; whole seconds (`1 min 5 sec`) as mysqladmin prints an uptime. */
export function niceTime(seconds: number, partSecond = true): string {
  let sec = seconds;
  let out = "";
  if (sec >= 86400) {
    const d = Math.floor(sec / 86400);
    sec -= d * 86400;
    out += `${d} ${d > 1 ? "days" : "day"} `;
  }
  if (sec >= 3600) {
    const h = Math.floor(sec / 3600);
    sec -= h * 3600;
    out += `${h} ${h > 1 ? "hours" : "hour"} `;
  }
  if (sec >= 60) {
    const m = Math.floor(sec / 60);
    sec -= m * 60;
    out += `${m} min `;
  }
  return `${out}${partSecond ? sec.toFixed(2) : Math.floor(sec)} sec`;
}
