import { FsError, type Proc } from "@ksim/sim";
import type { MountEntry } from "../runtime/fs.js";
import type { ProcessContext } from "../runtime/process.js";
import { canonicalize, describeError, has, humanSize, lastOf, mountOf, usageFailure, withOptions, type Flavor, type ParsedOptions } from "./common.js";
import { humanReadable } from "./libbb.js";

/** statfs's block size on every filesystem modelled. */
const BLOCK = 4096;

interface Row {
  readonly entry: MountEntry;
  readonly blocks: number;
  readonly used: number;
  readonly avail: number;
  readonly inodes: number;
  readonly inodesUsed: number;
}

/**
 * df: the space on each mounted filesystem, read from the process's mount table and statfs, in
 * coreutils' layout (columns sized to their contents) or busybox's (fixed widths). Without
 * operands it lists every filesystem once (coreutils keeps one mount per device, as
 * filter_mount_list chooses) and leaves out empty ones; with operands, the filesystem each is on.
 */
export function df(flavor: Flavor) {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec =
      flavor === "gnu"
        ? {
            short: "ahHikmPTt:x:B:",
            long: { all: "a", "human-readable": "h", si: "H", inodes: "i", portability: "P", "print-type": "T", "type=": "t", "exclude-type=": "x", "block-size=": "B", total: "total", output: "output" },
          }
        : { short: "Pkmhai" };
    return yield* withOptions(ctx, flavor, spec, function* (o) {
      let fields: Field[] | undefined;
      if (has(o, "output")) {
        const chosen = outputFields(ctx);
        if (typeof chosen === "string") return usageFailure(ctx, "gnu", chosen);
        fields = chosen;
        for (const flag of ["i", "P", "T"]) if (has(o, flag)) return usageFailure(ctx, "gnu", `options -${flag} and --output are mutually exclusive`);
      } else if (has(o, "i")) {
        // INODES mode: get_field_list's columns for it.
        fields = ["source", ...(has(o, "T") ? (["fstype"] as const) : []), "itotal", "iused", "iavail", "ipcent", "target"];
      }
      const table = ctx.fs.mountTable?.();
      if (table === undefined || table.length === 0) {
        ctx.stderr.write(flavor === "gnu" ? "df: cannot read table of mounted file systems: No such file or directory\n" : "df: /proc/mounts: No such file or directory\n");
        return 1;
      }
      const units = flavor === "gnu" ? gnuUnits(o) : undefined;
      if (typeof units === "string") {
        ctx.stderr.write(`df: invalid -B argument '${units}'\n`);
        return 1;
      }
      const types = o.flags.get("t");
      const excluded = o.flags.get("x") ?? [];
      const wanted = (e: MountEntry) => (types === undefined || types.includes(e.device.type)) && !excluded.includes(e.device.type);
      let status = 0;
      let entries: MountEntry[];
      if (o.operands.length === 0) {
        entries = (has(o, "a") || flavor === "busybox" ? table : oneMountPerDevice(table)).filter(wanted);
      } else {
        entries = [];
        for (const operand of o.operands) {
          try {
            ctx.fs.stat(ctx.resolve(operand));
          } catch (e) {
            if (!(e instanceof FsError)) throw e;
            ctx.stderr.write(flavor === "gnu" ? `df: ${operand}: ${describeError(e)}\n` : `df: ${operand}: can't find mount point\n`);
            status = 1;
            continue;
          }
          // The mount the file is on, wherever links on its path lead (as stat's device says).
          entries.push(mountOf(table, canonicalize(ctx, operand, "e") ?? ctx.resolve(operand)));
        }
      }
      const rows: Row[] = entries.map((entry) => {
        const { sizeBytes, usedBytes, inodes, inodesUsed } = entry.device.usage();
        const blocks = Math.floor(sizeBytes / BLOCK);
        const used = Math.min(blocks, Math.ceil(usedBytes / BLOCK));
        return { entry, blocks, used, avail: blocks - used, inodes, inodesUsed };
      });
      // Empty filesystems are left out of a full listing, as statfs reports no blocks for them.
      const shown = o.operands.length > 0 || has(o, "a") ? rows : rows.filter((r) => r.blocks > 0);
      const operands = o.operands.length > 0 ? o.operands : undefined;
      ctx.stdout.write(units === undefined ? busyboxTable(shown, o) : fields !== undefined ? outputTable(shown, units, fields, operands) : gnuTable(shown, units, o));
      return status;
    });
  };
}

/** --output's fields (coreutils' field_data), in all_args_string's order. */
const FIELDS = ["source", "fstype", "itotal", "iused", "iavail", "ipcent", "size", "used", "avail", "pcent", "file", "target"] as const;
type Field = (typeof FIELDS)[number];

/** decode_output_arg: the fields of `--output[=LIST]`, every one when no list is given; else the error. */
function outputFields(ctx: ProcessContext): Field[] | string {
  const arg = ctx.argv.find((a) => a === "--output" || a.startsWith("--output="));
  if (arg === undefined || arg === "--output") return [...FIELDS];
  const fields: Field[] = [];
  for (const name of arg.slice("--output=".length).split(",")) {
    const field = FIELDS.find((f) => f === name);
    if (field === undefined) return `option --output: field '${name}' unknown`;
    if (fields.includes(field)) return `option --output: field '${name}' used more than once`;
    fields.push(field);
  }
  return fields;
}

/** OUTPUT_MODE's table: the chosen columns, captioned as get_header does, aligned as print_table does. */
function outputTable(rows: readonly Row[], units: GnuUnits, fields: readonly Field[], operands: readonly string[] | undefined): string {
  const amount = (blocks: number): string => {
    const bytes = blocks * BLOCK;
    if ("human" in units) return humanSize(bytes, units.human);
    return `${Math.ceil(bytes / units.size)}${units.suffix}`;
  };
  // Inodes are counted one by one; only -h and -H scale them.
  const count = (n: number): string => ("human" in units ? humanSize(n, units.human) : String(n));
  const caption: Record<Field, string> = {
    source: "Filesystem",
    fstype: "Type",
    size: "human" in units ? "Size" : units.header,
    used: "Used",
    avail: "Avail",
    pcent: "Use%",
    itotal: "Inodes",
    iused: "IUsed",
    iavail: "IFree",
    ipcent: "IUse%",
    target: "Mounted on",
    file: "File",
  };
  const minimum: Record<Field, number> = { source: 14, fstype: 4, size: 5, used: 5, avail: 5, pcent: 4, itotal: 5, iused: 5, iavail: 5, ipcent: 4, target: 0, file: 0 };
  const left = new Set<Field>(["source", "fstype", "target", "file"]);
  const cell = (r: Row, i: number, f: Field): string => {
    switch (f) {
      case "source":
        return r.entry.device.source;
      case "fstype":
        return r.entry.device.type;
      case "size":
        return amount(r.blocks);
      case "used":
        return amount(r.used);
      case "avail":
        return amount(r.avail);
      case "pcent":
        return gnuPercent(r);
      case "itotal":
        return count(r.inodes);
      case "iused":
        return count(r.inodesUsed);
      case "iavail":
        return count(r.inodes - r.inodesUsed);
      case "ipcent":
        return gnuPercent({ used: r.inodesUsed, avail: r.inodes - r.inodesUsed });
      case "target":
        return r.entry.target;
      case "file":
        return operands?.[i] ?? "-";
    }
  };
  const all = [fields.map((f) => caption[f]), ...rows.map((r, i) => fields.map((f) => cell(r, i, f)))];
  const widths = fields.map((f, col) => Math.max(minimum[f], ...all.map((l) => l[col]!.length)));
  return all
    // The last column gets no padding on its right (MBA_NO_RIGHT_PAD); a right-aligned one is still padded on its left.
    .map((l) => l.map((c, col) => (!left.has(fields[col]!) ? c.padStart(widths[col]!) : col === l.length - 1 ? c : c.padEnd(widths[col]!))).join(" "))
    .join("\n")
    .concat("\n");
}

/**
 * coreutils' filter_mount_list: of the mounts of one device, a real device name beats a pseudo
 * one, then the mount point nearer the root wins unless its source directory lies deeper; the
 * winner takes the place of the first mount of that device.
 */
function oneMountPerDevice(table: readonly MountEntry[]): MountEntry[] {
  const kept: MountEntry[] = [];
  const at = new Map<string, number>();
  for (const me of table) {
    const i = at.get(me.device.id);
    if (i === undefined) {
      at.set(me.device.id, kept.length);
      kept.push(me);
      continue;
    }
    const seen = kept[i]!;
    const targetNearerRoot = seen.target.length > me.target.length;
    const sourceBelowRoot = seen.root.length < me.root.length;
    if (
      (me.device.source.includes("/") && !seen.device.source.includes("/")) ||
      (targetNearerRoot && !sourceBelowRoot) ||
      (seen.device.source !== me.device.source && seen.target === me.target)
    ) {
      kept[i] = me;
    }
  }
  return kept;
}

/** Use%: coreutils rounds up; a filesystem with nothing used or free has none. */
function gnuPercent(r: { readonly used: number; readonly avail: number }): string {
  const total = r.used + r.avail;
  return total === 0 ? "-" : `${Math.ceil((r.used * 100) / total)}%`;
}

/** How coreutils prints amounts: a human scale (-h powers of 1024, -H of 1000) or a block size. */
type GnuUnits =
  | { readonly human: 1024 | 1000 }
  | { readonly size: number; readonly suffix: string; readonly header: string };

const SIZE_LETTERS = "KMGTPEZY";

/**
 * The last of -h, -H, -k, -m and -B decides, as in df's option loop. A -B size with a leading
 * letter (M, KB, MiB) prints its suffix after every amount (gnulib's human_options); one
 * starting with a digit (1M, 1024) does not. The header names the block size: 1K-blocks,
 * 1M-blocks, 1kB-blocks, 1B-blocks. Returns the text of a -B it cannot read.
 */
function gnuUnits(o: ParsedOptions): GnuUnits | string {
  const chosen = lastOf(o, ["h", "H", "k", "m", "B"]);
  if (chosen === "h") return { human: 1024 };
  if (chosen === "H") return { human: 1000 };
  if (chosen === "m") return { size: 1024 ** 2, suffix: "", header: "1M-blocks" };
  if (chosen !== "B") return { size: 1024, suffix: "", header: "1K-blocks" };
  const spec = o.flags.get("B")!.at(-1)!;
  if (spec === "human-readable") return { human: 1024 };
  if (spec === "si") return { human: 1000 };
  const m = /^(\d*)([KMGTPEZY]?)(i?B?)$/i.exec(spec);
  if (m === null || (m[1] === "" && m[2] === "" && m[3] !== "B") || m[3]!.toLowerCase() === "i") return spec;
  const letter = m[2]!.toUpperCase();
  const decimal = m[3] === "B" && letter !== "";
  const count = m[1] === "" ? 1 : Number(m[1]);
  if (count === 0) return spec;
  const power = letter === "" ? 0 : SIZE_LETTERS.indexOf(letter) + 1;
  const size = count * (decimal ? 1000 : 1024) ** power;
  const suffix = m[1] !== "" ? "" : letter === "" ? "B" : decimal ? (letter === "K" ? "kB" : `${letter}B`) : m[3] === "iB" ? `${letter}iB` : letter;
  return { size, suffix, header: `${blockSizeName(size)}-blocks` };
}

/** The block size as df's header says it: the largest power of 1024 (or else 1000) that divides it. */
function blockSizeName(size: number): string {
  for (const [base, letters] of [[1024, SIZE_LETTERS], [1000, "kMGTPEZY"]] as const) {
    for (let p = letters.length; p >= 1; p--) {
      const unit = base ** p;
      if (size % unit === 0) return `${size / unit}${letters[p - 1]}${base === 1000 ? "B" : ""}`;
    }
  }
  return `${size}B`;
}

/** coreutils' table: each column as wide as its widest cell (the source at least 14); --total adds a row. */
function gnuTable(rows: readonly Row[], units: GnuUnits, o: { flags: Map<string, string[]> }): string {
  const posix = o.flags.has("P");
  const amount = (blocks: number): string => {
    const bytes = blocks * BLOCK;
    if ("human" in units) return humanSize(bytes, units.human);
    return `${Math.ceil(bytes / units.size)}${units.suffix}`;
  };
  const withType = o.flags.has("T");
  const sizeHeader = "human" in units ? "Size" : posix && units.size === 1024 ? "1024-blocks" : units.header;
  const header = ["Filesystem", ...(withType ? ["Type"] : []), sizeHeader, "Used", "human" in units ? "Avail" : "Available", posix ? "Capacity" : "Use%", "Mounted on"];
  const all = rows.map((r) => [r.entry.device.source, ...(withType ? [r.entry.device.type] : []), amount(r.blocks), amount(r.used), amount(r.avail), gnuPercent(r), r.entry.target]);
  if (o.flags.has("total")) {
    const sum = (f: (r: Row) => number) => rows.reduce((n, r) => n + f(r), 0);
    const total = { blocks: sum((r) => r.blocks), used: sum((r) => r.used), avail: sum((r) => r.avail) };
    all.push(["total", ...(withType ? ["-"] : []), amount(total.blocks), amount(total.used), amount(total.avail), gnuPercent(total), "-"]);
  }
  all.unshift(header);
  const left = new Set([0, ...(withType ? [1] : []), header.length - 1]);
  const minimum = (col: number) => (col === 0 ? 14 : withType && col === 1 ? 4 : col === header.length - 1 ? 0 : col === header.length - 2 ? 4 : 5);
  const widths = header.map((_, col) => Math.max(minimum(col), ...all.map((l) => l[col]!.length)));
  return all
    .map((l) =>
      l
        .map((cell, col) => (col === l.length - 1 ? cell : left.has(col) ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
        .join(" "),
    )
    .join("\n")
    .concat(all.length > 0 ? "\n" : "");
}

/** busybox 1.28's fixed layout: `%-20s %9s %9s %9s %3u%% %s`, the percentage rounded to nearest. */
function busyboxTable(rows: readonly Row[], o: { flags: Map<string, string[]> }): string {
  const human = o.flags.has("h");
  // -i puts the inodes where the blocks go, counted one by one (f_frsize 1).
  const inodes = o.flags.has("i");
  const size = inodes ? 1 : BLOCK;
  const unit = inodes ? 1 : o.flags.has("m") ? 1024 * 1024 : 1024;
  const header = inodes ? "   Inodes" : human ? "     Size" : o.flags.has("P") ? "1024-blocks" : unit === 1024 ? "1K-blocks" : "1M-blocks";
  let out = `Filesystem           ${header.padEnd(15)}Used Available ${o.flags.has("P") ? "Capacity" : "Use%"} Mounted on\n`;
  for (const r of rows) {
    const amount = (n: number) => (human ? humanReadable(n * size) : String(Math.floor((n * size + Math.floor(unit / 2)) / unit)));
    const [blocks, used, avail] = inodes ? [r.inodes, r.inodesUsed, r.inodes - r.inodesUsed] : [r.blocks, r.used, r.avail];
    const total = used + avail;
    const pct = total === 0 ? 0 : Math.floor((used * 100 + Math.floor(total / 2)) / total);
    const source = r.entry.device.source;
    const first = source.length > 20 ? `${source}\n${"".padEnd(20)} ` : `${source.padEnd(20)} `;
    out += `${first}${amount(blocks).padStart(9)} ${amount(used).padStart(9)} ${amount(avail).padStart(9)} ${String(pct).padStart(3)}% ${r.entry.target}\n`;
  }
  return out;
}
