import { createHash } from "node:crypto";
import { encodeText, FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { blake2b } from "./blake2b.js";
import { describeError, has, last, parseOptions, programName, readStdin, splitLines, UsageError, withOptions, type ParsedOptions } from "./common.js";
import { busyboxUsage } from "./libbb.js";

/**
 * coreutils' md5sum, sha1sum, sha256sum, sha512sum and b2sum: `HASH  FILE` per operand (`-`
 * and no operand are standard input), and `-c` to check a list of them, with the OK/FAILED
 * lines and WARNING summary. Files are hashed as bytes; standard input, which ksim carries as
 * text, as its UTF-8 encoding.
 */
export function checksum(algorithm: "md5" | "sha1" | "sha256" | "sha512" | "blake2b") {
  return function* (ctx: ProcessContext): Proc<number> {
    const long = { check: "c", binary: "b", text: "t", warn: "w", quiet: "q", status: "s", tag: "tag", ...(algorithm === "blake2b" ? { "length=": "l" } : {}) };
    const spec = { short: algorithm === "blake2b" ? "cbtwqsl:" : "cbtwqs", long };
    return yield* withOptions(ctx, "gnu", spec, function* (o) {
      const name = programName(ctx);
      // b2sum -l: a digest of so many bits (a multiple of 8 up to 512; 0 is the default 512).
      const bitsText = last(o, "l");
      const bits = bitsText === undefined ? 512 : Number(bitsText) || 512;
      if (bitsText !== undefined && (!/^\d+$/.test(bitsText) || bits % 8 !== 0 || bits > 512)) {
        ctx.stderr.write(`${name}: invalid length: '${bitsText}'\n${name}: ${bits > 512 ? "maximum digest length for 'BLAKE2b' is 512 bits" : "length is not a multiple of 8"}\n`);
        return 1;
      }
      const digest = function* (file: string, bytes = bits / 8): Proc<string> {
        const data = file === "-" ? encodeText(yield* readStdin(ctx)) : ctx.fs.readFile(ctx.resolve(file));
        if (algorithm === "blake2b") return Buffer.from(blake2b(data, bytes)).toString("hex");
        return createHash(algorithm).update(data).digest("hex");
      };
      const tag = algorithm === "blake2b" ? (bits === 512 ? "BLAKE2b" : `BLAKE2b-${bits}`) : algorithm.toUpperCase();
      const files = o.operands.length > 0 ? o.operands : ["-"];
      let status = 0;
      if (!has(o, "c")) {
        for (const file of files) {
          try {
            const hash = yield* digest(file);
            ctx.stdout.write(has(o, "tag") ? `${tag} (${file}) = ${hash}\n` : `${hash}  ${file}\n`);
          } catch (e) {
            if (!(e instanceof FsError)) throw e;
            ctx.stderr.write(`${name}: ${file}: ${describeError(e)}\n`);
            status = 1;
          }
        }
        return status;
      }
      let failed = 0;
      let unreadable = 0;
      let malformed = 0;
      for (const list of files) {
        let text: string;
        try {
          text = list === "-" ? yield* readStdin(ctx) : ctx.fs.readText(ctx.resolve(list));
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          ctx.stderr.write(`${name}: ${list}: ${describeError(e)}\n`);
          status = 1;
          continue;
        }
        for (const line of splitLines(text)) {
          const m = /^([0-9a-fA-F]+) [ *](.+)$/.exec(line);
          if (m === null) {
            malformed++;
            continue;
          }
          let actual: string;
          try {
            // Without -l, b2sum takes each line's length from its checksum.
            actual = yield* digest(m[2]!, bitsText === undefined && algorithm === "blake2b" ? m[1]!.length / 2 : bits / 8);
          } catch (e) {
            if (!(e instanceof FsError)) throw e;
            ctx.stderr.write(`${name}: ${m[2]}: ${describeError(e)}\n`);
            if (!has(o, "s")) ctx.stdout.write(`${m[2]}: FAILED open or read\n`);
            unreadable++;
            continue;
          }
          const ok = actual === m[1]!.toLowerCase();
          if (!ok) failed++;
          if (!has(o, "s") && !(ok && has(o, "q"))) ctx.stdout.write(`${m[2]}: ${ok ? "OK" : "FAILED"}\n`);
        }
      }
      const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
      if (!has(o, "s")) {
        if (malformed > 0) ctx.stderr.write(`${name}: WARNING: ${malformed} ${plural(malformed, "line is", "lines are")} improperly formatted\n`);
        if (unreadable > 0) ctx.stderr.write(`${name}: WARNING: ${unreadable} listed ${plural(unreadable, "file", "files")} could not be read\n`);
        if (failed > 0) ctx.stderr.write(`${name}: WARNING: ${failed} computed ${plural(failed, "checksum", "checksums")} did NOT match\n`);
      }
      return status !== 0 || failed > 0 || unreadable > 0 ? 1 : 0;
    });
  };
}

/**
 * busybox 1.28's md5sum, sha1sum, sha256sum and sha512sum (md5_sha1_sum.c): the same lines,
 * but -c reads each operand as a list, takes -s (silent) and -w (warn of bad lines) only with
 * -c, counts a malformed line as a failure, sums up as "N of M computed checksums did NOT match"
 * and fails a list without a line.
 */
export function busyboxChecksum(algorithm: "md5" | "sha1" | "sha256" | "sha512") {
  return function* (ctx: ProcessContext): Proc<number> {
    const name = programName(ctx);
    let o: ParsedOptions;
    try {
      // -b and -t are taken and ignored, for shaNNNsum compatibility.
      o = parseOptions(ctx.argv.slice(1), { short: "scwbt" });
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      ctx.stderr.write(`${name}: ${e.message}\n`);
      return busyboxUsage(ctx, name, 1);
    }
    const check = has(o, "c");
    // getopt32's "s?c:w?c": -s and -w need -c.
    if ((has(o, "s") || has(o, "w")) && !check) return busyboxUsage(ctx, name, 1);
    /** hash_file: the digest, or undefined after saying why the file could not be read. */
    const digest = function* (file: string): Proc<string | undefined> {
      let data: Uint8Array;
      try {
        data = file === "-" ? encodeText(yield* readStdin(ctx)) : ctx.fs.readFile(ctx.resolve(file));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        ctx.stderr.write(`${name}: can't ${e.code === "EISDIR" ? "read" : "open"} '${file}': ${describeError(e)}\n`);
        return undefined;
      }
      return createHash(algorithm).update(data).digest("hex");
    };
    let status = 0;
    for (const operand of o.operands.length > 0 ? o.operands : ["-"]) {
      if (!check) {
        const hash = yield* digest(operand);
        if (hash === undefined) status = 1;
        else ctx.stdout.write(`${hash}  ${operand}\n`);
        continue;
      }
      let text: string;
      try {
        text = operand === "-" ? yield* readStdin(ctx) : ctx.fs.readText(ctx.resolve(operand));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        // xfopen_stdin: a list that cannot be opened ends the run.
        ctx.stderr.write(`${name}: ${operand}: ${describeError(e)}\n`);
        return 1;
      }
      let total = 0;
      let failed = 0;
      for (const line of splitLines(text)) {
        total++;
        let at = line.indexOf("  ");
        if (at < 0) at = line.indexOf(" *");
        if (at < 0) {
          if (has(o, "w")) ctx.stderr.write(`${name}: invalid format\n`);
          failed++;
          status = 1;
          continue;
        }
        const file = line.slice(at + 2);
        const ok = (yield* digest(file)) === line.slice(0, at);
        if (!ok) {
          failed++;
          status = 1;
        }
        if (!has(o, "s")) ctx.stdout.write(`${file}: ${ok ? "OK" : "FAILED"}\n`);
      }
      if (failed > 0 && !has(o, "s")) ctx.stderr.write(`${name}: WARNING: ${failed} of ${total} computed checksums did NOT match\n`);
      if (total === 0) {
        ctx.stderr.write(`${name}: ${operand}: no checksum lines found\n`);
        status = 1;
      }
    }
    return status;
  };
}

/** The CRC table of POSIX cksum's polynomial 0x04C11DB7, most significant bit first. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** POSIX cksum's CRC: the bytes, then the length in as few bytes as it takes, complemented. */
function posixCrc(data: Uint8Array): number {
  let crc = 0;
  const step = (byte: number) => (crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0);
  for (const b of data) step(b);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return ~crc >>> 0;
}

/** BSD sum (16-bit rotate-and-add, 1 KiB blocks), or System V's (-s: the byte sum folded, 512-byte blocks). */
function sums(data: Uint8Array, sysv: boolean): string {
  if (sysv) {
    let s = 0;
    for (const b of data) s += b;
    const r = (s % 0x10000) + Math.floor(s / 0x10000) % 0x10000;
    return `${(r % 0x10000) + Math.floor(r / 0x10000)} ${Math.ceil(data.length / 512)}`;
  }
  let c = 0;
  for (const b of data) c = (((c >> 1) + ((c & 1) << 15)) + b) & 0xffff;
  return `${String(c).padStart(5, "0")} ${String(Math.ceil(data.length / 1024)).padStart(5)}`;
}

/**
 * coreutils' cksum (the POSIX CRC and the byte count) and sum (BSD's, or System V's with -s):
 * a line per operand, named unless it is standard input (sum names even a single file).
 */
export function crcProgram(kind: "cksum" | "sum") {
  return function* (ctx: ProcessContext): Proc<number> {
    const spec = kind === "sum" ? { short: "rs", long: { sysv: "s" } } : { short: "" };
    return yield* withOptions(ctx, "gnu", spec, function* (o) {
      let status = 0;
      const files = o.operands.length > 0 ? o.operands : ["-"];
      for (const file of files) {
        let data: Uint8Array;
        try {
          data = file === "-" ? encodeText(yield* readStdin(ctx)) : ctx.fs.readFile(ctx.resolve(file));
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          ctx.stderr.write(`${kind}: ${file}: ${describeError(e)}\n`);
          status = 1;
          continue;
        }
        const line = kind === "cksum" ? `${posixCrc(data)} ${data.length}` : sums(data, has(o, "s"));
        ctx.stdout.write(file === "-" && o.operands.length === 0 ? `${line}\n` : `${line} ${file}\n`);
      }
      return status;
    });
  };
}
