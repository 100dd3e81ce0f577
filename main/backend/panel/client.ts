// The panel API client (../shared/panel-api.md): one typed method per call.
// Every answer is checked against common/panel-api.ts; every failure is a
// PanelError; retries, timeouts and the in-flight limit live here so that the
// sync engine only deals in results and error kinds.
import pLimit from 'p-limit';
import {
  buildPanelRequest,
  settingsParams,
  userPathParams,
  type ParamsOf,
  type PanelCallName,
  type PanelUserKey,
  type ResultOf,
} from '../../../common/panel-api.js';
import type { SettingsPatch } from '../../../common/settings.js';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry.js';
import { basicAuthorization, sendOnce } from './transport.js';

export type PanelClientOptions = {
  /** e.g. https://panel.example.net (the API is under {baseUrl}/api/) */
  baseUrl: string;
  username: string;
  password: string;
  /** per request, body included (default 15000) */
  timeoutMs?: number;
  /** requests in flight to this panel at once (default 4) */
  maxInFlight?: number;
  retry?: RetryOptions;
};

export type CallOptions = {
  /** cancels the call, its retries and waits; the call then rejects with the signal's reason */
  signal?: AbortSignal;
};

export type NewPanelUser = PanelUserKey & { password?: string; settings?: SettingsPatch };

export interface PanelClient {
  readonly baseUrl: string;
  version(o?: CallOptions): Promise<ResultOf<'version'>>;
  domainsList(o?: CallOptions): Promise<ResultOf<'domainsList'>>;
  domainAdd(domain: string, o?: CallOptions): Promise<ResultOf<'domainAdd'>>;
  usersList(domain: string, paging?: { page?: number; pagesize?: number }, o?: CallOptions): Promise<ResultOf<'usersList'>>;
  userGet(key: PanelUserKey, o?: CallOptions): Promise<ResultOf<'userGet'>>;
  userAdd(user: NewPanelUser, o?: CallOptions): Promise<ResultOf<'userAdd'>>;
  userRemove(key: PanelUserKey, o?: CallOptions): Promise<ResultOf<'userRemove'>>;
  /** 409 (PanelError kind conflict, with `current`) when ifRevision is given and not current */
  setSettings(key: PanelUserKey, patch: SettingsPatch, ifRevision?: number, o?: CallOptions): Promise<ResultOf<'setSettings'>>;
  setPassword(key: PanelUserKey, password: string, o?: CallOptions): Promise<ResultOf<'setPassword'>>;
  lock(key: PanelUserKey, ifRevision?: number, o?: CallOptions): Promise<ResultOf<'lock'>>;
  unlock(key: PanelUserKey, ifRevision?: number, o?: CallOptions): Promise<ResultOf<'unlock'>>;
  dkimList(domain: string, o?: CallOptions): Promise<ResultOf<'dkimList'>>;
  /** `certificate`: the PEM private key; sent only in the POST body */
  dkimSet(domain: string, selector: string, certificate: string, o?: CallOptions): Promise<ResultOf<'dkimSet'>>;
  /** since: a cursor from an earlier answer, or FEED_START ('0'); 410 → PanelError kind gone */
  changes(since: string, limit?: number, o?: CallOptions): Promise<ResultOf<'changes'>>;
}

function checkOptions(o: PanelClientOptions): string {
  let url: URL;
  try {
    url = new URL(o.baseUrl);
  } catch {
    throw new TypeError('Panel baseUrl must be an http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('Panel baseUrl must be an http or https URL');
  if (url.username || url.password) throw new TypeError('Panel baseUrl may not carry credentials; pass username and password');
  if (url.search || url.hash) throw new TypeError('Panel baseUrl may not have a query or fragment');
  if (o.username === '' || o.username.includes(':')) throw new TypeError('Panel username must be non-empty and without a colon');
  const positive = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new TypeError(`Panel client ${name} must be a positive whole number`);
  };
  positive('timeoutMs', o.timeoutMs);
  positive('maxInFlight', o.maxInFlight);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function createPanelClient(options: PanelClientOptions): PanelClient {
  const baseUrl = checkOptions(options);
  const transport = { authorization: basicAuthorization(options.username, options.password), timeoutMs: options.timeoutMs ?? 15_000 };
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  // The limit holds a slot only while a request is on the wire, not during backoff waits.
  const limit = pLimit(options.maxInFlight ?? 4);

  function request<C extends PanelCallName>(call: C, params: ParamsOf<C>, o?: CallOptions): Promise<ResultOf<C>> {
    const req = buildPanelRequest(baseUrl, call, params);
    return withRetry(() => limit(() => sendOnce(transport, call, req, o?.signal)), retry, o?.signal);
  }

  const user = (key: PanelUserKey) => userPathParams(key);

  const client = {
    baseUrl,
    version: (o) => request('version', {}, o),
    domainsList: (o) => request('domainsList', {}, o),
    domainAdd: (domain, o) => request('domainAdd', { domain }, o),
    usersList: (domain, paging, o) => request('usersList', { domain, page: paging?.page, pagesize: paging?.pagesize }, o),
    userGet: (key, o) => request('userGet', user(key), o),
    userAdd: (u, o) =>
      request('userAdd', { ...user(u), ...settingsParams(u.settings ?? {}), password: u.password }, o),
    userRemove: (key, o) => request('userRemove', user(key), o),
    setSettings: (key, patch, ifRevision, o) =>
      request('setSettings', { ...user(key), ifrevision: ifRevision, ...settingsParams(patch) }, o),
    setPassword: (key, password, o) => request('setPassword', { ...user(key), password }, o),
    lock: (key, ifRevision, o) => request('lock', { ...user(key), ifrevision: ifRevision }, o),
    unlock: (key, ifRevision, o) => request('unlock', { ...user(key), ifrevision: ifRevision }, o),
    dkimList: (domain, o) => request('dkimList', { domain }, o),
    dkimSet: (domain, selector, certificate, o) => request('dkimSet', { domain, selector, certificate }, o),
    changes: (since, limitCount, o) => request('changes', { since, limit: limitCount }, o),
  } satisfies PanelClient & Record<PanelCallName, unknown>;
  return client;
}
