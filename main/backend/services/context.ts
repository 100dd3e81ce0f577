// What every service is given: the store, the secret box, who acts, the clock
// and where to announce changes.
import os from 'node:os';
import type { Db } from '../store/open.js';
import type { SecretBox } from '../types.js';
import type { BackendEvents } from './events.js';

export interface ServiceContext {
  db: Db;
  secretBox: SecretBox;
  /** who the audit trail names for local changes */
  actor: string;
  /** the current time as ISO 8601 UTC */
  now(): string;
  events: BackendEvents;
}

/** The OS user, as the audit trail names it; userInfo() throws where the uid has no passwd entry. */
export function osActor(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export const isoNow = (): string => new Date().toISOString();
