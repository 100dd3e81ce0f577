// Promise-shaped confirmation: `if (await confirm.ask({...}))`. One dialog at a
// time; ConfirmDialog.svelte renders the current question.
export type Question = {
  title: string;
  message: string;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
};

class ConfirmState {
  current = $state<(Question & { resolve: (ok: boolean) => void }) | null>(null);

  ask(q: Question): Promise<boolean> {
    this.current?.resolve(false);
    return new Promise((resolve) => {
      this.current = { ...q, resolve };
    });
  }

  answer(ok: boolean): void {
    const c = this.current;
    this.current = null;
    c?.resolve(ok);
  }
}

export const confirm = new ConfirmState();
