// How many changes a panel still has waiting (what "Reset local copy" or
// "Remove panel" would drop). The contract has no per-panel count, but every
// outbox entry belongs to a domain, and DomainRow.pendingCount counts a
// domain's entries — so the sum over the panel's domains is exact.
import { api } from './bridge.js';

const PAGE = 1000;

export async function pendingForPanel(panelId: number): Promise<number> {
  let total = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await api.domains.list({ panelId, offset, limit: PAGE });
    total += page.items.reduce((n, d) => n + d.pendingCount, 0);
    if (offset + PAGE >= page.total) return total;
  }
}
