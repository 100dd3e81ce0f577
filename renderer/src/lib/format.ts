// Shown text for times, logins, outbox kinds and audit actions.
import type { AuditEntry, OutboxEntry, OutboxKind, OutboxStatus, SyncStatus } from '../../../common/ipc/contract.js';
import { displayLogin, type UserType } from '../../../common/model.js';
import { formatSettingValue, isSettingKey, settingLabel } from '../../../common/settings.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

export function formatWhen(iso: string | null): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toDateString() === new Date().toDateString() ? `today ${timeOnly.format(d)}` : dateTime.format(d);
}

export function formatFullTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** alice@example.com, 203.0.113.0/24 @ example.com, example.com — or the domain alone. */
export function who(e: { domain: string | null; type: UserType | null; login: string | null }): string {
  if (e.type && e.login !== null && e.domain) return displayLogin({ domain: e.domain, type: e.type, login: e.login });
  return e.domain ?? '';
}

export const OUTBOX_KIND_LABELS: Record<OutboxKind, string> = {
  'domain.add': 'Add domain',
  'user.add': 'Add outgoing user',
  'user.remove': 'Remove outgoing user',
  settings: 'Settings',
  password: 'Password',
  lock: 'Lock',
  unlock: 'Unlock',
};

export const OUTBOX_STATUS_LABELS: Record<OutboxStatus, string> = {
  pending: 'Pending',
  failed: 'Failed',
  conflict: 'Conflict',
};

const AUDIT_ACTION_LABELS: Record<AuditEntry['action'], string> = {
  'domain.add': 'Domain added',
  'domain.assign': 'Domain attached to a panel',
  'user.add': 'Outgoing user added',
  'user.remove': 'Outgoing user removed',
  settings: 'Setting changed',
  password: 'Password changed',
  lock: 'Locked',
  unlock: 'Unlocked',
  'outbox.discard': 'Pending change discarded',
  'conflict.resolve': 'Conflict resolved',
  'panel.add': 'Panel added',
  'panel.update': 'Panel changed',
  'panel.remove': 'Panel removed',
  'panel.reset': 'Local copy reset',
};

/** A value in a diff; empty for "no value before" (an add). */
export function formatValue(field: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  return isSettingKey(field) ? formatSettingValue(field, value) : String(value);
}

export function fieldLabel(field: string): string {
  return isSettingKey(field) ? settingLabel(field) : field;
}

/** One history line: "User lock timeout: 30 → 45", "Password changed" (never a password value). */
export function describeAudit(e: AuditEntry): { title: string; from: string; to: string } {
  const action = AUDIT_ACTION_LABELS[e.action];
  // Values are shown for settings only: other fields (lock state, panel fields) are told by the action itself.
  if (e.action === 'password' || !e.field || !isSettingKey(e.field)) return { title: action, from: '', to: '' };
  const title = e.action === 'settings' ? settingLabel(e.field) : `${action}: ${settingLabel(e.field)}`;
  return { title, from: formatValue(e.field, e.oldValue), to: formatValue(e.field, e.newValue) };
}

export function outboxTitle(e: OutboxEntry): string {
  return `${who(e)} — ${OUTBOX_KIND_LABELS[e.kind]}`;
}

export function connectionLabel(s: SyncStatus | null, panelCount: number): string {
  if (!s) return 'Connecting…';
  if (s.running) return 'Syncing';
  if (panelCount === 0) return 'Local only';
  if (s.online === true) return 'Online';
  if (s.online === false) return 'Offline';
  return 'Not synced yet';
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
