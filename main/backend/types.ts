// The backend's face towards its two hosts (the Electron shell and browser
// mode). Plain Node: nothing under main/backend imports `electron`.
import type { SECRET_STORAGES } from '../../common/ipc/contract.js';
import type { EventName, EventPayload } from '../../common/ipc/contract.js';
import type { Result } from '../../common/ipc/errors.js';

export type SecretStorage = (typeof SECRET_STORAGES)[number];

/** Encrypts secrets at rest (panel passwords, passwords waiting in the outbox). */
export interface SecretBox {
  readonly kind: SecretStorage;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export interface BackendOptions {
  /** folder of the SQLite file and the key file */
  dataDir: string;
  mode: 'electron' | 'browser';
  version: string;
  /** who the audit trail names; default: the OS user */
  actor?: string;
  /** default: a key file (0600) in dataDir — see docs/security.md */
  secretBox?: SecretBox;
  /** Electron's net.isOnline where present */
  isOnline?: () => boolean;
  /**
   * Path of a better_sqlite3.node built for the running runtime's ABI (the
   * Electron shell passes its Electron-ABI build; Node uses the default).
   */
  nativeBinding?: string;
  /** start background sync timers (off in unit tests) */
  autoSync?: boolean;
}

export type BackendListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface Backend {
  /** Parses `input` with the method's schema, runs it, answers a Result; never throws. */
  dispatch(method: string, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: BackendListener): () => void;
  /** Stops sync (finishing or safely abandoning a request in flight) and closes the store. */
  close(): Promise<void>;
}
