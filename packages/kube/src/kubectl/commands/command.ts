import type { Proc } from "@ksim/sim";
import type { Flags, FlagSpec } from "./flags.js";
import type { Session } from "./session.js";

/** One parsed invocation of a (sub)command. */
export interface Invocation {
  readonly s: Session;
  readonly flags: Flags;
  readonly args: readonly string[];
  /** Arguments before `--` (-1 without one). */
  readonly argsLenAtDash: number;
  /** `kubectl rollout status`, as usage errors name the command. */
  readonly path: string;
}

/** A kubectl command as cobra declares it. */
export interface Command {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** The one-line description of the command lists. */
  readonly short: string;
  /** The help page's description, when it is more than `short` and a period. */
  readonly long?: string;
  /** The help page's Examples and Options sections, as kubectl prints them. */
  readonly examples?: string;
  readonly options?: string;
  /** A command group that prints its help on standard output when run bare (DefaultSubCommandRun(streams.Out)). */
  readonly groupHelpToStdout?: boolean;
  /** The `Use` line after the command path (`(TYPE NAME | TYPE/NAME) --replicas=COUNT`). */
  readonly usage: string;
  readonly flags?: readonly FlagSpec[];
  /** Flags cobra refuses to run without (`error: required flag(s) "replicas" not set`). */
  readonly required?: readonly string[];
  /** Words that suggest this command when mistyped (cobra's SuggestFor). */
  readonly suggestFor?: readonly string[];
  /** Returns the exit status; throws errors for CheckErr to print. */
  readonly run?: (inv: Invocation) => Proc<number>;
  readonly subcommands?: readonly Command[];
  /** Works on local files only (`kubectl config`): needs no usable context or cluster. */
  readonly local?: boolean;
}

/** Flags many commands share. */
export const OUTPUT_FLAG: FlagSpec = { name: "output", short: "o", type: "string" };
export const SELECTOR_FLAG: FlagSpec = { name: "selector", short: "l", type: "string" };
export const FIELD_SELECTOR_FLAG: FlagSpec = { name: "field-selector", type: "string" };
export const ALL_NAMESPACES_FLAG: FlagSpec = { name: "all-namespaces", short: "A", type: "bool" };
export const DRY_RUN_FLAG: FlagSpec = { name: "dry-run", type: "string", noValue: "unchanged" };
/** `--local`: change the `-f` objects and print them, without the server. */
export const LOCAL_FLAG: FlagSpec = { name: "local", type: "bool" };
/** exec's and attach's: which container, whether to pass stdin and use a TTY. */
export const STREAM_FLAGS: readonly FlagSpec[] = [
  { name: "container", short: "c", type: "string" },
  { name: "stdin", short: "i", type: "bool" },
  { name: "tty", short: "t", type: "bool" },
  { name: "quiet", short: "q", type: "bool" },
  { name: "pod-running-timeout", type: "duration" },
];
export const TEMPLATE_FLAGS: readonly FlagSpec[] = [
  { name: "template", type: "string" },
  { name: "allow-missing-template-keys", type: "bool" },
  { name: "show-managed-fields", type: "bool" },
];

export type DryRun = "none" | "client" | "server";

/** Whether a command that writes objects prints them (`-o`, or `--template` alone, which means go-template) instead of name lines. */
export function printsObjects(flags: Flags): boolean {
  return flags.string("output") !== "" || flags.changed("template");
}

/** cmdutil.GetDryRunStrategy. */
export function dryRunOf(flags: Flags): DryRun {
  const v = flags.string("dry-run", "none");
  if (v === "client" || v === "unchanged" || v === "true") return "client";
  if (v === "server") return "server";
  if (v === "none" || v === "false") return "none";
  throw new Error(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

/** The suffix the name printer adds in a dry run. */
export function dryRunSuffix(dryRun: DryRun): string {
  return dryRun === "client" ? " (dry run)" : dryRun === "server" ? " (server dry run)" : "";
}
