// All services over one store, wired in dependency order.
import { createAuditService } from './audit.js';
import { createConflictsService } from './conflicts.js';
import type { ServiceContext } from './context.js';
import { createDomainsService } from './domains.js';
import { createOutboxDiscard } from './outbox-discard.js';
import { createOutboxService } from './outbox.js';
import { createPanelsService } from './panels.js';
import { createUsersService } from './users.js';

export function createServices(ctx: ServiceContext) {
  const audit = createAuditService(ctx);
  const outbox = createOutboxService(ctx);
  const discard = createOutboxDiscard(ctx, { audit, outbox });
  const domains = createDomainsService(ctx, { audit, outbox });
  const users = createUsersService(ctx, { audit, outbox, domains });
  const conflicts = createConflictsService(ctx, { audit, outbox, users });
  const panels = createPanelsService(ctx, { audit });
  return { audit, outbox: { ...outbox, discard: discard.discard }, domains, users, conflicts, panels };
}

export type Services = ReturnType<typeof createServices>;
