import type { Proc } from "@ksim/sim";
import type { Cluster } from "../../cluster.js";
import { isBrokenPipe, type Executable, type ProcessContext } from "../../runtime/process.js";
import { applyCommand } from "./apply.js";
import { attachCommand } from "./attach.js";
import { authCommand } from "./auth.js";
import { debugCommand } from "./debug.js";
import type { Command } from "./command.js";
import { cpCommand } from "./cp.js";
import { createCommand } from "./create.js";
import { deleteCommand } from "./delete.js";
import { diffCommand } from "./diff.js";
import { describeCommand } from "./describe.js";
import { editCommand } from "./edit.js";
import { eventsCommand } from "./events.js";
import { errorReport, ExitError, usageError } from "./errors.js";
import { execCommand } from "./exec.js";
import { exposeCommand } from "./expose.js";
import { FlagError, HelpRequested, parseFlags, type FlagSpec } from "./flags.js";
import { getCommand } from "./get.js";
import { commandHelp, rootHelp, suggestions } from "./help.js";
import { configCommand, contextFor } from "./config.js";
import { apiResourcesCommand, apiVersionsCommand, clusterInfoCommand, versionCommand } from "./info.js";
import { kustomizeCommand } from "./kustomize.js";
import { logsCommand } from "./logs.js";
import { annotateCommand, labelCommand } from "./metadata.js";
import { cordonCommand, drainCommand, uncordonCommand } from "./nodes.js";
import { patchCommand } from "./patch.js";
import { portForwardCommand } from "./port-forward.js";
import { parseRequestTimeout } from "./durations.js";
import { replaceCommand } from "./replace.js";
import { GLOBAL_FLAGS, optionsCommand } from "./global-flags.js";
import { rolloutCommand } from "./rollout.js";
import { runCommand } from "./run.js";
import { autoscaleCommand, scaleCommand } from "./scale.js";
import { setCommand } from "./set.js";
import { taintCommand } from "./taint.js";
import { topCommand } from "./top.js";
import { Session, type KubectlOptions } from "./session.js";
import { waitCommand } from "./wait.js";

/**
 * The `kubectl` program: global flags, finding the (sub)command as cobra does, its flags, and
 * cmdutil.CheckErr's printing of whatever error it ends with.
 */

const GROUPS: readonly (readonly [string, readonly Command[]])[] = [
  ["Basic Commands (Beginner)", [createCommand, exposeCommand, runCommand, setCommand]],
  ["Basic Commands (Intermediate)", [getCommand, editCommand, deleteCommand]],
  ["Deploy Commands", [rolloutCommand, scaleCommand, autoscaleCommand]],
  ["Cluster Management Commands", [clusterInfoCommand, topCommand, cordonCommand, uncordonCommand, drainCommand, taintCommand]],
  ["Troubleshooting and Debugging Commands", [describeCommand, logsCommand, attachCommand, execCommand, portForwardCommand, cpCommand, authCommand, debugCommand, eventsCommand]],
  ["Advanced Commands", [diffCommand, applyCommand, patchCommand, replaceCommand, waitCommand, kustomizeCommand]],
  ["Settings Commands", [labelCommand, annotateCommand]],
  ["Other Commands", [apiResourcesCommand, apiVersionsCommand, configCommand, versionCommand]],
];

// `options` runs but is left out of the help's lists, as kubectl's templater filters it.
const COMMANDS: readonly Command[] = [...GROUPS.flatMap(([, cs]) => cs), optionsCommand];

/** kubectl's commands ksim does not model: named as such rather than "unknown". */
const UNSUPPORTED = new Set([
  "alpha", "certificate", "completion", "debug", "explain",
  "plugin", "proxy",
]);

export function kubectlProgram(cluster: Cluster, options: KubectlOptions): Executable {
  return function* kubectl(ctx: ProcessContext): Proc<number> {
    try {
      return yield* dispatch(ctx, cluster, options, ctx.argv.slice(1));
    } catch (e) {
      // Go does not catch SIGPIPE on standard output: kubectl dies of it without a word.
      if (isBrokenPipe(e)) throw e;
      const { text, code } = errorReport(e);
      ctx.stderr.write(text);
      return code;
    }
  };
}

function* dispatch(ctx: ProcessContext, cluster: Cluster, options: KubectlOptions, argv: readonly string[]): Proc<number> {
  let rest = [...argv];
  let path = "kubectl";
  let command: Command | undefined;
  let candidates = COMMANDS;
  let local = false;
  for (;;) {
    const at = firstWord(rest, [...GLOBAL_FLAGS, ...(command?.flags ?? [])]);
    if (at < 0 || (command !== undefined && command.subcommands === undefined)) break;
    const word = rest[at]!;
    if (command === undefined && word === "help") {
      return showHelp(ctx, rest.slice(at + 1));
    }
    const found = candidates.find((c) => c.name === word || (c.aliases ?? []).includes(word));
    if (found === undefined) {
      // A command takes the word as an argument; a group refuses it after parsing its flags.
      if (command !== undefined) break;
      if (UNSUPPORTED.has(word)) throw new Error(`"kubectl ${word}" is not available in ksim`);
      const hints = suggestions(word, candidates);
      throw new Error(`unknown command ${JSON.stringify(word)} for ${JSON.stringify(path)}${hints.length > 0 ? `\n\nDid you mean this?\n${hints.map((h) => `\t${h}\n`).join("")}` : ""}`);
    }
    rest = [...rest.slice(0, at), ...rest.slice(at + 1)];
    local ||= found.local === true;
    command = found;
    path = `${path} ${found.name}`;
    candidates = found.subcommands ?? [];
  }
  if (command === undefined) {
    // `kubectl`, `kubectl --help`, `kubectl -n x`: the overview (flags still have to parse).
    parseOrHelp(rest, GLOBAL_FLAGS, path);
    ctx.stdout.write(rootHelp(GROUPS));
    return 0;
  }
  const parsed = parseOrHelp(rest, [...GLOBAL_FLAGS, ...(command.flags ?? [])], path);
  if (parsed === undefined) {
    ctx.stdout.write(commandHelp(path, command));
    return 0;
  }
  for (const { spec } of parsed.flags.given) if (spec.deprecated !== undefined) ctx.stderr.write(`Flag --${spec.name} has been deprecated, ${spec.deprecated}\n`);
  if (command.run === undefined) {
    // A command group (DefaultSubCommandRun): arguments are unknown subcommands; bare, its help and exit 1.
    if (parsed.args.length > 0) throw usageError(path, `unknown command ${JSON.stringify(parsed.args.join(" "))}`);
    (command.groupHelpToStdout === true ? ctx.stdout : ctx.stderr).write(commandHelp(path, command));
    return 1;
  }
  const missing = (command.required ?? []).filter((f) => !parsed.flags.changed(f));
  if (missing.length > 0) throw new Error(`required flag(s) ${missing.map((m) => JSON.stringify(m)).join(", ")} not set`);
  const namespace = parsed.flags.string("namespace");
  let contextNamespace = "default";
  if (!local) {
    const choice = contextFor(ctx, parsed.flags);
    if (!choice.ok) throw new ExitError(choice.message, 1);
    contextNamespace = choice.namespace;
  }
  const session = new Session(ctx, cluster, options, namespace || contextNamespace, namespace !== "", parseRequestTimeout(parsed.flags.string("request-timeout", "0")));
  return yield* command.run({ s: session, flags: parsed.flags, args: parsed.args, argsLenAtDash: parsed.argsLenAtDash, path });
}

/** The parsed flags, undefined for `--help`; flag errors in cobra's words. */
function parseOrHelp(argv: readonly string[], specs: readonly FlagSpec[], path: string) {
  try {
    return parseFlags(argv, specs);
  } catch (e) {
    if (e instanceof HelpRequested) return undefined;
    if (e instanceof FlagError) throw new Error(`${e.message}\nSee '${path} --help' for usage.`);
    throw e;
  }
}

/** The index of the first argument that is neither a flag nor a flag's value, -1 if none (stops at `--`). */
function firstWord(argv: readonly string[], specs: readonly FlagSpec[]): number {
  const takesValue = (spec: FlagSpec | undefined) => spec !== undefined && spec.type !== "bool" && spec.noValue === undefined;
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i]!;
    if (s === "--") return -1;
    if (s.startsWith("--")) {
      if (!s.includes("=") && takesValue(specs.find((f) => f.name === s.slice(2)))) i++;
    } else if (s.startsWith("-") && s.length > 1) {
      if (s.length === 2 && takesValue(specs.find((f) => f.short === s[1]))) i++;
    } else return i;
  }
  return -1;
}

/** `kubectl help [command…]`. */
function showHelp(ctx: ProcessContext, words: readonly string[]): number {
  let path = "kubectl";
  let command: Command | undefined;
  let candidates = COMMANDS;
  for (const w of words) {
    const found = candidates.find((c) => c.name === w || (c.aliases ?? []).includes(w));
    if (found === undefined) break;
    command = found;
    path = `${path} ${found.name}`;
    candidates = found.subcommands ?? [];
  }
  ctx.stdout.write(command === undefined ? rootHelp(GROUPS) : commandHelp(path, command));
  return 0;
}
