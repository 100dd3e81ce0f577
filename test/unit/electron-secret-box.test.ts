// The shell's SecretBox over Electron's safeStorage (main/electron/secret-box.ts).
// safeStorage is part of the Electron binary, which cannot run here: the
// object below is a hand-made stand-in with the same four methods (a mock,
// the one kind this project allows), reversible so the round trip is real.
import { describe, expect, it } from 'vitest';
import { createSafeStorageSecretBox, safeStorageKind, type SafeStorageLike } from '../../main/electron/secret-box.js';

function fakeSafeStorage(available: boolean, backend?: ReturnType<NonNullable<SafeStorageLike['getSelectedStorageBackend']>>): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(`sealed:${Buffer.from(plain, 'utf8').toString('base64')}`),
    decryptString: (sealed) => Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'base64').toString('utf8'),
    ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
  };
}

describe('safeStorageKind', () => {
  it("is the OS keychain where safeStorage has one", () => {
    expect(safeStorageKind(fakeSafeStorage(true), 'darwin')).toBe('os-keychain');
    expect(safeStorageKind(fakeSafeStorage(true), 'win32')).toBe('os-keychain');
    expect(safeStorageKind(fakeSafeStorage(true, 'gnome_libsecret'), 'linux')).toBe('os-keychain');
    expect(safeStorageKind(fakeSafeStorage(true, 'kwallet6'), 'linux')).toBe('os-keychain');
  });

  it("says 'os-plaintext-fallback' on Linux without a secret store (basic_text), so the UI can warn", () => {
    expect(safeStorageKind(fakeSafeStorage(true, 'basic_text'), 'linux')).toBe('os-plaintext-fallback');
  });

  it('is null when safeStorage cannot encrypt at all', () => {
    expect(safeStorageKind(fakeSafeStorage(false, 'gnome_libsecret'), 'linux')).toBeNull();
  });
});

describe('createSafeStorageSecretBox', () => {
  it('seals and opens through safeStorage, never keeping the plain text in the sealed bytes', () => {
    const box = createSafeStorageSecretBox(fakeSafeStorage(true, 'gnome_libsecret'), 'linux');
    expect(box?.kind).toBe('os-keychain');
    const sealed = box!.encrypt('pässwörd-123');
    expect(sealed.toString()).not.toContain('pässwörd');
    expect(box!.decrypt(sealed)).toBe('pässwörd-123');
  });

  it("is undefined without encryption, leaving the backend's key-file box in charge", () => {
    expect(createSafeStorageSecretBox(fakeSafeStorage(false), 'win32')).toBeUndefined();
  });
});
