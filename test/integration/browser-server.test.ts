// Browser mode's HTTP server over real HTTP on 127.0.0.1. The backend here is
// a stand-in written against the Backend interface (browser-server.stand-in.ts),
// so that these tests are about the server alone: who gets in, what gets
// served, what goes over the bridge. browser-server-backend.test.ts runs the
// same server on the real backend.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_EVENTS_PATH, HTTP_INVOKE_PREFIX, HTTP_TOKEN_HEADER } from '../../common/ipc/bridge.js';
import type { Result } from '../../common/ipc/errors.js';
import { MAX_BODY_BYTES } from '../../main/browser/json-body.js';
import { CONTENT_SECURITY_POLICY } from '../../main/browser/security-headers.js';
import { startBrowserServer, type BrowserServer } from '../../main/browser/server.js';
import { streamText } from '../helpers/stream-text.js';
import { standInBackend } from './browser-server.stand-in.js';

const SECRET = 'SECRET-OUTSIDE-THE-SITE-7f3a';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request: the path goes on the wire exactly as written (fetch would normalise `..`). */
function send(
  port: number,
  options: { method?: string; path: string; headers?: OutgoingHttpHeaders; body?: string | Buffer; setHost?: boolean },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, setHost: options.setHost ?? true },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('browser-mode server (stand-in backend)', () => {
  let base: string;
  let site: string;
  let server: BrowserServer;
  let port: number;
  let token: string;
  const standIn = standInBackend();

  const invoke = (method: string, body: unknown, headers: OutgoingHttpHeaders = {}) =>
    send(port, {
      method: 'POST',
      path: `${HTTP_INVOKE_PREFIX}${method}`,
      headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: token, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'outpost-browser-'));
    site = join(base, 'site');
    mkdirSync(join(site, 'assets'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Outpost</title><div id="app"></div>');
    writeFileSync(join(site, 'assets', 'app-1234.js'), 'console.log("app")');
    writeFileSync(join(site, 'assets', 'app-1234.css'), 'body{}');
    writeFileSync(join(base, 'secret.txt'), SECRET);
    writeFileSync(join(base, 'package.json'), JSON.stringify({ name: SECRET }));
    symlinkSync(join(base, 'secret.txt'), join(site, 'link.txt'));
    symlinkSync(base, join(site, 'up'));
    writeFileSync(join(site, '.env'), SECRET);
    server = await startBrowserServer({ backend: standIn.backend, staticDir: site, port: 0 });
    port = Number(new URL(server.origin).port);
    token = server.token;
  });

  afterAll(async () => {
    await server?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and hands out a 32-byte token in the URL fragment only', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${port}`);
    expect(server.url).toBe(`http://127.0.0.1:${port}/#token=${token}`);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(new URL(server.url).pathname).toBe('/');
  });

  it('refuses to bind anything but loopback', async () => {
    await expect(startBrowserServer({ backend: standIn.backend, staticDir: site, port: 0, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  describe('static files', () => {
    it('serves index.html with the security headers', async () => {
      const answer = await send(port, { path: '/' });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.body).toContain('<title>Outpost</title>');
      expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
      ]) {
        expect(answer.headers['content-security-policy']).toContain(directive);
      }
      expect(answer.headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe/);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['cache-control']).toBe('no-cache');
    });

    it('gives assets their content type and a long cache', async () => {
      const js = await send(port, { path: '/assets/app-1234.js' });
      expect(js.status).toBe(200);
      expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(js.headers['cache-control']).toContain('immutable');
      const css = await send(port, { path: '/assets/app-1234.css?v=1' });
      expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
      const head = await send(port, { method: 'HEAD', path: '/assets/app-1234.js' });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect(head.headers['content-length']).toBe(String('console.log("app")'.length));
    });

    it('answers a view path with index.html and a missing file with 404', async () => {
      const view = await send(port, { path: '/users/12' });
      expect(view.status).toBe(200);
      expect(view.body).toContain('<title>Outpost</title>');
      const missing = await send(port, { path: '/assets/nope.js' });
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });

    // Each attempt is refused (400 or 404); a path that is only a view name
    // (`/etc/passwd`) gets the page itself. None ever gets the file.
    it.each([
      ['/../secret.txt', 'refused'],
      ['/../package.json', 'refused'],
      ['/assets/../../secret.txt', 'refused'],
      ['/%2e%2e/secret.txt', 'refused'],
      ['/%2E%2E/package.json', 'refused'],
      ['/..%2fsecret.txt', 'refused'],
      ['/assets/..%2f..%2fsecret.txt', 'refused'],
      ['/%2e%2e%2f%2e%2e%2fsecret.txt', 'refused'],
      ['/..%5csecret.txt', 'refused'],
      ['/%252e%252e/secret.txt', 'refused'],
      ['/secret.txt%00.html', 'refused'],
      ['/%00', 'refused'],
      ['/%e0%a4%a', 'refused'],
      ['/link.txt', 'refused'],
      ['/up/secret.txt', 'refused'],
      ['/up/package.json', 'refused'],
      ['/.env', 'refused'],
      ['/%2fetc%2fpasswd', 'refused'],
      ['ABSOLUTE_PATH', 'refused'],
      ['ABSOLUTE_FORM', 'refused'],
      ['/etc/passwd', 'page'],
      ['//etc/passwd', 'page'],
    ] as const)('never serves a file outside the site: %s', async (raw, expected) => {
      const path =
        raw === 'ABSOLUTE_PATH' ? join(base, 'secret.txt') : raw === 'ABSOLUTE_FORM' ? `http://127.0.0.1:${port}/../secret.txt` : raw;
      const answer = await send(port, { path });
      expect(answer.body).not.toContain(SECRET);
      expect(answer.body).not.toMatch(/root:.*:0:0:/);
      if (expected === 'page') {
        expect(answer.status).toBe(200);
        expect(answer.body).toContain('<title>Outpost</title>');
      } else {
        expect([400, 404]).toContain(answer.status);
      }
    });

    it('refuses methods other than GET and HEAD', async () => {
      const answer = await send(port, { method: 'POST', path: '/index.html', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
      expect((await send(port, { method: 'DELETE', path: '/' })).status).toBe(405);
    });
  });

  describe('who may call the bridge', () => {
    it('answers a call with the token with the Result of dispatch', async () => {
      const answer = await invoke('users.get', { id: 7 });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(JSON.parse(answer.body)).toEqual({ ok: true, value: { method: 'users.get', input: { id: 7 } } });
    });

    it('passes typed errors of the backend on with 200: errors are data', async () => {
      const answer = await invoke('users.get', { id: 'seven' });
      expect(answer.status).toBe(200);
      const result = JSON.parse(answer.body) as Result<unknown>;
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('invalid_input');
        expect(result.error.issues?.[0]?.path).toBe('id');
      }
    });

    it('refuses a call without the token (401)', async () => {
      const before = standIn.calls.length;
      const answer = await send(port, {
        method: 'POST',
        path: `${HTTP_INVOKE_PREFIX}app.info`,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(standIn.calls.length).toBe(before);
    });

    it('refuses a wrong token (401), whatever its length', async () => {
      for (const wrong of [`${token.slice(0, -1)}x`, 'x', `${token}${token}`, '']) {
        const answer = await invoke('app.info', {}, { [HTTP_TOKEN_HEADER]: wrong });
        expect(answer.status, wrong).toBe(401);
      }
    });

    it('refuses a foreign Origin (403) and lets its own origin in', async () => {
      for (const origin of ['https://evil.example', 'http://127.0.0.1:1', 'null', `http://127.0.0.1:${port}.evil.example`]) {
        const answer = await invoke('app.info', {}, { origin });
        expect(answer.status, origin).toBe(403);
        expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      expect((await invoke('app.info', {}, { origin: server.origin })).status).toBe(200);
      expect((await invoke('app.info', {}, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
      // the page of 127.0.0.1 calling through the name localhost is not its own origin
      expect((await invoke('app.info', {}, { host: `localhost:${port}`, origin: server.origin })).status).toBe(403);
      expect((await invoke('app.info', {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    });

    it('refuses a Host that is not this server (403: DNS rebinding)', async () => {
      for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.evil.example:${port}`]) {
        expect((await invoke('app.info', {}, { host })).status, host).toBe(403);
        expect((await send(port, { path: '/', headers: { host } })).status, host).toBe(403);
      }
      // Node itself answers an HTTP/1.1 request without Host with 400; refused either way
      const noHost = await send(port, { path: '/', setHost: false });
      expect([400, 403]).toContain(noHost.status);
    });

    it('answers an unknown method with a typed not_found (404), without calling the backend', async () => {
      const before = standIn.calls.length;
      for (const name of ['users.nope', '__proto__', 'constructor', 'users.get%00', '..%2fapp.info']) {
        const answer = await invoke(name, {});
        expect(answer.status, name).toBe(404);
        expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'not_found' } });
      }
      expect(standIn.calls.length).toBe(before);
    });

    it('refuses hostile JSON (__proto__, constructor) as invalid_input, without calling the backend', async () => {
      const before = standIn.calls.length;
      for (const body of [
        '{"__proto__":{"polluted":true}}',
        '{"id":1,"x":{"__proto__":{"polluted":true}}}',
        '{"\\u005f_proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
      ]) {
        const answer = await invoke('users.get', body);
        expect(answer.status, body).toBe(400);
        expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(standIn.calls.length).toBe(before);
    });

    it('refuses a body that is not JSON, empty or not UTF-8 (400)', async () => {
      for (const body of ['{"id":', '', Buffer.from([0x7b, 0xff, 0x7d])]) {
        const answer = await send(port, {
          method: 'POST',
          path: `${HTTP_INVOKE_PREFIX}users.get`,
          headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: token },
          body,
        });
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      }
    });

    it('refuses other content types (415)', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', undefined]) {
        const headers: OutgoingHttpHeaders = { [HTTP_TOKEN_HEADER]: token };
        if (type) headers['content-type'] = type;
        const answer = await send(port, { method: 'POST', path: `${HTTP_INVOKE_PREFIX}app.info`, headers, body: '{}' });
        expect(answer.status, String(type)).toBe(415);
        expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      }
      expect((await invoke('app.info', {}, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(200);
    });

    it('refuses a body over the limit (413), declared or streamed', async () => {
      const before = standIn.calls.length;
      const declared = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `${HTTP_INVOKE_PREFIX}users.bulkUpdate`,
            headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: token, 'content-length': MAX_BODY_BYTES + 1 },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.flushHeaders(); // headers only: the answer must come before any body is sent
      });
      expect(declared).toBe(413);

      const streamed = await new Promise<Answer>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `${HTTP_INVOKE_PREFIX}users.bulkUpdate`,
            headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: token, 'transfer-encoding': 'chunked' },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
          },
        );
        req.on('error', reject);
        req.end(`{"ids":[${'1,'.repeat(MAX_BODY_BYTES / 2)}1]}`);
      });
      expect(streamed.status).toBe(413);
      expect(JSON.parse(streamed.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(standIn.calls.length).toBe(before);
    });

    it('refuses wrong HTTP methods on the bridge (405) and unknown API routes (404)', async () => {
      const get = await send(port, { path: `${HTTP_INVOKE_PREFIX}app.info`, headers: { [HTTP_TOKEN_HEADER]: token } });
      expect(get.status).toBe(405);
      expect(get.headers.allow).toBe('POST');
      const post = await send(port, { method: 'POST', path: HTTP_EVENTS_PATH, headers: { [HTTP_TOKEN_HEADER]: token } });
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET');
      const unknown = await send(port, { path: '/api/nothing', headers: { [HTTP_TOKEN_HEADER]: token } });
      expect(unknown.status).toBe(404);
      expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });
  });

  describe('events', () => {
    it('refuses the event stream without the token', async () => {
      const answer = await send(port, { path: HTTP_EVENTS_PATH });
      expect(answer.status).toBe(401);
    });

    it('delivers each backend event as `event: name` and `data: json`', async () => {
      const abort = new AbortController();
      const response = await fetch(`${server.origin}${HTTP_EVENTS_PATH}`, { headers: { [HTTP_TOKEN_HEADER]: token }, signal: abort.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const stream = streamText(response.body!);
      await stream.readUntil(': connected');
      standIn.emit('data.changed', { scopes: ['users'], userIds: [3] });
      await stream.readUntil('\n\n');
      await stream.readUntil('userIds');
      expect(stream.text).toContain('event: data.changed\ndata: {"scopes":["users"],"userIds":[3]}\n\n');
      abort.abort();
    });
  });
});

describe('closing the browser-mode server', () => {
  it('ends the event streams, stops listening to the backend and refuses connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-browser-close-'));
    writeFileSync(join(dir, 'index.html'), '<title>Outpost</title>');
    const standIn = standInBackend();
    const server = await startBrowserServer({ backend: standIn.backend, staticDir: dir, port: 0 });
    try {
      expect(standIn.listeners.size).toBe(1);
      const response = await fetch(`${server.origin}${HTTP_EVENTS_PATH}`, { headers: { [HTTP_TOKEN_HEADER]: server.token } });
      const reader = response.body!.getReader();
      await reader.read(); // ": connected"
      await server.close();
      // the stream ends (done) or is cut; either way it does not hang
      await reader.read().then(
        (r) => expect(r.done).toBe(true),
        () => undefined,
      );
      expect(standIn.listeners.size).toBe(0);
      await expect(fetch(`${server.origin}/`)).rejects.toThrow();
      await server.close(); // a second close is harmless
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
