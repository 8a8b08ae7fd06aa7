import { readFileSync } from "node:fs";
import { parseScenario, ScenarioFileError, type ScenarioFile } from "@ksim/scenario";

/**
 * Reads and validates a scenario file for a command; on failure, says why on stderr (with the
 * file and the place in it) and gives the exit status, 2.
 */
export function loadScenario(file: string): { readonly text: string; readonly scenario: ScenarioFile } | number {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    process.stderr.write(`ksim: ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}\n`);
    return 2;
  }
  try {
    return { text, scenario: parseScenario(text, file) };
  } catch (e) {
    if (!(e instanceof ScenarioFileError)) throw e;
    process.stderr.write(`ksim: ${e.message}\n`);
    return 2;
  }
}
