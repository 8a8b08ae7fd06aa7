import type { Command } from "./command.js";

/**
 * What `--help` prints: the command's description, aliases, subcommands and usage line, in
 * kubectl's templater layout. kubectl's own pages add examples and options; these keep the
 * shape and the parts a user needs.
 */
export function commandHelp(path: string, command: Command): string {
  let out = `${command.long ?? `${command.short}.`}\n\n`;
  if (command.aliases !== undefined && command.aliases.length > 0) out += `Aliases:\n${[command.name, ...command.aliases].join(", ")}\n\n`;
  if (command.subcommands !== undefined && command.subcommands.length > 0) {
    out += `Available Commands:\n${commandList(command.subcommands)}\n`;
  }
  if (command.examples !== undefined) out += `Examples:\n${command.examples}\n\n`;
  if (command.options !== undefined) out += `Options:\n${command.options}\n\n`;
  out += `Usage:\n  ${path}${command.usage === "" ? "" : ` ${command.usage}`} [options]\n\n`;
  if (command.subcommands !== undefined && command.subcommands.length > 0) out += `Use "${path} <command> --help" for more information about a given command.\n`;
  out += 'Use "kubectl options" for a list of global command-line options (applies to all commands).\n';
  return out;
}

/** `kubectl` and `kubectl --help`: the commands ksim runs, in kubectl's groups. */
export function rootHelp(groups: readonly (readonly [string, readonly Command[]])[]): string {
  let out = "kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\n";
  const width = nameColumn(groups.flatMap(([, cs]) => cs));
  for (const [title, commands] of groups) {
    if (commands.length === 0) continue;
    out += `${title}:\n${commandList(commands, width)}\n`;
  }
  out += 'Usage:\n  kubectl [flags] [options]\n\nUse "kubectl <command> --help" for more information about a given command.\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n';
  return out;
}

/**
 * The templater's command lines: each name padded to cobra's NamePadding (the longest sibling
 * name, at least 11), then the separator, so the descriptions start three columns after it.
 */
function commandList(commands: readonly Command[], width = nameColumn(commands)): string {
  return commands.map((c) => `  ${c.name.padEnd(width)}${c.short}\n`).join("");
}

function nameColumn(commands: readonly Command[]): number {
  return Math.max(11, ...commands.map((c) => c.name.length)) + 3;
}

/** cobra's SuggestionsFor: commands within Levenshtein distance 2, with the typed prefix, or listing it in SuggestFor. */
export function suggestions(typed: string, commands: readonly Command[]): string[] {
  const out: string[] = [];
  for (const c of [...commands].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const close = levenshtein(typed.toLowerCase(), c.name.toLowerCase()) <= 2 || c.name.toLowerCase().startsWith(typed.toLowerCase());
    if (close) out.push(c.name);
    for (const s of c.suggestFor ?? []) if (s.toLowerCase() === typed.toLowerCase()) out.push(c.name);
  }
  return out;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
