import { ErrorCode } from "./protocol.js";

/**
 * A request refused before it runs (RequestValidationException and its kinds): the protocol
 * error code the client gets, and the message.
 */
export class RequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** InvalidRequestException. */
export const invalid = (message: string) => new RequestError(ErrorCode.INVALID, message);
/** ConfigurationException. */
export const configError = (message: string) => new RequestError(ErrorCode.CONFIG_ERROR, message);
/** SyntaxException, raised after parsing (an unknown property). */
export const syntaxError = (message: string) => new RequestError(ErrorCode.SYNTAX_ERROR, message);
