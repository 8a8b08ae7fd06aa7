import { FsError, type Proc } from "@ksim/sim";
import { permits, type FileStat } from "../runtime/fs.js";
import { SpawnError, type Executable, type ProcessContext } from "../runtime/process.js";
import { matchPattern } from "../shell/pattern.js";
import { canonicalize, describeError, mountOf, type Flavor } from "./common.js";
import { parseDateTime } from "./datetime.js";
import { BusyboxDie, busyboxUsage, UINT_MAX, ULLONG_MAX, xstrtou } from "./libbb.js";
import { compileRegex, RegexError } from "./regex.js";
import { groupByName, userByName, userName } from "./users.js";

/**
 * find, as GNU findutils 4.8 and busybox 1.28's applet (findutils/find.c, defconfig) have it:
 * walks each starting point in directory order and evaluates an expression of tests and
 * actions — `!`, `-a` (or juxtaposition), `-o`, parentheses — with -print implied when the
 * expression has no action. Options -maxdepth, -mindepth, -depth and -follow apply wherever
 * they appear.
 *
 * Where busybox differs: its own primaries and messages (`unrecognized: X` then the usage, libbb's
 * number errors), -size compares bytes exactly and -mtime, -mmin and -newer whole seconds, -perm
 * takes `+MASK`/`/MASK` (any bit) and symbolic modes, -regex is a basic regex matched against the
 * whole path, -exec ends at a lone `;` or `+` (the `{}` of `+` may sit anywhere), -quit exits on
 * the spot, and the walk is libbb's recursive_action: errors name the path without quotes, a
 * directory it cannot read is not acted on under -depth, and under -depth it descends
 * regardless of -maxdepth, -prune and -xdev (which then only keep files from being acted on).
 */

interface Visit {
  /** The path as find prints it (the starting point's text, then `/name`...). */
  readonly path: string;
  readonly name: string;
  readonly st: FileStat;
  readonly depth: number;
}

/** The paths an `-exec … +` has gathered and the command they go to. */
interface Batch {
  readonly words: readonly string[];
  /** The word that becomes one word per path, `{}` replaced by it. */
  readonly substAt: number;
  readonly paths: string[];
  /** What the paths add to the command line, as busybox counts it (it runs early past a limit). */
  bytes: number;
  /** Busybox: under `!`, so a failed run is a success at the end. */
  inverted: boolean;
  /** Busybox: in the top-level expression (the end runs only those, not ones in parentheses). */
  topLevel: boolean;
}

type Node =
  | { readonly kind: "and" | "or"; readonly left: Node; readonly right: Node }
  | { readonly kind: "not"; readonly inner: Node }
  | { readonly kind: "test"; readonly test: (v: Visit) => boolean }
  | { readonly kind: "action"; readonly run: (v: Visit) => Proc<boolean>; readonly prunes?: boolean; readonly batch?: Batch };

class FindError extends Error {}
/** Busybox: a word parse_params does not know; `find: unrecognized: WORD`, then the usage. */
class Unrecognized extends Error {}
/** Busybox's -quit: exit(status) there and then, `-exec … +` batches left unrun. */
class Quit extends Error {}

const DAY_MS = 86_400_000;
const TRUE: Node = { kind: "test", test: () => true };

/** `+n`, `-n` or `n` against a value already rounded as find rounds it. */
function numericTest(arg: string, predicate: string): (value: number) => boolean {
  const m = /^([+-]?)(\d+)$/.exec(arg);
  if (m === null) throw new FindError(`invalid argument \`${arg}' to \`${predicate}'`);
  const n = Number(m[2]);
  if (m[1] === "+") return (v) => v > n;
  if (m[1] === "-") return (v) => v < n;
  return (v) => v === n;
}

/** The stat times -newerXY names by their letters. */
const TIMES: Readonly<Record<string, "atimeMs" | "ctimeMs" | "mtimeMs">> = { a: "atimeMs", c: "ctimeMs", m: "mtimeMs" };

const SIZE_UNITS: Readonly<Record<string, number>> = { b: 512, c: 1, w: 2, k: 1024, M: 1048576, G: 1073741824 };

/** Busybox -size's suffixes: none means 512-byte blocks, as b does. */
const BUSYBOX_SIZE_SUFFIXES: Readonly<Record<string, bigint>> = { c: 1n, w: 2n, "": 512n, b: 512n, k: 1024n };

/** Primaries only GNU find has here; busybox 1.28 calls them unrecognized. */
const GNU_ONLY = new Set(["-empty", "-atime", "-amin", "-ctime", "-cmin", "-true", "-false"]);
/** Primaries only the busybox applet has here. */
const BUSYBOX_ONLY = new Set(["-ipath", "-regex", "-executable", "-group", "-xdev"]);

/**
 * bb_arg_max() - 2048: when the paths an `-exec … +` holds reach it, busybox runs the command
 * early (sysconf(_SC_ARG_MAX) is a quarter of the 8 MiB stack limit).
 */
const BUSYBOX_EXEC_PLUS_LIMIT = 2 * 1024 * 1024 - 2048;

/** The file type letter -type takes. */
function typeLetter(st: FileStat): string {
  return st.type === "dir" ? "d" : st.type === "symlink" ? "l" : st.type === "chardev" ? "c" : "f";
}

/** plus_minus_num: the number after a leading `+` or `-`. */
function unsigned(arg: string): string {
  return arg.startsWith("+") || arg.startsWith("-") ? arg.slice(1) : arg;
}

/** libbb's xatoul: a decimal unsigned long or `invalid number 'X'`. */
function xatoul(text: string): bigint {
  return xstrtou(text, 10, 0n, ULLONG_MAX);
}

/**
 * libbb's bb_parse_mode(spec, 0): an octal mode up to 07777, or symbolic clauses (`u+x,go=r`,
 * `g=u`) applied to mode 0, where a clause without who is limited by the umask. Undefined
 * where busybox returns -1.
 */
function busyboxMode(spec: string, umask: number): number | undefined {
  if (/^[0-7]/.test(spec)) {
    if (!/^[0-7]+$/.test(spec)) return undefined;
    const n = parseInt(spec, 8);
    return n > 0o7777 ? undefined : n;
  }
  const WHO: Readonly<Record<string, number>> = { a: 0o7777, u: 0o4700, g: 0o2070, o: 0o0007 };
  const PERMS: Readonly<Record<string, number>> = { r: 0o444, w: 0o222, x: 0o111, X: 0o111, s: 0o6000, t: 0o1000 };
  let mode = 0;
  let k = 0;
  while (k < spec.length) {
    if (spec[k] === ",") {
      k++;
      continue;
    }
    let who = 0;
    while (Object.hasOwn(WHO, spec[k]!)) {
      who |= WHO[spec[k]!]!;
      if (++k === spec.length) return undefined;
    }
    do {
      const op = spec[k];
      if (op !== "+" && op !== "-") {
        if (op !== "=") return undefined;
        mode &= ~(who !== 0 ? who : 0o7777);
      }
      k++;
      let perms = 0;
      const from = spec[k];
      if (from === "u" || from === "g" || from === "o") {
        // A copy of another class's bits (`g=u`), spread over all three classes.
        perms = WHO[from]! & 0o777 & mode;
        for (const bit of [0o444, 0o222, 0o111]) if ((perms & bit) !== 0) perms |= bit;
        k++;
      } else {
        for (; k < spec.length && Object.hasOwn(PERMS, spec[k]!); k++) {
          if (spec[k] !== "X" || (mode & 0o111) !== 0) perms |= PERMS[spec[k]!]!;
        }
      }
      if (perms !== 0) {
        perms &= who !== 0 ? who : ~umask;
        mode = op === "-" ? mode & ~perms : mode | perms;
      }
    } while (k < spec.length && spec[k] !== ",");
  }
  return mode;
}

/** regerror's text as busybox 1.28's image (uClibc's regex, glibc's of old) gives it. */
function regexMessage(pattern: string, e: RegexError): string {
  if (!e.message.startsWith("Unmatched [")) return e.message;
  // A bracket with nothing after `[` or `[^` is REG_BADPAT; one that is cut short later, REG_EBRACK.
  return /\[\^?$/.test(pattern) ? "Invalid regular expression" : "Unmatched [ or [^";
}

/** How execvp's failure reads in busybox's perror: a directory is EACCES. */
function spawnFailure(e: SpawnError): string {
  if (e.reason === "not found") return "No such file or directory";
  if (e.reason === "Is a directory") return "Permission denied";
  return e.reason;
}

/** find as GNU findutils (`"gnu"`) or busybox 1.28's applet (`"busybox"`) has it. */
export function findProgramFor(flavor: Flavor): Executable {
  return (ctx) => find(ctx, flavor);
}

/** GNU findutils' find. */
export const findProgram: Executable = findProgramFor("gnu");

function* find(ctx: ProcessContext, flavor: Flavor): Proc<number> {
  const bb = flavor === "busybox";
  const argv = ctx.argv.slice(1);
  let i = 0;
  /** Which symbolic links are looked through: none, the starting points' (-H), all (-L, -follow). */
  let follow: "never" | "roots" | "always" = "never";
  if (bb) {
    // getopt32("+HLP") over the leading words made of those letters only; -P is the default.
    for (; i < argv.length && /^-[HLP]+$/.test(argv[i]!); i++) {
      if (argv[i]!.includes("L")) follow = "always";
      else if (argv[i]!.includes("H") && follow === "never") follow = "roots";
    }
  }
  const roots: string[] = [];
  while (i < argv.length && !argv[i]!.startsWith("-") && argv[i] !== "!" && argv[i] !== "(") roots.push(argv[i++]!);
  let maxDepth = Number.POSITIVE_INFINITY;
  let minDepth = 0;
  let depthFirst = false;
  /** Busybox's -xdev: directories on another filesystem than the starting points' are not entered. */
  let xdev = false;
  /** Set by GNU's -quit: nothing more is visited, though `-exec … +` batches still run. */
  let quitting = false;
  let hasAction = false;
  let status = 0;
  const nowMs = ctx.sim.epochMs();
  const out = (s: string) => ctx.stdout.write(s);

  /** Runs a command -exec built; undefined when it could not be run (said so on stderr). */
  function* spawn(command: readonly string[]): Proc<number | undefined> {
    try {
      return yield* ctx.run(command);
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      ctx.stderr.write(bb ? `find: ${command[0]}: ${spawnFailure(e)}\n` : `find: '${command[0]}': No such file or directory\n`);
      return undefined;
    }
  }
  /** Runs a batch's command over the paths it holds, and empties it; whether it succeeded. */
  function* runBatch(b: Batch): Proc<boolean> {
    const command = b.words.flatMap((w, k) => (k === b.substAt ? b.paths.map((p) => w.split("{}").join(p)) : [w]));
    b.paths.length = 0;
    b.bytes = 0;
    const code = yield* spawn(command);
    return code === 0;
  }

  const batches: Batch[] = [];
  const exec = (words: string[], each: boolean, substAt: number): Node => {
    hasAction = true;
    if (each) {
      return {
        kind: "action",
        run: function* (v) {
          const code = yield* spawn(words.map((w) => w.split("{}").join(v.path)));
          // GNU counts a command it could not run against its exit status; busybox does not.
          if (code === undefined && !bb) status = 1;
          return code === 0;
        },
      };
    }
    // `-exec cmd {} +` gathers the paths and runs once at the end (below).
    const batch: Batch = { words, substAt, paths: [], bytes: 0, inverted: false, topLevel: false };
    batches.push(batch);
    return {
      kind: "action",
      batch,
      run: function* (v) {
        batch.paths.push(v.path);
        if (!bb) return true;
        batch.bytes += v.path.length + 9;
        return batch.bytes >= BUSYBOX_EXEC_PLUS_LIMIT ? yield* runBatch(batch) : true;
      },
    };
  };
  /** Where the words of the expression being parsed end (busybox: a parenthesis's `)`). */
  let limit = argv.length;
  const next = (predicate: string): string => {
    const a = i < limit ? argv[i++] : undefined;
    if (a === undefined) throw new FindError(bb ? `${predicate} requires an argument` : `missing argument to \`${predicate}'`);
    return a;
  };
  /** stat(2) for -newer's reference, busybox's xstat. */
  const referenceStat = (ref: string): FileStat => {
    try {
      if (bb && ref === "") throw new FsError("ENOENT", ref);
      return ctx.fs.stat(ctx.resolve(ref));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      throw new FindError(bb ? `can't stat '${ref}': ${describeError(e)}` : `'${ref}': ${describeError(e)}`);
    }
  };

  /** What a word that is no primary is. */
  const unknown = (word: string): Node => {
    if (bb) throw new Unrecognized(word);
    // -newerXY: the file's X time (a, c or m) after the reference's Y time, or after the date itself for Y = t.
    const newer = /^-newer([acm])([acmt])$/.exec(word);
    if (newer !== null) {
      const ref = next(word);
      const mine = TIMES[newer[1]!]!;
      let refMs: number | undefined;
      if (newer[2] === "t") {
        refMs = parseDateTime(ref, nowMs);
        if (refMs === undefined) throw new FindError(`I cannot figure out how to interpret \`${ref}' as a date or time`);
      } else refMs = referenceStat(ref)[TIMES[newer[2]!]!];
      const after = refMs;
      return { kind: "test", test: (v) => v.st[mine] > after };
    }
    if (word.startsWith("-")) throw new FindError(`unknown predicate \`${word}'`);
    throw new FindError(`paths must precede expression: \`${word}'`);
  };

  /** A test, action or option (undefined: an option, which busybox leaves out of the expression). */
  const primary = (word: string): Node | undefined => {
    if ((bb && GNU_ONLY.has(word)) || (!bb && BUSYBOX_ONLY.has(word))) return unknown(word);
    switch (word) {
      case "-name":
      case "-iname": {
        const p = next(word);
        const ci = word === "-iname";
        if (bb) return { kind: "test", test: (v) => matchPattern(p, v.name, { nocase: ci }) };
        return { kind: "test", test: (v) => (ci ? matchPattern(p.toLowerCase(), v.name.toLowerCase()) : matchPattern(p, v.name)) };
      }
      case "-path":
      case "-wholename":
      case "-ipath": {
        const p = next(word);
        const ci = word === "-ipath";
        return { kind: "test", test: (v) => matchPattern(p, v.path, ci ? { nocase: true } : {}) };
      }
      case "-regex": {
        // xregcomp(pattern, 0): a basic regex, which must match the whole path.
        const pattern = next(word);
        let re: RegExp;
        try {
          const inner = compileRegex(pattern, false, "s");
          re = new RegExp(`^(?:${inner.source})$`, inner.flags);
        } catch (e) {
          if (!(e instanceof RegexError)) throw e;
          throw new FindError(`bad regex '${pattern}': ${regexMessage(pattern, e)}`);
        }
        return { kind: "test", test: (v) => re.test(v.path) };
      }
      case "-type": {
        const t = next(word);
        if (bb) {
          if (t.length !== 1 || !"bcdpfls".includes(t)) throw new FindError(`invalid argument '${t}' to '-type'`);
          return { kind: "test", test: (v) => typeLetter(v.st) === t };
        }
        const types = t.split(",");
        for (const x of types) if (!"fdlbcps".includes(x) || x.length !== 1) throw new FindError(`Unknown argument to -type: ${x}`);
        return { kind: "test", test: (v) => types.includes(typeLetter(v.st)) };
      }
      case "-executable":
        // access(path, X_OK): through symbolic links; root may search any directory.
        return {
          kind: "test",
          test: (v) => {
            try {
              const st = ctx.fs.stat(ctx.resolve(v.path));
              return (ctx.cred.uid === 0 && st.type === "dir") || permits(ctx.cred, st, 1);
            } catch (e) {
              if (e instanceof FsError) return false;
              throw e;
            }
          },
        };
      case "-empty":
        return { kind: "test", test: (v) => (v.st.type === "dir" ? ctx.fs.readdir(ctx.resolve(v.path)).length === 0 : v.st.type === "file" && v.st.size === 0) };
      case "-mtime":
      case "-mmin":
      case "-atime":
      case "-amin":
      case "-ctime":
      case "-cmin": {
        const arg = next(word);
        const unit = word.endsWith("time") ? DAY_MS : 60_000;
        if (bb) {
          // Whole seconds of age against N units held in an unsigned int (as is N × unit).
          const unitS = unit / 1000;
          const n = BigInt.asUintN(32, xatoul(unsigned(arg)));
          const from = Number(BigInt.asUintN(32, n * BigInt(unitS)));
          const sign = arg[0];
          return {
            kind: "test",
            test: (v) => {
              const age = Math.floor(ctx.sim.epochMs() / 1000) - Math.floor(v.st.mtimeMs / 1000);
              if (sign === "+") return age >= from + unitS;
              if (sign === "-") return age < from;
              return age >= from && age < from + unitS;
            },
          };
        }
        const cmp = numericTest(arg, word);
        const time = TIMES[word[1]!]!;
        // Age in whole units, rounded down (find's -mtime n means n*24h <= age < (n+1)*24h).
        return { kind: "test", test: (v) => cmp(Math.floor((nowMs - v.st[time]) / unit)) };
      }
      case "-newer": {
        const ref = referenceStat(next(word));
        if (bb) {
          const refS = Math.floor(ref.mtimeMs / 1000);
          return { kind: "test", test: (v) => Math.floor(v.st.mtimeMs / 1000) > refS };
        }
        return { kind: "test", test: (v) => v.st.mtimeMs > ref.mtimeMs };
      }
      case "-size": {
        const arg = next(word);
        if (bb) {
          // Bytes, compared exactly: N units as an off_t.
          const sign = arg[0];
          const size = BigInt.asIntN(64, xstrtou(unsigned(arg), 10, 0n, ULLONG_MAX, BUSYBOX_SIZE_SUFFIXES));
          return {
            kind: "test",
            test: (v) => {
              const s = BigInt(v.st.size);
              return sign === "+" ? s > size : sign === "-" ? s < size : s === size;
            },
          };
        }
        const m = /^([+-]?)(\d+)([bcwkMG]?)$/.exec(arg);
        if (m === null) throw new FindError(`invalid -size type \`${arg.replace(/^[+-]?\d*/, "")}'`);
        const unit = SIZE_UNITS[m[3] || "b"]!;
        const cmp = numericTest(`${m[1]}${m[2]}`, word);
        // Sizes are rounded up to whole units before comparing.
        return { kind: "test", test: (v) => cmp(Math.ceil(v.st.size / unit)) };
      }
      case "-inum":
      case "-links": {
        const arg = next(word);
        if (bb && word === "-inum") {
          const ino = xatoul(arg);
          return { kind: "test", test: (v) => BigInt(v.st.ino) === ino };
        }
        if (bb) {
          // An int, compared with the unsigned link count.
          const sign = arg[0];
          const links = BigInt.asUintN(64, BigInt.asIntN(32, xatoul(unsigned(arg))));
          return {
            kind: "test",
            test: (v) => {
              const n = BigInt(v.st.nlink);
              return sign === "+" ? n > links : sign === "-" ? n < links : n === links;
            },
          };
        }
        const cmp = numericTest(arg, word);
        return { kind: "test", test: (v) => cmp(word === "-inum" ? v.st.ino : v.st.nlink) };
      }
      case "-user":
      case "-group": {
        const u = next(word);
        if (bb) {
          // A number (bb_strtou), else a name from /etc/passwd or /etc/group.
          const user = word === "-user";
          const numeric = /^[0-9]+$/.test(u) && BigInt(u) <= UINT_MAX;
          const id = numeric ? Number(u) : user ? userByName(ctx.fs, u)?.uid : groupByName(ctx.fs, u)?.gid;
          if (id === undefined) throw new FindError(`unknown ${user ? "user" : "group"} ${u}`);
          return { kind: "test", test: (v) => (user ? v.st.uid : v.st.gid) === id };
        }
        return { kind: "test", test: (v) => userName(ctx.fs, v.st.uid) === u || String(v.st.uid) === u };
      }
      case "-perm": {
        const arg = next(word);
        if (bb) {
          const kind = arg[0];
          const spec = kind === "/" ? arg.slice(1) : unsigned(arg);
          const mask = busyboxMode(spec, ctx.umask);
          if (mask === undefined) throw new FindError(`invalid mode '${spec}'`);
          if (kind === "+" || kind === "/") return { kind: "test", test: (v) => (v.st.mode & mask) !== 0 };
          if (kind === "-") return { kind: "test", test: (v) => (v.st.mode & mask) === mask };
          return { kind: "test", test: (v) => (v.st.mode & 0o7777) === mask };
        }
        const m = /^([-/]?)([0-7]+)$/.exec(arg);
        if (m === null) throw new FindError(`invalid mode '${arg}'`);
        const mode = parseInt(m[2]!, 8);
        if (m[1] === "-") return { kind: "test", test: (v) => (v.st.mode & mode) === mode };
        if (m[1] === "/") return { kind: "test", test: (v) => mode === 0 || (v.st.mode & mode) !== 0 };
        return { kind: "test", test: (v) => (v.st.mode & 0o7777) === mode };
      }
      case "-true":
        return TRUE;
      case "-false":
        return { kind: "test", test: () => false };
      case "-maxdepth":
      case "-mindepth": {
        const n = next(word);
        let depth: number;
        if (bb) depth = Number(xstrtou(n, 10, 0n, 2147483647n, undefined, UINT_MAX));
        else if (!/^\d+$/.test(n)) throw new FindError(`Expected a positive decimal integer argument to ${word}, but got '${n}'`);
        else depth = Number(n);
        if (word === "-maxdepth") maxDepth = depth;
        else minDepth = depth;
        return undefined;
      }
      case "-depth":
        depthFirst = true;
        return undefined;
      case "-follow":
        follow = "always";
        return undefined;
      case "-xdev":
        xdev = true;
        return undefined;
      case "-quit":
        // Busybox leaves the implied -print on: the applet exits before it would print.
        if (!bb) hasAction = true;
        return {
          kind: "action",
          run: function* () {
            if (bb) throw new Quit();
            quitting = true;
            return true;
          },
        };
      case "-print":
      case "-print0": {
        hasAction = true;
        const end = word === "-print" ? "\n" : "\0";
        return {
          kind: "action",
          run: function* (v) {
            out(v.path + end);
            return true;
          },
        };
      }
      case "-delete":
        hasAction = true;
        depthFirst = true;
        return {
          kind: "action",
          run: function* (v) {
            if (v.path === ".") return true;
            try {
              if (v.st.type === "dir") ctx.fs.rmdir(ctx.resolve(v.path));
              else ctx.fs.unlink(ctx.resolve(v.path));
              return true;
            } catch (e) {
              if (!(e instanceof FsError)) throw e;
              // Busybox says so and carries on: the action still succeeds, the status stays.
              if (bb) {
                ctx.stderr.write(`find: ${v.path}: ${describeError(e)}\n`);
                return true;
              }
              ctx.stderr.write(`find: cannot delete '${v.path}': ${describeError(e)}\n`);
              status = 1;
              return false;
            }
          },
        };
      case "-prune":
        return { kind: "action", prunes: true, run: function* () { return true; } };
      case "-exec": {
        const words: string[] = [];
        for (;;) {
          const w = i < limit ? argv[i++] : undefined;
          if (w === undefined) throw new FindError(bb ? "-exec requires an argument" : "missing argument to `-exec'");
          if (bb && (w === ";" || w === "+")) {
            if (words.length === 0) throw new FindError("-exec requires an argument");
            if (w === ";") return exec(words, true, -1);
            // Exactly one `{}` in all the words; the word holding it becomes the paths.
            const counts = words.map((x) => x.split("{}").length - 1);
            if (counts.reduce((a, b) => a + b, 0) !== 1) throw new FindError("only one '{}' allowed for -exec +");
            return exec(words, false, counts.indexOf(1));
          }
          if (!bb && w === ";") return exec(words, true, -1);
          if (!bb && w === "+" && words[words.length - 1] === "{}") return exec(words, false, words.length - 1);
          words.push(w);
        }
      }
      default:
        return unknown(word);
    }
  };

  // GNU's grammar: `-o` binds loosest, then `-a` (or nothing), then `!` and parentheses.
  // `after` is the operator or parenthesis the expression follows, for what a missing one says.
  const gnuPrimary = (after: string | undefined): Node => {
    const word = argv[i++];
    if (word === undefined) {
      if (after === "(") throw new FindError("invalid expression; expected to find a ')' but didn't see one. Perhaps you need an extra predicate after '('");
      throw new FindError(`expected an expression after '${after}'`);
    }
    if (word === "-o" || word === "-or" || word === "-a" || word === "-and") {
      throw new FindError(`invalid expression; you have used a binary operator '${word}' with nothing before it.`);
    }
    if (word === ")" && after !== undefined) {
      throw new FindError(after === "(" ? "invalid expression; empty parentheses are not allowed." : `expected an expression between '${after}' and ')'`);
    }
    if (word === "(") {
      const e = orExpr("(");
      if (argv[i++] !== ")") throw new FindError("invalid expression; I was expecting to find a ')' somewhere but did not see one.");
      return e;
    }
    if (word === "!" || word === "-not") return { kind: "not", inner: gnuPrimary(word) };
    return primary(word) ?? TRUE;
  };
  const andExpr = (after: string | undefined): Node => {
    let left = gnuPrimary(after);
    while (i < argv.length && argv[i] !== "-o" && argv[i] !== "-or" && argv[i] !== ")") {
      const op = argv[i] === "-a" || argv[i] === "-and" ? argv[i++] : undefined;
      left = { kind: "and", left, right: gnuPrimary(op) };
    }
    return left;
  };
  const orExpr = (after: string | undefined): Node => {
    let left = andExpr(after);
    while (argv[i] === "-o" || argv[i] === "-or") {
      const op = argv[i++];
      left = { kind: "or", left, right: andExpr(op) };
    }
    return left;
  };

  /**
   * Busybox's parse_params over the words up to `end`: groups of actions ANDed, the groups
   * ORed (`-o` starts the next); `!` inverts the next action, `( … )` is one action made of the
   * words up to its matching `)`.
   */
  const busyboxExpression = (end: number, topLevel: boolean): Node => {
    const groups: Node[][] = [[]];
    let invert = false;
    while (i < end) {
      const word = argv[i]!;
      if (word === "-a" || word === "-and") {
        i++;
        continue;
      }
      if (word === "-o" || word === "-or") {
        i++;
        groups.push([]);
        continue;
      }
      if (word === "!" || word === "-not") {
        i++;
        invert = !invert;
        continue;
      }
      let node: Node | undefined;
      if (word === "(") {
        let close = i;
        for (let nested = 1; ; ) {
          if (++close >= end) throw new FindError("unpaired '('");
          if (argv[close] === "(") nested++;
          else if (argv[close] === ")" && --nested === 0) break;
        }
        i++;
        const outer = limit;
        limit = close;
        node = busyboxExpression(close, false);
        limit = outer;
        i = close + 1;
      } else {
        i++;
        node = primary(word);
        if (node === undefined) continue;
        if (node.kind === "action" && node.batch !== undefined) {
          node.batch.topLevel = topLevel;
          node.batch.inverted = invert;
        }
      }
      groups[groups.length - 1]!.push(invert ? { kind: "not", inner: node } : node);
      invert = false;
    }
    // The groups are a NULL-terminated list, so an empty one ends it: the groups before it
    // decide, and when there are none everything matches.
    let expr: Node | undefined;
    for (const group of groups) {
      if (group.length === 0) break;
      const all = group.reduce((left, right): Node => ({ kind: "and", left, right }));
      expr = expr === undefined ? all : { kind: "or", left: expr, right: all };
    }
    return expr ?? TRUE;
  };

  let expr: Node = TRUE;
  try {
    if (bb) expr = busyboxExpression(argv.length, true);
    else if (i < argv.length) {
      expr = orExpr(undefined);
      if (i < argv.length) throw new FindError(argv[i] === ")" ? "invalid expression; you have too many ')'" : `paths must precede expression: \`${argv[i]}'`);
    }
  } catch (e) {
    if (e instanceof Unrecognized) {
      ctx.stderr.write(`find: unrecognized: ${e.message}\n`);
      return busyboxUsage(ctx, "find", 1);
    }
    if (!(e instanceof FindError) && !(e instanceof BusyboxDie)) throw e;
    ctx.stderr.write(`find: ${e.message}\n`);
    return 1;
  }
  const printAll = !hasAction;

  let pruned = false;
  function* evaluate(n: Node, v: Visit): Proc<boolean> {
    switch (n.kind) {
      case "and":
        return (yield* evaluate(n.left, v)) && (yield* evaluate(n.right, v));
      case "or":
        return (yield* evaluate(n.left, v)) || (yield* evaluate(n.right, v));
      case "not":
        return !(yield* evaluate(n.inner, v));
      case "test":
        return n.test(v);
      case "action":
        if (n.prunes) pruned = true;
        return yield* n.run(v);
    }
  }

  /** Busybox -xdev: the filesystems of the starting points (stat(), so through links). */
  const mounts = ctx.fs.mountTable?.() ?? [];
  const deviceOf = (path: string): string | undefined => {
    const real = canonicalize(ctx, path, "e");
    if (real === undefined) return undefined;
    return mounts.length === 0 ? "" : mountOf(mounts, real).device.id;
  };
  const devices = new Set<string>();
  if (bb && xdev) {
    for (const root of roots.length > 0 ? roots : ["."]) {
      const d = deviceOf(root);
      if (d !== undefined) devices.add(d);
    }
  }

  /** lstat, or stat where links are followed; busybox keeps a dangling link when following. */
  const statOf = (path: string, depth: number): FileStat => {
    const abs = ctx.resolve(path);
    if (!bb) return follow !== "never" ? ctx.fs.stat(abs) : ctx.fs.lstat(abs);
    if (path === "") throw new FsError("ENOENT", path);
    // A trailing slash looks through a link and wants a directory.
    if (/[^/]\/+$/.test(path)) {
      const st = ctx.fs.stat(abs);
      if (st.type !== "dir") throw new FsError("ENOTDIR", path);
      return st;
    }
    if (follow === "always" || (follow === "roots" && depth === 0)) {
      try {
        return ctx.fs.stat(abs);
      } catch (e) {
        if (!(e instanceof FsError) || e.code !== "ENOENT") throw e;
        try {
          return ctx.fs.lstat(abs);
        } catch {
          throw e;
        }
      }
    }
    return ctx.fs.lstat(abs);
  };
  const complain = (path: string, e: FsError) => {
    ctx.stderr.write(bb ? `find: ${path}: ${describeError(e)}\n` : `find: '${path}': ${describeError(e)}\n`);
    status = 1;
  };

  function* visit(path: string, name: string, depth: number): Proc<void> {
    let st: FileStat;
    try {
      st = statOf(path, depth);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      complain(path, e);
      return;
    }
    const v: Visit = { path, name, st, depth };
    const isDir = st.type === "dir";
    const sameFs = !bb || !xdev || !isDir || devices.has(deviceOf(path) ?? "\0");
    /** Acts on the file if its depth is in range; whether to descend into it (before -depth). */
    const check = function* (): Proc<boolean> {
      pruned = false;
      // Busybox keeps descending above -mindepth whatever -maxdepth says.
      if (depth < minDepth) return bb ? sameFs : depth < maxDepth;
      if (depth > maxDepth) return false;
      if ((yield* evaluate(expr, v)) && printAll) out(`${path}\n`);
      return !pruned && depth < maxDepth && sameFs;
    };
    // Under -depth busybox descends first and decides nothing before it.
    let descend = isDir && (bb || depth < maxDepth);
    if (!depthFirst) descend = (yield* check()) && isDir;
    if (quitting) return;
    if (descend) {
      let names: string[] = [];
      try {
        names = ctx.fs.readdir(ctx.resolve(path));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        complain(path, e);
        // Busybox does not act on a directory it could not read under -depth.
        if (bb) return;
      }
      for (const child of names) {
        if (quitting) return;
        yield* visit(path.endsWith("/") ? path + child : `${path}/${child}`, child, depth + 1);
      }
    }
    if (depthFirst) yield* check();
  }

  try {
    for (const root of roots.length > 0 ? roots : ["."]) {
      const trimmed = root.replace(/\/+$/, "");
      // Busybox names `/`, `//`… "/" for -name.
      const name = root === "/" || (bb && root !== "" && trimmed === "") ? "/" : trimmed.slice(trimmed.lastIndexOf("/") + 1);
      if (quitting) break;
      yield* visit(root, name, 0);
    }
    for (const b of batches) {
      if (b.paths.length === 0 || (bb && !b.topLevel)) continue;
      const ok = yield* runBatch(b);
      // Busybox stops at the first batch that fails (or, under `!`, succeeds).
      if (bb && ok === b.inverted) {
        status = 1;
        break;
      }
      if (!bb && !ok) status = 1;
    }
  } catch (e) {
    if (e instanceof Quit) return status;
    throw e;
  }
  return status;
}
