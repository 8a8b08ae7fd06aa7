import { FsError, type Proc } from "@ksim/sim";
import type { ProcessContext } from "../../runtime/process.js";
import { programName, readStdin, usageFailure, type Flavor } from "../common.js";
import type { Program } from "./ast.js";
import { AwkFatal, AwkRuntimeError, AwkSyntaxError } from "./errors.js";
import { Interpreter } from "./interpreter.js";
import { parse } from "./parser.js";

/**
 * awk as Debian ships it (mawk 1.3.4 20200120, also run as `awk`) and busybox's applet:
 * `awk [-F fs] [-v var=value]... [-f progfile]... ['program'] [file|var=value]...`.
 * mawk words its errors `mawk: line 1: syntax error at or near }` and exits 2; busybox words
 * them `awk: cmd. line:1: Unexpected token` and exits 1.
 */

const VERSION = "mawk 1.3.4 20200120\nCopyright 2008-2019,2020, Thomas E. Dickey\nCopyright 1991-1996,2014, Michael D. Brennan\n\n";
const LIMITS = "random-funcs:       srandom/random\nregex-funcs:        internal\ncompiled limits:\nsprintf buffer      8192\nmaximum-integer     2147483647\n";

function usage(name: string): string {
  return `Usage: ${name} [Options] [Program] [file ...]

Program:
    The -f option value is the name of a file containing program text.
    If no -f option is given, a "--" ends option processing; the following
    parameters are the program text (if not given, the first parameter).

Options:
    -f program-file  Program  text is read from file instead of from the
                     command-line.  Multiple -f options are accepted.
    -F value         sets the field separator, FS, to value.
    -v var=value     assigns value to program variable var.
    --               unambiguous end of options.

    Implementation-specific options are prefixed with "-W".  They can be
    abbreviated:

    -W version       show version information and exit.
    -W dump          show assembler-like listing of program and exit.
    -W help          show this message and exit.
    -W interactive   set unbuffered output, line-buffered input.
    -W exec file     use file as program as well as last option.
    -W random=number set initial random seed.
    -W sprintf=number adjust size of sprintf buffer.
    -W posix_space   do not consider "\\n" a space.
    -W usage         show this message and exit.
`;
}

interface CommandLine {
  readonly fs: string | undefined;
  readonly assignments: readonly string[];
  readonly programFiles: readonly string[];
  readonly program: string | undefined;
  readonly operands: readonly string[];
  readonly seed: string | undefined;
  readonly interactive: boolean;
}

/** A command line that ends the run before any program does: the status to exit with. */
type Early = { readonly status: number };

export function awkProgram(flavor: Flavor) {
  const busybox = flavor === "busybox";
  return function* (ctx: ProcessContext): Proc<number> {
    const name = programName(ctx);
    const errorStatus = busybox ? 1 : 2;
    const complain = (message: string) => {
      ctx.stderr.write(`${name}: ${message}\n`);
      return errorStatus;
    };
    const line = readCommandLine(ctx, name, busybox);
    if ("status" in line) return line.status;

    let source: string;
    let fileName: string | undefined;
    if (line.programFiles.length > 0) {
      const texts: string[] = [];
      for (const f of line.programFiles) {
        try {
          texts.push(f === "-" || f === "/dev/stdin" ? yield* readStdin(ctx) : ctx.fs.readText(ctx.resolve(f)));
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          return complain(busybox ? `can't open '${f}': ${e.description}` : `couldn't open file ${f} (${e.description})`);
        }
      }
      source = texts.join("\n");
      fileName = line.programFiles[0];
    } else source = line.program!;

    let program: Program;
    try {
      program = parse(source, { busybox, ...(fileName !== undefined ? { fileName } : {}) });
    } catch (e) {
      if (!(e instanceof AwkSyntaxError)) throw e;
      if (busybox) return complain(`${fileName ?? "cmd. line"}:${e.line}: ${e.busybox}`);
      for (const m of [e.message, ...e.more]) complain(m);
      return errorStatus;
    }

    const interp = new Interpreter(ctx, program, { busybox, interactive: line.interactive, argv: [name, ...line.operands] });
    try {
      if (line.fs !== undefined) interp.setFieldSeparator(line.fs);
      for (const a of line.assignments) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(a);
        if (m === null) return complain(busybox ? `invalid -v argument '${a}'` : `improper assignment: -v ${a}`);
        interp.assign(m[1]!, a.slice(m[0].length));
      }
      if (line.seed !== undefined) interp.seedRandom(line.seed);
      return yield* interp.run();
    } catch (e) {
      if (e instanceof AwkRuntimeError) {
        if (busybox) complain(`cmd. line:1: ${e.message}`);
        else ctx.stderr.write(`${name}: run time error: ${e.message}\n${interp.where()}\n`);
      } else if (e instanceof AwkFatal) complain(e.message);
      else throw e;
      // mawk exits through the same path as a normal end: outputs closed, commands waited for.
      yield* interp.io.closeAll();
      return errorStatus;
    }
  };
}

/** Parses options by hand: the program text is the first operand unless -f gave one. */
function readCommandLine(ctx: ProcessContext, name: string, busybox: boolean): CommandLine | Early {
  const args = ctx.argv.slice(1);
  let fs: string | undefined;
  const assignments: string[] = [];
  const programFiles: string[] = [];
  let seed: string | undefined;
  let interactive = false;
  const bad = (message: string): Early => {
    if (busybox) return { status: usageFailure(ctx, "busybox", message) };
    ctx.stderr.write(`${name}: ${message}\n`);
    return { status: 2 };
  };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    if (a === "--version" || a === "-version") return version(ctx);
    if (a === "--help" || a === "-help" || a === "--usage") {
      ctx.stdout.write(usage(name));
      return { status: 0 };
    }
    if (a.startsWith("--")) return bad(`not an option ${a}`);
    const letter = a[1]!;
    if (!"FvfW".includes(letter)) return bad(busybox ? `invalid option -- '${letter}'` : `not an option ${a}`);
    const value = a.length > 2 ? a.slice(2) : args[++i];
    if (value === undefined) return bad(busybox ? `option requires an argument -- '${letter}'` : `option -${letter} lacks argument`);
    switch (letter) {
      case "F":
        fs = value;
        break;
      case "v":
        assignments.push(value);
        break;
      case "f":
        programFiles.push(value);
        break;
      case "W":
        for (const w of value.split(",")) {
          const [word = "", arg] = w.split("=", 2);
          if (word === "") continue;
          if ("version".startsWith(word)) return version(ctx);
          if ("usage".startsWith(word) || "help".startsWith(word)) {
            ctx.stdout.write(usage(name));
            return { status: 0 };
          }
          if ("exec".startsWith(word) && word.length > 1) {
            const file = arg ?? args[++i];
            if (file === undefined) return bad(`option -W exec lacks argument`);
            programFiles.push(file);
            return { fs, assignments, programFiles, program: undefined, operands: args.slice(i + 1), seed, interactive };
          }
          if ("random".startsWith(word) && word.length > 1) seed = arg;
          else if ("interactive".startsWith(word)) interactive = true;
          else if (!["posix_space", "posix", "sprintf", "dump"].some((o) => o.startsWith(word))) ctx.stderr.write(`${name}: vacuous option: -W ${w}\n`);
        }
        break;
    }
  }
  if (programFiles.length > 0) return { fs, assignments, programFiles, program: undefined, operands: args.slice(i), seed, interactive };
  const program = args[i];
  if (program === undefined) {
    if (busybox) return { status: usageFailure(ctx, "busybox", "missing program") };
    ctx.stderr.write(usage(name));
    return { status: 2 };
  }
  return { fs, assignments, programFiles, program, operands: args.slice(i + 1), seed, interactive };
}

/** -W version: the version to stdout, the compiled limits to stderr. */
function version(ctx: ProcessContext): Early {
  ctx.stdout.write(VERSION);
  ctx.stderr.write(LIMITS);
  return { status: 0 };
}
