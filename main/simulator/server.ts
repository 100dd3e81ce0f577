// The panel simulator: a real HTTP server on 127.0.0.1 (node:http, no
// framework) that speaks all of panel-api.md over a PanelState, with fault
// injection and optional persistence. startPanelSimulator() is what tests, the
// benchmark, the app's demo panel and the CLI use.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZodError } from 'zod';
import { envelope, parsePanelCall, type FieldError, type PanelCallName } from '../../common/panel-api.js';
import { FaultUpdateSchema, Faults, type FaultConfig, type FaultKind } from './faults.js';
import { HANDLERS, type Admin, type HandlerContext } from './handlers.js';
import { BodyTooLarge, parseApiRequest, readBody } from './request.js';
import { DEFAULT_SEED, seedState } from './seed.js';
import { PanelState, SimError } from './state.js';
import { StateFile, loadStateFile, type Credentials } from './state-file.js';

export type PanelSimulatorOptions = {
  /** 0 (default): any free port */
  port?: number;
  /** seed: domains, and outgoing users per domain (default 5 × 4); ignored when a state file is loaded */
  domains?: number;
  users?: number;
  seed?: number;
  /** the admin's login (default admin / a random password) */
  username?: string;
  password?: string;
  /** a second admin that owns only these domains (403 elsewhere; may not add domains) */
  restrictedAdmin?: { username: string; password: string; domains: string[] };
  faults?: Partial<FaultConfig>;
  /** seeds the fault dice, for repeatable runs */
  faultSeed?: number;
  /** load from and write through to this file */
  stateFile?: string;
  stateFileDebounceMs?: number;
  /** change-feed cursors expire after this (default 7 days) */
  cursorTtlMs?: number;
  /** keep every request (method, path, body parameter names, status, fault) in `requests` */
  recordRequests?: boolean;
  /** version/get's name */
  name?: string;
};

export type RecordedRequest = {
  method: string;
  /** the raw path as it arrived (still percent-encoded) */
  path: string;
  /** names of the parameters that came in the POST body (values are not kept) */
  bodyNames: string[];
  call: PanelCallName | null;
  admin: string | null;
  /** 0 when the connection was dropped */
  status: number;
  fault: FaultKind | null;
};

export type SimulatorStats = {
  requests: number;
  inFlight: number;
  maxInFlight: number;
  connections: number;
};

export type PanelSimulator = {
  url: string;
  username: string;
  password: string;
  state: PanelState;
  faults: Faults;
  stats: SimulatorStats;
  requests: RecordedRequest[];
  /** zeroes the counters and forgets recorded requests */
  resetStats(): void;
  /** true when the state came from the state file rather than the seed */
  loaded: boolean;
  close(): Promise<void>;
};

const JSON_TYPE = 'application/json; charset=utf-8';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendErrors(res: ServerResponse, status: number, errors: FieldError[]): void {
  sendJson(res, status, envelope({ errors }, { error: errors.map((e) => e.message) }));
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function basicCredentials(header: string | undefined): Credentials | null {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

export async function startPanelSimulator(options: PanelSimulatorOptions = {}): Promise<PanelSimulator> {
  const stateOptions = options.cursorTtlMs === undefined ? {} : { cursorTtlMs: options.cursorTtlMs };
  const fromFile = options.stateFile ? loadStateFile(options.stateFile) : null;
  const state = fromFile
    ? PanelState.fromSnapshot(fromFile.snapshot, stateOptions)
    : seedState({ domains: options.domains ?? 5, users: options.users ?? 4, seed: options.seed ?? DEFAULT_SEED }, stateOptions);
  const login: Credentials = {
    username: options.username ?? fromFile?.admin?.username ?? 'admin',
    password: options.password ?? fromFile?.admin?.password ?? randomBytes(12).toString('base64url'),
  };
  const stateFile = options.stateFile ? new StateFile(options.stateFile, state, login, options.stateFileDebounceMs) : null;
  if (stateFile && !fromFile) stateFile.markDirty();

  const admins: (Credentials & Admin)[] = [{ ...login, domains: null }];
  if (options.restrictedAdmin) {
    const r = options.restrictedAdmin;
    if (r.username === login.username) throw new Error('The restricted admin needs a username of its own');
    admins.push({ username: r.username, password: r.password, domains: new Set(r.domains) });
  }
  const faults = new Faults(options.faults, options.faultSeed);
  const panelName = options.name ?? 'Outpost panel simulator';
  const stats: SimulatorStats = { requests: 0, inFlight: 0, maxInFlight: 0, connections: 0 };
  const requests: RecordedRequest[] = [];

  const authenticate = (req: IncomingMessage) => {
    const given = basicCredentials(req.headers.authorization);
    if (!given) return null;
    // Compare with every admin, so that timing does not tell which usernames exist.
    let found: (Credentials & Admin) | null = null;
    for (const a of admins) if (sameText(a.username, given.username) && sameText(a.password, given.password)) found = a;
    return found;
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string, record: RecordedRequest): Promise<void> {
    let body = '';
    try {
      body = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge) return sendErrors(res, 413, [{ field: 'body', message: e.message }]);
      throw e;
    }
    const config = faults.config;
    if (config.latencyMs > 0) await new Promise((r) => setTimeout(r, config.latencyMs));
    const fault = faults.pick();
    if (fault) {
      record.fault = fault;
      return faults.apply(fault, req, res);
    }
    const admin = authenticate(req);
    if (!admin) {
      return sendJson(res, 401, envelope(null, { error: ['Missing or wrong credentials'] }), {
        'www-authenticate': 'Basic realm="panel", charset="UTF-8"',
      });
    }
    record.admin = admin.username;
    const read = parseApiRequest(req.method ?? '', pathname, req.headers['content-type'], body);
    if (!read.ok) return sendErrors(res, read.status, read.errors);
    record.call = read.call;
    record.bodyNames = read.bodyNames;
    const parsed = parsePanelCall(read.call, read.params);
    if (!parsed.ok) return sendErrors(res, 400, parsed.errors);
    const ctx = { state, admin, call: parsed.value, panelName } as HandlerContext<PanelCallName>;
    try {
      const handler = HANDLERS[read.call] as (c: HandlerContext<PanelCallName>) => unknown;
      sendJson(res, 200, envelope(handler(ctx), { success: ['OK'] }));
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      sendJson(res, e.status, envelope(e.result, { error: [e.message] }));
    }
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const admin = authenticate(req);
    if (!admin || admin.domains !== null) {
      return sendJson(res, 401, envelope(null, { error: ['The control endpoint takes the main admin credentials'] }), {
        'www-authenticate': 'Basic realm="panel-simulator"',
      });
    }
    if (pathname === '/_sim/stats' && req.method === 'GET') return sendJson(res, 200, envelope({ ...stats }));
    if (pathname !== '/_sim/faults') return sendJson(res, 404, envelope(null, { error: ['No such control endpoint'] }));
    if (req.method === 'GET') return sendJson(res, 200, envelope({ ...faults.config, next: faults.queued }));
    if (req.method !== 'POST') return sendJson(res, 405, envelope(null, { error: ['GET or POST'] }));
    let update: unknown;
    try {
      update = JSON.parse(await readBody(req));
    } catch {
      return sendErrors(res, 400, [{ field: 'body', message: 'The body must be a JSON object' }]);
    }
    const parsed = FaultUpdateSchema.safeParse(update);
    if (!parsed.success) {
      return sendErrors(
        res,
        400,
        parsed.error.issues.map((i) => ({
          field: i.code === 'unrecognized_keys' ? i.keys.join(', ') : String(i.path[0] ?? 'body'),
          message: i.code === 'unrecognized_keys' ? `Unknown fault option ${i.keys.join(', ')}` : i.message,
        })),
      );
    }
    faults.update(parsed.data);
    sendJson(res, 200, envelope({ ...faults.config, next: faults.queued }));
  }

  const server: Server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0] as string;
    if (pathname.startsWith('/_sim/')) {
      void handleControl(req, res, pathname).catch((e) => fail(res, e));
      return;
    }
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const record: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', bodyNames: [], call: null, admin: null, status: 0, fault: null };
    res.on('close', () => {
      stats.inFlight--;
      record.status = res.headersSent ? res.statusCode : 0;
      if (options.recordRequests) requests.push(record);
    });
    if (!pathname.startsWith('/api/')) {
      sendJson(res, 404, envelope(null, { error: ['Not the panel API; it is under /api/'] }));
      return;
    }
    void handleApi(req, res, pathname, record).catch((e) => fail(res, e));
  });
  server.on('connection', () => stats.connections++);
  // Longer than undici's default keep-alive (4 s), so the client closes idle sockets first.
  server.keepAliveTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    username: login.username,
    password: login.password,
    state,
    faults,
    stats,
    requests,
    loaded: fromFile !== null,
    resetStats() {
      Object.assign(stats, { requests: 0, maxInFlight: stats.inFlight, connections: 0 });
      requests.length = 0;
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await stateFile?.close();
      })();
      return closing;
    },
  };
}

function fail(res: ServerResponse, e: unknown): void {
  // A bug in the simulator: answer 500 (a panel failure, which clients retry) and say what broke.
  console.error('Panel simulator: request failed:', e instanceof ZodError ? e.issues : e);
  if (!res.headersSent) sendJson(res, 500, envelope(null, { error: ['Internal simulator error'] }));
  else res.destroy();
}
