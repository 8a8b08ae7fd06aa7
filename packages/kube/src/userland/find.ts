import { FsError, type Proc } from "@ksim/sim";
import type { FileStat } from "../runtime/fs.js";
import { SpawnError, type ProcessContext } from "../runtime/process.js";
import { matchPattern } from "../shell/pattern.js";
import { describeError } from "./common.js";
import { parseDateTime } from "./datetime.js";
import { userName } from "./users.js";

/**
 * find (GNU findutils 4.8, busybox's applet): walks each starting point in directory order and
 * evaluates an expression of tests and actions — `!`, `-a` (or juxtaposition), `-o`, parentheses —
 * with -print implied when the expression has no action. Options -maxdepth, -mindepth, -depth
 * and -follow apply wherever they appear.
 */

interface Visit {
  /** The path as find prints it (the starting point's text, then `/name`...). */
  readonly path: string;
  readonly name: string;
  readonly st: FileStat;
  readonly depth: number;
}

type Node =
  | { readonly kind: "and" | "or"; readonly left: Node; readonly right: Node }
  | { readonly kind: "not"; readonly inner: Node }
  | { readonly kind: "test"; readonly test: (v: Visit) => boolean }
  | { readonly kind: "action"; readonly run: (v: Visit) => Proc<boolean>; readonly prunes?: boolean };

class FindError extends Error {}

const DAY_MS = 86_400_000;

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

export function* findProgram(ctx: ProcessContext): Proc<number> {
  const argv = ctx.argv.slice(1);
  let i = 0;
  const roots: string[] = [];
  while (i < argv.length && !argv[i]!.startsWith("-") && argv[i] !== "!" && argv[i] !== "(") roots.push(argv[i++]!);
  let maxDepth = Number.POSITIVE_INFINITY;
  let minDepth = 0;
  let depthFirst = false;
  /** -follow: symbolic links are looked through (stat instead of lstat). */
  let follow = false;
  /** Set by -quit: nothing more is visited, though `-exec … +` batches still run. */
  let quitting = false;
  let hasAction = false;
  let status = 0;
  const nowMs = ctx.sim.epochMs();
  const out = (s: string) => ctx.stdout.write(s);

  const batches: { words: string[]; paths: string[] }[] = [];
  const exec = (words: string[], each: boolean): Node => {
    hasAction = true;
    if (each) {
      return {
        kind: "action",
        run: function* (v) {
          const command = words.map((w) => w.split("{}").join(v.path));
          try {
            return (yield* ctx.run(command)) === 0;
          } catch (e) {
            if (!(e instanceof SpawnError)) throw e;
            ctx.stderr.write(`find: '${command[0]}': No such file or directory\n`);
            status = 1;
            return false;
          }
        },
      };
    }
    // `-exec cmd {} +` gathers the paths and runs once at the end (below).
    const batch: string[] = [];
    batches.push({ words, paths: batch });
    return {
      kind: "action",
      run: function* (v) {
        batch.push(v.path);
        return true;
      },
    };
  };
  const next = (predicate: string): string => {
    const a = argv[i++];
    if (a === undefined) throw new FindError(`missing argument to \`${predicate}'`);
    return a;
  };

  const primary = (): Node => {
    const word = argv[i++]!;
    switch (word) {
      case "(": {
        const e = orExpr();
        if (argv[i++] !== ")") throw new FindError("invalid expression; I was expecting to find a ')' somewhere but did not see one.");
        return e;
      }
      case "!":
      case "-not":
        return { kind: "not", inner: primary() };
      case "-name":
      case "-iname": {
        const p = next(word);
        const ci = word === "-iname";
        return { kind: "test", test: (v) => (ci ? matchPattern(p.toLowerCase(), v.name.toLowerCase()) : matchPattern(p, v.name)) };
      }
      case "-path":
      case "-wholename": {
        const p = next(word);
        return { kind: "test", test: (v) => matchPattern(p, v.path) };
      }
      case "-type": {
        const t = next(word);
        const types = t.split(",");
        for (const x of types) if (!"fdlbcps".includes(x) || x.length !== 1) throw new FindError(`Unknown argument to -type: ${x}`);
        return { kind: "test", test: (v) => types.includes(v.st.type === "dir" ? "d" : v.st.type === "symlink" ? "l" : v.st.type === "chardev" ? "c" : "f") };
      }
      case "-empty":
        return { kind: "test", test: (v) => (v.st.type === "dir" ? ctx.fs.readdir(ctx.resolve(v.path)).length === 0 : v.st.type === "file" && v.st.size === 0) };
      case "-mtime":
      case "-mmin":
      case "-atime":
      case "-amin":
      case "-ctime":
      case "-cmin": {
        const unit = word.endsWith("time") ? DAY_MS : 60_000;
        const cmp = numericTest(next(word), word);
        const time = TIMES[word[1]!]!;
        // Age in whole units, rounded down (find's -mtime n means n*24h <= age < (n+1)*24h).
        return { kind: "test", test: (v) => cmp(Math.floor((nowMs - v.st[time]) / unit)) };
      }
      case "-newer": {
        const ref = next(word);
        let refMs: number;
        try {
          refMs = ctx.fs.stat(ctx.resolve(ref)).mtimeMs;
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          throw new FindError(`'${ref}': ${describeError(e)}`);
        }
        return { kind: "test", test: (v) => v.st.mtimeMs > refMs };
      }
      case "-size": {
        const arg = next(word);
        const m = /^([+-]?)(\d+)([bcwkMG]?)$/.exec(arg);
        if (m === null) throw new FindError(`invalid -size type \`${arg.replace(/^[+-]?\d*/, "")}'`);
        const unit = SIZE_UNITS[m[3] || "b"]!;
        const cmp = numericTest(`${m[1]}${m[2]}`, word);
        // Sizes are rounded up to whole units before comparing.
        return { kind: "test", test: (v) => cmp(Math.ceil(v.st.size / unit)) };
      }
      case "-inum":
      case "-links": {
        const cmp = numericTest(next(word), word);
        return { kind: "test", test: (v) => cmp(word === "-inum" ? v.st.ino : v.st.nlink) };
      }
      case "-user": {
        const u = next(word);
        return { kind: "test", test: (v) => userName(ctx.fs, v.st.uid) === u || String(v.st.uid) === u };
      }
      case "-perm": {
        const arg = next(word);
        const m = /^([-/]?)([0-7]+)$/.exec(arg);
        if (m === null) throw new FindError(`invalid mode '${arg}'`);
        const mode = parseInt(m[2]!, 8);
        if (m[1] === "-") return { kind: "test", test: (v) => (v.st.mode & mode) === mode };
        if (m[1] === "/") return { kind: "test", test: (v) => mode === 0 || (v.st.mode & mode) !== 0 };
        return { kind: "test", test: (v) => (v.st.mode & 0o7777) === mode };
      }
      case "-true":
        return { kind: "test", test: () => true };
      case "-false":
        return { kind: "test", test: () => false };
      case "-maxdepth":
      case "-mindepth": {
        const n = next(word);
        if (!/^\d+$/.test(n)) throw new FindError(`Expected a positive decimal integer argument to ${word}, but got '${n}'`);
        if (word === "-maxdepth") maxDepth = Number(n);
        else minDepth = Number(n);
        return { kind: "test", test: () => true };
      }
      case "-depth":
        depthFirst = true;
        return { kind: "test", test: () => true };
      case "-follow":
        follow = true;
        return { kind: "test", test: () => true };
      case "-quit":
        hasAction = true;
        return {
          kind: "action",
          run: function* () {
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
          const w = argv[i++];
          if (w === undefined) throw new FindError("missing argument to `-exec'");
          if (w === ";") return exec(words, true);
          if (w === "+" && words[words.length - 1] === "{}") return exec(words.slice(0, -1), false);
          words.push(w);
        }
      }
      default: {
        // -newerXY: the file's X time (a, c or m) after the reference's Y time, or after the date itself for Y = t.
        const newer = /^-newer([acm])([acmt])$/.exec(word);
        if (newer !== null) {
          const ref = next(word);
          const mine = TIMES[newer[1]!]!;
          let refMs: number | undefined;
          if (newer[2] === "t") {
            refMs = parseDateTime(ref, nowMs);
            if (refMs === undefined) throw new FindError(`I cannot figure out how to interpret \`${ref}' as a date or time`);
          } else {
            try {
              refMs = ctx.fs.stat(ctx.resolve(ref))[TIMES[newer[2]!]!];
            } catch (e) {
              if (!(e instanceof FsError)) throw e;
              throw new FindError(`'${ref}': ${describeError(e)}`);
            }
          }
          const after = refMs;
          return { kind: "test", test: (v) => v.st[mine] > after };
        }
        if (word.startsWith("-")) throw new FindError(`unknown predicate \`${word}'`);
        throw new FindError(`paths must precede expression: \`${word}'`);
      }
    }
  };

  const andExpr = (): Node => {
    let left = primary();
    while (i < argv.length && argv[i] !== "-o" && argv[i] !== "-or" && argv[i] !== ")") {
      if (argv[i] === "-a" || argv[i] === "-and") i++;
      left = { kind: "and", left, right: primary() };
    }
    return left;
  };
  const orExpr = (): Node => {
    let left = andExpr();
    while (argv[i] === "-o" || argv[i] === "-or") {
      i++;
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  };

  let expr: Node = { kind: "test", test: () => true };
  try {
    if (i < argv.length) {
      expr = orExpr();
      if (i < argv.length) throw new FindError(argv[i] === ")" ? "invalid expression; you have too many ')'" : `paths must precede expression: \`${argv[i]}'`);
    }
  } catch (e) {
    if (!(e instanceof FindError)) throw e;
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

  function* visit(path: string, name: string, depth: number): Proc<void> {
    let st: FileStat;
    try {
      st = follow ? ctx.fs.stat(ctx.resolve(path)) : ctx.fs.lstat(ctx.resolve(path));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      ctx.stderr.write(`find: '${path}': ${describeError(e)}\n`);
      status = 1;
      return;
    }
    const v: Visit = { path, name, st, depth };
    const check = function* (): Proc<void> {
      if (depth < minDepth) return;
      if ((yield* evaluate(expr, v)) && printAll) out(`${path}\n`);
    };
    pruned = false;
    if (!depthFirst) yield* check();
    if (quitting) return;
    if (st.type === "dir" && depth < maxDepth && !pruned) {
      let names: string[] = [];
      try {
        names = ctx.fs.readdir(ctx.resolve(path));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        ctx.stderr.write(`find: '${path}': ${describeError(e)}\n`);
        status = 1;
      }
      for (const child of names) {
        if (quitting) return;
        yield* visit(path.endsWith("/") ? path + child : `${path}/${child}`, child, depth + 1);
      }
    }
    if (depthFirst) yield* check();
  }

  for (const root of roots.length > 0 ? roots : ["."]) {
    const name = root === "/" ? "/" : root.replace(/\/+$/, "").slice(root.replace(/\/+$/, "").lastIndexOf("/") + 1);
    if (quitting) break;
    yield* visit(root, name, 0);
  }
  for (const b of batches) {
    if (b.paths.length === 0) continue;
    try {
      if ((yield* ctx.run([...b.words, ...b.paths])) !== 0) status = 1;
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      ctx.stderr.write(`find: '${b.words[0]}': No such file or directory\n`);
      status = 1;
    }
  }
  return status;
}
