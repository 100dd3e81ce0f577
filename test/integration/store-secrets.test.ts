// The key-file SecretBox: AES-256-GCM with a 0600 key beside the database.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEY_FILE_NAME, createKeyFileSecretBox, keyFilePath } from '../../main/backend/secrets/key-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('key-file SecretBox', () => {
  it('creates a 32-byte key readable by its owner only, and says what it is', () => {
    const dir = makeTempDir();
    const box = createKeyFileSecretBox(dir);
    expect(box.kind).toBe('key-file');
    const stat = fs.statSync(keyFilePath(dir));
    expect(stat.size).toBe(32);
    if (process.platform !== 'win32') expect(stat.mode & 0o777).toBe(0o600);
  });

  it('round-trips secrets, never holding the plain text, and a second start reuses the key', () => {
    const dir = makeTempDir();
    const sealed = createKeyFileSecretBox(dir).encrypt('correct horse battery staple');
    expect(sealed.toString('latin1')).not.toContain('correct horse');
    expect(createKeyFileSecretBox(dir).decrypt(sealed)).toBe('correct horse battery staple');
    // Random IVs: the same secret never seals to the same bytes.
    expect(createKeyFileSecretBox(dir).encrypt('x').equals(createKeyFileSecretBox(dir).encrypt('x'))).toBe(false);
  });

  it('refuses a value sealed with another key or tampered with', () => {
    const sealed = createKeyFileSecretBox(makeTempDir()).encrypt('secret');
    expect(() => createKeyFileSecretBox(makeTempDir()).decrypt(sealed)).toThrow();
    const dir = makeTempDir();
    const box = createKeyFileSecretBox(dir);
    const good = box.encrypt('secret');
    const bad = Buffer.from(good);
    bad[bad.length - 1]! ^= 1;
    expect(() => box.decrypt(bad)).toThrow();
    expect(() => box.decrypt(Buffer.from('short'))).toThrow(/not in the key-file format/);
  });

  it('tightens a key file that others could read', () => {
    if (process.platform === 'win32') return;
    const dir = makeTempDir();
    fs.writeFileSync(`${dir}/${KEY_FILE_NAME}`, Buffer.alloc(32, 7), { mode: 0o644 });
    fs.chmodSync(`${dir}/${KEY_FILE_NAME}`, 0o644);
    createKeyFileSecretBox(dir);
    expect(fs.statSync(`${dir}/${KEY_FILE_NAME}`).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged key file instead of replacing it', () => {
    const dir = makeTempDir();
    fs.writeFileSync(`${dir}/${KEY_FILE_NAME}`, Buffer.alloc(5));
    expect(() => createKeyFileSecretBox(dir)).toThrow(/damaged/);
    expect(fs.statSync(`${dir}/${KEY_FILE_NAME}`).size).toBe(5);
  });
});
