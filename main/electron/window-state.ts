// Remembers the main window's size and position in userData/window-state.json
// and puts it back on screen: a window saved on a monitor that is gone, or
// larger than the current one, is clamped to a display that exists.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Partial<Pick<Rect, 'x' | 'y'>> & Pick<Rect, 'width' | 'height'>;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
export const WINDOW_STATE_FILE = 'window-state.json';

/** A window must show at least this much of itself on some display to stay where it was. */
const MIN_VISIBLE = { width: 160, height: 80 } as const;

const Int = z.number().int().min(-100_000).max(100_000);
const StoredState = z.object({
  x: Int,
  y: Int,
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
  maximized: z.boolean().default(false),
});

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Where the window goes, given what was saved (or nothing) and the work areas
 * of the displays now attached (the first is the primary). Pure.
 *
 * - Nothing saved: the default size (shrunk to the primary display), centred
 *   by the OS (no x/y).
 * - Saved and still visible enough on a display: kept, shrunk to fit that display.
 * - Saved but off every display: its size (shrunk to fit) centred on the primary.
 */
export function clampWindowState(
  saved: (Rect & { maximized?: boolean }) | null,
  workAreas: readonly Rect[],
  minSize: { width: number; height: number } = { width: 0, height: 0 },
): WindowState {
  const primary = workAreas[0];
  // Not larger than the display, not smaller than the window's minimum (unless the display is).
  const fitDim = (want: number, avail: number | undefined, min: number) =>
    avail === undefined ? Math.max(want, min) : Math.min(Math.max(want, Math.min(min, avail)), avail);
  const fit = (size: { width: number; height: number }, area: Rect | undefined) => ({
    width: fitDim(size.width, area?.width, minSize.width),
    height: fitDim(size.height, area?.height, minSize.height),
  });
  if (!saved) return { bounds: fit(DEFAULT_SIZE, primary), maximized: false };

  const maximized = saved.maximized ?? false;
  const host = workAreas.find((area) => {
    const o = overlap(saved, area);
    return o.width >= Math.min(MIN_VISIBLE.width, saved.width) && o.height >= Math.min(MIN_VISIBLE.height, saved.height);
  });
  if (host) {
    const size = fit(saved, host);
    // Pull it fully inside the display it is on, so no edge hangs off screen.
    const x = Math.min(Math.max(saved.x, host.x), host.x + host.width - size.width);
    const y = Math.min(Math.max(saved.y, host.y), host.y + host.height - size.height);
    return { bounds: { x, y, ...size }, maximized };
  }
  if (!primary) return { bounds: fit(saved, undefined), maximized };
  const size = fit(saved, primary);
  return {
    bounds: {
      x: primary.x + Math.round((primary.width - size.width) / 2),
      y: primary.y + Math.round((primary.height - size.height) / 2),
      ...size,
    },
    maximized,
  };
}

/** The saved state, or null when there is none or it is not a state this code wrote. */
export function readWindowState(dir: string): (Rect & { maximized: boolean }) | null {
  try {
    const parsed = StoredState.safeParse(JSON.parse(readFileSync(join(dir, WINDOW_STATE_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes atomically (temp file + rename): a crash mid-write leaves the old state, not half a file. */
export function writeWindowState(dir: string, state: Rect & { maximized: boolean }): void {
  const file = join(dir, WINDOW_STATE_FILE);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const rounded = {
    x: Math.round(state.x),
    y: Math.round(state.y),
    width: Math.round(state.width),
    height: Math.round(state.height),
    maximized: state.maximized,
  };
  writeFileSync(tmp, `${JSON.stringify(rounded, null, 2)}\n`);
  renameSync(tmp, file);
}
