// A long list fetched a page at a time: only the pages the virtualized view
// asks for are loaded, so 100,000 rows cost what 100 do. Pages already shown
// stay on screen while a refresh refetches them (no flicker on data.changed).
import { untrack } from 'svelte';
import { toasts } from './toasts.svelte.js';

export type PageFetcher<T> = (offset: number, limit: number) => Promise<{ items: T[]; total: number }>;

export class WindowedList<T> {
  /** rows in the whole list, as the last answer said */
  total = $state(0);
  /** the first page of the current source has answered */
  ready = $state(false);
  /** raised on every reset, so a view can scroll back to the top */
  epoch = $state(0);
  #version = $state(0);
  #pages = new Map<number, T[]>();
  #loading = new Set<number>();
  #gen = 0;
  #fetch: PageFetcher<T> | null = null;

  constructor(readonly pageSize = 100) {}

  /** Starts over with a new source (another query, filter or domain). */
  reset(fetch: PageFetcher<T>): void {
    untrack(() => {
      this.#fetch = fetch;
      this.#gen++;
      this.#pages.clear();
      this.#loading.clear();
      this.ready = false;
      this.total = 0;
      this.epoch++;
      this.#version++;
      void this.#load(0, this.#gen);
    });
  }

  /** Refetches the pages already loaded; the old rows stay until the new ones arrive. */
  refresh(): void {
    untrack(() => {
      if (!this.#fetch) return;
      this.#gen++;
      this.#loading.clear();
      const pages = this.#pages.size ? [...this.#pages.keys()] : [0];
      for (const p of pages) void this.#load(p, this.#gen);
    });
  }

  /** The row at `index`, or undefined while its page is loading. */
  item(index: number): T | undefined {
    void this.#version;
    return this.#pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Makes sure rows start…end (inclusive) are loaded or on their way. */
  ensure(start: number, end: number): void {
    untrack(() => {
      if (!this.#fetch || end < start) return;
      for (let p = Math.floor(start / this.pageSize); p <= Math.floor(end / this.pageSize); p++) {
        if (!this.#pages.has(p) && !this.#loading.has(p)) void this.#load(p, this.#gen);
      }
    });
  }

  async #load(page: number, gen: number): Promise<void> {
    const fetch = this.#fetch;
    if (!fetch) return;
    this.#loading.add(page);
    try {
      const answer = await fetch(page * this.pageSize, this.pageSize);
      if (gen !== this.#gen) return;
      this.#pages.set(page, answer.items);
      this.total = answer.total;
      for (const p of this.#pages.keys()) if (p * this.pageSize >= answer.total) this.#pages.delete(p);
      this.ready = true;
      this.#version++;
    } catch (e) {
      if (gen !== this.#gen) return;
      this.ready = true;
      toasts.error(e);
    } finally {
      if (gen === this.#gen) this.#loading.delete(page);
    }
  }
}
