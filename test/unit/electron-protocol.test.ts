// The app:// protocol (main/electron/protocol.ts): the URL → file mapping
// that must never leave out/renderer, and the handler serving real files
// from a temp folder with the CSP header. No Electron needed: the handler is
// a plain (Request) => Response function that protocol.handle is given.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, createAssetHandler, resolveAssetPath } from '../../main/electron/protocol.js';
import { contentTypeFor } from '../../main/shared/content-types.js';
import { buildCsp } from '../../main/electron/security.js';

const ROOT = resolve('/srv/outpost/out/renderer');

describe('resolveAssetPath', () => {
  it.each([
    ['app://outpost/', 'index.html'],
    ['app://outpost', 'index.html'],
    ['app://outpost/index.html', 'index.html'],
    ['app://outpost/index.html?x=1#/users', 'index.html'],
    ['app://outpost/assets/index-abc123.js', join('assets', 'index-abc123.js')],
    ['app://OUTPOST/assets/a.css', join('assets', 'a.css')],
    ['app://outpost/assets/', join('assets', 'index.html')],
    ['app://outpost/assets/My%20Font.woff2', join('assets', 'My Font.woff2')],
    ['app://outpost//assets//x.js', join('assets', 'x.js')],
    ['app://outpost/a..b/c.js', join('a..b', 'c.js')],
    ['app://outpost/%252e%252e/x', join('%2e%2e', 'x')], // decoded once: a literal name, not a dot segment
  ])('%s → root/%s', (url, rel) => {
    expect(resolveAssetPath(ROOT, url)).toEqual({ ok: true, path: join(ROOT, rel) });
  });

  it.each([
    ['app://outpost/../etc/passwd', 403],
    ['app://outpost/assets/../../etc/passwd', 403],
    ['app://outpost/./index.html', 403],
    ['app://outpost/%2e%2e/etc/passwd', 403],
    ['app://outpost/%2E%2E/%2E%2E/etc/passwd', 403],
    ['app://outpost/.%2e/x', 403],
    ['app://outpost/assets%2f..%2f..%2fetc%2fpasswd', 403],
    ['app://outpost/..%2fetc%2fpasswd', 403],
    ['app://outpost/..%5c..%5cwindows%5cwin.ini', 403],
    ['app://outpost/..\\..\\windows\\win.ini', 403],
    ['app://outpost/%2fetc%2fpasswd', 403],
    ['app://outpost/C:%5cWindows%5cwin.ini', 403],
    ['app://outpost/c:/windows/win.ini', 403],
    ['app://outpost/index.html%00.js', 403],
    ['app://outpost/%00', 403],
    ['app://outpost/%E0%A4%A', 400],
    ['app://outpost/%', 400],
    ['app://evil/index.html', 403],
    ['app://outpost.evil/index.html', 403],
    ['app://user@outpost/index.html', 403],
    ['app://outpost:80/index.html', 403],
    ['app:///etc/passwd', 403],
    ['file:///etc/passwd', 403],
    ['https://outpost/index.html', 403],
    ['/etc/passwd', 400],
    ['', 400],
  ] as const)('refuses %s with %i', (url, status) => {
    const result = resolveAssetPath(ROOT, url);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.status).toBe(status);
  });

  it('never answers a path outside root, for any mix of dots, slashes and escapes', () => {
    const parts = ['..', '.', '%2e', '%2E%2e', '%2f', '%5c', 'a', '', '%00', 'x.js', '..%2f'];
    for (const a of parts) {
      for (const b of parts) {
        for (const c of parts) {
          const result = resolveAssetPath(ROOT, `app://outpost/${a}/${b}/${c}`);
          if (result.ok) expect(result.path.startsWith(ROOT + sep)).toBe(true);
        }
      }
    }
  });
});

describe('APP_SCHEME_PRIVILEGES', () => {
  it('registers app:// as a standard, secure scheme (a real origin, like https)', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP', true);
  });
});

describe('contentTypeFor, the table both hosts serve with', () => {
  it('types what Vite emits and falls back to a type the page will not run', () => {
    expect(contentTypeFor('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a/x.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a/x.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a/x.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a/x.unknown')).toBe('application/octet-stream');
  });
});

describe('createAssetHandler (real files in a temp folder)', () => {
  let base: string;
  let root: string;
  const csp = buildCsp();

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'outpost-protocol-'));
    root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Outpost</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(base, 'secret.txt'), 'do not serve');
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const get = (url: string, method = 'GET') => createAssetHandler(root, csp)(new Request(url, { method }));

  it('serves index.html for / with the CSP and nosniff headers', async () => {
    const response = await get('app://outpost/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(csp);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Outpost</title>');
  });

  it('serves a script with its type', async () => {
    const response = await get('app://outpost/assets/app.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers HEAD without a body', async () => {
    const response = await get('app://outpost/index.html', 'HEAD');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('never serves the file beside root, however the request spells the way there', async () => {
    // Request (like Chromium for a standard scheme) may fold dot segments
    // before the handler sees the URL: then the answer is a 404 inside root,
    // otherwise resolveAssetPath's 403. Either way nothing outside is read.
    for (const url of ['app://outpost/../secret.txt', 'app://outpost/%2e%2e/secret.txt', 'app://outpost/..%2fsecret.txt', 'app://outpost/assets/..%2f..%2fsecret.txt']) {
      const response = await get(url);
      expect([403, 404]).toContain(response.status);
      expect(await response.text()).not.toContain('do not serve');
      expect(response.headers.get('content-security-policy')).toBe(csp);
    }
    expect((await get('app://outpost/..%2fsecret.txt')).status).toBe(403);
  });

  it('answers 404 for a missing file and for a folder', async () => {
    expect((await get('app://outpost/nope.js')).status).toBe(404);
    expect((await get('app://outpost/assets')).status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('app://outpost/index.html', 'POST')).status).toBe(405);
  });
});
