// The settings editor's logic (renderer/src/lib/settingsForm.ts): what counts
// as an unsaved edit, which decides the "unsaved changes" line and whether
// leaving the editor asks first.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../common/settings.js';
import { evaluate } from '../../renderer/src/lib/settingsForm.js';

const saved = { ...DEFAULT_SETTINGS, dkim_selector: 's2026', lock_timeout: 45 };

describe('evaluate', () => {
  it('a changed value is touched, changed and in the patch', () => {
    const f = evaluate(saved, { lock_timeout: '60' });
    expect(f.touched).toEqual(['lock_timeout']);
    expect(f.changed).toEqual(['lock_timeout']);
    expect(f.patch).toEqual({ lock_timeout: 60 });
    expect(f.valid).toBe(true);
  });

  it('text that does not parse yet is touched (an unsaved edit), not changed', () => {
    const f = evaluate(saved, { lock_timeout: '' });
    expect(f.touched).toEqual(['lock_timeout']);
    expect(f.changed).toEqual([]);
    expect(f.valid).toBe(false);
  });

  it('text that parses to the saved value is no unsaved edit', () => {
    const f = evaluate(saved, { dkim_selector: 'S2026', lock_timeout: ' 45 ' });
    expect(f.touched).toEqual([]);
    expect(f.changed).toEqual([]);
    expect(f.patch).toEqual({});
    expect(f.valid).toBe(true);
  });
});
