// The one error type the panel client throws for a request that failed. The
// sync engine decides by `kind` and `retryable`, never by message text.
import type { FieldError, PanelCallName, PanelUser } from '../../../common/panel-api.js';

export const PANEL_ERROR_KINDS = [
  'network', // no answer: refused, reset, dropped, DNS
  'timeout', // no full answer within timeoutMs
  'server', // 5xx
  'bad_response', // not the envelope, or a result of the wrong shape, or an unexpected status
  'rate_limited', // 429
  'auth', // 401
  'forbidden', // 403
  'not_found', // 404
  'invalid', // 400, with the panel's field errors
  'conflict', // 409, with the current user when the panel gave it
  'gone', // 410: the change-feed cursor expired; sync again from 0
] as const;
export type PanelErrorKind = (typeof PANEL_ERROR_KINDS)[number];

const DEFAULT_RETRYABLE: Record<PanelErrorKind, boolean> = {
  network: true,
  timeout: true,
  server: true,
  bad_response: true,
  rate_limited: true,
  auth: false,
  forbidden: false,
  not_found: false,
  invalid: false,
  conflict: false,
  gone: false,
};

export type PanelErrorInit = {
  call: PanelCallName;
  status?: number | null;
  retryable?: boolean;
  fieldErrors?: FieldError[];
  current?: PanelUser | null;
  retryAfterMs?: number | null;
  panelMessages?: string[];
  attempts?: number;
  cause?: unknown;
};

export class PanelError extends Error {
  override readonly name = 'PanelError';
  readonly kind: PanelErrorKind;
  /** the same request may succeed later (after a wait) */
  readonly retryable: boolean;
  readonly call: PanelCallName;
  /** HTTP status, null when there was no answer */
  readonly status: number | null;
  /** 400: the panel's errors, each naming a field */
  readonly fieldErrors: FieldError[];
  /** 409: the panel's current outgoing user, when it sent one */
  readonly current: PanelUser | null;
  /** 429: the wait the panel asked for */
  readonly retryAfterMs: number | null;
  /** the envelope's messages.error, when there was an envelope */
  readonly panelMessages: string[];
  /** requests sent for this call, retries included */
  attempts: number;

  constructor(kind: PanelErrorKind, message: string, init: PanelErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = kind;
    this.retryable = init.retryable ?? DEFAULT_RETRYABLE[kind];
    this.call = init.call;
    this.status = init.status ?? null;
    this.fieldErrors = init.fieldErrors ?? [];
    this.current = init.current ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.panelMessages = init.panelMessages ?? [];
    this.attempts = init.attempts ?? 1;
  }
}

export function isPanelError(e: unknown, kind?: PanelErrorKind): e is PanelError {
  return e instanceof PanelError && (kind === undefined || e.kind === kind);
}
