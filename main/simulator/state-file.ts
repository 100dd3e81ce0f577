// --state-file: the panel's state on disk, so that a stopped and restarted
// simulator keeps its domains, users, revisions and cursors. Loaded once at
// start; written through after changes, debounced (a burst of changes is one
// write), atomically (a temporary file, fsync, rename), never two at once.
import { existsSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { z } from 'zod';
import { PanelUserSchema } from '../../common/panel-api.js';
import { UserTypeSchema } from '../../common/model.js';
import type { PanelState, StateSnapshot } from './state.js';

/** The simulator's own admin login, kept with the state so that a restart keeps it too. */
export type Credentials = { username: string; password: string };
export type StateFileContent = { snapshot: StateSnapshot; admin: Credentials | null };

const SnapshotSchema = z.object({
  format: z.literal('outpost-panel-simulator'),
  version: z.literal(1),
  secret: z.string().min(16),
  seq: z.number().int().min(0),
  admin: z.object({ username: z.string().min(1), password: z.string().min(1) }).nullable().optional(),
  domains: z.array(z.object({ name: z.string(), seq: z.number().int().min(1), dkim: z.record(z.string(), z.string()) })),
  users: z.array(
    z.object({
      seq: z.number().int().min(1),
      domain: z.string(),
      type: UserTypeSchema,
      login: z.string(),
      user: z.unknown(),
      passwordHash: z.string().nullable(),
    }),
  ),
});

/** The file's state, or null when there is no file yet. Throws with the file's name when it is not a state file. */
export function loadStateFile(path: string): StateFileContent | null {
  if (!existsSync(path)) return null;
  let parsed: z.infer<typeof SnapshotSchema>;
  try {
    parsed = SnapshotSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new Error(`State file ${path} is not a panel simulator state: ${e instanceof Error ? e.message.slice(0, 300) : e}`);
  }
  // Users are checked with the wire schema, so a hand-edited file cannot serve what no panel may answer.
  for (const u of parsed.users) {
    if (u.user !== null) {
      const r = PanelUserSchema.safeParse(u.user);
      if (!r.success) throw new Error(`State file ${path}: user ${u.login}@${u.domain} is not valid: ${r.error.issues[0]?.message}`);
    }
  }
  const { admin, ...snapshot } = parsed;
  return { snapshot: snapshot as StateSnapshot, admin: admin ?? null };
}

export class StateFile {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dirty = false;
  private readonly unsubscribe: () => void;

  constructor(
    readonly path: string,
    private readonly state: PanelState,
    private readonly admin: Credentials,
    private readonly debounceMs = 200,
  ) {
    this.unsubscribe = state.onChange(() => this.schedule());
  }

  private schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write().catch((e) => console.error(`Panel simulator: could not write ${this.path}: ${e}`));
    }, this.debounceMs);
  }

  /** Writes now if anything changed since the last write (and waits for a write in progress). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.write();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.flush();
  }

  private async write(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    this.writing = writeAtomically(this.path, JSON.stringify({ ...this.state.snapshot(), admin: this.admin }));
    try {
      await this.writing;
    } finally {
      this.writing = null;
    }
  }

  /** Marks the state as changed (a fresh seed that has never been written). */
  markDirty(): void {
    this.schedule();
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
