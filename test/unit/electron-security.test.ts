// The Electron shell's security decisions (main/electron/security.ts,
// app-origin.ts). Pure functions: no Electron needed.
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAppUrl } from '../../main/electron/app-origin.js';
import { buildCsp, CSP_DIRECTIVES, decidePermission, isAllowedNavigation, isSafeExternalUrl, isTrustedSender } from '../../main/electron/security.js';

describe('isAllowedNavigation', () => {
  it.each([APP_ENTRY_URL, 'app://outpost/', 'app://outpost/index.html#/users/3', 'app://OUTPOST/assets/x.js?v=1'])('allows %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(true);
  });

  it.each([
    'https://example.com/',
    'http://outpost/',
    'file:///etc/passwd',
    'app://outpost.evil.example/',
    'app://evil/outpost',
    'app://user@outpost/',
    'app://user:pw@outpost/',
    'app://outpost:8080/',
    'app:outpost/index.html',
    'app:///index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'chrome://settings',
    '',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it.each(['https://example.com/', 'https://docs.example.net/guide?x=1#top', 'https://xn--bcher-kva.example/', 'https://panel.example.net:8443/'])(
    'allows %s',
    (url) => expect(isSafeExternalUrl(url)).toBe(true),
  );

  it.each([
    ['http://example.com/', 'not https'],
    ['file:///etc/passwd', 'file'],
    ['smb://server/share', 'other scheme'],
    ['javascript:alert(1)', 'javascript'],
    ['https://user@example.com/', 'username'],
    ['https://user:pass@example.com/', 'credentials'],
    ['https://localhost/', 'single label'],
    ['https://intranet/', 'single label'],
    ['https://127.0.0.1/', 'IPv4 literal'],
    ['https://0x7f.1/', 'IPv4 in hex, which the parser accepts'],
    ['https://[::1]/', 'IPv6 literal'],
    ['https://exa mple.com/', 'space'],
    [' https://example.com/', 'leading space the parser would trim'],
    ['https://example.com/\n', 'control character'],
    ['https:\\\\example.com\\', 'backslashes'],
    ['https:example.com', 'no slashes, repaired by the parser'],
    ['https://-bad-.example/', 'bad label'],
    [`https://example.com/${'a'.repeat(2100)}`, 'too long'],
    ['', 'empty'],
  ])('refuses %s (%s)', (url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });
});

describe('buildCsp', () => {
  const csp = buildCsp();
  const directive = (name: string) =>
    csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith(`${name} `));

  it("allows scripts from 'self' only: no eval, no inline, no other host", () => {
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('wasm-unsafe-eval');
    expect(directive('script-src')).not.toContain('unsafe-inline');
  });

  it("limits connect-src to 'self' (the renderer talks over IPC) and defaults to nothing", () => {
    expect(directive('connect-src')).toBe("connect-src 'self'");
    expect(directive('default-src')).toBe("default-src 'none'");
  });

  it('forbids plugins, frames, framing, forms and <base>', () => {
    for (const name of ['object-src', 'frame-src', 'frame-ancestors', 'form-action', 'base-uri']) {
      expect(directive(name)).toBe(`${name} 'none'`);
    }
  });

  it('names no host, scheme wildcard or http source anywhere', () => {
    for (const values of Object.values(CSP_DIRECTIVES)) {
      for (const v of values) expect(v === 'data:' || v.startsWith("'")).toBe(true);
    }
    expect(csp).not.toMatch(/\*|https?:/);
  });

  it('is one header value: directives separated by semicolons, no newlines', () => {
    expect(csp).not.toMatch(/[\r\n]/);
    expect(csp.split(';')).toHaveLength(Object.keys(CSP_DIRECTIVES).length);
  });
});

describe('decidePermission', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown'])('denies %s', (permission) => {
    expect(decidePermission(permission, APP_ENTRY_URL)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts the main frame of the app page', () => {
    expect(isTrustedSender(APP_ENTRY_URL, true)).toBe(true);
    expect(isTrustedSender('app://outpost/index.html#/panels', true)).toBe(true);
  });

  it('refuses subframes, other origins and frames that are gone', () => {
    expect(isTrustedSender(APP_ENTRY_URL, false)).toBe(false);
    expect(isTrustedSender('https://example.com/', true)).toBe(false);
    expect(isTrustedSender('file:///work/out/renderer/index.html', true)).toBe(false);
    expect(isTrustedSender('about:blank', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
    expect(isTrustedSender(null, true)).toBe(false);
  });
});

describe('isAppUrl', () => {
  it('is the same test as navigation uses', () => {
    expect(isAppUrl('app://outpost/x')).toBe(true);
    expect(isAppUrl('app://outpost.example/x')).toBe(false);
  });
});
