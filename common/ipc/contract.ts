// The IPC contract as data: every method with its input schema, output schema
// and the error codes it may answer with; every event with its payload. The
// preload, the main-side registry, the browser-mode HTTP bridge and the
// renderer's api client are all derived from this table — a method name or a
// field list is written here and nowhere else.
import { z } from 'zod';
import { LockStateSchema, PasswordSchema, UserTypeSchema } from '../model.js';
import { SETTING_KEYS, SettingsPatchSchema, SettingsSchema } from '../settings.js';
import type { ErrorCode } from './errors.js';

// ---- shared pieces

const Id = z.number({ error: 'An id must be a whole number' }).int().positive().max(Number.MAX_SAFE_INTEGER);
const Query = z.string().max(256, { error: 'Search text must be 256 characters at most' });
const Offset = z.number().int().min(0).max(10_000_000).default(0);
const Limit = z.number().int().min(1).max(1000).default(100);
const Page = { offset: Offset, limit: Limit };
const IsoTime = z.string();
const SettingKeySchema = z.enum(SETTING_KEYS as [string, ...string[]]);
const Empty = z.strictObject({});

function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int().min(0) });
}

// ---- records that cross the bridge

export const DomainRowSchema = z.object({
  id: Id,
  name: z.string(),
  panelId: Id.nullable(),
  panelName: z.string().nullable(),
  userCount: z.number().int(),
  pendingCount: z.number().int(),
});
export type DomainRow = z.infer<typeof DomainRowSchema>;

export const UserRowSchema = z.object({
  id: Id,
  domainId: Id,
  domain: z.string(),
  type: UserTypeSchema,
  login: z.string(),
  locked: z.boolean(),
  /** outbox entries waiting for this user */
  pending: z.number().int(),
  conflict: z.boolean(),
  failed: z.boolean(),
});
export type UserRow = z.infer<typeof UserRowSchema>;

export const UserDetailSchema = UserRowSchema.extend({
  panelId: Id.nullable(),
  settings: SettingsSchema,
  lock: LockStateSchema,
  /** the panel's revision last seen; null for a user the panel has not confirmed yet */
  revision: z.number().int().nullable(),
  updatedAt: IsoTime,
  /** settings changed locally and not yet on the panel */
  pendingFields: z.array(SettingKeySchema),
  hasPassword: z.boolean(),
});
export type UserDetail = z.infer<typeof UserDetailSchema>;

export const ORIGINS = ['local', 'remote'] as const;
export const AUDIT_ACTIONS = [
  'domain.add',
  'domain.assign',
  'user.add',
  'user.remove',
  'settings',
  'password',
  'lock',
  'unlock',
  'outbox.discard',
  'conflict.resolve',
  'panel.add',
  'panel.update',
  'panel.remove',
  'panel.reset',
] as const;
export const AuditEntrySchema = z.object({
  id: Id,
  at: IsoTime,
  actor: z.string(),
  origin: z.enum(ORIGINS),
  action: z.enum(AUDIT_ACTIONS),
  userId: Id.nullable(),
  domain: z.string().nullable(),
  type: UserTypeSchema.nullable(),
  login: z.string().nullable(),
  field: z.string().nullable(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const OUTBOX_KINDS = ['domain.add', 'user.add', 'user.remove', 'settings', 'password', 'lock', 'unlock'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export const OUTBOX_STATUSES = ['pending', 'failed', 'conflict'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const FieldChangeSchema = z.object({ field: SettingKeySchema, from: z.unknown(), to: z.unknown() });
export const OutboxEntrySchema = z.object({
  id: Id,
  opId: z.string(),
  createdAt: IsoTime,
  panelId: Id.nullable(),
  userId: Id.nullable(),
  domain: z.string(),
  type: UserTypeSchema.nullable(),
  login: z.string().nullable(),
  kind: z.enum(OUTBOX_KINDS),
  status: z.enum(OUTBOX_STATUSES),
  /** for `settings` (and `user.add`): each field with the value it was changed from (the base) */
  changes: z.array(FieldChangeSchema),
  error: z.string().nullable(),
  attempts: z.number().int(),
});
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;

export const ConflictSchema = z.object({
  outboxId: Id,
  userId: Id,
  domain: z.string(),
  type: UserTypeSchema,
  login: z.string(),
  field: SettingKeySchema,
  base: z.unknown(),
  local: z.unknown(),
  panel: z.unknown(),
});
export type Conflict = z.infer<typeof ConflictSchema>;

export const SECRET_STORAGES = ['os-keychain', 'os-plaintext-fallback', 'key-file'] as const;
export const PanelRowSchema = z.object({
  id: Id,
  name: z.string(),
  baseUrl: z.string(),
  username: z.string(),
  /** how the panel password is kept at rest (see docs/security.md) */
  secretStorage: z.enum(SECRET_STORAGES),
  demo: z.boolean(),
  lastSyncAt: IsoTime.nullable(),
  domainCount: z.number().int(),
});
export type PanelRow = z.infer<typeof PanelRowSchema>;

export const PANEL_STATES = ['idle', 'syncing', 'offline', 'error'] as const;
export const PanelSyncStateSchema = z.object({
  panelId: Id,
  name: z.string(),
  state: z.enum(PANEL_STATES),
  online: z.boolean().nullable(),
  lastSyncAt: IsoTime.nullable(),
  lastError: z.string().nullable(),
  progress: z.object({ phase: z.enum(['pull', 'push']), done: z.number().int(), total: z.number().int().nullable() }).nullable(),
});
export const SyncStatusSchema = z.object({
  running: z.boolean(),
  online: z.boolean().nullable(),
  lastSyncAt: IsoTime.nullable(),
  pending: z.number().int(),
  failed: z.number().int(),
  conflicts: z.number().int(),
  panels: z.array(PanelSyncStateSchema),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

const PanelUrl = z
  .string()
  .max(2048)
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password && !u.search && !u.hash;
      } catch {
        return false;
      }
    },
    { error: 'Panel URL must be an http or https address such as https://panel.example.net, without credentials' },
  )
  .transform((s) => s.replace(/\/+$/, ''));
const PanelName = z.string().trim().min(1, { error: 'Panel name is required' }).max(100, { error: 'Panel name must be 100 characters at most' });
const AdminUsername = z
  .string()
  .min(1, { error: 'Admin username is required' })
  .max(128, { error: 'Admin username must be 128 characters at most' })
  .refine((s) => !s.includes(':'), { error: 'Admin username cannot contain a colon' });
const AdminPassword = z.string().min(1, { error: 'Password is required' }).max(256, { error: 'Password must be 256 characters at most' });

// ---- the methods

type MethodDef = { input: z.ZodType; output: z.ZodType; errors: readonly ErrorCode[] };
const m = <I extends z.ZodType, O extends z.ZodType, const E extends readonly ErrorCode[]>(input: I, output: O, errors: E) => ({
  input,
  output,
  errors,
});

const UserFilter = z.enum(['all', 'pending', 'conflict', 'failed', 'locked']).default('all');

export const METHODS = {
  'app.info': m(
    Empty,
    z.object({ version: z.string(), mode: z.enum(['electron', 'browser']), dataDir: z.string(), actor: z.string(), platform: z.string() }),
    [],
  ),

  'domains.list': m(
    z.strictObject({ query: Query.optional(), panelId: Id.nullable().optional(), ...Page }),
    page(DomainRowSchema),
    ['invalid_input'],
  ),
  'domains.add': m(
    z.strictObject({ name: z.string().max(1024), panelId: Id.nullable().optional() }),
    DomainRowSchema,
    ['invalid_input', 'already_exists', 'not_found'],
  ),
  /** Attaches a local-only domain to a panel: its waiting changes will be pushed there. */
  'domains.assignPanel': m(z.strictObject({ id: Id, panelId: Id }), DomainRowSchema, ['invalid_input', 'not_found', 'conflict']),

  'users.list': m(
    z.strictObject({ domainId: Id.optional(), query: Query.optional(), filter: UserFilter, ...Page }),
    page(UserRowSchema),
    ['invalid_input', 'not_found'],
  ),
  'users.get': m(z.strictObject({ id: Id }), UserDetailSchema, ['invalid_input', 'not_found']),
  'users.add': m(
    z.strictObject({
      domainId: Id,
      type: UserTypeSchema,
      login: z.string().max(128).default(''),
      password: PasswordSchema.optional(),
      settings: SettingsPatchSchema.optional(),
    }),
    UserDetailSchema,
    ['invalid_input', 'not_found', 'already_exists'],
  ),
  'users.remove': m(z.strictObject({ id: Id }), z.object({ removed: z.literal(true) }), ['invalid_input', 'not_found']),
  'users.updateSettings': m(
    z.strictObject({ id: Id, changes: SettingsPatchSchema }),
    UserDetailSchema,
    ['invalid_input', 'not_found'],
  ),
  'users.bulkUpdate': m(
    z.strictObject({ ids: z.array(Id).min(1).max(100_000), changes: SettingsPatchSchema }),
    z.object({ updated: z.number().int(), unchanged: z.number().int() }),
    ['invalid_input', 'not_found'],
  ),
  'users.setPassword': m(z.strictObject({ id: Id, password: PasswordSchema }), z.object({ ok: z.literal(true) }), [
    'invalid_input',
    'not_found',
  ]),
  'users.lock': m(z.strictObject({ id: Id }), UserDetailSchema, ['invalid_input', 'not_found']),
  'users.unlock': m(z.strictObject({ id: Id }), UserDetailSchema, ['invalid_input', 'not_found']),

  'audit.list': m(
    z.strictObject({ userId: Id.optional(), domainId: Id.optional(), ...Page }),
    page(AuditEntrySchema),
    ['invalid_input', 'not_found'],
  ),

  'outbox.list': m(
    z.strictObject({ status: z.enum(OUTBOX_STATUSES).optional(), userId: Id.optional(), ...Page }),
    page(OutboxEntrySchema),
    ['invalid_input'],
  ),
  'outbox.discard': m(z.strictObject({ id: Id }), z.object({ discarded: z.literal(true) }), ['invalid_input', 'not_found', 'conflict']),
  'outbox.retry': m(z.strictObject({ id: Id }), OutboxEntrySchema, ['invalid_input', 'not_found', 'conflict']),

  'conflicts.list': m(z.strictObject({ ...Page }), page(ConflictSchema), ['invalid_input']),
  'conflicts.resolve': m(
    z.strictObject({
      outboxId: Id,
      field: SettingKeySchema,
      choice: z.enum(['mine', 'panel', 'value']),
      value: z.unknown().optional(),
    }),
    z.object({ resolved: z.literal(true), remaining: z.number().int() }),
    ['invalid_input', 'not_found'],
  ),

  'panels.list': m(Empty, z.array(PanelRowSchema), []),
  'panels.add': m(
    z.strictObject({ name: PanelName.optional(), baseUrl: PanelUrl, username: AdminUsername, password: AdminPassword }),
    PanelRowSchema,
    ['invalid_input', 'already_exists'],
  ),
  'panels.update': m(
    z.strictObject({
      id: Id,
      name: PanelName.optional(),
      baseUrl: PanelUrl.optional(),
      username: AdminUsername.optional(),
      password: AdminPassword.optional(),
    }),
    PanelRowSchema,
    ['invalid_input', 'not_found'],
  ),
  'panels.test': m(
    z.union([z.strictObject({ id: Id }), z.strictObject({ baseUrl: PanelUrl, username: AdminUsername, password: AdminPassword })]),
    z.object({ ok: z.boolean(), message: z.string(), panelName: z.string().nullable() }),
    ['invalid_input', 'not_found'],
  ),
  'panels.remove': m(
    z.strictObject({ id: Id, dropPending: z.boolean().default(false) }),
    z.object({ removed: z.literal(true), droppedChanges: z.number().int() }),
    ['invalid_input', 'not_found', 'conflict'],
  ),
  'panels.reset': m(z.strictObject({ id: Id }), z.object({ droppedChanges: z.number().int() }), ['invalid_input', 'not_found']),
  'panels.startDemo': m(Empty, PanelRowSchema, ['unavailable']),

  'sync.status': m(Empty, SyncStatusSchema, []),
  'sync.now': m(z.strictObject({ panelId: Id.optional() }), SyncStatusSchema, ['invalid_input', 'not_found']),
  'sync.cancel': m(Empty, SyncStatusSchema, []),
} as const satisfies Record<string, MethodDef>;

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];
export type InputOf<M extends MethodName> = z.input<Methods[M]['input']>;
export type ParsedInputOf<M extends MethodName> = z.output<Methods[M]['input']>;
export type OutputOf<M extends MethodName> = z.output<Methods[M]['output']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}

// ---- events (main → renderer)

/** Commands of the application menu that the renderer performs (Electron only; browser mode has no menu). */
export const APP_COMMANDS = ['sync-now', 'add-panel', 'find'] as const;
export type AppCommand = (typeof APP_COMMANDS)[number];

export const EVENTS = {
  /** the sync engine's state changed (progress, online, counts) */
  'sync.status': SyncStatusSchema,
  /** rows changed underneath the renderer (a pull, a bulk edit): refetch what is shown */
  'data.changed': z.object({ scopes: z.array(z.enum(['domains', 'users', 'outbox', 'panels', 'audit'])), userIds: z.array(Id).optional() }),
  /** a command chosen in the Electron application menu (or its shortcut); the renderer carries it out */
  'app.command': z.object({ command: z.enum(APP_COMMANDS) }),
} as const satisfies Record<string, z.ZodType>;
export type Events = typeof EVENTS;
export type EventName = keyof Events;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(EVENTS, name);
}
