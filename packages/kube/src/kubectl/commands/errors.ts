import { ApiError, type StatusCause } from "../../api/errors.js";
import { JsonPatchError } from "../../api/json-patch.js";
import { PatchError } from "../../api/patch.js";
import { goQuote, kubectlInvalidText } from "../../api/validation/field.js";

/**
 * The errors kubectl commands end with and how cmdutil.CheckErr prints them: API statuses as
 * `Error from server (Reason): message`, Invalid statuses as `The Kind "name" is invalid: …`,
 * aggregates one per line, exit errors with their own code, anything else after `error: `.
 */
export interface StatusDetails {
  readonly kind: string;
  readonly name: string;
  readonly causes: readonly StatusCause[];
}

/** A metav1.Status from the API server; an empty reason is StatusReasonUnknown. */
export class StatusError extends Error {
  override name = "StatusError";
  constructor(
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }
}

/** utilexec.ExitError: the message as is, and its exit code (`command terminated with exit code 2`). */
export class ExitError extends Error {
  override name = "ExitError";
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** utilerrors.Aggregate: several errors reported together, one per line. */
export class ErrorList extends Error {
  override name = "ErrorList";
  constructor(readonly errors: readonly unknown[]) {
    super(errors.map(messageOf).join(", "));
  }
}

/** cmdutil.ErrExit: exit 1 without printing anything more. */
export class SilentExit extends Error {
  override name = "SilentExit";
}

/** cmdutil.UsageErrorf. */
export function usageError(commandPath: string, message: string): Error {
  return new Error(`${message}\nSee '${commandPath} -h' for help and examples`);
}

/** Several errors as one: none → undefined, one → itself (CheckErr unwraps it), more → ErrorList. */
export function aggregate(errors: readonly unknown[]): unknown {
  if (errors.length === 0) return undefined;
  return errors.length === 1 ? errors[0] : new ErrorList(errors);
}

/**
 * The status an error from the API machinery stands for. `object` is what was sent: Invalid
 * statuses name its kind and name (their details), as the API server's do.
 */
export function toStatus(e: unknown, object?: { readonly kind: string; readonly metadata: { readonly name?: string } }): unknown {
  if (e instanceof ApiError) {
    const details = e.reason === "Invalid" && object !== undefined ? { kind: object.kind, name: object.metadata.name ?? "", causes: e.causes } : undefined;
    return new StatusError(e.reason, e.message, details);
  }
  if (e instanceof JsonPatchError) {
    // A patch that does not apply is a 422 with the reason only in its cause (NewGenericServerResponse).
    if (e.status === "Invalid") return new StatusError("Invalid", "the server rejected our request due to an error in our request", { kind: "", name: "", causes: [{ message: e.message }] });
    return new StatusError("BadRequest", e.message);
  }
  if (e instanceof PatchError) return new StatusError(e.status === "BadRequest" ? "BadRequest" : "", e.message);
  return e;
}

/** cmdutil.AddSourceToErr: `error when creating "web.yaml": …`, keeping a status a status. */
export function withSource(verb: string, source: string | undefined, e: unknown): unknown {
  if (source === undefined || source === "") return e;
  const prefix = `error when ${verb} ${goQuote(source)}: `;
  if (e instanceof StatusError) return new StatusError(e.reason, prefix + e.message, e.details);
  return new Error(prefix + messageOf(e));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** StandardErrorMessage: the text of an API status, or undefined for other errors. */
function standardMessage(e: unknown): string | undefined {
  const s = toStatus(e);
  if (!(s instanceof StatusError)) return undefined;
  return s.reason !== "" ? `Error from server (${s.reason}): ${s.message}` : `Error from server: ${s.message}`;
}

function invalidText(details: StatusDetails | undefined): string {
  if (details === undefined) return "The request is invalid";
  if (details.kind !== "" || details.name !== "") return kubectlInvalidText(details.kind, details.name, details.causes);
  const lines = [...new Set(details.causes.map((c) => `${c.field ?? ""}: ${c.message}`))];
  if (lines.length === 0) return "The request is invalid";
  if (lines.length === 1) return `The request is invalid: ${lines[0]}`;
  return `The request is invalid: \n${lines.map((l) => `* ${l}`).join("\n")}\n`;
}

/** What CheckErr prints for `e` (ending in a newline) and the exit code; empty text for SilentExit. */
export function errorReport(e: unknown): { readonly text: string; readonly code: number } {
  let err = toStatus(e);
  if (err instanceof ErrorList && err.errors.length === 1) err = toStatus(err.errors[0]);
  let text: string;
  let code = 1;
  if (err instanceof SilentExit) return { text: "", code: 1 };
  if (err instanceof StatusError && err.reason === "Invalid") text = invalidText(err.details);
  else if (err instanceof ErrorList) text = err.errors.map((x) => standardMessage(x) ?? messageOf(x)).join("\n");
  else if (err instanceof ExitError) {
    text = err.message;
    code = err.code;
  } else {
    text = standardMessage(err) ?? messageOf(err);
    if (standardMessage(err) === undefined && !text.startsWith("error: ")) text = `error: ${text}`;
  }
  if (text !== "" && !text.endsWith("\n")) text += "\n";
  return { text, code };
}
