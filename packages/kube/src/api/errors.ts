/**
 * API errors as the API server returns them (a metav1.Status): HTTP code, reason, message and
 * details. kubectl prints them as `Error from server (<Reason>): <message>`.
 */
export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "Forbidden"
  | "TooManyRequests"
  | "MethodNotAllowed"
  | "InternalError"
  | "Gone";

const CODES: Record<StatusReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  BadRequest: 400,
  Forbidden: 403,
  TooManyRequests: 429,
  MethodNotAllowed: 405,
  InternalError: 500,
  Gone: 410,
};

export interface StatusCause {
  readonly type?: string;
  readonly message: string;
  readonly field?: string;
}

export class ApiError extends Error {
  override name = "ApiError";
  readonly code: number;
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly causes: readonly StatusCause[] = [],
    code?: number,
  ) {
    super(message);
    this.code = code ?? CODES[reason];
  }
}

/** `pods "web-0" not found` — the resource is the plural with its group (`statefulsets.apps`). */
export function notFound(resource: string, name: string): ApiError {
  return new ApiError("NotFound", `${resource} "${name}" not found`);
}

export function alreadyExists(resource: string, name: string): ApiError {
  return new ApiError("AlreadyExists", `${resource} "${name}" already exists`);
}

/** An admission plugin's refusal (admission.NewForbidden): `persistentvolumeclaims "data" is forbidden: …`. */
export function forbidden(resource: string, name: string, detail: string): ApiError {
  return new ApiError("Forbidden", `${resource} "${name}" is forbidden: ${detail}`);
}

export function conflict(resource: string, name: string, detail: string): ApiError {
  return new ApiError("Conflict", `Operation cannot be fulfilled on ${resource} "${name}": ${detail}`);
}
