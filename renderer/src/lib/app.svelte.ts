// What is selected and shown. Moving away from unsaved settings edits goes
// through leave(), which asks first.
import { SvelteSet } from 'svelte/reactivity';
import type { DomainRow, InputOf } from '../../../common/ipc/contract.js';
import { confirm } from './confirm.svelte.js';

export type View = 'users' | 'pending' | 'conflicts' | 'panels';
export type UserFilter = NonNullable<InputOf<'users.list'>['filter']>;
export type OpenDialog = 'add-domain' | 'add-user' | 'bulk-edit' | null;

class AppState {
  view = $state<View>('users');
  domain = $state<DomainRow | null>(null);
  userId = $state<number | null>(null);
  userQuery = $state('');
  filter = $state<UserFilter>('all');
  /** users ticked for a bulk edit */
  selected = new SvelteSet<number>();
  dialog = $state<OpenDialog>(null);
  /** the settings editor has edits that are not saved */
  dirty = $state(false);

  /** Resolves true when it is fine to move away from the editor (nothing unsaved, or the person agreed). */
  async leave(): Promise<boolean> {
    if (!this.dirty) return true;
    const ok = await confirm.ask({
      title: 'Discard unsaved changes?',
      message: 'The settings you changed for this outgoing user have not been saved.',
      confirmLabel: 'Discard',
      cancelLabel: 'Keep editing',
      danger: true,
    });
    if (ok) this.dirty = false;
    return ok;
  }

  async selectUser(id: number | null): Promise<void> {
    if (id === this.userId) return;
    if (await this.leave()) this.userId = id;
  }

  async show(view: View): Promise<void> {
    if (view === this.view) return;
    if (await this.leave()) this.view = view;
  }
}

export const app = new AppState();
