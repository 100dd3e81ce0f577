// Turns one HTTP answer into the call's result or a PanelError. Pure, so every
// status and every malformed body is easy to reason about in one place.
//
// panel-api.md: a body that is not the envelope, or whose result has the
// wrong shape, is a failed request (like a 5xx), never data. That holds for
// every status: a 404 or 401 page from a proxy or captive portal is not the
// panel saying so, and a 404 read as "the user is gone" could delete data.
import {
  ConflictResultSchema,
  EnvelopeSchema,
  ErrorsResultSchema,
  PANEL_CALLS,
  type PanelCallName,
  type ResultOf,
} from '../../../common/panel-api.js';
import { PanelError, type PanelErrorInit, type PanelErrorKind } from './errors.js';

type Extra = Omit<PanelErrorInit, 'call' | 'status'> & { detail?: string | undefined };

const STATUS_KIND: Record<number, PanelErrorKind> = {
  401: 'auth',
  403: 'forbidden',
  404: 'not_found',
  410: 'gone',
  429: 'rate_limited',
};

const KIND_TEXT: Record<PanelErrorKind, string> = {
  network: 'the panel could not be reached',
  timeout: 'the panel did not answer in time',
  server: 'the panel failed',
  bad_response: 'the panel sent an answer that is not the panel API',
  rate_limited: 'the panel is limiting requests',
  auth: 'the panel refused the admin username or password',
  forbidden: 'the panel admin may not touch that domain',
  not_found: 'no such domain or outgoing user on the panel',
  invalid: 'the panel refused a value',
  conflict: 'the outgoing user changed on the panel',
  gone: 'the change-feed cursor expired; sync again from the start',
};

export function describe(kind: PanelErrorKind, call: PanelCallName, detail?: string): string {
  return `Panel ${call}: ${detail ? `${KIND_TEXT[kind]}: ${detail}` : KIND_TEXT[kind]}`;
}

/** Retry-After in seconds (or an HTTP date), as milliseconds; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function interpretResponse<C extends PanelCallName>(
  call: C,
  status: number,
  headers: { get(name: string): string | null },
  text: string,
): ResultOf<C> {
  const fail = (kind: PanelErrorKind, extra: Extra = {}) =>
    new PanelError(kind, describe(kind, call, extra.detail), { ...extra, call, status });

  if (status >= 500) throw fail('server', { detail: `HTTP ${status}` });

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail('bad_response', { detail: `HTTP ${status} with a body that is not JSON` });
  }
  const env = EnvelopeSchema.safeParse(json);
  if (!env.success) throw fail('bad_response', { detail: `HTTP ${status} without the envelope` });
  const { result, messages } = env.data;
  const panelMessages = messages.error;
  const said = panelMessages.join('; ') || undefined;

  if (status >= 200 && status < 300) {
    const parsed = PANEL_CALLS[call].result.safeParse(result);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || 'result';
      throw fail('bad_response', { detail: `the result does not have the shape of ${call} (at ${where})` });
    }
    return parsed.data as ResultOf<C>;
  }
  if (status === 400) {
    const parsed = ErrorsResultSchema.safeParse(result);
    if (!parsed.success) throw fail('bad_response', { detail: 'HTTP 400 without field errors' });
    const fieldErrors = parsed.data.errors;
    throw fail('invalid', { fieldErrors, panelMessages, detail: fieldErrors.map((e) => e.message).join('; ') || said });
  }
  if (status === 409) {
    const parsed = ConflictResultSchema.safeParse(result);
    if (!parsed.success) throw fail('bad_response', { detail: 'HTTP 409 whose result is not an outgoing user' });
    throw fail('conflict', { current: parsed.data, panelMessages, detail: said });
  }
  const kind = STATUS_KIND[status];
  if (kind === 'rate_limited') {
    throw fail(kind, { panelMessages, retryAfterMs: parseRetryAfter(headers.get('retry-after')), detail: said });
  }
  if (kind) throw fail(kind, { panelMessages, detail: said });
  // 1xx/3xx/other 4xx: not something the API answers; asking again will not help.
  throw fail('bad_response', { retryable: false, panelMessages, detail: `unexpected HTTP ${status}` });
}
