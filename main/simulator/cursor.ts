// Change-feed cursors: opaque to clients, signed so that a made-up cursor or
// one from another panel (another state) is unknown, and stamped with the time
// they were handed out so that they can expire.
//
// A cursor holds `seq` (the last change delivered) and `replayFrom`: during a
// `since/0` replay, the seq at which the replay started — removals made before
// it are not sent (the client never had those users); removals after it are.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Cursor = { seq: number; replayFrom: number; issuedAt: number };

export class CursorCodec {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  encode(c: Cursor): string {
    const body = [c.seq, c.replayFrom, c.issuedAt].map((n) => n.toString(36)).join('.');
    return `${body}.${this.mac(body)}`;
  }

  /** The cursor, or why it cannot be used (then the panel answers 410). */
  decode(text: string, now: number, lastSeq: number): { ok: true; cursor: Cursor } | { ok: false; reason: 'unknown' | 'expired' } {
    const parts = text.split('.');
    if (parts.length !== 4) return { ok: false, reason: 'unknown' };
    const body = parts.slice(0, 3).join('.');
    const mac = Buffer.from(parts[3] ?? '');
    const expected = Buffer.from(this.mac(body));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return { ok: false, reason: 'unknown' };
    const [seq, replayFrom, issuedAt] = parts.slice(0, 3).map((p) => Number.parseInt(p, 36)) as [number, number, number];
    if (![seq, replayFrom, issuedAt].every(Number.isSafeInteger) || seq > lastSeq) return { ok: false, reason: 'unknown' };
    if (now - issuedAt > this.ttlMs) return { ok: false, reason: 'expired' };
    return { ok: true, cursor: { seq, replayFrom, issuedAt } };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }
}

/** At least the 7 days panel-api.md promises. */
export const DEFAULT_CURSOR_TTL_MS = 7 * 24 * 60 * 60 * 1000;
