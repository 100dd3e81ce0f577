// Temporary data folders for tests: real files on disk, removed after the file's tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
let registered = false;

export function makeTempDir(prefix = 'outpost-test-'): string {
  if (!registered) {
    registered = true;
    afterAll(() => {
      for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
