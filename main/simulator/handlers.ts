// What each call of panel-api.md does. The table is typed by the call names
// of common/panel-api.ts, so a call without a handler does not compile.
import { createPrivateKey } from 'node:crypto';
import type { z } from 'zod';
import { PANEL_API_VERSION, type PanelCallName, type PanelCalls, type PanelUserKey, type ParsedCall } from '../../common/panel-api.js';
import { SimError, invalid, isoSeconds, type PanelState } from './state.js';

/** Who is asking: the admin, and the domains it may touch (null: all). */
export type Admin = { username: string; domains: ReadonlySet<string> | null };

export type HandlerContext<C extends PanelCallName> = {
  state: PanelState;
  admin: Admin;
  call: ParsedCall<C>;
  panelName: string;
};

type Handler<C extends PanelCallName> = (ctx: HandlerContext<C>) => z.input<PanelCalls[C]['result']>;

/** 403 for a domain the admin does not own (404 when there is no such domain at all). */
function mayTouch(ctx: HandlerContext<PanelCallName>, domain: string): void {
  if (ctx.admin.domains === null || ctx.admin.domains.has(domain)) return;
  if (ctx.state.hasDomain(domain)) throw new SimError(403, `Admin ${ctx.admin.username} may not touch domain ${domain}`);
  throw new SimError(404, `No domain ${domain}`);
}

function userOf(ctx: HandlerContext<PanelCallName>): PanelUserKey {
  const key = ctx.call.user as PanelUserKey; // calls with `user: true` always have one once parsed
  mayTouch(ctx, key.domain);
  return key;
}

const inScope = (admin: Admin) => (domain: string) => admin.domains === null || admin.domains.has(domain);

export const HANDLERS: { [C in PanelCallName]: Handler<C> } = {
  version: (ctx) => ({ api: PANEL_API_VERSION, name: ctx.panelName, time: isoSeconds(Date.now()) }),

  domainsList: (ctx) => ctx.state.domainNames().filter(inScope(ctx.admin)),

  domainAdd: (ctx) => {
    if (ctx.admin.domains !== null) throw new SimError(403, `Admin ${ctx.admin.username} may not add domains`);
    return ctx.state.addDomain(ctx.call.params.domain);
  },

  usersList: (ctx) => {
    const { domain, page, pagesize } = ctx.call.params;
    mayTouch(ctx, domain);
    return ctx.state.listUsers(domain, page ?? 1, pagesize ?? 500);
  },

  userGet: (ctx) => ctx.state.getUser(userOf(ctx)),

  userAdd: (ctx) => {
    const key = userOf(ctx);
    const { password } = ctx.call.params;
    if (key.type === 'ip' && password !== undefined) {
      throw invalid([{ field: 'password', message: 'An IP address user has no password' }]);
    }
    if (key.type !== 'ip' && password === undefined) {
      throw invalid([{ field: 'password', message: 'Parameter password is required for a user or a domain login' }]);
    }
    return ctx.state.addUser(key, { ...(password === undefined ? {} : { password }), settings: ctx.call.settings ?? {} });
  },

  userRemove: (ctx) => ctx.state.removeUser(userOf(ctx)),

  setSettings: (ctx) => ctx.state.setSettings(userOf(ctx), ctx.call.settings ?? {}, ctx.call.params.ifrevision),

  setPassword: (ctx) => {
    const key = userOf(ctx);
    if (key.type === 'ip') throw invalid([{ field: 'password', message: 'An IP address user has no password' }]);
    return ctx.state.setPassword(key, ctx.call.params.password);
  },

  lock: (ctx) => ctx.state.lock(userOf(ctx), { ifRevision: ctx.call.params.ifrevision }),

  unlock: (ctx) => ctx.state.unlock(userOf(ctx), { ifRevision: ctx.call.params.ifrevision }),

  dkimList: (ctx) => {
    mayTouch(ctx, ctx.call.params.domain);
    return ctx.state.dkimList(ctx.call.params.domain);
  },

  dkimSet: (ctx) => {
    const { domain, selector, certificate } = ctx.call.params;
    mayTouch(ctx, domain);
    try {
      createPrivateKey(certificate);
    } catch {
      throw invalid([{ field: 'certificate', message: 'Parameter certificate is not a private key that can be read' }]);
    }
    return ctx.state.dkimSet(domain, selector, certificate);
  },

  changes: (ctx) => ctx.state.changes(ctx.call.params.since, ctx.call.params.limit ?? 1000, inScope(ctx.admin)),
};
