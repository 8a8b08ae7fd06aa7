import { FsError, Future, race, sleep, wait, type Proc, type Waitable } from "@ksim/sim";
import { copyMap } from "../runtime/copy-map.js";
import { freezeEnvironment } from "../runtime/environment.js";
import { resolvePath } from "../runtime/fs.js";
import { SIGNALS, SpawnError, defaultAction, describeSignal, isEnvironmentIoError, isFileTooLarge, parseSignal, signalOfNumber, type ChildProcess, type ProcessContext, type Signal } from "../runtime/process.js";
import { checkSetrlimit, type Limit, type Resource, type Rlimits } from "../runtime/rlimits.js";
import { CommandHash } from "./command-hash.js";
import { commandText } from "./print-command.js";
import { deviceStream, openDeviceForReading } from "../runtime/dev.js";
import { devNull, Pipe, pipeBehind, StringSink, stringInput, unclosable, type InputStream, type OutputStream } from "../runtime/streams.js";
import { homeDirectory, passwdEntries, userName } from "../userland/users.js";
import { ArithError, evaluateArith, type ArithVariables } from "./arith.js";
import { AssocArray } from "./assoc.js";
import type { Assignment, Command, CommandList, CompoundCommand, CondExpr, ListItem, Pipeline, Redirect, SimpleCommand, AndOr, Word } from "./ast.js";
import { BUILTINS, SPECIAL_BUILTINS } from "./builtins.js";
import { complete, type Completion } from "./completion.js";
import { CowMap } from "./cow-map.js";
import { Expander } from "./expand.js";
import { FileOutput, Job, LineReader } from "./io.js";
import { ashJobNotice, bashJobNotice, type EndedProcess } from "./job-notices.js";
import { bashVersion, DEFAULT_BASH, machType, type BashBuild } from "./bash-builds.js";
import { Messages, type Flavor, type InputMode } from "./messages.js";
import { FLAG_ORDER, SET_OPTIONS, setOptionByLetter, setOptionByName, startingOptionState, type SetOption } from "./set-options.js";
import { shoptNames, startingShopts, type Shopts } from "./shopt.js";
import { makeWord, Parser, ShellSyntaxError, type AliasTable, type ParserOptions } from "./parser.js";
import { matchPattern } from "./pattern.js";
import { evaluateTest, type TestEnvironment } from "./test-expr.js";
import { xtraceQuote } from "./text-format.js";
import { BASH_TIME_FORMAT, POSIX_TIME_FORMAT, timeReport } from "./time-report.js";
import { scalarOf, Variables, type Variable } from "./variables.js";

/**
 * The shell interpreter: variables, functions, options, file descriptors and jobs, and the
 * execution of parsed commands. Subshells, pipeline stages and background lists run on forks of
 * this state inside the same process, as coroutines; external commands are real child processes.
 */

export interface ShellFlags {
  errexit: boolean;
  nounset: boolean;
  xtrace: boolean;
  pipefail: boolean;
  noglob: boolean;
  allexport: boolean;
  verbose: boolean;
  noexec: boolean;
  /** set -C: `>` does not truncate an existing regular file (`>|` does). */
  noclobber: boolean;
}

export type Stream = InputStream | OutputStream;
export type Fds = Map<number, Stream>;
const NO_EXTRA_FDS: ReadonlyMap<number, Stream> = new Map();
const NO_SHOPTS: Shopts = Object.freeze({});
const NO_ALIASES: ReadonlyMap<string, string> = new Map();

/** The file of a `$(< file)`: a lone command that is nothing but one `<` redirection. */
function fileSubstitution(body: CommandList): Word | undefined {
  if (body.length !== 1 || body[0]!.background || body[0]!.andOr.rest.length > 0) return undefined;
  const cmd = plainCommand(body[0]!.andOr.first);
  if (cmd?.type !== "simple" || cmd.words.length > 0 || cmd.assignments.length > 0 || cmd.redirects.length !== 1) return undefined;
  const r = cmd.redirects[0]!;
  return r.op === "<" && (r.fd === undefined || r.fd === 0) ? r.target : undefined;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Control flow that unwinds the interpreter's generators. */
/** A command as parsed, with the here-document it left unterminated (bash warns when it runs). */
interface ParsedCommand {
  /** Where in the program's text it begins. */
  readonly start: number;
  readonly list: CommandList;
  readonly heredoc: { readonly line: number; readonly delimiter: string } | undefined;
  /** The parser's line once it had read this command. */
  readonly endLine: number;
  /** The line its text ends on (bash's line_number while it runs, for its job notices). */
  readonly lastLine: number;
  /** Nothing but blank lines and comments follows it. */
  readonly last: boolean;
}

/**
 * A program parsed as far as any run of it has needed: shells parse a command, run it, then
 * parse the next, so a script that exits early (a probe's `exit 0`) never reaches its end.
 */
interface ParsedProgram {
  readonly commands: ParsedCommand[];
  /** Reads the commands no run has reached yet; undefined once the text is parsed to the end. */
  parser: Parser | undefined;
  endLine: number;
  /**
   * Read with a shell's own state (its aliases, bash's extglob): its own, never cached (each
   * command is read with the aliases and options of the moment).
   */
  readonly ownParse?: boolean;
  /** Where `parser`'s text begins in the program's text. */
  readonly base?: number;
}

/**
 * Programs parsed before, by text, then flavour and first line: probes run the same scripts every
 * few seconds in every pod. Parsing depends on nothing else and parse trees are immutable. The
 * text is a key of its own, not part of a longer one, so a lookup hashes it without copying it.
 */
const PARSED = new Map<string, Map<string, ParsedProgram>>();
let parsedCount = 0;

function parsedProgram(source: string, flavor: Flavor, firstLine: number): ParsedProgram {
  const start = startKey(flavor, firstLine);
  let program = PARSED.get(source)?.get(start);
  if (program === undefined) {
    if (parsedCount >= 2048) {
      PARSED.clear();
      parsedCount = 0;
    }
    let byStart = PARSED.get(source);
    if (byStart === undefined) PARSED.set(source, (byStart = new Map()));
    byStart.set(start, (program = { commands: [], parser: new Parser(source, parserOptions(flavor, firstLine)), endLine: 0 }));
    parsedCount++;
  }
  return program;
}

/** How each shell reads: bash's grammar, or the POSIX one with busybox ash's bash compatibility. */
function parserOptions(flavor: Flavor, firstLine?: number): ParserOptions {
  return { bash: flavor === "bash", ashBashCompat: flavor === "ash", ...(firstLine !== undefined ? { firstLine } : {}) };
}

/** The next run parses again from the start (and stops at the same error). */
function forgetParsed(source: string, flavor: Flavor, firstLine: number): void {
  PARSED.get(source)?.delete(startKey(flavor, firstLine));
}

function startKey(flavor: Flavor, firstLine: number): string {
  return `${flavor}${firstLine}`;
}

/** The command a `-c` string ends with when it is one plain simple command (no `!`, `&`, pipe or `&&`). */
function lastSimpleCommand(list: CommandList): SimpleCommand | undefined {
  const item = list[list.length - 1];
  if (item === undefined || item.background || item.andOr.rest.length > 0) return undefined;
  const cmd = plainCommand(item.andOr.first);
  return cmd?.type === "simple" ? cmd : undefined;
}

/**
 * ash's EV_EXIT: the simple commands a `-c` string may end with, followed through the last
 * `&&`/`||` operand and the bodies of `if`, `case` and `{ }` (none of them with redirections, which
 * must be undone afterwards); not into loops, functions, `!`, pipelines or background jobs.
 */
function tailCommands(list: CommandList, out: SimpleCommand[]): SimpleCommand[] {
  const item = list[list.length - 1];
  if (item === undefined || item.background) return out;
  const cmd = plainCommand(item.andOr.rest.length > 0 ? item.andOr.rest[item.andOr.rest.length - 1]!.pipeline : item.andOr.first);
  if (cmd === undefined || cmd.type === "function") return out;
  if (cmd.type === "simple") out.push(cmd);
  else if (cmd.redirects.length > 0) return out;
  else if (cmd.type === "group") tailCommands(cmd.body, out);
  else if (cmd.type === "if") {
    for (const c of cmd.clauses) tailCommands(c.body, out);
    if (cmd.elseBody !== undefined) tailCommands(cmd.elseBody, out);
  } else if (cmd.type === "case") {
    // A body that falls through (`;&`) is followed by the next one.
    for (const c of cmd.items) if (c.terminator === ";;") tailCommands(c.body, out);
  }
  return out;
}

/** The commands that may run in the shell's place at the end of a `-c` string (bash 5.1+ and busybox ash; Debian's dash never). */
function inPlaceCommands(flavor: Flavor, list: CommandList): readonly SimpleCommand[] {
  if (flavor === "ash") return tailCommands(list, []);
  const last = flavor === "bash" ? lastSimpleCommand(list) : undefined;
  return last === undefined ? [] : [last];
}

/** A pipeline's command when it is one command alone: no pipe, no `!`, no `time`. */
function plainCommand(p: Pipeline): Command | undefined {
  return p.commands.length === 1 && !p.negate && p.timed === undefined ? p.commands[0] : undefined;
}

export class BreakSignal {
  constructor(public levels: number) {}
}
export class ContinueSignal {
  constructor(public levels: number) {}
}
export class ReturnSignal {
  constructor(readonly status: number) {}
}
/** What a read of a device under `<` takes at a time: a pipe's worth, as a reader's buffer would. */
const PIPE_BUFFER_BYTES = 64 * 1024;

export class ExitSignal {
  constructor(readonly status: number) {}
}
/**
 * A stream as it will serve descriptor `fd`: a file becoming standard error stops failing its
 * writes, since programs carry on when their diagnostics cannot be written.
 */
function asFd(fd: number, s: Stream): Stream {
  return fd === 2 && s instanceof FileOutput ? s.asDiagnostics() : s;
}

/** print_select_list: "N) item" in rows and columns, column-major, tabs between as bash indents. */
function selectMenu(items: readonly string[], columns: number): string {
  const digits = (n: number) => String(n).length;
  const indicesLen = digits(items.length);
  const maxElemLen = Math.max(...items.map((i) => i.length)) + indicesLen + 2 + 2;
  let cols = Math.max(1, Math.floor(columns / maxElemLen));
  let rows = Math.ceil(items.length / cols);
  cols = Math.ceil(items.length / rows);
  if (rows === 1) {
    rows = cols;
    cols = 1;
  }
  let out = "";
  for (let row = 0; row < rows; row++) {
    let pos = 0;
    for (let ind = row; ; ind += rows) {
      const width = pos === 0 ? digits(rows) : indicesLen;
      out += `${String(ind + 1).padStart(width)}) ${items[ind]!}`;
      if (ind + rows >= items.length) break;
      // indent(): tabs while a tab stop lies before the next column, then blanks.
      let from = pos + items[ind]!.length + width + 2;
      const to = pos + maxElemLen;
      while (from < to) {
        if (Math.floor(to / 8) > Math.floor(from / 8)) {
          out += "\t";
          from += 8 - (from % 8);
        } else {
          out += " ";
          from++;
        }
      }
      pos += maxElemLen;
    }
    out += "\n";
  }
  return out;
}

/** The PATH a shell sets when the environment has none: dash's defpathvar, bash's DEFAULT_PATH_VALUE, busybox ash's. */
const DEFAULT_PATH: Readonly<Record<Flavor, string>> = {
  dash: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  bash: "/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.",
  ash: "/usr/local/bin:/usr/bin:/sbin:/bin",
};

function isNameref(v: Variable): boolean {
  return v.attrs !== undefined && v.attrs.includes("n");
}

/** `name[subscript]`, as `unset`, `read` and `printf -v` take it. */
const SUBSCRIPTED = /^([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]$/s;

/** An item of `name=(...)`: `[key]=value`, `[key]+=value`, or a value alone. */
export interface CompoundItem {
  readonly key?: string;
  readonly append?: boolean;
  readonly value: string;
}

/** declare -l and -u: the C locale changes the case of ASCII letters only. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** An error that abandons the current command line (and exits a non-interactive shell if fatal). */
export class ShellAbort {
  constructor(
    readonly status: number,
    readonly fatal: boolean,
  ) {}
}

/** An untrapped SIGINT reached an interactive shell: the rest of the command line is abandoned. */
class Interrupted {}

export interface ShellConfig {
  readonly flavor: Flavor;
  readonly mode: InputMode;
  /** bash's build, when the flavour is bash (Debian 12's unless told). */
  readonly bash?: BashBuild;
  /** It reads its commands from stdin interactively (a terminal, or -i): it prompts for them. */
  readonly prompts?: boolean;
  /** `$0`, also the name in error messages. */
  readonly arg0: string;
  readonly positional?: readonly string[];
  readonly onTopLevelCommand?: (source: string) => void;
  /** The script file it runs, as named (the bottom of bash's BASH_SOURCE). */
  readonly script?: string;
  /** A login shell (`bash -l`). */
  readonly login?: boolean;
}

/** State every fork shares: the process, the jobs to stop when the shell exits. */
interface Shared {
  readonly ctx: ProcessContext;
  readonly flavor: Flavor;
  readonly jobs: Set<Job>;
  readonly onTopLevelCommand: ((source: string) => void) | undefined;
  nextLine: number;
}

interface CallFrame {
  readonly name: string;
  /** The line it was called from, and the file being read there. */
  readonly line: number;
  readonly file: string;
}

export interface BackgroundJob {
  readonly number: number;
  readonly pid: number;
  readonly job: Job;
  readonly shell: Shell;
  readonly source: string;
  /** True when `pid` is a real process (the job's first command). */
  readonly realPid: boolean;
  /** The one command the job runs, when it is one (its fork is that command's process). */
  readonly lone: Command | undefined;
  /** Whether the shell has said how it ended (non-interactive bash, once it has). */
  told: boolean;
}

const LOOP_ITERATIONS_PER_MS = 1000;

const INTERACTIVE_SIGNALS: ReadonlySet<Signal> = new Set(["SIGINT", "SIGQUIT", "SIGTERM"]);
const BASH_SIGNALS: ReadonlySet<Signal> = new Set(["SIGQUIT"]);
const NO_SIGNALS: ReadonlySet<Signal> = new Set();

/** A prompt escape's value protected from the expansion after decoding (`\\`, `$`, backquote). */
function quoteForPrompt(value: string): string {
  return value.replace(/[\\$`]/g, "\\$&");
}

const VERSION_VARIABLES = new Map<BashBuild, readonly [Variable, Variable]>();

/** $BASH: the shell's own file, as get_bash_name finds it (argv[0] made absolute, or looked up on PATH). */
function bashPath(ctx: ProcessContext): string {
  const name = ctx.argv[0] ?? "bash";
  if (name.includes("/")) return resolvePath(ctx.cwd, name);
  try {
    return ctx.which(name);
  } catch (e) {
    if (!(e instanceof SpawnError)) throw e;
    return name;
  }
}

/** $BASH_VERSION and the readonly $BASH_VERSINFO of a build, made once (variables never change in place). */
function versionVariables(build: BashBuild): readonly [Variable, Variable] {
  let vars = VERSION_VARIABLES.get(build);
  if (vars === undefined) {
    const versinfo = [...build.release.split("."), "1", "release", machType(build)];
    vars = [
      { value: bashVersion(build), exported: false, readonly: false },
      { value: versinfo, exported: false, readonly: true },
    ];
    VERSION_VARIABLES.set(build, vars);
  }
  return vars;
}

/** An expanded assignment: name, value (a list of items for `name=(...)`), `+=`, and `[subscript]`. */
type Assigned = readonly [string, string | readonly CompoundItem[], boolean, string?, string?];

const NO_ASSIGNMENTS: readonly Assigned[] = [];
const NO_ENV: ReadonlyMap<string, string> = new Map();
/** bash's traps that are no signals: before each command, on a failure, when a function returns. */
export const BASH_PSEUDO_SIGNALS: readonly string[] = ["DEBUG", "ERR", "RETURN"];
/** bash's read-only lists of the options that are on. */
const OPTION_LISTS = ["SHELLOPTS", "BASHOPTS"] as const;

/** bash's PIPESTATUS after one command, by its status: variables are never changed in place. */
const PIPESTATUS_OF: Variable[] = [];

/**
 * The command of an and-or list that is one command without `!` (most are): the list runs it
 * without an execPipeline generator, which costs an object of a few hundred bytes and a frame
 * every resumption passes through.
 */
function loneCommand(a: AndOr): Command | undefined {
  return a.rest.length === 0 ? plainCommand(a.first) : undefined;
}

/** A command that has nothing left to do but report its status. */
function* finished(status: number): Proc<number> {
  return status;
}

export class Shell {
  readonly ctx: ProcessContext;
  readonly flavor: Flavor;
  messages: Messages;
  readonly expander: Expander;
  vars: Variables;
  functions: CowMap<string, Command>;
  /**
   * The file each function was defined in, which is BASH_SOURCE[0] (and the name in error
   * messages) while it runs: the script or `.` file read then, else bash's "environment" for
   * `bash -c` text (and functions from the environment) or "main" for text read from stdin.
   */
  private functionFiles: CowMap<string, string>;
  positional: string[];
  arg0: string;
  /** The script and the files `.` is reading, innermost last: bash's BASH_SOURCE, reversed. */
  sourcing: readonly string[];
  /** How many files `.` is reading (`return` leaves the innermost). */
  sourceDepth = 0;
  /** When the shell process started, on the simulated clock ($SECONDS counts from it). */
  private readonly startedAtMs: number;
  /** bash's $_: the last argument of the simple command run last (undefined before the first). */
  lastArgument: string | undefined;
  /**
   * The functions being run and the files `.` is reading (as `source`), outermost first, each
   * with the line and file it was called from (bash's BASH_LINENO and `caller`).
   */
  callFrames: readonly CallFrame[] = [];
  /** Started with a script file to read (`bash script`), not commands from stdin or -c. */
  private readonly runsScriptFile: boolean;
  /** bash's `shopt` options (none for dash and ash); replaced, never changed in place, so forks share it. */
  shopts: Shopts;
  cwd: string;
  /** The umask and resource limits: the process's, or a subshell's own after it changed them. */
  umask: number;
  rlimits: Rlimits;
  options: ShellFlags;
  lastStatus = 0;
  lastBackgroundPid: number | undefined;
  fds: Fds;
  line = 1;
  /** The external command running in the foreground (killed with its job). */
  foreground: ChildProcess | undefined;
  /** The external command that ran last, while no command has started since (its status is $?). */
  private lastChild: ChildProcess | undefined;
  /**
   * A fork that is the process of the one command it runs (a pipeline stage, `cmd &`): bash and
   * dash exec the command in the forked child, so the shell that waits for the fork tells how it
   * ended, and the fork does not.
   */
  private execsCommand = false;
  /** A fork that a signal ended itself (SIGXFSZ, for a write of its own past RLIMIT_FSIZE). */
  private killedBy: Signal | undefined;
  /**
   * bash's line_number when it tells of a job: the last line of the top-level command being
   * run, or the line of the for, select, case, `((`, `[[` or function body running it.
   */
  private noticeLine = 1;
  /** The first process this shell started (the pid `$!` names for a background job). */
  firstSpawnedPid: number | undefined;
  private localFrames: Map<string, Variable | undefined>[] = [];
  /** Per function call, the options `local -` saved, which come back when it returns. */
  private savedOptions: ({ readonly flags: ShellFlags; readonly state: Readonly<Record<string, boolean>> } | undefined)[] = [];
  loopDepth = 0;
  functionDepth = 0;
  private errexitSuppressed = 0;
  private substitutionDepth = 0;
  /** The terminal the shell started reading from, if it did (read -p prompts only when fd 0 is still it). */
  private terminalInput: Stream | undefined;

  /** isatty(0), as the shell's descriptors stand now. */
  readsTerminal(): boolean {
    return this.terminalInput !== undefined && this.fds.get(0) === this.terminalInput;
  }

  /** bash's directory stack below the working directory (pushd, popd, dirs). */
  dirStack: readonly string[] = [];
  /** The simple command running (or last run outside a trap's action): $BASH_COMMAND. */
  private currentCommand: Command | undefined;
  private trapDepth = 0;
  /** A subshell's own pid ($BASHPID), taken when first asked for. */
  private ownPid: number | undefined;
  /** Where the names of commands run so far were found (the `hash` builtin's table). */
  readonly commandHash: CommandHash;
  /** `unset RANDOM` took its special meaning away (bash and ash), for this shell and its forks. */
  private randomUnset = false;
  /** $BASH_SUBSHELL: how many forks deep this shell is. */
  private subshellLevel = 0;
  /** The last commands of a `-c` string, which run in the shell's place if they are external ones. */
  private execInPlace: readonly SimpleCommand[] = [];
  private substitutionStatus: number | undefined;
  /** Descriptors of process substitutions not yet closed, innermost command's last. */
  private processSubstitutions: { readonly fd: number; readonly end: Stream; readonly close: () => void }[] | undefined;
  /** What `wait` without arguments waits for besides the jobs (bash 5.1+). */
  lastProcessSubstitution: Job | undefined;
  /** `name=(...)` arguments of the command being expanded, by their text (see noteCompound). */
  private compoundArgs: Map<string, readonly Word[]> | undefined;
  private pendingSignals: Signal[] = [];
  // Made on first use: every `$(…)` and pipeline stage is a fork, and few of them set a trap,
  // start a background job or wait for a signal.
  private trapTable: Map<string, string> | undefined;
  private jobTable: Map<number, BackgroundJob> | undefined;
  private signalArrived: Future<void> | undefined;
  private exitTrapRan = false;
  readonly subshell: boolean;
  /** The `set -o` options the shell keeps without acting on them; replaced, never changed in place. */
  optionState: Readonly<Record<string, boolean>>;

  /**
   * bash on a terminal, interactive, runs with job control (`set -m`): it tells a background
   * job's number and pid as it starts it and how each one ended before the next prompt.
   */
  get jobControl(): boolean {
    // A subshell keeps the monitor option (and the m in $-) but does no job control.
    return this.flavor === "bash" && !this.subshell && this.optionState.monitor === true;
  }

  /** The bash build this shell is (what $BASH_VERSION and the prompt's \v say). */
  readonly bashBuild: BashBuild;
  private readonly shared: Shared;

  constructor(ctx: ProcessContext, config: ShellConfig);
  constructor(ctx: ProcessContext, config: ShellConfig, parent: Shell);
  constructor(ctx: ProcessContext, config: ShellConfig, parent?: Shell) {
    this.ctx = ctx;
    this.flavor = config.flavor;
    this.expander = new Expander(this);
    if (parent !== undefined) {
      this.shared = parent.shared;
      this.messages = parent.messages;
      this.subshell = true;
      this.vars = parent.vars.fork();
      this.functions = parent.functions.fork();
      this.functionFiles = parent.functionFiles.fork();
      // Shared: the positional parameters are replaced, never changed in place.
      this.positional = parent.positional;
      this.arg0 = parent.arg0;
      this.sourcing = parent.sourcing;
      this.sourceDepth = parent.sourceDepth;
      this.callFrames = parent.callFrames;
      this.lastArgument = parent.lastArgument;
      this.startedAtMs = parent.startedAtMs;
      this.aliases = parent.aliases;
      this.runsScriptFile = parent.runsScriptFile;
      this.shopts = parent.shopts;
      this.cwd = parent.cwd;
      this.umask = parent.umask;
      this.rlimits = parent.rlimits;
      this.options = { ...parent.options };
      this.lastStatus = parent.lastStatus;
      this.lastBackgroundPid = parent.lastBackgroundPid;
      // A subshell keeps ignored signals ignored; other traps are reset.
      parent.trapTable?.forEach((v, k) => {
        if (v === "") this.traps.set(k, v);
      });
      this.fds = copyMap(parent.fds);
      this.line = parent.line;
      this.noticeLine = parent.noticeLine;
      this.functionDepth = parent.functionDepth;
      this.errexitSuppressed = parent.errexitSuppressed;
      this.substitutionDepth = parent.substitutionDepth;
      this.subshellLevel = parent.subshellLevel + 1;
      this.randomUnset = parent.randomUnset;
      this.dirStack = parent.dirStack;
      this.commandHash = parent.commandHash.fork();
      this.currentCommand = parent.currentCommand;
      this.trapDepth = parent.trapDepth;
      this.terminalInput = parent.terminalInput;
      this.optionState = parent.optionState;
      this.bashBuild = parent.bashBuild;
      return;
    }
    this.messages = new Messages(config.flavor, config.mode);
    this.vars = Variables.fromEnvironment(ctx.environ);
    this.functions = new CowMap();
    this.functionFiles = new CowMap();
    this.shared = {
      ctx,
      flavor: config.flavor,
      jobs: new Set(),
      onTopLevelCommand: config.onTopLevelCommand,
      nextLine: 1,
    };
    this.subshell = false;
    this.commandHash = new CommandHash();
    this.optionState = startingOptionState(config.flavor, { interactive: config.mode === "interactive", stdin: config.mode !== "c" && config.script === undefined, monitor: config.mode === "interactive" && ctx.tty });
    this.bashBuild = config.bash ?? DEFAULT_BASH;
    this.positional = [...(config.positional ?? [])];
    this.arg0 = config.arg0;
    this.sourcing = config.script === undefined ? [] : [config.script];
    this.runsScriptFile = config.script !== undefined;
    this.startedAtMs = ctx.sim.now;
    this.shopts = config.flavor === "bash" ? startingShopts(this.bashBuild, config.mode === "interactive", config.login ?? false) : NO_SHOPTS;
    this.cwd = ctx.cwd;
    this.umask = ctx.umask;
    this.rlimits = ctx.rlimits;
    this.options = { errexit: false, nounset: false, xtrace: false, pipefail: false, noglob: false, allexport: false, verbose: false, noexec: false, noclobber: false };
    // bash leaves PS1 unset unless it is interactive; busybox's ash shows the directory.
    if (this.flavor === "ash") this.setDefault("PS1", "\\w \\$ ");
    else if (this.flavor === "dash") this.setDefault("PS1", ctx.cred.uid === 0 ? "# " : "$ ");
    else if (ctx.tty || config.prompts) this.setDefault("PS1", "\\s-\\v\\$ ");
    this.setDefault("PS2", "> ");
    this.setDefault("PS4", "+ ");
    this.setDefault("OPTIND", "1");
    // Without PATH in the environment each shell sets its compiled-in default (not exported).
    this.setDefault("PATH", DEFAULT_PATH[this.flavor]);
    // Every shell starts with the default IFS, whatever the environment says.
    this.vars.set("IFS", { exported: false, readonly: false, ...this.vars.get("IFS"), value: " \t\n" });
    this.vars.set("PPID", { value: String(ctx.ppid), exported: false, readonly: this.flavor === "bash" });
    if (this.flavor === "bash") {
      this.vars.set("BASH", { value: bashPath(ctx), exported: false, readonly: false });
      const [version, versinfo] = versionVariables(this.bashBuild);
      this.vars.set("BASH_VERSION", version);
      this.vars.set("BASH_VERSINFO", versinfo);
      this.setBashStartupVariables(ctx);
    } else if (this.flavor === "ash") this.setAshStartupVariables(ctx);
    if (!this.vars.has("PWD")) this.vars.set("PWD", { value: this.cwd, exported: false, readonly: false });
    else this.vars.set("PWD", { ...this.vars.get("PWD")!, value: this.cwd });
    const input = new LineReader(ctx.stdin);
    if (ctx.tty) this.terminalInput = input;
    this.fds = new Map<number, Stream>().set(0, input).set(1, ctx.stdout).set(2, ctx.stderr);
    for (const [fd, stream] of ctx.fds) this.fds.set(fd, stream);
    if (this.ownSignals.size > 0) this.syncSignalHandler();
  }

  /** The descriptors above 2 a command started now inherits; outputs stay open when it exits. */
  private inheritedFds(): ReadonlyMap<number, Stream> {
    let fds: Map<number, Stream> | undefined;
    for (const [fd, stream] of this.fds) if (fd > 2) (fds ??= new Map()).set(fd, "write" in stream ? unclosable(stream) : stream);
    return fds ?? NO_EXTRA_FDS;
  }

  /**
   * A prompt as an interactive shell prints it: PS1 or PS2 with bash's and busybox's backslash
   * escapes decoded, then expanded as bash's promptvars and ash expand it (parameters, command
   * substitution, arithmetic), the escapes' own values quoted so that a `$` in a directory name
   * stays one. dash prints it as it is.
   */
  *prompt(name: "PS1" | "PS2"): Proc<string> {
    const raw = this.getVar(name) ?? "";
    if (this.flavor === "dash") return raw;
    const decoded = this.decodePrompt(raw);
    if (!/[$`]/.test(decoded)) return decoded.replace(/\\([\\$`])/g, "$1");
    try {
      return yield* this.expander.string(makeWord(new Parser(decoded, parserOptions(this.flavor)).readAllParts("heredoc"), decoded));
    } catch (e) {
      if (!(e instanceof ShellSyntaxError || e instanceof ShellAbort)) throw e;
      return decoded;
    }
  }

  /** The prompt's backslash escapes decoded, each value quoted for the expansion that follows. */
  private decodePrompt(raw: string): string {
    const home = this.getVar("HOME");
    const dir = home !== undefined && home !== "/" && (this.cwd === home || this.cwd.startsWith(`${home}/`)) ? `~${this.cwd.slice(home.length)}` : this.cwd;
    return raw.replace(/\\([wWs$vVuh\\])/g, (_, c: string) => quoteForPrompt(this.promptEscape(c, dir)));
  }

  private promptEscape(c: string, dir: string): string {
    switch (c) {
      case "w":
        return dir;
      case "W":
        return dir === "/" ? "/" : dir.slice(dir.lastIndexOf("/") + 1);
      case "s":
        return this.arg0.replace(/^.*\//, "");
      case "v":
        return this.bashBuild.release.split(".").slice(0, 2).join(".");
      case "V":
        return this.bashBuild.release;
      case "u":
        // The name getpwuid gives the shell's uid; bash's words when there is none, ash's empty.
        return userName(this.ctx.fs, this.ctx.cred.uid) ?? (this.flavor === "bash" ? "I have no name!" : "");
      case "h":
        return this.ctx.hostname.split(".")[0]!;
      case "$":
        return this.ctx.cred.uid === 0 ? "#" : "$";
      default:
        return "\\";
    }
  }

  /** Trap actions by condition (`EXIT`, `TERM`, ...); "" means the signal is ignored. */
  get traps(): Map<string, string> {
    return (this.trapTable ??= new Map());
  }

  /** Background jobs by pid (`$!`, `jobs`, `wait`). */
  get background(): Map<number, BackgroundJob> {
    return (this.jobTable ??= new Map());
  }

  /** busybox ash's bash compatibility at startup: HOSTNAME if unset, and SHLVL one higher (atoi's reading of it), exported. */
  private setAshStartupVariables(ctx: ProcessContext): void {
    this.setDefault("HOSTNAME", ctx.hostname);
    const level = /^\s*([+-]?\d+)/.exec(this.getVar("SHLVL") ?? "");
    // utoa: the sum is printed as an unsigned int.
    this.vars.set("SHLVL", { value: String(((level === null ? 0 : Number(level[1])) + 1) >>> 0), exported: true, readonly: false });
  }

  /** What bash's initialize_shell_variables sets besides the version: the machine, the user, SHLVL. */
  private setBashStartupVariables(ctx: ProcessContext): void {
    this.vars.set("HOSTTYPE", { value: "x86_64", exported: false, readonly: false });
    this.vars.set("MACHTYPE", { value: machType(this.bashBuild), exported: false, readonly: false });
    this.vars.set("OSTYPE", { value: "linux-gnu", exported: false, readonly: false });
    this.setDefault("HOSTNAME", ctx.hostname);
    this.setDefault("OPTERR", "1");
    this.vars.set("UID", { value: String(ctx.cred.uid), exported: false, readonly: true, attrs: "i" });
    this.vars.set("EUID", { value: String(ctx.cred.uid), exported: false, readonly: true, attrs: "i" });
    // One more than the shell that started it (a number bash can read; 1 for anything else).
    const level = Number(this.getVar("SHLVL") ?? "0");
    this.vars.set("SHLVL", { value: String(Number.isInteger(level) && level >= 0 ? level + 1 : 1), exported: true, readonly: false });
    // SHELLOPTS from the environment turns its options on (how `export SHELLOPTS` hands set -x
    // down to scripts); it stays exported. Both lists are read-only, their values computed.
    const inherited = this.vars.get("SHELLOPTS");
    if (typeof inherited?.value === "string") {
      for (const name of inherited.value.split(":")) {
        const option = setOptionByName("bash", name);
        if (option !== undefined) this.setOption(option, true);
      }
    }
    for (const name of OPTION_LISTS) this.vars.set(name, { value: undefined, exported: this.vars.get(name)?.exported ?? false, readonly: true });
  }

  /** $SHELLOPTS and $BASHOPTS: the set -o options and the shopt options that are on, colon-separated. */
  private optionList(name: string): string {
    if (name === "SHELLOPTS") return SET_OPTIONS.bash.filter((o) => this.optionOn(o)).map((o) => o.name).join(":");
    return shoptNames(this.bashBuild).filter((n) => this.shopts[n] === true).join(":");
  }

  private setDefault(name: string, value: string): void {
    if (!this.vars.has(name)) this.vars.set(name, { value, exported: false, readonly: false });
  }

  get mode(): InputMode {
    return this.messages.mode;
  }

  fork(): Shell {
    return new Shell(this.ctx, { flavor: this.flavor, mode: this.mode, arg0: this.arg0 }, this);
  }

  // ---- output ---------------------------------------------------------------------------------

  /** Output of the shell and its builtins; one that a full disk refuses is lost (see builtinOut). */
  out(text: string): void {
    try {
      this.output(1).write(text);
    } catch (e) {
      if (!isEnvironmentIoError(e)) throw e;
    }
  }

  /** Diagnostics; a shell cannot report that it failed to report. */
  err(text: string): void {
    try {
      this.output(2).write(text);
    } catch (e) {
      if (!isEnvironmentIoError(e)) throw e;
    }
  }

  /**
   * Output of echo and printf, which fail when it cannot be written (a full or read-only disk under
   * a redirection), each shell saying so in its words: dash's evalbltin reports any builtin's
   * failed output as an I/O error, bash's builtins the errno, and busybox's echo its own write
   * error (ash's printf only fails).
   */
  builtinOut(name: string, text: string): boolean {
    const out = this.output(1);
    // The shell process itself gets the SIGPIPE: a pipeline stage's subshell ends with it.
    if (pipeBehind(out)?.broken === true) throw new ExitSignal(128 + SIGNALS.SIGPIPE);
    try {
      out.write(text);
      return true;
    } catch (e) {
      if (!isEnvironmentIoError(e)) throw e;
      if (this.flavor === "dash") this.builtinError(name, `${name}: I/O error`);
      else if (this.flavor === "bash") this.builtinError(name, `write error: ${e.description}`);
      else if (name === "echo") this.err(`${this.arg0}: write error: ${e.description}\n`);
      return false;
    }
  }

  output(fd: number): OutputStream {
    const s = this.fds.get(fd);
    return s !== undefined && "write" in s ? s : devNull;
  }

  input(fd = 0): LineReader {
    const s = this.fds.get(fd);
    if (s instanceof LineReader) return s;
    const r = new LineReader(s !== undefined && "read" in s ? s : devNull);
    this.fds.set(fd, r);
    return r;
  }

  /** `name: text` from a builtin, in this shell's words. */
  /**
   * The name its errors begin with, as bash's get_name_for_error has it: the file being read
   * (BASH_SOURCE) or $0 when not interactive, the shell's own name when it is. dash and ash say $0.
   */
  get errorName(): string {
    if (this.flavor !== "bash") return this.arg0;
    if (this.mode === "interactive") return this.arg0.slice(this.arg0.lastIndexOf("/") + 1);
    return this.sourcing.at(-1) || this.arg0;
  }

  setShopt(name: string, on: boolean): void {
    if (this.shopts[name] !== on) this.shopts = { ...this.shopts, [name]: on };
  }

  builtinError(name: string, text: string): void {
    this.err(this.messages.builtin(this.errorName, this.line, name, text));
  }

  /** Prints `text` after the standard prefix (`sh: 1: `). */
  error(text: string): void {
    this.err(`${this.messages.prefix(this.errorName, this.line)}${text}\n`);
  }

  // ---- variables ------------------------------------------------------------------------------

  getVar(name: string): string | undefined {
    const v = this.vars.get(name);
    if (v?.attrs !== undefined && isNameref(v)) return scalarOf(this.vars.get(this.referenced(name))?.value);
    return scalarOf(v?.value);
  }

  /**
   * bash's namerefs (declare -n): the name a reference stands for, followed through references
   * to references; a reference without a value stands for itself.
   */
  referenced(name: string): string {
    for (let i = 0; i < 8; i++) {
      const v = this.vars.get(name);
      if (v === undefined || !isNameref(v) || typeof v.value !== "string" || v.value === "") return name;
      name = v.value;
    }
    return name;
  }

  /** An array's elements (a scalar is an array of one), or an associative array. */
  arrayValue(name: string): string[] | AssocArray | undefined {
    if (this.flavor === "bash") {
      if (name === "BASH_SOURCE") return [...this.sourcing].reverse();
      if (name === "DIRSTACK") return [this.cwd, ...this.dirStack];
      if (name === "FUNCNAME") return this.funcName();
      // The alias table and the command hash seen as associative arrays.
      if (name === "BASH_ALIASES") return [...this.aliases].reduce((a, [k, v]) => a.with(k, v), AssocArray.empty());
      if (name === "BASH_CMDS") return AssocArray.view(this.commandHash.list(this.flavor, this.bashBuild).map((e) => [e.name, e.path]));
      // getgroups(2), with the process's own group first when the list leaves it out.
      if (name === "GROUPS") {
        const { gid, groups = [] } = this.ctx.cred;
        return (groups.includes(gid) ? groups : [gid, ...groups]).map(String);
      }
    }
    const value = this.vars.get(this.referenced(name))?.value;
    return value === undefined || typeof value !== "string" ? value : [value];
  }

  /** `${name[subscript]}` with the subscript expanded: a key, or an arithmetic index (negative from the end). */
  element(name: string, subscript: string): string | undefined {
    const arr = this.arrayValue(name);
    if (arr instanceof AssocArray) return arr.get(subscript);
    if (arr === undefined) return undefined;
    const i = this.arithmetic(subscript);
    return arr[i < 0 ? arr.length + i : i];
  }

  /** A parameter's value: specials, positionals, variables. */
  param(name: string): string | undefined {
    switch (name) {
      case "?":
        return String(this.lastStatus);
      case "$":
        return String(this.ctx.pid);
      case "!":
        return this.lastBackgroundPid === undefined ? undefined : String(this.lastBackgroundPid);
      case "#":
        return String(this.positional.length);
      case "-":
        return this.flagLetters();
      case "BASH_SOURCE":
        if (this.flavor === "bash") return this.sourcing.at(-1);
        break;
      case "FUNCNAME":
        if (this.flavor === "bash") return this.funcName()?.[0];
        break;
      case "_":
        if (this.flavor === "bash" && this.lastArgument !== undefined) return this.lastArgument;
        break;
      case "BASH_SUBSHELL":
        if (this.flavor === "bash") return String(this.subshellLevel);
        break;
      case "BASHPID":
        // A subshell is a process of its own: it takes a pid when first asked for it.
        if (this.flavor === "bash") return String(this.subshell ? (this.ownPid ??= this.ctx.takePid()) : this.ctx.pid);
        break;
      case "SHELLOPTS":
      case "BASHOPTS":
        if (this.flavor === "bash") return this.optionList(name);
        break;
      case "BASH_COMMAND":
        if (this.flavor === "bash" && !this.vars.has(name)) return this.currentCommand === undefined ? "" : commandText(this.currentCommand);
        break;
      case "GROUPS":
        if (this.flavor === "bash") return (this.arrayValue(name) as string[])[0];
        break;
      case "EPOCHSECONDS":
        if (this.flavor === "bash" && !this.vars.has(name)) return String(Math.floor(this.ctx.epochMs() / 1000));
        break;
      case "EPOCHREALTIME":
        if (this.flavor === "bash" && !this.vars.has(name)) return (this.ctx.epochMs() / 1000).toFixed(6);
        break;
      case "SECONDS":
        // Whole seconds of simulated time since the shell started.
        if (this.flavor === "bash" && !this.vars.has("SECONDS")) return String(Math.floor((this.ctx.sim.now - this.startedAtMs) / 1000));
        break;
      case "0":
        return this.arg0;
      case "LINENO":
        return String(this.line);
      case "RANDOM":
        if (this.flavor !== "dash" && !this.randomUnset && !this.vars.has("RANDOM")) return String(this.ctx.random.int(0, 32767));
        break;
    }
    if (/^[0-9]+$/.test(name)) return this.positional[Number(name) - 1];
    return this.getVar(name);
  }

  /** A call of `name` from here: the line, and the file being read. */
  private callFrame(name: string): CallFrame {
    // bash -c's own text has no file (NULL); the functions it defines come from "environment".
    const file = this.sourcing.at(-1) ?? (this.mode !== "c" ? this.arg0 : this.functionDepth > 0 ? "environment" : "NULL");
    return { name, line: this.line, file };
  }

  /**
   * bash's caller N: the line a frame was called from, the function (or `main`, `source`) that
   * called it and its file; undefined past the outermost call.
   */
  caller(n: number): { line: number; name: string | undefined; file: string } | undefined {
    const frames = this.callFrames;
    const frame = frames[frames.length - 1 - n];
    // A script's own level is a frame with neither line nor file.
    if (frame === undefined) return n === frames.length && this.runsScriptFile ? { line: 0, name: undefined, file: "NULL" } : undefined;
    const outer = frames[frames.length - 2 - n];
    // Outside any function a script is `main`; bash -c's text has no name.
    return { line: frame.line, name: outer?.name ?? (this.runsScriptFile ? "main" : undefined), file: frame.file };
  }

  /** bash's FUNCNAME: set only inside a function; the calls innermost first, then `main` in a script. */
  private funcName(): string[] | undefined {
    if (this.functionDepth === 0) return undefined;
    const frames = this.callFrames.map((f) => f.name).reverse();
    return this.runsScriptFile ? [...frames, "main"] : frames;
  }

  /**
   * $-: the options that are on, by letter in the shell's order; bash adds i when interactive,
   * then c for -c or s when it reads commands from stdin.
   */
  private flagLetters(): string {
    let flags = "";
    for (const letter of FLAG_ORDER[this.flavor]) {
      if (letter === "i" && this.flavor === "bash") {
        if (this.mode === "interactive") flags += "i";
        continue;
      }
      const o = setOptionByLetter(this.flavor, letter);
      if (o !== undefined && this.optionOn(o)) flags += letter;
    }
    if (this.flavor !== "bash") return flags;
    if (this.mode === "c") return flags + "c";
    return this.runsScriptFile ? flags : flags + "s";
  }

  optionOn(o: SetOption): boolean {
    return o.flag !== undefined ? this.options[o.flag] : this.optionState[o.name] === true;
  }

  /** `set -o NAME` / `set +o NAME`: line editing is emacs or vi, never both. */
  setOption(o: SetOption, on: boolean): void {
    if (o.flag !== undefined) {
      this.options[o.flag] = on;
      return;
    }
    const next = { ...this.optionState, [o.name]: on };
    if (on && o.name === "vi") next.emacs = false;
    if (on && o.name === "emacs") next.vi = false;
    this.optionState = next;
  }

  ifs(): string {
    return this.getVar("IFS") ?? " \t\n";
  }

  /** Sets a variable (or `name[subscript]`, an element); throws ShellAbort on a readonly one. */
  setVar(name: string, value: string | string[], options: { export?: boolean; append?: boolean } = {}): void {
    const m = SUBSCRIPTED.exec(name);
    if (m !== null) return this.setElement(m[1]!, m[2]!, Array.isArray(value) ? value.join(" ") : value, options.append ?? false);
    name = this.referenced(name);
    const existing = this.writable(name);
    let next: string | string[] | AssocArray = value;
    if (options.append && existing?.value !== undefined) {
      const old = existing.value;
      if (Array.isArray(value)) next = (old instanceof AssocArray ? [] : typeof old === "string" ? [old] : old).concat(this.withAttributes(existing.attrs, value));
      else if (old instanceof AssocArray) next = old.with("0", this.appended(existing.attrs, old.get("0"), value));
      else if (Array.isArray(old)) next = this.replaced(old, 0, this.appended(existing.attrs, old[0], value));
      else next = this.appended(existing.attrs, old, value);
    } else if (existing?.value instanceof AssocArray && !Array.isArray(value)) {
      next = existing.value.with("0", this.withAttributes(existing.attrs, value));
    } else if (Array.isArray(existing?.value) && !Array.isArray(value)) {
      // A scalar assigned to an array sets its element 0.
      next = this.replaced(existing.value, 0, this.withAttributes(existing.attrs, value));
    } else {
      next = this.withAttributes(existing?.attrs, value);
    }
    const exported = (existing?.exported ?? false) || (options.export ?? false) || this.options.allexport;
    // A new PATH, even the same one, forgets the hashed commands.
    if (name === "PATH") this.commandHash.clear();
    this.vars.set(name, { ...existing, value: next, exported, readonly: false });
  }

  /** `name[subscript]=value`: a key of an associative array, else an arithmetic index. */
  setElement(given: string, subscript: string, value: string, append: boolean, source = `${given}[${subscript}]`): void {
    const name = this.referenced(given);
    const existing = this.writable(name);
    const old = existing?.value;
    if (old instanceof AssocArray) {
      if (subscript === "") throw this.badArraySubscript(source);
      const v = append ? this.appended(existing!.attrs, old.get(subscript), value) : this.withAttributes(existing!.attrs, value);
      this.vars.set(name, { ...existing!, value: old.with(subscript, v) });
      return;
    }
    const arr = old === undefined ? [] : typeof old === "string" ? [old] : old;
    let i = this.arithmetic(subscript);
    if (i < 0) i += arr.length;
    if (i < 0) throw this.badArraySubscript(source);
    const v = append ? this.appended(existing?.attrs, arr[i], value) : this.withAttributes(existing?.attrs, value);
    this.vars.set(name, { exported: false, readonly: false, ...existing, value: this.replaced(arr, i, v) });
  }

  /**
   * `name=(...)` and `name+=(...)`: `[key]=value` items set those elements; the others take the
   * next index, or in an associative array pair up as key and value (bash 5.1).
   */
  assignCompound(given: string, items: readonly CompoundItem[], append: boolean): void {
    const name = this.referenced(given);
    const existing = this.writable(name);
    const old = existing?.value;
    const attrs = existing?.attrs;
    if (old instanceof AssocArray) {
      let assoc = append ? old : AssocArray.empty();
      const pairs = items.length > 0 && items[0]!.key === undefined;
      for (let k = 0; k < items.length; k++) {
        const item = items[k]!;
        if (pairs) {
          const value = items[++k]?.value ?? "";
          assoc = assoc.with(item.value, this.withAttributes(attrs, value));
        } else if (item.key === undefined) {
          this.error(`${name}: ${item.value}: must use subscript when assigning associative array`);
        } else {
          if (item.key === "") throw this.badArraySubscript(`${name}[${item.key}]`);
          assoc = assoc.with(item.key, item.append ? this.appended(attrs, assoc.get(item.key), item.value) : this.withAttributes(attrs, item.value));
        }
      }
      this.vars.set(name, { ...existing!, value: assoc });
      return;
    }
    let arr: string[] = append && old !== undefined ? (typeof old === "string" ? [old] : old) : [];
    let next = arr.length;
    for (const item of items) {
      let i = next;
      if (item.key !== undefined) {
        i = this.arithmetic(item.key);
        if (i < 0) i += arr.length;
        if (i < 0) throw this.badArraySubscript(`${name}[${item.key}]`);
      }
      arr = this.replaced(arr, i, item.append ? this.appended(attrs, arr[i], item.value) : this.withAttributes(attrs, item.value));
      next = i + 1;
    }
    this.vars.set(name, { exported: false, readonly: false, ...existing, value: arr });
  }

  /** The variable about to be assigned (not a reference: the one it names); throws ShellAbort on a readonly one. */
  private writable(name: string): Variable | undefined {
    const existing = this.vars.get(name);
    if (existing?.readonly) {
      this.err(this.messages.readonlyAssignment(this.errorName, this.line, name));
      throw new ShellAbort(this.flavor === "bash" ? 1 : 2, true);
    }
    return existing;
  }

  /** bash's arrays are sparse: slice keeps the gaps that a spread would fill. */
  private replaced(arr: readonly string[], i: number, value: string): string[] {
    const copy = arr.slice();
    copy[i] = value;
    return copy;
  }

  /** What a variable with `attrs` (declare -i, -l, -u) holds when assigned `value`. */
  private withAttributes<T extends string | string[]>(attrs: string | undefined, value: T): T {
    if (attrs === undefined || attrs === "") return value;
    const one = (s: string): string => (attrs.includes("i") ? String(this.arithmetic(s)) : attrs.includes("l") ? asciiLower(s) : attrs.includes("u") ? asciiUpper(s) : s);
    return (Array.isArray(value) ? value.map(one) : one(value)) as T;
  }

  /** `+=` on a value: an integer adds, the others append. */
  private appended(attrs: string | undefined, old: string | undefined, value: string): string {
    if (attrs?.includes("i")) return String(this.arithmetic(old || "0") + this.arithmetic(value));
    return this.withAttributes(attrs, (old ?? "") + value);
  }

  /** An arithmetic expression already expanded (a subscript, an integer's value). */
  arithmetic(text: string): number {
    try {
      return evaluateArith(text, this.arithVariables(), this.flavor === "dash");
    } catch (e) {
      if (e instanceof ArithError) throw this.arithError(e);
      throw e;
    }
  }

  private badArraySubscript(source: string): ShellAbort {
    this.error(`${source}: bad array subscript`);
    return new ShellAbort(1, true);
  }

  /** `${x:=word}`: positional and special parameters cannot be assigned this way. */
  assignFromExpansion(name: string, value: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      this.error(this.flavor === "bash" ? `$${name}: cannot assign in this way` : `${name}: bad variable name`);
      throw new ShellAbort(this.flavor === "bash" ? 1 : 2, true);
    }
    this.setVar(name, value);
  }

  /**
   * `unset name` or, in bash, `unset 'name[subscript]'`; false for a readonly variable. A
   * reference unsets what it names, unless `reference` (unset -n) asks for the reference itself.
   */
  unsetVar(given: string, reference = false): boolean {
    const element = this.flavor === "bash" ? SUBSCRIPTED.exec(given) : null;
    const name = reference || element !== null ? given : this.referenced(given);
    if (element !== null) {
      const [, named, subscript] = element as unknown as [string, string, string];
      const base = this.referenced(named);
      const v = this.vars.get(base);
      if (v?.readonly) return false;
      if (v?.value instanceof AssocArray) this.vars.set(base, { ...v, value: v.value.without(subscript) });
      else if (Array.isArray(v?.value)) {
        if (subscript === "@" || subscript === "*") {
          this.vars.set(base, { ...v!, value: [] });
          return true;
        }
        const arr = v!.value.slice();
        let i = this.arithmetic(subscript);
        if (i < 0) i += arr.length;
        delete arr[i];
        // The length stays one past the last element set: negative subscripts count from there.
        while (arr.length > 0 && !(arr.length - 1 in arr)) arr.length--;
        this.vars.set(base, { ...v!, value: arr });
      } else if (v?.value !== undefined && this.arithmetic(subscript) === 0) this.vars.delete(base);
      return true;
    }
    const v = this.vars.get(name);
    if (v?.readonly) return false;
    this.vars.delete(name);
    if (name === "RANDOM") this.randomUnset = true;
    return true;
  }

  /** Makes `name` local to the running function (its old value comes back on return). */
  /**
   * Makes `name` local to the running function (its old value comes back on return). A fresh one
   * (bash's local and declare) starts unset and without attributes; dash's keeps the value.
   */
  makeLocal(name: string, fresh = false): void {
    const frame = this.localFrames[this.localFrames.length - 1];
    if (frame === undefined || frame.has(name)) return;
    const old = this.vars.get(name);
    frame.set(name, old === undefined ? undefined : { ...old });
    if (fresh) this.vars.set(name, { value: undefined, exported: false, readonly: false });
  }

  /**
   * `<(list)` / `>(list)`: runs the list as a subshell at once, its output (input) a pipe whose
   * other end this shell holds as descriptor 63 (62, ... for the next), and gives the path that
   * opens it. The descriptor closes once the command that named it is done (closeProcessSubstitutions).
   */
  substituteProcess(body: CommandList, output: boolean): string {
    const pipe = new Pipe();
    const sub = this.fork();
    if (output) sub.fds.set(0, new LineReader(pipe));
    else sub.fds.set(1, pipe);
    let fd = 63;
    while (this.fds.has(fd)) fd--;
    const end = output ? pipe : new LineReader(pipe);
    this.fds.set(fd, end);
    this.lastProcessSubstitution = sub.startJob(
      () => sub.execList(body),
      () => (output ? pipe.closeRead() : pipe.close()),
    );
    (this.processSubstitutions ??= []).push({ fd, end, close: () => (output ? pipe.close() : pipe.closeRead()) });
    return `/dev/fd/${fd}`;
  }

  /** Closes the process substitutions opened since `mark`, as bash does once their command is done. */
  private closeProcessSubstitutions(mark: number): void {
    const subs = this.processSubstitutions;
    if (subs === undefined || subs.length <= mark) return;
    for (const s of subs.splice(mark)) {
      if (this.fds.get(s.fd) === s.end) this.fds.delete(s.fd);
      // A copy made of it (`exec 3< <(...)`) keeps the pipe open.
      if (![...this.fds.values()].includes(s.end)) s.close();
    }
  }

  /** The words of a `name=(...)` argument of declare, local, export or readonly, by its text. */
  compoundWords(text: string): readonly Word[] | undefined {
    return this.compoundArgs?.get(text);
  }

  /** Notes a `name=(...)` argument's words as the expansion of a command's words meets it. */
  noteCompound(text: string, words: readonly Word[]): void {
    (this.compoundArgs ??= new Map()).set(text, words);
  }

  /** The environment of a command, with its `NAME=value` assignments. */
  exportedEnv(extra: ReadonlyMap<string, string> = NO_ENV): ReadonlyMap<string, string> {
    const env = this.vars.exported();
    // An exported SHELLOPTS or BASHOPTS (rare) has its value computed now.
    const shellopts = this.flavor === "bash" && this.vars.get("SHELLOPTS")?.exported === true;
    const bashopts = this.flavor === "bash" && this.vars.get("BASHOPTS")?.exported === true;
    if (extra.size === 0 && !shellopts && !bashopts) return env;
    const withExtra = copyMap(env);
    if (shellopts) withExtra.set("SHELLOPTS", this.optionList("SHELLOPTS"));
    if (bashopts) withExtra.set("BASHOPTS", this.optionList("BASHOPTS"));
    extra.forEach((v, k) => withExtra.set(k, v));
    return freezeEnvironment(withExtra);
  }

  /** `~`: $HOME; bash falls back to the user's passwd entry when HOME is unset. */
  homeDirectory(): string | undefined {
    const home = this.getVar("HOME");
    if (home !== undefined || this.flavor !== "bash") return home;
    return passwdEntries(this.ctx.fs).find((e) => e.uid === this.ctx.cred.uid)?.home;
  }

  homeOf(user: string): string | undefined {
    return homeDirectory(this.ctx.fs, user);
  }

  arithVariables(): ArithVariables {
    return {
      get: (name) => {
        const element = this.flavor === "bash" ? SUBSCRIPTED.exec(name) : null;
        const v = element === null ? this.param(name) : this.element(element[1]!, element[2]!);
        if (v === undefined && this.options.nounset) throw this.unboundError(name);
        return v;
      },
      set: (name, value) => this.setVar(name, value),
    };
  }

  // ---- errors raised during expansion ---------------------------------------------------------

  arithError(e: ArithError): ShellAbort {
    this.err(this.messages.arithmetic(this.errorName, this.line, e));
    return new ShellAbort(this.flavor === "bash" ? 1 : 2, this.flavor !== "bash");
  }

  /** A `${...}` that cannot be expanded: bash abandons the command line, dash and ash exit. */
  badSubstitution(text: string): ShellAbort {
    this.err(this.messages.badSubstitution(this.errorName, this.line, text));
    return new ShellAbort(this.flavor === "bash" ? 1 : 2, this.flavor !== "bash");
  }

  /** bash's failglob: the command is not run. */
  failglobError(pattern: string): ShellAbort {
    this.error(`no match: ${pattern}`);
    return new ShellAbort(1, false);
  }

  unboundError(name: string): ShellAbort {
    this.err(this.messages.unboundVariable(this.errorName, this.line, name));
    return new ShellAbort(this.expansionErrorStatus(), true);
  }

  parameterError(name: string, message: string | undefined, colon: boolean): ShellAbort {
    if (message === undefined) this.err(this.messages.parameterNullOrNotSet(this.errorName, this.line, name, colon));
    else this.err(`${this.messages.prefix(this.errorName, this.line)}${name}: ${message}\n`);
    return new ShellAbort(this.expansionErrorStatus(), true);
  }

  /**
   * The status a fatal expansion error leaves: dash's 2; bash's 1, except that `bash -c` turns
   * the FORCE_EOF it jumps with into 127 (run_one_command).
   */
  private expansionErrorStatus(): number {
    if (this.flavor !== "bash") return 2;
    return this.mode === "c" ? 127 : 1;
  }

  // ---- entry points ---------------------------------------------------------------------------

  /** Whether `source` is a complete program (no open quote, block, here-document or `\`). */
  isComplete(source: string): boolean {
    const parser = new Parser(source, parserOptions(this.flavor));
    try {
      parser.parseAll();
    } catch (e) {
      if (e instanceof ShellSyntaxError) return !e.incomplete;
      throw e;
    }
    return !parser.unterminatedHeredoc && !parser.trailingBackslash;
  }

  /**
   * Parses and runs `source` one complete command at a time. Returns the last status; throws
   * ExitSignal when the shell exits (`exit`, a fatal error in a non-interactive shell).
   */
  *runSource(source: string): Proc<number> {
    const firstLine = this.shared.nextLine;
    let program = parsedProgram(source, this.flavor, firstLine);
    let endLine = firstLine;
    try {
      for (let i = 0; ; i++) {
        // Aliases and extglob change how the commands after them read: from the first command
        // run with either, the rest of the text is read afresh, with them.
        if (this.readsOwnWay() && program.ownParse !== true && (program.commands[i] !== undefined || program.parser !== undefined)) {
          const at = program.commands[i]?.start ?? program.parser!.offset;
          const line = firstLine + countNewlines(source, at);
          program = { commands: [], parser: new Parser(source.slice(at), this.ownParseOptions(line)), endLine: 0, ownParse: true, base: at };
          i = 0;
        }
        let command = program.commands[i];
        if (command === undefined && program.parser !== undefined) {
          const parser = program.parser;
          const start = (program.base ?? 0) + parser.offset;
          let list: CommandList | undefined;
          try {
            list = parser.nextCommand();
          } catch (e) {
            if (!(e instanceof ShellSyntaxError)) throw e;
            if (program.ownParse !== true) forgetParsed(source, this.flavor, firstLine);
            endLine = parser.currentLine;
            this.err(this.messages.syntax(this.errorName, e, source.endsWith("\n")));
            this.lastStatus = 2;
            if (this.mode !== "interactive") throw new ExitSignal(2);
            return 2;
          }
          if (list !== undefined) {
            const lastLine = parser.currentLine - (source[(program.base ?? 0) + parser.offset - 1] === "\n" ? 1 : 0);
            program.commands.push((command = { start, list, heredoc: parser.takeUnterminatedHeredoc(), endLine: parser.currentLine, lastLine, last: parser.atEnd() }));
          }
          else {
            program.endLine = parser.currentLine;
            program.parser = undefined;
          }
        }
        if (command === undefined) {
          endLine = program.endLine;
          return this.lastStatus;
        }
        endLine = command.endLine;
        this.noticeLine = command.lastLine;
        const h = command.heredoc;
        if (h !== undefined && this.flavor === "bash") {
          this.err(`${this.messages.prefix(this.errorName, h.line)}warning: here-document at line ${h.line} delimited by end-of-file (wanted \`${h.delimiter}')\n`);
        }
        try {
          this.execInPlace = this.mode === "c" && command.last ? inPlaceCommands(this.flavor, command.list) : [];
          for (let k = 0; k < command.list.length; k++) {
            const item = command.list[k]!;
            this.shared.onTopLevelCommand?.(item.source);
            if (this.options.verbose) this.err(item.source + "\n");
            const lone = loneCommand(item.andOr);
            if (item.background) this.startBackground(item);
            else if (lone !== undefined) this.pipelineDone(item.andOr.first, yield* this.execCommand(lone), true);
            else yield* this.execAndOr(item.andOr);
            // Traps run as soon as the command during which their signal came has finished.
            if ((this.pendingSignals.length > 0 || this.errTrapPending !== undefined) && (yield* this.runPendingTraps())) throw new Interrupted();
          }
        } catch (e) {
          if (e instanceof Interrupted) return (this.lastStatus = 128 + SIGNALS.SIGINT);
          if (!(e instanceof ShellAbort)) throw e;
          this.lastStatus = e.status;
          if (e.fatal && this.mode !== "interactive") throw new ExitSignal(e.status);
        }
        if (this.pendingSignals.length > 0 && (yield* this.runPendingTraps())) return (this.lastStatus = 128 + SIGNALS.SIGINT);
      }
    } finally {
      this.shared.nextLine = endLine + (this.mode === "interactive" && !source.endsWith("\n") ? 1 : 0);
    }
  }

  /** Runs a whole script, handling `exit` and the EXIT trap; returns the exit status. */
  *runScript(source: string): Proc<number> {
    let status: number;
    try {
      status = yield* this.runSource(source);
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      status = e.status;
    }
    return this.pendingExitTrap() === undefined ? status : yield* this.exitWith(status);
  }

  /** Runs the EXIT trap (once) and returns the final status. */
  *exitWith(status: number): Proc<number> {
    const action = this.pendingExitTrap();
    if (action === undefined) return status;
    this.exitTrapRan = true;
    this.lastStatus = status;
    this.trapDepth++;
    try {
      yield* this.evalString(action, this.line, "exit trap");
    } catch (e) {
      if (e instanceof ExitSignal) return e.status;
      if (!(e instanceof ShellAbort)) throw e;
    } finally {
      this.trapDepth--;
    }
    return status;
  }

  /** The EXIT trap's action, if one is set and has not run yet (most shells have none). */
  private pendingExitTrap(): string | undefined {
    const action = this.trapTable?.get("EXIT");
    return action === undefined || action === "" || this.exitTrapRan ? undefined : action;
  }

  /** Stops background coroutines (the shell process is exiting). */
  killJobs(): void {
    for (const j of [...this.shared.jobs]) j.kill(143);
  }

  /**
   * Runs a file's text as `.` does (`name` as the file was found): BASH_SOURCE and error
   * messages name it, `return` leaves it, `args` are the positional parameters meanwhile.
   */
  *sourceText(name: string, text: string, args: readonly string[]): Proc<number> {
    const savedPositional = this.positional;
    const savedSourcing = this.sourcing;
    if (args.length > 0) this.positional = [...args];
    const savedFrames = this.callFrames;
    this.sourcing = [...savedSourcing, name];
    this.callFrames = [...savedFrames, this.callFrame("source")];
    this.sourceDepth++;
    try {
      return yield* this.asCommand(name, this.evalString(text, 1, name));
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      this.sourceDepth--;
      this.sourcing = savedSourcing;
      this.callFrames = savedFrames;
      if (args.length > 0) this.positional = savedPositional;
    }
  }

  /** The aliases (`alias`); replaced, never changed in place, so forks share it. */
  aliases: ReadonlyMap<string, string> = NO_ALIASES;

  /** The aliases the parser expands: dash's and ash's always, bash's with expand_aliases on. */
  get activeAliases(): ReadonlyMap<string, string> | undefined {
    return this.aliases.size === 0 || (this.flavor === "bash" && !this.shopts.expand_aliases) ? undefined : this.aliases;
  }

  /** The parser's view of the aliases: those active when it reads each command. */
  private readonly aliasTable: AliasTable = { get: (name) => this.activeAliases?.get(name) };

  /** Whether text must be read with this shell's aliases or extglob, not as any shell reads it. */
  private readsOwnWay(): boolean {
    return this.activeAliases !== undefined || this.shopts.extglob === true;
  }

  /** What a parser reads this shell's text with: its aliases and extglob as they are when each command is read. */
  private ownParseOptions(firstLine: number): ParserOptions {
    return { ...parserOptions(this.flavor, firstLine), aliases: this.aliasTable, extglob: () => this.shopts.extglob === true };
  }

  setAlias(name: string, value: string | undefined): void {
    const next = new Map(this.aliases);
    if (value === undefined) next.delete(name);
    else next.set(name, value);
    this.aliases = next;
  }

  /** Runs `body` with `name` as dash's commandname (`eval`, the file `.` reads), which its errors give. */
  *asCommand<T>(name: string, body: Proc<T>): Proc<T> {
    if (this.flavor !== "dash") return yield* body;
    const saved = this.messages;
    this.messages = new Messages(this.flavor, this.mode, name);
    try {
      return yield* body;
    } finally {
      this.messages = saved;
    }
  }

  /** Set while bash reads a startup file: it does so as a non-interactive shell would read it. */
  readingStartupFile = false;

  /**
   * Parses and runs text in this shell (eval, traps, `.`); `input` names the text in bash's
   * syntax errors (`eval`, `trap`, the file). A syntax error ends dash and ash; in bash the
   * command returns 2.
   */
  *evalString(source: string, firstLine = this.line, input?: string): Proc<number> {
    const parser = new Parser(source, this.readsOwnWay() ? this.ownParseOptions(firstLine) : parserOptions(this.flavor, firstLine));
    let list: CommandList;
    try {
      list = parser.parseAll();
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      const reading = input === undefined ? undefined : { input, interactive: this.mode === "interactive" && !this.readingStartupFile };
      this.err(this.messages.syntax(this.errorName, e, source.endsWith("\n"), reading));
      if (this.flavor === "bash") return 2;
      throw new ShellAbort(2, true);
    }
    if (list.length === 0) return 0;
    return yield* this.execList(list);
  }

  // ---- lists ----------------------------------------------------------------------------------

  // The generators here loop by index: a for-of keeps an iterator object alive across every yield.
  *execList(list: CommandList): Proc<number> {
    let status = 0;
    for (let i = 0; i < list.length; i++) {
      const item = list[i]!;
      const lone = loneCommand(item.andOr);
      if (item.background) status = this.startBackground(item);
      else if (lone !== undefined) status = this.pipelineDone(item.andOr.first, yield* this.execCommand(lone), true);
      else status = yield* this.execAndOr(item.andOr);
      if ((this.pendingSignals.length > 0 || this.errTrapPending !== undefined) && (yield* this.runPendingTraps())) throw new Interrupted();
    }
    return status;
  }

  /** A pipeline, or pipelines joined by `&&` and `||` (then a generator of its own runs them). */
  private execAndOr(a: AndOr): Proc<number> {
    return a.rest.length === 0 ? this.execPipeline(a.first, true) : this.execAndOrList(a);
  }

  private *execAndOrList(a: AndOr): Proc<number> {
    let status = yield* this.suppressingErrexit(true, this.execPipeline(a.first, false));
    let last: Pipeline = a.first;
    let fromLast = false;
    for (let i = 0; i < a.rest.length; i++) {
      const { op, pipeline } = a.rest[i]!;
      if ((op === "&&") !== (status === 0)) continue;
      const isLast = i === a.rest.length - 1;
      status = yield* this.suppressingErrexit(!isLast, this.execPipeline(pipeline, false));
      last = pipeline;
      fromLast = isLast;
    }
    if (fromLast) this.checkErrexit(last, status);
    return status;
  }

  /**
   * `set -e`: a pipeline that failed where its status is not tested ends the shell. bash's ERR
   * trap runs for the same failures, before the next command (and before `set -e` exits).
   */
  private checkErrexit(p: Pipeline, status: number): void {
    if (status === 0 || p.negate || this.errexitSuppressed !== 0) return;
    // Functions and subshells do not inherit the ERR trap unless errtrace (set -E) is on.
    if (this.flavor === "bash" && this.trapTable?.has("ERR") === true && (this.functionDepth === 0 || this.optionState.errtrace === true)) {
      this.errTrapPending = this.options.errexit ? status : -1;
      return;
    }
    if (this.options.errexit) throw new ExitSignal(status);
  }

  /** An ERR trap to run: -1, or the status `set -e` exits with once it has run. */
  private errTrapPending: number | undefined;

  /**
   * `body` with `set -e` not applying inside it when `on` (conditions, all but the last command
   * of `&&` and `||`). Most calls are off: those get `body` itself rather than one more generator
   * frame for every resumption to pass through.
   */
  private suppressingErrexit<T>(on: boolean, body: Proc<T>): Proc<T> {
    return on ? this.errexitSuppressedIn(body) : body;
  }

  private *errexitSuppressedIn<T>(body: Proc<T>): Proc<T> {
    this.errexitSuppressed++;
    try {
      return yield* body;
    } finally {
      this.errexitSuppressed--;
    }
  }

  /** `errexit`: whether `set -e` applies to its status (it is not a condition or before `&&`). */
  private *execPipeline(p: Pipeline, errexit: boolean): Proc<number> {
    if (p.timed !== undefined) return yield* this.timePipeline(p, errexit);
    if (p.commands.length === 1) return this.pipelineDone(p, yield* this.suppressingErrexit(p.negate, this.execCommand(p.commands[0]!)), errexit);
    const statuses = yield* this.runPipeline(p);
    if (this.flavor === "bash") this.vars.set("PIPESTATUS", { value: statuses.map(String), exported: false, readonly: false });
    return this.pipelineDone(p, this.options.pipefail ? ([...statuses].reverse().find((s) => s !== 0) ?? 0) : statuses[statuses.length - 1]!, errexit);
  }

  /**
   * bash's `time`: the pipeline's simulated wall time and the CPU this shell and its children used
   * meanwhile (all of it counted as user time: ksim does not split off the kernel's), reported on
   * the shell's stderr in TIMEFORMAT (none when it is empty), or POSIX's format for `time -p`.
   */
  private *timePipeline(p: Pipeline, errexit: boolean): Proc<number> {
    const startMs = this.ctx.sim.now;
    const before = this.ctx.times();
    const untimed: Pipeline = { negate: p.negate, commands: p.commands, stderrToo: p.stderrToo, line: p.line };
    const status = p.commands.length === 0 ? (this.lastStatus = 0) : yield* this.execPipeline(untimed, false);
    const after = this.ctx.times();
    const format = p.timed === "posix" ? POSIX_TIME_FORMAT : (this.getVar("TIMEFORMAT") ?? BASH_TIME_FORMAT);
    const cpuMs = after.selfMs - before.selfMs + after.childrenMs - before.childrenMs;
    if (format !== "") this.err(`${timeReport(format, this.ctx.sim.now - startMs, cpuMs, 0)}\n`);
    if (errexit && p.commands.length > 0) this.checkErrexit(untimed, status);
    return status;
  }

  /** What follows a pipeline with that status: bash's PIPESTATUS for one command, `!`, `$?`, `set -e`. */
  private pipelineDone(p: Pipeline, status: number, errexit: boolean): number {
    const cmd = p.commands[0]!;
    // A compound command leaves the PIPESTATUS its last pipeline set.
    if (p.commands.length === 1 && this.flavor === "bash" && cmd.type === "simple") this.vars.set("PIPESTATUS", (PIPESTATUS_OF[status] ??= { value: [String(status)], exported: false, readonly: false }));
    if (p.negate) status = status === 0 ? 1 : 0;
    this.lastStatus = status;
    if (errexit) this.checkErrexit(p, status);
    return status;
  }

  /**
   * Every stage runs in a subshell at once, connected by pipes; each pipe closes when its writer
   * ends, and its reading end when its reader does (so a writer still writing gets SIGPIPE).
   */
  private *runPipeline(p: Pipeline): Proc<number[]> {
    // dash hashes a pipeline's commands before it forks them (prehash): the parent keeps them.
    if (this.flavor !== "bash") for (const cmd of p.commands) this.prehash(cmd);
    // bash forks each simple command of a pipeline as it runs it: the last is $BASH_COMMAND after.
    else if (this.trapDepth === 0) for (const cmd of p.commands) if (cmd.type === "simple") this.currentCommand = cmd;
    const jobs: Job[] = [];
    let previous: Pipe | undefined;
    // shopt -s lastpipe (without job control): the last command runs in this shell itself.
    const inShell = this.flavor === "bash" && this.shopts.lastpipe === true && !this.jobControl ? p.commands.at(-1) : undefined;
    const forked = inShell === undefined ? p.commands : p.commands.slice(0, -1);
    const stages: Shell[] = [];
    forked.forEach((cmd, i) => {
      const sub = this.fork();
      sub.execsCommand = cmd.type === "simple";
      stages.push(sub);
      const last = i === p.commands.length - 1;
      const pipe = last ? undefined : new Pipe();
      const input = previous;
      if (input !== undefined) sub.fds.set(0, new LineReader(input));
      if (pipe !== undefined) {
        sub.fds.set(1, pipe);
        if (p.stderrToo[i]) sub.fds.set(2, pipe);
      }
      previous = pipe;
      jobs.push(sub.startJob(() => sub.execCommand(cmd), () => {
        pipe?.close();
        input?.closeRead();
      }));
    });
    let lastStatus: number | undefined;
    if (inShell !== undefined) {
      const input = previous!;
      const saved = this.fds.get(0);
      this.fds.set(0, new LineReader(input));
      try {
        lastStatus = yield* this.execCommand(inShell);
      } finally {
        input.closeRead();
        if (saved === undefined) this.fds.delete(0);
        else this.fds.set(0, saved);
      }
    }
    const statuses: number[] = [];
    for (let i = 0; i < jobs.length; i++) {
      const status = (yield jobs[i]!.done) as number;
      statuses.push(status);
      // dash and ash tell of each process as they reap it; bash of the job, once it has ended.
      if (this.flavor !== "bash" && stages[i]!.signaledBy(status) !== undefined) this.tellEnded([stages[i]!.endedAs(status, p.commands[i]!)], true);
    }
    if (lastStatus !== undefined) statuses.push(lastStatus);
    else if (this.flavor === "bash" && stages.some((sub, i) => sub.signaledBy(statuses[i]!) !== undefined)) {
      this.tellEnded(stages.map((sub, i) => sub.endedAs(statuses[i]!, p.commands[i]!)), true);
    }
    return statuses;
  }

  private prehash(cmd: Command): void {
    if (cmd.type !== "simple" || cmd.words.length === 0) return;
    const first = cmd.words[0]!;
    if (first.parts.length !== 1 || first.parts[0]!.type !== "literal" || this.functions.has(first.text) || this.hasBuiltin(first.text)) return;
    try {
      this.hashedCommand(first.text);
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
    }
  }

  /** Runs what `start` makes as a concurrent subshell; `after` runs however it ends. */
  startJob(start: () => Proc<number>, after?: () => void): Job {
    return new Job(this.ctx.sim, this.asSubshell(start, after), this.shared.jobs);
  }

  /**
   * What a forked shell process would return: exit and errors end it with their status. `start`
   * runs inside, so errors in making the body (expanding a simple command) end the subshell too.
   */
  *asSubshell(start: () => Proc<number>, after?: () => void): Proc<number> {
    try {
      let status: number;
      try {
        status = yield* start();
      } catch (e) {
        if (e instanceof ExitSignal || e instanceof ShellAbort || e instanceof ReturnSignal) status = e.status;
        else if (e instanceof BreakSignal || e instanceof ContinueSignal) status = 0;
        // A subshell of an interactive shell that set a trap also catches SIGINT: it ends there.
        else if (e instanceof Interrupted) status = 128 + SIGNALS.SIGINT;
        // The fork's own write went past RLIMIT_FSIZE: SIGXFSZ ends it (and only it).
        else if (isFileTooLarge(e)) {
          this.killedBy = "SIGXFSZ";
          status = 128 + SIGNALS.SIGXFSZ;
        }
        else throw e;
      }
      return this.pendingExitTrap() === undefined ? status : yield* this.exitWith(status);
    } finally {
      after?.();
    }
  }

  /** Starts `item &`; its status is 0 at once. */
  private startBackground(item: ListItem): number {
    const sub = this.fork();
    sub.fds.set(0, new LineReader(devNull));
    // Job numbers start again above the highest one still in the table, as bash numbers them.
    const number = Math.max(0, ...[...this.background.values()].map((j) => j.number)) + 1;
    const lone = loneCommand(item.andOr);
    sub.execsCommand = lone?.type === "simple";
    const job = sub.startJob(() => sub.execAndOr(item.andOr));
    const realPid = sub.firstSpawnedPid !== undefined;
    const pid = sub.firstSpawnedPid ?? this.ctx.takePid();
    this.background.set(pid, { number, pid, job, shell: sub, source: item.source, realPid, lone, told: false });
    this.lastBackgroundPid = pid;
    this.lastStatus = 0;
    if (this.jobControl) this.err(`[${number}] ${pid}\n`);
    return 0;
  }

  /**
   * The job table as `jobs` prints it (`[1]+  Done                    sleep 1`), with `only`
   * the jobs that have ended when the shell tells them before a prompt. A finished job is told
   * once and then forgotten, as bash does.
   */
  reportJobs(print: (line: string) => void, only: "all" | "finished"): void {
    if (this.jobTable === undefined || this.jobTable.size === 0) return;
    const all = [...this.jobTable.values()];
    all.forEach((j, i) => {
      const status = j.job.done.value;
      if (status === undefined && only === "finished") return;
      const marker = i === all.length - 1 ? "+" : i === all.length - 2 ? "-" : " ";
      if (status === undefined) {
        print(`[${j.number}]${marker}  ${"Running".padEnd(24)}${j.source}\n`);
        return;
      }
      const signal = status > 128 ? signalOfNumber(status - 128) : undefined;
      const state = status === 0 ? "Done" : signal !== undefined ? describeSignal(signal) : `Exit ${status}`;
      print(`[${j.number}]${marker}  ${state.padEnd(24)}${j.source.replace(/\s*&$/, "")}\n`);
      this.jobTable!.delete(j.pid);
    });
  }

  /** TAB at this shell's prompt: the completions of the word `line` ends with (see completion.ts). */
  complete(line: string): Completion {
    return complete(line, {
      fs: this.ctx.fs,
      cwd: this.cwd,
      flavor: this.flavor,
      home: this.getVar("HOME"),
      path: this.getVar("PATH") ?? "",
      functions: this.functions.keys(),
    });
  }

  /** Interactive bash says `exit` on its way out, whether by the builtin or at the end of its input. */
  sayExit(): void {
    if (this.flavor === "bash" && this.mode === "interactive") this.err(this.shopts.login_shell ? "logout\n" : "exit\n");
  }

  /** Before a prompt: how the background jobs that ended meanwhile ended, with job control on. */
  notifyJobs(): void {
    if (this.jobControl) this.reportJobs((line) => this.err(line), "finished");
  }

  /** Signals a background job by pid; false if there is none. */
  signalJob(pid: number, signal: Signal): boolean {
    const j = this.background.get(pid);
    if (j === undefined || j.realPid || j.job.finished) return false;
    j.shell.foreground?.signal(signal);
    j.job.kill(128 + SIGNALS[signal]);
    return true;
  }

  /** Waits for a background job; resolves early (with undefined) when a trapped signal arrives. */
  /** The status of whichever of `jobs` ends first (it leaves the table); undefined if a trapped signal came first. */
  /** The first of the jobs to end, and its status; undefined when a trapped signal came first. */
  *waitAnyJob(jobs: readonly BackgroundJob[]): Proc<{ readonly job: BackgroundJob; readonly status: number } | undefined> {
    const r = yield* wait(race<number | void>([this.signalWaitable, ...jobs.map((j) => j.job.done)]));
    if (r.index === 0) return undefined;
    const job = jobs[r.index - 1]!;
    this.background.delete(job.pid);
    this.tellBackground([job]);
    return { job, status: r.value as number };
  }

  /** `wait`, for one job; dash and ash tell how a job named to them ended, as of a foreground one. */
  *waitJob(j: BackgroundJob, named = false): Proc<number | undefined> {
    const r = yield* wait(race<number | void>([j.job.done, this.signalWaitable]));
    if (r.index === 1) return undefined;
    this.background.delete(j.pid);
    if (this.flavor === "bash") this.tellBackground([j]);
    else if (named && j.lone !== undefined && j.shell.signaledBy(r.value as number) !== undefined) this.tellEnded([j.shell.endedAs(r.value as number, j.lone)], true);
    return r.value as number;
  }

  /** The signal that ended this fork, which ended with `status`: its command's, when it is that command's process. */
  private signaledBy(status: number): Signal | undefined {
    if (this.killedBy !== undefined) return this.killedBy;
    const sig = this.execsCommand ? this.lastChild?.termsig : undefined;
    return sig !== undefined && status === 128 + SIGNALS[sig] ? sig : undefined;
  }

  /** How this fork ended, as the shell that waited for it saw it: the process of `command`. */
  private endedAs(status: number, command: Command): EndedProcess {
    const signal = this.signaledBy(status);
    // A fork that ran no program has a pid of its own, which ksim takes only when it is shown.
    const pid = this.firstSpawnedPid ?? (this.ownPid ??= this.ctx.takePid());
    const cored = this.killedBy !== undefined ? defaultAction(this.killedBy) === "core" && this.rlimits.core.soft !== 0 : signal !== undefined && this.lastChild!.cored;
    return { pid, status, signal, cored, command: commandText(command) };
  }

  /** Says how a job ended, if this shell would (see job-notices.ts); bash not from inside `$(…)`. */
  private tellEnded(procs: readonly EndedProcess[], foreground: boolean): void {
    let text: string;
    if (this.flavor === "bash") {
      if (this.substitutionDepth > 0 || (this.mode === "interactive" && !this.jobControl)) return;
      const traps = this.trapTable;
      text = bashJobNotice(procs, {
        interactive: this.mode === "interactive",
        foreground,
        pipefail: this.options.pipefail,
        prefix: this.messages.prefix(this.errorName, this.noticeLine),
        traps: (signal) => traps?.has(signal.slice(3)) === true,
      });
    } else text = foreground ? ashJobNotice(procs) : "";
    if (text !== "") this.err(text);
  }

  /** Non-interactive bash tells of background jobs that have ended when a foreground one ends, and at `wait`. */
  private tellBackground(jobs: Iterable<BackgroundJob>): void {
    if (this.flavor !== "bash" || this.mode === "interactive") return;
    for (const j of jobs) {
      if (j.told || !j.job.finished || j.lone === undefined) continue;
      j.told = true;
      this.tellEnded([j.shell.endedAs(j.job.done.value!, j.lone)], false);
    }
  }

  // ---- commands -------------------------------------------------------------------------------

  /**
   * Runs a command. Not a generator itself: it returns the one that runs the command, so a
   * command waiting for a process has one frame less for every resumption to pass through.
   * Callers start what it returns at once; a simple command's words may be expanded already
   * (errors in expanding it throw from here).
   */
  execCommand(cmd: Command): Proc<number> {
    this.line = cmd.line;
    this.lastChild = undefined;
    switch (cmd.type) {
      case "simple":
        return this.execSimple(cmd);
      case "function":
        this.functions.set(cmd.name, cmd.body);
        if (this.flavor === "bash") this.functionFiles.set(cmd.name, this.sourcing.at(-1) ?? (this.mode === "c" ? "environment" : "main"));
        return finished(0);
      default:
        return this.withRedirects(cmd.redirects, this.execCompound(cmd));
    }
  }

  private execCompound(cmd: CompoundCommand): Proc<number> {
    // bash stamps its line_number with the line of these (their job notices say it), until they end.
    return cmd.type === "for" || cmd.type === "cfor" || cmd.type === "case" || cmd.type === "cond" || cmd.type === "arith" ? this.stamped(cmd) : this.execCompoundBody(cmd);
  }

  private *stamped(cmd: CompoundCommand): Proc<number> {
    const saved = this.noticeLine;
    this.noticeLine = cmd.line;
    try {
      return yield* this.execCompoundBody(cmd);
    } finally {
      this.noticeLine = saved;
    }
  }

  private *execCompoundBody(cmd: CompoundCommand): Proc<number> {
    switch (cmd.type) {
      case "subshell": {
        const sub = this.fork();
        const status = yield* sub.asSubshell(() => sub.execList(cmd.body));
        if (sub.killedBy !== undefined) this.tellEnded([sub.endedAs(status, cmd)], true);
        return status;
      }
      case "group":
        return yield* this.execList(cmd.body);
      case "if": {
        for (let i = 0; i < cmd.clauses.length; i++) {
          const clause = cmd.clauses[i]!;
          const c = yield* this.suppressingErrexit(true, this.execList(clause.cond));
          if (c === 0) return yield* this.execList(clause.body);
        }
        return cmd.elseBody === undefined ? 0 : yield* this.execList(cmd.elseBody);
      }
      case "loop": {
        const self = this;
        return yield* this.loop(function* (): Proc<boolean> {
          const c = yield* self.suppressingErrexit(true, self.execList(cmd.cond));
          return (c === 0) !== cmd.until;
        }, cmd.body);
      }
      case "for": {
        const items = cmd.items === undefined ? [...this.positional] : yield* this.expander.fields(cmd.items);
        if (cmd.select) return yield* this.select(cmd.name, items, cmd.body);
        let i = 0;
        const self = this;
        return yield* this.loop(function* (): Proc<boolean> {
          if (i >= items.length) return false;
          // bash's set -x shows the loop's head, as written, before each round.
          if (self.options.xtrace && self.flavor === "bash") self.traceLine(`for ${cmd.name} in ${cmd.items === undefined ? '"$@"' : cmd.items.map((w) => w.text).join(" ")}`);
          self.setVar(cmd.name, items[i++]!);
          return true;
        }, cmd.body);
      }
      case "cfor": {
        const self = this;
        let first = true;
        yield* this.tracedArith(cmd.init);
        return yield* this.loop(function* (): Proc<boolean> {
          if (!first) yield* self.tracedArith(cmd.step);
          first = false;
          return cmd.cond.text.trim() === "" || (yield* self.tracedArith(cmd.cond)) !== 0;
        }, cmd.body);
      }
      case "case": {
        if (this.options.xtrace && this.flavor === "bash") this.traceLine(`case ${cmd.subject.text} in`);
        const subject = yield* this.expander.string(cmd.subject);
        let status = 0;
        let falling = false;
        for (const item of cmd.items) {
          let matched = falling;
          for (const p of item.patterns) {
            if (matched) break;
            matched = matchPattern(yield* this.expander.pattern(p), subject, { nocase: this.shopts.nocasematch, extglob: this.shopts.extglob });
          }
          if (!matched) continue;
          status = item.body.length === 0 ? 0 : yield* this.execList(item.body);
          if (item.terminator === ";;") return status;
          falling = item.terminator === ";&";
        }
        return status;
      }
      case "cond":
        if (this.trapDepth === 0) this.currentCommand = cmd;
        if (this.trapTable?.has("DEBUG") === true && this.trapDepth === 0) return yield* this.afterDebugTrap(cmd, () => this.evalCond(cmd.expr));
        return yield* this.evalCond(cmd.expr);
      case "arith":
        if (this.trapDepth === 0) this.currentCommand = cmd;
        if (this.trapTable?.has("DEBUG") === true && this.trapDepth === 0) return yield* this.afterDebugTrap(cmd, () => this.arithStatus(cmd.expr));
        return yield* this.arithStatus(cmd.expr);
    }
  }

  /** An arithmetic command's value (or a part of `for ((...))`); bash's set -x shows it first, as `(( text ))`. */
  /** `(( expr ))`: 0 when the value is not zero. */
  private *arithStatus(expr: Word): Proc<number> {
    return (yield* this.tracedArith(expr)) !== 0 ? 0 : 1;
  }

  private *tracedArith(expr: Word): Proc<number> {
    if (!this.options.xtrace || this.flavor !== "bash") return yield* this.expander.arith(expr);
    const text = yield* this.expander.string(expr);
    this.traceLine(`(( ${text} ))`);
    return this.arithmetic(text);
  }

  /** A loop; every so many iterations it yields a millisecond, so a busy loop still lets time pass. */
  /**
   * bash's select: the items as a numbered menu on stderr (in columns, as print_select_list lays
   * them out for $COLUMNS), then PS3, then a line read into REPLY; a number in range sets `name`
   * to its item, anything else to "", an empty line shows the menu again. It ends with break, or
   * at the end of input (status 1, after a newline).
   */
  private *select(name: string, items: readonly string[], body: CommandList): Proc<number> {
    if (items.length === 0) return 0;
    let showMenu = true;
    let ended = false;
    const self = this;
    const status = yield* this.loop(function* (): Proc<boolean> {
      for (;;) {
        if (showMenu) self.err(selectMenu(items, Number(self.getVar("COLUMNS")) || 80));
        showMenu = false;
        self.err(self.getVar("PS3") ?? "#? ");
        if ((yield* self.runBuiltin("read", ["read"])) !== 0) {
          self.out("\n");
          ended = true;
          return false;
        }
        const reply = self.getVar("REPLY") ?? "";
        if (reply === "") {
          showMenu = true;
          continue;
        }
        const n = /^\s*[+-]?\d+\s*$/.test(reply) ? Number(reply) : 0;
        self.setVar(name, n >= 1 && n <= items.length ? items[n - 1]! : "");
        return true;
      }
    }, body);
    return ended ? 1 : status;
  }

  private *loop(next: () => Proc<boolean>, body: CommandList): Proc<number> {
    let status = 0;
    let iterations = 0;
    this.loopDepth++;
    try {
      for (;;) {
        // Each millisecond a loop spins is a millisecond of CPU (`time` says so as user time).
        if (++iterations % LOOP_ITERATIONS_PER_MS === 0) {
          this.ctx.chargeCpu(1);
          yield sleep(this.ctx.sim, 1);
        }
        if (!(yield* next())) break;
        try {
          status = yield* this.execList(body);
        } catch (e) {
          // The loop's status is then break's or continue's own: 0.
          if (e instanceof BreakSignal) {
            if (--e.levels > 0) throw e;
            status = 0;
            break;
          }
          if (e instanceof ContinueSignal) {
            if (--e.levels > 0) throw e;
            status = 0;
            continue;
          }
          throw e;
        }
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  private *evalCond(expr: CondExpr): Proc<number> {
    switch (expr.type) {
      case "and": {
        const l = yield* this.evalCond(expr.left);
        return l !== 0 ? l : yield* this.evalCond(expr.right);
      }
      case "or": {
        const l = yield* this.evalCond(expr.left);
        return l === 0 ? 0 : yield* this.evalCond(expr.right);
      }
      case "not": {
        const v = yield* this.evalCond(expr.expr);
        return v === 0 ? 1 : v === 1 ? 0 : v;
      }
      case "word": {
        const arg = yield* this.expander.string(expr.arg);
        this.traceCond(`-n ${arg}`);
        return arg !== "" ? 0 : 1;
      }
      case "unary": {
        const arg = yield* this.expander.string(expr.arg);
        this.traceCond(`${expr.op} ${arg}`);
        return this.test([expr.op, arg], "[[");
      }
      case "binary": {
        const left = yield* this.expander.string(expr.left);
        if (expr.op === "==" || expr.op === "=" || expr.op === "!=") {
          const pattern = yield* this.expander.pattern(expr.right);
          // A quoted character of the pattern shows with its backslash, as bash shows it.
          this.traceCond(`${left} ${expr.op} ${pattern}`);
          // [[ matches as if extglob were on.
          const m = matchPattern(pattern, left, { nocase: this.shopts.nocasematch, extglob: true });
          return (expr.op === "!=" ? !m : m) ? 0 : 1;
        }
        if (expr.op === "=~") {
          const re = yield* this.regexFor(expr.right);
          this.traceCond(`${left} =~ ${re}`);
          let compiled: RegExp;
          try {
            compiled = new RegExp(re, this.shopts.nocasematch ? "i" : "");
          } catch {
            return 2;
          }
          const m = compiled.exec(left);
          if (m === null) {
            this.setVar("BASH_REMATCH", []);
            return 1;
          }
          this.setVar("BASH_REMATCH", m.map((g) => g ?? ""));
          return 0;
        }
        const right = yield* this.expander.string(expr.right);
        this.traceCond(`${left} ${expr.op} ${right}`);
        if (expr.op === "<") return left < right ? 0 : 1;
        if (expr.op === ">") return left > right ? 0 : 1;
        return this.test([left, expr.op, right], "[[");
      }
    }
  }

  /** bash's set -x shows each test of `[[ ]]` as it makes it. */
  private traceCond(text: string): void {
    if (this.options.xtrace) this.traceLine(`[[ ${text} ]]`);
  }

  /** The ERE of `=~`: quoted parts match literally. POSIX classes become JavaScript ones. */
  private *regexFor(word: CondExprWord): Proc<string> {
    let out = "";
    for (const part of word.parts) {
      if (part.type === "literal") out += part.text;
      else {
        const text = yield* this.expander.string({ parts: [part], text: "" });
        out += part.type === "param" || part.type === "command" ? text : text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      }
    }
    return out.replace(/\[:(alpha|digit|alnum|upper|lower|space|blank|punct|xdigit):\]/g, (_, c: string) => POSIX_CLASS[c] ?? "");
  }

  /** What test, `[` and `[[` look at; bash's `-v` asks for variables. */
  testEnvironment(): TestEnvironment {
    const env = { fs: this.ctx.fs, cwd: this.cwd, cred: this.ctx.cred };
    return this.flavor === "bash" ? { ...env, isSet: (name) => this.isSet(name) } : env;
  }

  private isSet(name: string): boolean {
    const element = SUBSCRIPTED.exec(name);
    if (element === null) return this.param(name) !== undefined;
    const [, base, subscript] = element as unknown as [string, string, string];
    if (subscript === "@" || subscript === "*") {
      const arr = this.arrayValue(base);
      return arr !== undefined && (arr instanceof AssocArray ? arr.size : arr.filter(() => true).length) > 0;
    }
    return this.element(base, subscript) !== undefined;
  }

  /** test/[ semantics, printing its diagnostics the way this shell does. */
  test(args: readonly string[], name: string): number {
    const r = evaluateTest(args, this.testEnvironment(), this.flavor);
    if (r.error !== undefined) {
      if (this.flavor === "ash") this.err(`${this.arg0}: ${r.error}\n`);
      else this.builtinError(name === "[[" ? "test" : name, r.error);
    }
    return r.status;
  }

  /**
   * Expands a simple command, then runs it. The generators that wait are kept small, and the
   * deciding is done by plain functions: a generator object holds every local of its function.
   * Most commands expand without running anything: they start no generator to expand.
   */
  private execSimple(cmd: SimpleCommand): Proc<number> {
    if (this.trapTable?.has("DEBUG") === true && this.trapDepth === 0) return this.afterDebugTrap(cmd, () => this.runSimple(cmd));
    // $BASH_COMMAND: what runs now, unless a trap's action runs, which sees what it interrupted.
    if (this.trapDepth === 0) this.currentCommand = cmd;
    return this.runSimple(cmd);
  }

  /** The DEBUG trap's action, with $BASH_COMMAND the command about to run, then the command. */
  private *afterDebugTrap(cmd: Command, run: () => Proc<number>): Proc<number> {
    this.currentCommand = cmd;
    const status = this.lastStatus;
    yield* this.runTrapAction(this.traps.get("DEBUG")!);
    this.lastStatus = status;
    return yield* run();
  }

  /** A simple command from its expansion on (the DEBUG trap, if any, has run). */
  private runSimple(cmd: SimpleCommand): Proc<number> {
    this.substitutionStatus = undefined;
    this.compoundArgs = undefined;
    const words = cmd.assignments.length === 0 ? this.expander.fieldsNow(cmd.words) : undefined;
    if (words === undefined) return this.expandThenRun(cmd);
    if (this.options.xtrace) this.trace(NO_ASSIGNMENTS, words);
    return this.simpleCommand(cmd, words, NO_ASSIGNMENTS);
  }

  private *expandThenRun(cmd: SimpleCommand): Proc<number> {
    // Process substitutions its words open close once the command is done.
    const mark = this.processSubstitutions?.length ?? 0;
    try {
      // An assignment statement assigns from left to right: `IFS=, x=($y)` splits with the new IFS.
      if (cmd.words.length === 0 && cmd.assignments.length > 1) {
        for (const a of cmd.assignments) {
          const assigns = yield* this.expandAssignments([a]);
          if (this.options.xtrace) this.trace(assigns, []);
          this.assign(assigns);
        }
        return yield* this.simpleCommand(cmd, [], NO_ASSIGNMENTS);
      }
      const words = yield* this.expander.fields(cmd.words);
      const assigns = cmd.assignments.length === 0 ? NO_ASSIGNMENTS : yield* this.expandAssignments(cmd.assignments);
      if (this.options.xtrace) this.trace(assigns, words);
      return yield* this.simpleCommand(cmd, words, assigns);
    } finally {
      this.closeProcessSubstitutions(mark);
    }
  }

  private *expandAssignments(assignments: readonly Assignment[]): Proc<Assigned[]> {
    const assigns: Assigned[] = [];
    for (let i = 0; i < assignments.length; i++) {
      const a = assignments[i]!;
      const arr = a.value.parts.length === 1 && a.value.parts[0]!.type === "array" ? a.value.parts[0]!.words : undefined;
      const value = arr !== undefined ? yield* this.expander.compoundItems(arr) : yield* this.expander.string(a.value);
      if (a.subscript === undefined) assigns.push([a.name, value, a.append]);
      else assigns.push([a.name, value, a.append, yield* this.expander.string(a.subscript), `${a.name}[${a.subscript.text}]`]);
    }
    return assigns;
  }

  /** What runs an expanded simple command: an assignment, a builtin, a function or a program. */
  private simpleCommand(cmd: SimpleCommand, words: readonly string[], assigns: readonly Assigned[]): Proc<number> {
    this.lastArgument = words.length === 0 ? "" : words[words.length - 1];
    if (words.length === 0) {
      this.assign(assigns);
      return this.withRedirects(cmd.redirects, finished(this.substitutionStatus ?? 0));
    }
    const name = words[0]!;
    const special = SPECIAL_BUILTINS.has(name) && !(this.flavor === "bash" && this.functions.has(name));
    if (special) {
      this.assign(assigns);
      return this.withRedirects(cmd.redirects, this.runBuiltin(name, words));
    }
    const fn = this.functions.get(name);
    if (fn !== undefined) {
      return this.withTemporaryVars(assigns, true, this.withRedirects(cmd.redirects, this.callFunction(fn, words)));
    }
    if (BUILTINS.has(name) && this.hasBuiltin(name)) {
      return this.withTemporaryVars(assigns, false, this.withRedirects(cmd.redirects, this.runBuiltin(name, words)));
    }
    const env = assigns.length === 0 ? NO_ENV : new Map(assigns.map(([n, v]) => [n, typeof v === "string" ? v : v.map((i) => i.value).join(" ")]));
    // bash forks a last command that has redirections of its own; ash execs it with them.
    if (this.execInPlace.includes(cmd) && (cmd.redirects.length === 0 || this.flavor === "ash") && !this.trapsSet() && !this.subshell) {
      return this.withRedirects(cmd.redirects, this.execInPlaceOfShell(words, env));
    }
    return this.withRedirects(cmd.redirects, this.runExternal(words, env, cmd));
  }

  /** Assignments that stay: of a command without a command word, or of a special builtin. */
  private assign(assigns: readonly Assigned[]): void {
    for (let i = 0; i < assigns.length; i++) this.assignOne(assigns[i]!, false);
  }

  private assignOne([name, value, append, subscript, source]: Assigned, exported: boolean): void {
    if (subscript !== undefined) this.setElement(name, subscript, typeof value === "string" ? value : value.map((i) => i.value).join(" "), append, source);
    else if (typeof value !== "string") this.assignCompound(name, value, append);
    else this.setVar(name, value, { export: exported, append });
  }

  /** Whether a trap would have to run later: any for bash, one with an action for ash (an ignored signal is no trap to it). */
  private trapsSet(): boolean {
    if (this.trapTable === undefined) return false;
    if (this.flavor === "bash") return this.trapTable.size > 0;
    for (const action of this.trapTable.values()) if (action !== "") return true;
    return false;
  }

  /**
   * `bash -c '…; cmd'`: bash 5.1+ and busybox ash exec the last command in their own place,
   * without a fork. The images' dash (Debian's, which keeps the fork) still forks.
   */
  private *execInPlaceOfShell(words: readonly string[], env: ReadonlyMap<string, string>): Proc<number> {
    this.ctx.cwd = this.cwd;
    this.ctx.onSignal(undefined);
    // The program gets the shell's descriptors as they stand: its redirections, an earlier `exec >f`.
    const fds = new Map<number, InputStream | OutputStream>([[0, this.input(0)], [1, this.output(1)], [2, this.output(2)], ...this.inheritedFds()]);
    try {
      throw new ExitSignal(yield* this.ctx.exec(words, this.exportedEnv(env), fds));
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      this.reportSpawnError(e, words[0]!);
      return e.status;
    }
  }

  /** Whether this shell flavour has builtin `name` (dash has no `source`, `declare`, ...). */
  hasBuiltin(name: string): boolean {
    const b = BUILTINS.get(name);
    return b !== undefined && b.flavors.includes(this.flavor);
  }

  /** The builtins this shell has, in no particular order. */
  builtinNames(): string[] {
    return [...BUILTINS].filter(([, b]) => b.flavors.includes(this.flavor)).map(([name]) => name);
  }

  runBuiltin(name: string, words: readonly string[]): Proc<number> {
    return BUILTINS.get(name)!.run(this, words.slice(1));
  }

  /** `body` (not started yet) with `NAME=value` assignments in force while it runs. */
  private withTemporaryVars(assigns: readonly Assigned[], exported: boolean, body: Proc<number>): Proc<number> {
    return assigns.length === 0 ? body : this.withVarsSet(assigns, exported, body);
  }

  private *withVarsSet(assigns: readonly Assigned[], exported: boolean, body: Proc<number>): Proc<number> {
    const saved = assigns.map(([n]) => [n, this.vars.get(n)] as const);
    for (const a of assigns) this.assignOne(a, exported);
    try {
      return yield* body;
    } finally {
      for (const [n, old] of saved) {
        if (old === undefined) this.vars.delete(n);
        else this.vars.set(n, old);
      }
    }
  }

  *callFunction(body: Command, words: readonly string[]): Proc<number> {
    // A function does not inherit the DEBUG and RETURN traps unless functrace (set -T) is on.
    const traced = this.flavor === "bash" && this.optionState.functrace === true;
    const outer = this.flavor === "bash" && this.trapTable !== undefined ? { DEBUG: this.trapTable.get("DEBUG"), RETURN: this.trapTable.get("RETURN") } : undefined;
    if (outer !== undefined && !traced) {
      this.trapTable!.delete("DEBUG");
      this.trapTable!.delete("RETURN");
    }
    const entry = outer === undefined ? undefined : { DEBUG: this.trapTable!.get("DEBUG"), RETURN: this.trapTable!.get("RETURN") };
    if (traced && entry?.DEBUG !== undefined && this.trapDepth === 0) {
      // With functrace the DEBUG trap runs once more as the function starts.
      const status = this.lastStatus;
      yield* this.runTrapAction(entry.DEBUG);
      this.lastStatus = status;
    }
    const status = yield* this.runFunctionBody(body, words);
    if (this.flavor === "bash" && this.trapTable?.has("RETURN") === true && this.trapDepth === 0) {
      yield* this.runTrapAction(this.trapTable.get("RETURN")!);
      this.lastStatus = status;
    }
    // A trap the function set stays; one it left alone is the caller's again.
    if (outer !== undefined && entry !== undefined) {
      for (const name of ["DEBUG", "RETURN"] as const) {
        if (this.trapTable!.get(name) !== entry[name]) continue;
        if (outer[name] === undefined) this.trapTable!.delete(name);
        else this.trapTable!.set(name, outer[name]);
      }
    }
    return status;
  }

  private *runFunctionBody(body: Command, words: readonly string[]): Proc<number> {
    const savedPositional = this.positional;
    const savedFrames = this.callFrames;
    this.positional = words.slice(1);
    this.localFrames.push(new Map());
    this.savedOptions.push(undefined);
    this.callFrames = [...savedFrames, this.callFrame(words[0]!)];
    this.functionDepth++;
    const savedNoticeLine = this.noticeLine;
    this.noticeLine = body.line;
    const savedSourcing = this.sourcing;
    if (this.flavor === "bash") this.sourcing = [...savedSourcing, this.functionFiles.get(words[0]!) ?? "environment"];
    try {
      return yield* this.execCommand(body);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      this.sourcing = savedSourcing;
      this.noticeLine = savedNoticeLine;
      this.functionDepth--;
      // $_ is the call's last argument again once the function has run its own commands.
      this.lastArgument = words.length > 1 ? words[words.length - 1] : words[0];
      this.callFrames = savedFrames;
      this.positional = savedPositional;
      const frame = this.localFrames.pop()!;
      for (const [n, old] of frame) {
        if (old === undefined) this.vars.delete(n);
        else this.vars.set(n, old);
      }
      const options = this.savedOptions.pop();
      if (options !== undefined) {
        this.options = { ...options.flags };
        this.optionState = options.state;
      }
    }
  }

  /** bash's `local -`: the shell's options as they are now come back when the function returns. */
  saveOptionsForCall(): void {
    const top = this.savedOptions.length - 1;
    if (top >= 0 && this.savedOptions[top] === undefined) this.savedOptions[top] = { flags: { ...this.options }, state: this.optionState };
  }

  /** Starts an external command (`source`, as written) and waits for it. */
  *runExternal(argv: readonly string[], assigns: ReadonlyMap<string, string>, source?: SimpleCommand): Proc<number> {
    const child = this.spawnExternal(argv, assigns);
    if (typeof child === "number") return child;
    this.foreground = child;
    try {
      const status = (yield child.exited) as number;
      this.lastChild = child;
      if (this.jobTable !== undefined && this.jobTable.size > 0) this.tellBackground(this.jobTable.values());
      if (!this.execsCommand && child.termsig !== undefined) {
        this.tellEnded([{ pid: child.pid, status, signal: child.termsig, cored: child.cored, command: source === undefined ? argv.join(" ") : commandText(source) }], true);
      }
      return status;
    } finally {
      this.foreground = undefined;
    }
  }

  /**
   * The file a command name runs: the hashed one (counted as a hit), else the first on PATH,
   * which is hashed; undefined for a name with a slash. Throws SpawnError when there is none.
   */
  hashedCommand(name: string): string | undefined {
    if (name.includes("/") || name === "") return undefined;
    const hashed = this.commandHash.path(name);
    if (hashed !== undefined) {
      this.commandHash.used(name);
      return hashed;
    }
    const found = this.ctx.which(name, this.getVar("PATH"));
    this.commandHash.add(name, found, 1);
    return found;
  }

  /** Starts an external command; if it cannot start, says why and returns the status instead. */
  private spawnExternal(argv: readonly string[], assigns: ReadonlyMap<string, string>): ChildProcess | number {
    let child: ChildProcess;
    let executable: string | undefined;
    try {
      executable = this.hashedCommand(argv[0]!);
      child = this.ctx.spawn(argv, {
        executable,
        env: this.exportedEnv(assigns),
        cwd: this.cwd,
        umask: this.umask,
        rlimits: this.rlimits,
        stdin: this.input(0),
        stdout: unclosable(this.output(1)),
        stderr: unclosable(this.output(2)),
        fds: this.inheritedFds(),
      });
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      // bash forks before it finds a name is nowhere on PATH (the child says so); dash looks first.
      if (this.flavor === "bash" && executable === undefined && e.reason === "not found" && !argv[0]!.includes("/")) this.ctx.takePid();
      // bash names a hashed file that has gone by its path, as execve failed on it; dash by the name.
      this.reportSpawnError(e, this.flavor === "bash" ? (executable ?? argv[0]!) : argv[0]!);
      return e.status;
    }
    this.firstSpawnedPid ??= child.pid;
    return child;
  }

  reportSpawnError(e: SpawnError, command: string): void {
    if (e.reason === "not found") this.err(this.messages.commandNotFound(this.errorName, this.line, command));
    else this.err(this.messages.cannotExecute(this.errorName, this.line, e));
  }

  /** `exec cmd`: the program replaces the shell (same pid) when nothing was redirected. */
  *execReplace(argv: readonly string[]): Proc<number> {
    const original = this.fds.get(1) === this.ctx.stdout && this.fds.get(2) === this.ctx.stderr;
    if (this.subshell || !original) {
      const status = yield* this.runExternal(argv, new Map());
      throw new ExitSignal(status);
    }
    this.ctx.cwd = this.cwd;
    this.ctx.onSignal(undefined);
    let status: number;
    try {
      status = yield* this.ctx.exec(argv, this.exportedEnv(), this.inheritedFds());
    } catch (e) {
      if (!(e instanceof SpawnError)) throw e;
      this.reportSpawnError(e, argv[0]!);
      throw new ShellAbort(e.status, true);
    }
    throw new ExitSignal(status);
  }

  /** `$(...)`: runs the list in a subshell and returns what it wrote to stdout. */
  *substitute(body: CommandList): Proc<string> {
    const file = this.flavor === "bash" ? fileSubstitution(body) : undefined;
    if (file !== undefined) return yield* this.readForSubstitution(file);
    const sub = this.fork();
    const sink = new StringSink();
    sub.fds.set(1, sink);
    sub.substitutionDepth++;
    const status = yield* sub.asSubshell(() => sub.execList(body));
    this.substitutionStatus = status;
    this.lastStatus = status;
    return sink.text();
  }

  /** bash's `$(< file)`: the file's text, read by the shell itself. */
  private *readForSubstitution(target: Word): Proc<string> {
    const name = yield* this.expander.string(target);
    try {
      const text = this.ctx.fs.readText(resolvePath(this.cwd, name));
      this.substitutionStatus = this.lastStatus = 0;
      return text;
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      this.error(`${name}: ${e.description}`);
      this.substitutionStatus = this.lastStatus = 1;
      return "";
    }
  }

  /** set -x: a command as it runs. bash shows each assignment on a line of its own, quoting as xtrace does; dash all on one, unquoted. */
  private trace(assigns: readonly Assigned[], words: readonly string[]): void {
    const quote = this.flavor === "dash" ? (s: string) => s : xtraceQuote;
    const assignments = assigns.map(
      ([n, v, append, subscript]) => `${n}${subscript === undefined ? "" : `[${subscript}]`}${append ? "+" : ""}=${typeof v === "string" ? quote(v) : `(${v.map((i) => quote(i.value)).join(" ")})`}`,
    );
    if (this.flavor !== "bash") return this.traceLine([...assignments, ...words.map(quote)].join(" "));
    for (const a of assignments) this.traceLine(a);
    if (words.length > 0) this.traceLine(words.map(quote).join(" "));
  }

  /** One line of set -x: PS4 (expanded, and in bash its first character once more per level of substitution), then the text. */
  private traceLine(text: string): void {
    const ps4 = this.expandPrompt(this.getVar("PS4") ?? "+ ");
    const prefix = this.flavor === "bash" ? ps4.slice(0, 1).repeat(this.substitutionDepth) + ps4 : ps4;
    this.err(`${prefix}${text}\n`);
  }

  /** A prompt string (PS4) with its parameters and arithmetic expanded; one that would run a command stays as it is. */
  private expandPrompt(text: string): string {
    if (!text.includes("$")) return text;
    const word = makeWord(new Parser(text, parserOptions(this.flavor)).readAllParts("heredoc"), text);
    return this.expander.stringNow(word) ?? text;
  }

  // ---- redirections ---------------------------------------------------------------------------

  /**
   * `body` (not started yet) with the redirections applied while it runs; a redirection that
   * fails skips it. Without redirections, that is `body` itself.
   */
  withRedirects(redirects: readonly Redirect[], body: Proc<number>): Proc<number> {
    return redirects.length === 0 ? body : this.redirected(redirects, body);
  }

  private *redirected(redirects: readonly Redirect[], body: Proc<number>): Proc<number> {
    const saved = this.fds;
    const mark = this.processSubstitutions?.length ?? 0;
    try {
      const fds = yield* this.applyRedirects(redirects, copyMap(saved));
      if (fds === undefined) return this.flavor === "dash" ? 2 : 1;
      this.fds = fds;
      try {
        return yield* body;
      } finally {
        if (this.fds === fds) this.fds = saved;
      }
    } finally {
      this.closeProcessSubstitutions(mark);
    }
  }

  /** Applies redirections to a copy of the descriptor table; undefined (after a message) on error. */
  *applyRedirects(redirects: readonly Redirect[], fds: Fds): Proc<Fds | undefined> {
    for (const r of redirects) {
      const fd = r.fd ?? (r.op.startsWith("<") ? 0 : 1);
      switch (r.op) {
        case "<<":
        case "<<-": {
          const h = r.heredoc;
          const text = h === undefined ? "" : h.quoted ? (h.body.parts[0]?.type === "quoted" ? h.body.parts[0].text : "") : yield* this.expander.string(h.body);
          fds.set(fd, new LineReader(stringInput(text)));
          continue;
        }
        case "<<<":
          fds.set(fd, new LineReader(stringInput((yield* this.expander.string(r.target)) + "\n")));
          continue;
      }
      const target = yield* this.expander.string(r.target);
      if (r.op === "<&" || r.op === ">&") {
        if (target === "-") {
          fds.delete(fd);
          continue;
        }
        if (/^[0-9]+$/.test(target)) {
          const s = fds.get(Number(target));
          if (s === undefined) {
            this.error(this.flavor === "bash" ? `${target}: Bad file descriptor` : `${target}: Bad file descriptor`);
            return undefined;
          }
          fds.set(fd, asFd(fd, s));
          continue;
        }
        if (r.op === "<&") {
          this.error(`${target}: ambiguous redirect`);
          return undefined;
        }
      }
      const reading = r.op === "<" || r.op === "<>";
      const stream = this.open(target, reading, r.op === ">>" || r.op === "&>>", fds, r.op === ">|");
      if (stream === undefined) return undefined;
      if (r.op === "&>" || r.op === "&>>" || (r.op === ">&" && r.fd === undefined)) {
        fds.set(1, stream);
        fds.set(2, asFd(2, stream));
      } else {
        fds.set(fd, asFd(fd, stream));
      }
    }
    return fds;
  }

  private open(target: string, reading: boolean, append: boolean, fds: Fds, clobber = false): Stream | undefined {
    const dev = /^\/dev\/(null|stdin|stdout|stderr|fd\/(\d+))$/.exec(target);
    if (dev !== null) {
      if (dev[1] === "null") return reading ? new LineReader(devNull) : devNull;
      const n = dev[1] === "stdin" ? 0 : dev[1] === "stdout" ? 1 : dev[1] === "stderr" ? 2 : Number(dev[2]);
      // A process substitution in this very redirection list opened its descriptor in the shell's table.
      return fds.get(n) ?? this.fds.get(n) ?? devNull;
    }
    const path = resolvePath(this.cwd, target);
    try {
      if (reading) {
        const rdev = this.ctx.fs.stat(path).rdev;
        if (rdev !== undefined) {
          const device = openDeviceForReading(rdev, this.ctx.random, target);
          return new LineReader(device.kind === "endless" ? deviceStream(device, this.ctx.sim, PIPE_BUFFER_BYTES) : devNull, path);
        }
        return new LineReader(stringInput(this.ctx.fs.readText(path)), path);
      }
      if (append) this.withOwnUmask(() => this.ctx.fs.appendFile(path, ""));
      else {
        // noclobber: bash checks first; dash and ash open with O_EXCL unless it is no regular file.
        if (this.options.noclobber && !clobber && this.isRegularFile(path)) {
          if (this.flavor === "bash") this.error(`${target}: cannot overwrite existing file`);
          else throw new FsError("EEXIST", path);
          return undefined;
        }
        this.withOwnUmask(() => this.ctx.fs.writeFile(path, ""));
      }
      return new FileOutput(this.ctx.fs, path);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      this.err(this.messages.redirection(this.errorName, this.line, target, e, !reading));
      return undefined;
    }
  }

  /** umask(2) for the shell's process; a subshell's is its own, which the process has while it runs. */
  setUmask(mask: number): void {
    this.umask = mask;
    if (!this.subshell) this.ctx.umask = mask;
  }

  /** setrlimit(2) for the shell's process (a subshell's limits are its own); the errno if refused. */
  setLimit(resource: Resource, limit: Limit): "EINVAL" | "EPERM" | undefined {
    if (!this.subshell) {
      const refused = this.ctx.setrlimit(resource, limit);
      this.rlimits = this.ctx.rlimits;
      return refused;
    }
    const refused = checkSetrlimit(this.rlimits[resource], limit, resource, this.ctx.mayRaiseHardLimits);
    if (refused === undefined) this.rlimits = { ...this.rlimits, [resource]: limit };
    return refused;
  }

  /** Creates a file as this shell, whose umask a subshell may have changed from its process's. */
  private withOwnUmask(create: () => void): void {
    const processMask = this.ctx.umask;
    if (processMask === this.umask) return create();
    this.ctx.umask = this.umask;
    try {
      create();
    } finally {
      this.ctx.umask = processMask;
    }
  }

  private isRegularFile(path: string): boolean {
    try {
      return this.ctx.fs.stat(path).type === "file";
    } catch (e) {
      if (e instanceof FsError) return false;
      throw e;
    }
  }

  // ---- traps ----------------------------------------------------------------------------------

  /**
   * The signals the shell handles itself where no trap is set (bash(1), SIGNALS; dash's
   * setinteractive): an interactive shell ignores SIGTERM, so that `kill 0` spares it, and
   * SIGQUIT, and catches SIGINT; bash ignores SIGQUIT whatever its mode.
   */
  private get ownSignals(): ReadonlySet<Signal> {
    if (this.mode === "interactive") return INTERACTIVE_SIGNALS;
    return this.flavor === "bash" ? BASH_SIGNALS : NO_SIGNALS;
  }

  /** Installs or removes the process signal handler to match the traps that are set. */
  syncSignalHandler(): void {
    const own = this.ownSignals;
    const trapped: Signal[] = [];
    this.trapTable?.forEach((_, k) => void (k !== "EXIT" && !BASH_PSEUDO_SIGNALS.includes(k) && trapped.push(`SIG${k}` as Signal)));
    if (trapped.length === 0 && own.size === 0) {
      this.ctx.onSignal(undefined);
      return;
    }
    this.ctx.onSignal(
      (signal) => {
        const action = this.traps.get(signal.slice(3));
        if (action === "" || (action === undefined && !(signal === "SIGINT" && this.mode === "interactive"))) return;
        this.pendingSignals.push(signal);
        const f = this.signalArrived;
        this.signalArrived = undefined;
        f?.resolve();
      },
      trapped.length === 0 ? own : [...own, ...trapped],
    );
  }

  /**
   * Runs the traps of the signals that arrived. Returns true when an untrapped SIGINT reached an
   * interactive shell: as bash's throw_to_top_level, the rest of the command line is abandoned.
   */
  private *runPendingTraps(): Proc<boolean> {
    const err = this.errTrapPending;
    if (err !== undefined) {
      this.errTrapPending = undefined;
      const status = this.lastStatus;
      yield* this.runTrapAction(this.traps.get("ERR") ?? "");
      this.lastStatus = status;
      if (err >= 0) throw new ExitSignal(err);
    }
    let interrupted = false;
    while (this.pendingSignals.length > 0) {
      const signal = this.pendingSignals.shift()!;
      const action = this.traps.get(signal.slice(3));
      if (action === undefined) interrupted ||= signal === "SIGINT";
      if (action === undefined || action === "") continue;
      const status = this.lastStatus;
      yield* this.runTrapAction(action);
      this.lastStatus = status;
    }
    return interrupted;
  }

  /** A trap's action, during which $BASH_COMMAND keeps naming the command it interrupted. */
  *runTrapAction(action: string): Proc<number> {
    this.trapDepth++;
    try {
      return yield* this.evalString(action, this.line, "trap");
    } finally {
      this.trapDepth--;
    }
  }

  /** A waitable that settles when a trapped signal arrives (interrupts `wait`). */
  get signalWaitable(): Waitable<void> {
    return (this.signalArrived ??= new Future<void>());
  }

  parseSignalSpec(spec: string): string | undefined {
    if (spec === "0" || spec.toUpperCase() === "EXIT") return "EXIT";
    if (this.flavor === "bash" && BASH_PSEUDO_SIGNALS.includes(spec.toUpperCase())) return spec.toUpperCase();
    const s = parseSignal(spec);
    return s?.slice(3);
  }
}

type CondExprWord = Extract<CondExpr, { type: "binary" }>["right"];

const POSIX_CLASS: Record<string, string> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: "\\s",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
};

/** bash's xtrace quoting: words with special characters in single quotes. */
