// "Test connection": version/get against a saved panel or against credentials
// typed into the form, answered as one sentence a person can act on.
import { PANEL_API_VERSION } from '../../../common/panel-api.js';
import type { OutputOf } from '../../../common/ipc/contract.js';
import { createPanelClient } from '../panel/index.js';
import { panelErrorMessage } from './messages.js';

export async function testConnection(
  target: { baseUrl: string; username: string; password: string },
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<OutputOf<'panels.test'>> {
  const client = createPanelClient({ ...target, timeoutMs: opts.timeoutMs, retry: { retries: 1, minDelayMs: 250, maxDelayMs: 1000, maxRetryAfterMs: 2000 } });
  try {
    const v = await client.version(opts.signal ? { signal: opts.signal } : {});
    if (v.api !== PANEL_API_VERSION) {
      return { ok: false, message: `${v.name} speaks panel API version ${v.api}; Outpost speaks version ${PANEL_API_VERSION}.`, panelName: v.name };
    }
    // A panel may answer version/get to anyone; the domain list proves the login too.
    const domains = await client.domainsList(opts.signal ? { signal: opts.signal } : {});
    const count = `${domains.length.toLocaleString('en')} domain${domains.length === 1 ? '' : 's'}`;
    return { ok: true, message: `Connected to ${v.name} (panel API version ${v.api}); the admin has ${count}.`, panelName: v.name };
  } catch (e) {
    return { ok: false, message: panelErrorMessage(e, client.baseUrl), panelName: null };
  }
}
