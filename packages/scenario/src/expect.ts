import type { StepExpectation } from "./file.js";

/** What a step printed and how it ended. */
export interface StepOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved, as a terminal would show them. */
  readonly output: string;
  readonly exitCode: number;
}

/**
 * Placeholders for what legitimately varies between seeds (ages, addresses, generated names);
 * everything else in an expected line is literal.
 */
const TOKENS: Readonly<Record<string, string>> = {
  "{any}": ".*?",
  "{age}": "(?:\\d+[smhdy](?:\\d+[smhd])?|<unknown>|<invalid>)",
  "{ip}": "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}",
  "{n}": "\\d+",
  "{word}": "\\S+",
  "{hash}": "[a-z0-9]+",
  "{uuid}": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
};

const TOKEN_RE = /\{(?:any|age|ip|n|word|hash|uuid)\}/g;

/**
 * A matcher for one expected line. Unless spacing is exact, runs of blanks count as one, so a
 * table whose AGE column is one character wider on another seed still matches.
 */
export function linePattern(expected: string, exactSpacing: boolean): RegExp {
  const line = exactSpacing ? expected : normalize(expected);
  let re = "";
  let last = 0;
  for (const m of line.matchAll(TOKEN_RE)) {
    re += escape(line.slice(last, m.index)) + TOKENS[m[0]]!;
    last = m.index + m[0].length;
  }
  re += escape(line.slice(last));
  return new RegExp(`^${re}$`);
}

/**
 * linePattern's matchers by spacing mode and expected line: a scenario checks the same lines on
 * every run (every seed of a sweep), and compiling them again was a third of what checking cost.
 * The matchers have no `g` flag, so `test` keeps no state between uses.
 */
const compiledPatterns = [new Map<string, RegExp>(), new Map<string, RegExp>()] as const;
const MAX_COMPILED_PATTERNS = 4096;

function cachedPattern(expected: string, exactSpacing: boolean): RegExp {
  const memo = compiledPatterns[exactSpacing ? 1 : 0];
  let re = memo.get(expected);
  if (re === undefined) {
    if (memo.size >= MAX_COMPILED_PATTERNS) memo.clear();
    memo.set(expected, (re = linePattern(expected, exactSpacing)));
  }
  return re;
}

function normalize(line: string): string {
  return line.replace(/[ \t]+/g, " ").trim();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function lines(text: string): string[] {
  const out = text.split("\n");
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** Every way the step's output differs from what was expected (empty when it holds). */
export function checkExpectation(exp: StepExpectation, out: StepOutput): string[] {
  const failures: string[] = [];
  const exact = exp.exactSpacing ?? false;
  if (exp.exitCode !== undefined && exp.exitCode !== out.exitCode) {
    failures.push(`exit code ${out.exitCode}, expected ${exp.exitCode}`);
  }
  for (const [field, expected] of [["stdout", exp.stdout], ["stderr", exp.stderr], ["output", exp.output]] as const) {
    if (expected === undefined) continue;
    const diff = compareWhole(lines(expected), lines(out[field]), exact);
    if (diff !== undefined) failures.push(`${field} ${diff}`);
  }
  if (exp.contains !== undefined) {
    const actual = lines(out.output).map((l) => (exact ? l : normalize(l)));
    let at = 0;
    for (const want of exp.contains) {
      const re = cachedPattern(want, exact);
      const found = actual.findIndex((l, i) => i >= at && re.test(l));
      if (found < 0) {
        failures.push(`output does not contain, after line ${at}: ${want}`);
        break;
      }
      at = found + 1;
    }
  }
  for (const unwanted of exp.notContains ?? []) {
    const re = cachedPattern(unwanted, exact);
    const hit = lines(out.output).find((l) => re.test(exact ? l : normalize(l)));
    if (hit !== undefined) failures.push(`output contains a line it must not: ${hit}`);
  }
  return failures;
}

function compareWhole(expected: string[], actual: string[], exact: boolean): string | undefined {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === undefined) return `has an extra line ${i + 1}: ${a}`;
    if (a === undefined) return `is missing line ${i + 1}: ${e}`;
    if (!cachedPattern(e, exact).test(exact ? a : normalize(a))) return `differs at line ${i + 1}:\n    expected: ${e}\n    actual:   ${a}`;
  }
  return undefined;
}
