// Row shapes of the store and the small conversions every service shares.
import type { UserType, LockState } from '../../../common/model.js';
import type { Settings } from '../../../common/settings.js';
import { domainToASCII } from 'node:url';
import { OutpostError } from '../../../common/ipc/errors.js';

/** A users row joined with its domain: what the services load before changing a user. */
export interface UserRecord {
  id: number;
  domain_id: number;
  domain: string;
  panel_id: number | null;
  type: UserType;
  login: string;
  settings: string;
  locked: number;
  lock_reason: LockState['lock_reason'];
  locked_since: string | null;
  unlocks_used: number;
  has_password: number;
  revision: number | null;
  remote: string | null;
  updated_at: string;
}

export const USER_RECORD_SQL = /* sql */ `
  SELECT u.id, u.domain_id, d.name AS domain, d.panel_id, u.type, u.login, u.settings, u.locked, u.lock_reason,
         u.locked_since, u.unlocks_used, u.has_password, u.revision, u.remote, u.updated_at
    FROM users u JOIN domains d ON d.id = u.domain_id`;

export const USER_BY_ID_SQL = `${USER_RECORD_SQL} WHERE u.id = ?`;
export const USER_EXISTS_SQL = `SELECT 1 FROM users WHERE domain_id = ? AND type = ? AND login = ?`;
export const WRITE_SETTINGS_SQL = `UPDATE users SET settings = ?, updated_at = ? WHERE id = ?`;

export function lockOf(u: UserRecord): LockState {
  return { locked: u.locked === 1, lock_reason: u.lock_reason, locked_since: u.locked_since, unlocks_used: u.unlocks_used };
}

/** A lock state as the users columns hold it (SQLite has no booleans). */
export function lockColumns(l: LockState) {
  return { locked: l.locked ? 1 : 0, lock_reason: l.lock_reason, locked_since: l.locked_since, unlocks_used: l.unlocks_used };
}

export const WRITE_LOCK_SQL = /* sql */ `
  UPDATE users SET locked = @locked, lock_reason = @lock_reason, locked_since = @locked_since, unlocks_used = @unlocks_used,
         updated_at = @now WHERE id = @id`;

export function settingsOf(u: UserRecord): Settings {
  return JSON.parse(u.settings) as Settings;
}

export function remoteOf(u: UserRecord): Settings | null {
  return u.remote === null ? null : (JSON.parse(u.remote) as Settings);
}

export function userNotFound(id: number): OutpostError {
  return new OutpostError('not_found', `No outgoing user with id ${id}`);
}

/** JSON for a nullable TEXT column: undefined and null both become NULL. */
export function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function parseJsonOrNull(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/**
 * What people type, in the form names are stored: domains are kept as punycode, so
 * the non-ASCII part of a query (logins are ASCII: it can only be a domain) is too.
 */
export function searchText(typed: string): string {
  const text = typed.trim();
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const at = text.lastIndexOf('@');
  const [head, domain] = at === -1 ? ['', text] : [text.slice(0, at + 1), text.slice(at + 1)];
  return head + (domainToASCII(domain.toLowerCase()) || domain);
}

/** A LIKE pattern that matches `text` anywhere, with LIKE's own wildcards taken literally (ESCAPE '\'). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface Window {
  offset: number;
  limit: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}
