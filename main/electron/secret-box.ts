// The SecretBox of the Electron shell: Electron's safeStorage (macOS Keychain,
// Windows DPAPI, the Linux secret service or KWallet). On Linux without a
// secret store Chromium falls back to 'basic_text' — a key built into
// Chromium, which only obscures — and the box says so ('os-plaintext-fallback'),
// so that the UI can tell the person. Takes safeStorage as an argument
// (type-only import): no `electron` at load time.
import type { SafeStorage } from 'electron';
import type { SecretBox, SecretStorage } from '../backend/types.js';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

/** Which kind of storage safeStorage gives on this platform, or null when it cannot encrypt at all. */
export function safeStorageKind(storage: SafeStorageLike, platform: NodeJS.Platform): SecretStorage | null {
  if (!storage.isEncryptionAvailable()) return null;
  if (platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text') return 'os-plaintext-fallback';
  return 'os-keychain';
}

/**
 * A SecretBox over safeStorage, or undefined when safeStorage cannot encrypt
 * (then the backend uses its default key-file box). Call after app `ready`:
 * before it, safeStorage reports no encryption on every platform.
 */
export function createSafeStorageSecretBox(storage: SafeStorageLike, platform: NodeJS.Platform): SecretBox | undefined {
  const kind = safeStorageKind(storage, platform);
  if (kind === null) return undefined;
  return {
    kind,
    encrypt: (plain) => storage.encryptString(plain),
    decrypt: (sealed) => storage.decryptString(sealed),
  };
}
