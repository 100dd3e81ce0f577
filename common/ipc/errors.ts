// Typed errors that cross the bridge. Errors travel as data inside a Result
// (contextBridge and JSON both drop Error subclasses), and the renderer's api
// client turns them back into a BridgeError it can `instanceof`.
import { z } from 'zod';

export const ERROR_CODES = [
  'invalid_input', // the input failed its schema or a business rule; `issues` names the fields
  'not_found', // the id names nothing (any more)
  'already_exists', // an add of something that exists
  'conflict', // the change cannot apply to the current state (e.g. pending changes block it)
  'unavailable', // the panel or a needed resource cannot be reached now
  'panel_error', // the panel refused (401, 403, its own 400)
  'forbidden', // the caller may not call this (wrong frame, token)
  'internal', // a bug: logged with detail in main, shown briefly
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const IssueSchema = z.strictObject({ path: z.string(), message: z.string() });
export type Issue = z.infer<typeof IssueSchema>;

export const ErrorPayloadSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  issues: z.array(IssueSchema).optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayloadSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/** Thrown by backend services; the registry turns it into an error Result. */
export class OutpostError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
    this.name = 'OutpostError';
  }

  toPayload(): ErrorPayload {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

/** Thrown by the renderer's api client when a call answers with an error. */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[];
  constructor(readonly payload: ErrorPayload) {
    super(payload.message);
    this.name = 'BridgeError';
    this.code = payload.code;
    this.issues = payload.issues ?? [];
  }

  /** The message for one field (by its path), if the error named it. */
  fieldMessage(path: string): string | undefined {
    return this.issues.find((i) => i.path === path)?.message;
  }
}

/** zod issues → our issues: the path joined with dots, the message as written in the schema. */
export function issuesFromZod(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function invalidInput(issues: Issue[]): OutpostError {
  const first = issues[0];
  const message = issues.length === 1 && first ? first.message : `${issues.length} values are not valid: ${issues.map((i) => i.message).join('; ')}`;
  return new OutpostError('invalid_input', message, issues);
}
