// Conflicts: fields of a waiting settings change that the panel changed to a
// different value meanwhile. The sync engine finds them and stores the panel's
// values on the outbox row (status 'conflict', panel_values {field: value});
// a person resolves each field here.
import type { Conflict, ParsedInputOf } from '../../../common/ipc/contract.js';
import { OutpostError, invalidInput, issuesFromZod } from '../../../common/ipc/errors.js';
import type { UserType } from '../../../common/model.js';
import { SETTING_KEYS, SettingsPatchSchema, mergeSettings, settingLabel, type SettingKey, type Settings } from '../../../common/settings.js';
import { auditSubject, type AuditService } from './audit.js';
import { transactor } from '../store/transaction.js';
import type { ServiceContext } from './context.js';
import { parseChanges, serialiseChanges, type FieldChange, type OutboxRow, type OutboxService } from './outbox.js';
import { remoteOf, settingsOf, type Page, type Window } from './rows.js';
import type { UsersService } from './users.js';

type ResolveInput = ParsedInputOf<'conflicts.resolve'>;

export function createConflictsService(ctx: ServiceContext, deps: { audit: AuditService; outbox: OutboxService; users: UsersService }) {
  const { db } = ctx;
  const tx = transactor(db);
  const conflictRows = db.prepare(
    `SELECT o.*, d.name AS domain FROM outbox o JOIN domains d ON d.id = o.domain_id WHERE o.status = 'conflict' ORDER BY o.id`,
  );
  const writeUser = db.prepare(`UPDATE users SET settings = ?, remote = coalesce(?, remote), updated_at = ? WHERE id = ?`);
  const finish = db.prepare(
    `UPDATE outbox SET changes = @changes, panel_values = @panelValues, status = @status, version = version + 1, updated_at = @now WHERE id = @id`,
  );

  const panelValuesOf = (row: OutboxRow) => (row.panel_values === null ? {} : (JSON.parse(row.panel_values) as Record<string, unknown>));

  function flatten(row: OutboxRow & { domain: string }): Conflict[] {
    if (row.user_id === null) return [];
    const panel = panelValuesOf(row);
    const changes = new Map(parseChanges(row).map((c) => [c.field, c]));
    return SETTING_KEYS.filter((k) => Object.hasOwn(panel, k)).map((field) => ({
      outboxId: row.id,
      userId: row.user_id!,
      domain: row.domain,
      type: row.type as UserType,
      login: row.login ?? '',
      field,
      base: changes.get(field)?.from ?? null,
      local: changes.get(field)?.to ?? null,
      panel: panel[field],
    }));
  }

  /** The value a field takes locally for each choice; a typed value is checked like an edit. */
  function chosenValue(input: ResolveInput, local: unknown, panel: unknown): unknown {
    if (input.choice === 'mine') return local;
    if (input.choice === 'panel') return panel;
    if (input.value === undefined) throw invalidInput([{ path: 'value', message: `Give the value for ${settingLabel(input.field as SettingKey)}` }]);
    const parsed = SettingsPatchSchema.safeParse({ [input.field]: input.value });
    if (!parsed.success) throw invalidInput(issuesFromZod(parsed.error).map((i) => ({ ...i, path: 'value' })));
    return (parsed.data as Record<string, unknown>)[input.field];
  }

  return {
    list(input: Window): Page<Conflict> {
      // Conflicts are few (fields a person has to look at), so they are flattened here rather than in SQL.
      const all = (conflictRows.all() as (OutboxRow & { domain: string })[]).flatMap(flatten);
      return { items: all.slice(input.offset, input.offset + input.limit), total: all.length };
    },

    /**
     * mine: keep the local value, with the panel's as the new base; panel: take the
     * panel's value and drop the field from the change; value: a third value, checked
     * like an edit, with the panel's as the base.
     */
    resolve(input: ResolveInput): { resolved: true; remaining: number } {
      const field = input.field as SettingKey;
      const userId = tx(() => {
        const row = deps.outbox.get(input.outboxId);
        const panelValues = row ? panelValuesOf(row) : {};
        if (!row || row.status !== 'conflict' || row.user_id === null || !Object.hasOwn(panelValues, field)) {
          throw new OutpostError('not_found', `No conflict on ${settingLabel(field)} in change ${input.outboxId}`);
        }
        const u = deps.users.record(row.user_id);
        const settings = settingsOf(u);
        const panel = panelValues[field];
        const before = settings[field];
        const value = chosenValue(input, before, panel);
        const m = mergeSettings(settings, { [field]: value } as Partial<Settings>);
        if (!m.ok) throw invalidInput(m.issues.map((i) => ({ path: 'value', message: i.message })));

        const changes = new Map<SettingKey, FieldChange>(parseChanges(row).map((c) => [c.field, c]));
        if (value === panel) changes.delete(field);
        else changes.set(field, { field, from: panel, to: value });
        delete panelValues[field];
        const base = remoteOf(u);
        const remote = base === null ? null : JSON.stringify({ ...base, [field]: panel });
        const now = ctx.now();
        writeUser.run(JSON.stringify(m.settings), remote, now, u.id);
        const left = Object.keys(panelValues).length;
        if (changes.size === 0 && left === 0) deps.outbox.deleteRow(row.id);
        else
          finish.run({
            id: row.id,
            changes: serialiseChanges(changes),
            panelValues: left ? JSON.stringify(panelValues) : null,
            status: left ? 'conflict' : 'pending',
            now,
          });
        deps.audit.record({ action: 'conflict.resolve', ...auditSubject(u), field, oldValue: before, newValue: value }, now);
        return u.id;
      });
      ctx.events.changed(['users', 'outbox', 'audit'], [userId]);
      return { resolved: true, remaining: deps.outbox.counts().conflicts };
    },
  };
}

export type ConflictsService = ReturnType<typeof createConflictsService>;
