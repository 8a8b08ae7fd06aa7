import { gunzipSync, gzipSync } from "node:zlib";
import { decodeText, encodeText, FsError, type Proc } from "@ksim/sim";
import { isEnvironmentIoError, isFileTooLarge, type ProcessContext } from "../runtime/process.js";
import { createAndWrite, parseOptions, programName, readStdin, usageFailure, UsageError, type Flavor } from "./common.js";
import { busyboxLongOptions } from "./libbb.js";

/**
 * gzip 1.12 (and busybox's applets): `gzip FILE` replaces it with FILE.gz, `gunzip`/`gzip -d`
 * the reverse, `zcat`/`-c` to standard output, standard input when there are no files. The
 * deflate stream is zlib's (a real gzip's bytes differ, its sizes are close); compressed data
 * crosses pipes one character per byte, as tar's does.
 */
export function gzipProgram(flavor: Flavor) {
  return function* gzip(ctx: ProcessContext): Proc<number> {
    const name = programName(ctx);
    let parsed;
    const long = { stdout: "c", decompress: "d", uncompress: "d", force: "f", keep: "k", quiet: "q", verbose: "v" };
    try {
      parsed = parseOptions(ctx.argv.slice(1), { short: "cdfkqv123456789", long: flavor === "busybox" ? busyboxLongOptions(name, long) : long });
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      if (flavor === "busybox") return usageFailure(ctx, flavor, e.message);
      ctx.stderr.write(`${name}: ${e.message}\nTry \`${name} --help' for more information.\n`);
      return 1;
    }
    const { flags, operands } = parsed;
    const decompress = flags.has("d") || name === "gunzip" || name === "zcat";
    const toStdout = flags.has("c") || name === "zcat";
    const force = flags.has("f");
    const say = (message: string) => ctx.stderr.write(`${flavor === "busybox" ? name : "gzip"}: ${message}\n`);
    // A write the disk refuses ends the run: gzip's write_error (a newline first, then perror of
    // the output's name) and abort_gzip; busybox's xwrite.
    const writeFailed = (output: string, e: FsError, written: number): number => {
      if (flavor === "busybox") say(`${written > 0 ? "short write" : "write error"}: ${e.description}`);
      else ctx.stderr.write(`\ngzip: ${output}: ${e.description}\n`);
      return 1;
    };
    const toStdoutOrFail = (out: Uint8Array): number | undefined => {
      try {
        ctx.stdout.write(decodeText(out));
        return undefined;
      } catch (e) {
        if (!isEnvironmentIoError(e)) throw e;
        return writeFailed("stdout", e, 0);
      }
    };
    if (operands.length === 0 || (operands.length === 1 && operands[0] === "-")) {
      if (!decompress && ctx.tty && !force) {
        say("compressed data not written to a terminal. Use -f to force compression.");
        ctx.stderr.write("For help, type: gzip -h\n");
        return 1;
      }
      const input = encodeText(yield* readStdin(ctx));
      const out = transform(input, decompress);
      if (out === undefined) {
        say("stdin: not in gzip format");
        return 1;
      }
      return toStdoutOrFail(out) ?? 0;
    }
    let status = 0;
    for (const operand of operands) {
      const path = ctx.resolve(operand);
      let data: Uint8Array;
      try {
        if (ctx.fs.stat(path).type === "dir") {
          say(`${operand} is a directory -- ignored`);
          status = Math.max(status, 2);
          continue;
        }
        data = ctx.fs.readFile(path);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        say(`${operand}: ${e.description}`);
        status = 1;
        continue;
      }
      if (decompress && !toStdout && !operand.endsWith(".gz") && !operand.endsWith(".tgz")) {
        say(`${operand}: unknown suffix -- ignored`);
        status = Math.max(status, 2);
        continue;
      }
      if (!decompress && !toStdout && operand.endsWith(".gz")) {
        say(`${operand} already has .gz suffix -- unchanged`);
        status = Math.max(status, 2);
        continue;
      }
      const out = transform(data, decompress);
      if (out === undefined) {
        say(`${operand}: not in gzip format`);
        status = 1;
        continue;
      }
      if (toStdout) {
        const failed = toStdoutOrFail(out);
        if (failed !== undefined) return failed;
        continue;
      }
      const target = decompress ? operand.replace(/\.tgz$/, ".tar").replace(/\.gz$/, "") : `${operand}.gz`;
      const targetPath = ctx.resolve(target);
      if (ctx.fs.exists(targetPath) && !force) {
        say(`${target} already exists;\tnot overwritten`);
        status = Math.max(status, 2);
        continue;
      }
      const st = ctx.fs.stat(path);
      let written;
      try {
        written = createAndWrite(ctx.fs, targetPath, out, { mode: st.mode & 0o7777 });
      } catch (e) {
        // GNU gzip's handler for SIGXFSZ (as for SIGINT) removes the output before it dies.
        if (isFileTooLarge(e) && flavor === "gnu") ctx.fs.unlink(targetPath);
        throw e;
      }
      if (written.error !== undefined) {
        if (flavor === "gnu") ctx.fs.unlink(targetPath);
        return writeFailed(target, written.error, written.bytes);
      }
      ctx.fs.chmod(targetPath, st.mode & 0o7777);
      if (!flags.has("k")) ctx.fs.unlink(path);
    }
    return status;
  };
}

/** Compressed or decompressed bytes; undefined when the input is not gzip data. */
export function transform(data: Uint8Array, decompress: boolean): Uint8Array | undefined {
  if (!decompress) return new Uint8Array(gzipSync(data));
  if (!isGzip(data)) return undefined;
  try {
    return new Uint8Array(gunzipSync(data));
  } catch {
    return undefined;
  }
}

/** The gzip magic number, which GNU tar looks for to decompress an archive on its own. */
export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}
