// The order in which the panel made its changes. Every entity (a domain, an
// outgoing user, a removed user's tombstone) carries the sequence number of its
// latest change; the log lists (seq, entity) in seq order. When an entity
// changes again its older entry goes stale and is skipped, so a user changed
// many times appears once, with its latest state. Reading from a cursor is a
// binary search plus a walk: a full replay of N entities in pages is O(N log N),
// not O(N²). Stale entries are compacted away once they are half the log.

export type Logged = { seq: number };

export class ChangeLog<E extends Logged> {
  private seqs: number[] = [];
  private items: E[] = [];
  private stale = 0;
  private last = 0;

  /** the highest sequence number handed out */
  get seq(): number {
    return this.last;
  }

  /** Records a change of `item`: it gets the next seq and moves to the end. */
  touch(item: E): number {
    if (item.seq > 0) this.stale++;
    item.seq = ++this.last;
    this.seqs.push(item.seq);
    this.items.push(item);
    if (this.stale > 1024 && this.stale * 2 > this.seqs.length) this.compact();
    return item.seq;
  }

  /** Rebuilds from entities that already carry their seq (a loaded state file). */
  static restore<E extends Logged>(items: E[], lastSeq: number): ChangeLog<E> {
    const log = new ChangeLog<E>();
    const sorted = [...items].sort((a, b) => a.seq - b.seq);
    log.items = sorted;
    log.seqs = sorted.map((i) => i.seq);
    log.last = Math.max(lastSeq, sorted.at(-1)?.seq ?? 0);
    return log;
  }

  /**
   * Walks the live entries after `after`, in order. `visit` answers false to
   * stop before an entry (which is then not consumed); the result is the seq of
   * the last entry consumed, or the log's end when the walk ran out.
   */
  walk(after: number, visit: (item: E) => boolean): { last: number; stopped: boolean } {
    let last = after;
    for (let i = this.firstAfter(after); i < this.seqs.length; i++) {
      const item = this.items[i] as E;
      const seq = this.seqs[i] as number;
      if (item.seq !== seq) continue; // changed again later: that later entry stands for it
      if (!visit(item)) return { last, stopped: true };
      last = seq;
    }
    return { last: Math.max(last, this.last), stopped: false };
  }

  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.seqs[mid] as number) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    const seqs: number[] = [];
    const items: E[] = [];
    for (let i = 0; i < this.seqs.length; i++) {
      const item = this.items[i] as E;
      if (item.seq === this.seqs[i]) {
        seqs.push(item.seq);
        items.push(item);
      }
    }
    this.seqs = seqs;
    this.items = items;
    this.stale = 0;
  }
}
