// A SecretBox keyed by a random 32-byte file beside the database (0600), for
// hosts without an OS keychain (browser mode, tests). It keeps secrets out of
// the database file and its backups; it does not protect against someone who
// can read the whole data folder. See docs/security.md.
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SecretBox } from '../types.js';

export const KEY_FILE_NAME = 'outpost.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every sealed value, so that the format can change later. */
const FORMAT = 1;

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, KEY_FILE_NAME);
}

/** Reads the key, creating it on first start. */
export function loadOrCreateKey(file: string): Buffer {
  try {
    // 'wx': never overwrite a key that exists — that would lose every secret sealed with it.
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, randomBytes(KEY_BYTES));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const key = fs.readFileSync(file);
  if (key.length !== KEY_BYTES) {
    throw new Error(`The key file ${file} is damaged (${key.length} bytes, expected ${KEY_BYTES}); secrets sealed with it cannot be read`);
  }
  return key;
}

/** Fresh random IVs, drawn from a pool: one randomBytes call per secret cost more than the cipher. */
function ivSource(): () => Buffer {
  const pool = Buffer.alloc(IV_BYTES * 256);
  let used = pool.length;
  return () => {
    if (used === pool.length) {
      randomFillSync(pool);
      used = 0;
    }
    // A copy: the pool is refilled in place and an IV must never repeat under one key.
    return Buffer.from(pool.subarray(used, (used += IV_BYTES)));
  };
}

export function createKeyFileSecretBox(dataDir: string): SecretBox {
  const key = loadOrCreateKey(keyFilePath(dataDir));
  const nextIv = ivSource();
  return {
    kind: 'key-file',
    encrypt(plain: string): Buffer {
      const iv = nextIv();
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed: Buffer): string {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT) {
        throw new Error('A sealed secret is not in the key-file format');
      }
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      // final() throws when the tag does not match: a wrong key or a tampered value.
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
