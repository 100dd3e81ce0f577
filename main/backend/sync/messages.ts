// What a person reads when talking to a panel failed: one clear sentence per
// PanelError kind, for "Test connection" and for a panel's lastError. The
// engine decides by kind; these only say it.
import { PanelError, type PanelErrorKind } from '../panel/index.js';

/** The panel as a person knows it: its name, or its address' host. */
function where(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

function networkCode(e: PanelError): string | null {
  const cause = e.cause as { cause?: { code?: string } } | undefined;
  return cause?.cause?.code ?? null;
}

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening at that address',
  ENOTFOUND: 'that host name is not known',
  EAI_AGAIN: 'the host name could not be looked up',
  ECONNRESET: 'the connection was cut',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
};

/** A sentence for a failed connection test or sync, by kind. */
export function panelErrorMessage(e: unknown, baseUrl: string): string {
  if (!(e instanceof PanelError)) return `Talking to ${where(baseUrl)} failed: ${e instanceof Error ? e.message : String(e)}`;
  const host = where(baseUrl);
  const said = e.panelMessages.length ? ` (the panel said: ${e.panelMessages.join('; ')})` : '';
  const texts: Record<PanelErrorKind, () => string> = {
    network: () => {
      const code = networkCode(e);
      const hint = code ? (NETWORK_HINTS[code] ?? code) : 'no answer';
      return `Cannot reach ${host}: ${hint}. Check the Panel URL and that the panel is running.`;
    },
    timeout: () => `${host} did not answer in time. The panel may be overloaded or the network slow; try again later.`,
    server: () => `The panel at ${host} failed (HTTP ${e.status ?? '5xx'}). Outpost will try again later.`,
    bad_response: () =>
      `${host} answered, but not as the panel API (HTTP ${e.status ?? '?'}). Check the Panel URL: it is the panel's address, and the API lives under /api/.`,
    rate_limited: () => `The panel at ${host} is limiting requests. Outpost will try again later.`,
    auth: () => `The panel at ${host} refused the admin username or password${said}. Check them under Panels.`,
    forbidden: () => `The panel at ${host} does not allow this admin to do that${said}.`,
    not_found: () => `The panel at ${host} has no such domain or outgoing user${said}.`,
    invalid: () => `The panel at ${host} refused a value${said}.`,
    conflict: () => `The outgoing user changed on the panel at ${host} meanwhile.`,
    gone: () => `The panel at ${host} no longer knows where the last sync stopped; Outpost syncs everything again.`,
  };
  return texts[e.kind]();
}

/** Kinds after which the panel counts as not reachable now: retries were used up. */
export function isUnreachable(e: unknown): e is PanelError {
  return e instanceof PanelError && e.retryable;
}

/** Reachability proper: no HTTP answer at all (any answer means the panel is online). */
export function isNoAnswer(e: unknown): boolean {
  return e instanceof PanelError && (e.kind === 'network' || e.kind === 'timeout');
}
