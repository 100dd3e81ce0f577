// Browser mode on the real backend: a call over HTTP changes the SQLite file,
// the backend's events arrive over the stream, and after close() the store
// is closed cleanly (WAL checkpointed) and nothing keeps the process alive.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_EVENTS_PATH, HTTP_INVOKE_PREFIX, HTTP_TOKEN_HEADER } from '../../common/ipc/bridge.js';
import { createBackend, DATABASE_FILE_NAME } from '../../main/backend/backend.js';
import type { Backend } from '../../main/backend/types.js';
import { startBrowserServer, type BrowserServer } from '../../main/browser/server.js';
import { streamText } from '../helpers/stream-text.js';

describe('browser mode on the real backend', () => {
  let dir: string;
  let dataDir: string;
  let backend: Backend;
  let server: BrowserServer;

  const call = async (method: string, input: unknown) => {
    const response = await fetch(`${server.origin}${HTTP_INVOKE_PREFIX}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: server.token },
      body: JSON.stringify(input),
    });
    return { status: response.status, body: (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } } };
  };
  const domainNames = () => {
    const db = new Database(join(dataDir, DATABASE_FILE_NAME), { readonly: true });
    try {
      return (db.prepare('SELECT name FROM domains ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-browser-backend-'));
    dataDir = join(dir, 'data');
    const site = join(dir, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'index.html'), '<title>Outpost</title>');
    backend = createBackend({ dataDir, mode: 'browser', version: '0.0.0-test', autoSync: false });
    server = await startBrowserServer({ backend, staticDir: site, port: 0 });
  });

  afterEach(async () => {
    await server.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a change made over HTTP to the SQLite file', async () => {
    const info = await call('app.info', {});
    expect(info).toMatchObject({ status: 200, body: { ok: true, value: { mode: 'browser', dataDir } } });

    const added = await call('domains.add', { name: 'Example.COM' });
    expect(added).toMatchObject({ status: 200, body: { ok: true, value: { name: 'example.com' } } });
    expect(domainNames()).toEqual(['example.com']);
  });

  it('answers the backend’s refusals with 200 and changes nothing', async () => {
    const invalid = await call('domains.add', { name: 'not a domain' });
    expect(invalid.status).toBe(200);
    expect(invalid.body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const missing = await call('users.get', { id: 999 });
    expect(missing).toMatchObject({ status: 200, body: { ok: false, error: { code: 'not_found' } } });
    const extra = await call('domains.add', { name: 'example.org', admin: true });
    expect(extra.body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(domainNames()).toEqual([]);
  });

  it('streams the backend’s events', async () => {
    const abort = new AbortController();
    const response = await fetch(`${server.origin}${HTTP_EVENTS_PATH}`, { headers: { [HTTP_TOKEN_HEADER]: server.token }, signal: abort.signal });
    const stream = streamText(response.body!);
    await stream.readUntil(': connected');
    await call('domains.add', { name: 'events.example' });
    await stream.readUntil('event: data.changed\ndata: ');
    await stream.readUntil('\n\n');
    const frame = stream.text.slice(stream.text.indexOf('event: data.changed'));
    const data = JSON.parse(frame.split('\n')[1]!.slice('data: '.length)) as { scopes: string[] };
    expect(data.scopes).toContain('domains');
    abort.abort();
  });

  it('after close() the store is closed cleanly and no server handle is left', async () => {
    await call('domains.add', { name: 'kept.example' });
    expect(existsSync(join(dataDir, `${DATABASE_FILE_NAME}-wal`))).toBe(true);

    await server.close();
    await backend.close();
    // a clean close checkpoints the WAL into the main file and removes it
    expect(existsSync(join(dataDir, `${DATABASE_FILE_NAME}-wal`))).toBe(false);
    expect(domainNames()).toEqual(['kept.example']);
    expect(await backend.dispatch('app.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    await expect(fetch(`${server.origin}/`)).rejects.toThrow();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap')).toEqual([]);
  });
});
