// Fault injection: what can go wrong between a client and a panel. A fault is
// decided before the request is handled, so a faulted request changes nothing
// on the panel (latency is the exception: the request is handled after it,
// even if the client gave up meanwhile — as a real slow panel would).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { envelope } from '../../common/panel-api.js';
import { prng } from './seed.js';

export const FAULT_KINDS = ['error', 'drop', 'rate_limit', 'garbage', 'wrong_shape'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const rate = (name: string) =>
  z.number({ error: `${name} must be a number from 0 to 1` }).min(0, { error: `${name} must be a number from 0 to 1` }).max(1, {
    error: `${name} must be a number from 0 to 1`,
  });

/** The rate option of each fault kind. */
const RATE_OF = {
  error: 'errorRate',
  drop: 'dropRate',
  rate_limit: 'rateLimitRate',
  garbage: 'garbageRate',
  wrong_shape: 'wrongShapeRate',
} as const satisfies Record<FaultKind, string>;

export const FaultConfigSchema = z.strictObject({
  /** added before every API request is handled */
  latencyMs: z.number().int().min(0).max(600_000, { error: 'latencyMs must be a whole number from 0 to 600000' }),
  /** 5xx answers */
  errorRate: rate('errorRate'),
  /** the connection is destroyed without an answer */
  dropRate: rate('dropRate'),
  /** 429 with Retry-After */
  rateLimitRate: rate('rateLimitRate'),
  /** 200 with a body that is not JSON */
  garbageRate: rate('garbageRate'),
  /** 200 with the envelope but a result of the wrong shape */
  wrongShapeRate: rate('wrongShapeRate'),
  /** the Retry-After of a 429, seconds */
  retryAfterSeconds: z.number().int().min(0).max(3600, { error: 'retryAfterSeconds must be a whole number from 0 to 3600' }),
});
export type FaultConfig = z.infer<typeof FaultConfigSchema>;

export const DEFAULT_FAULTS: FaultConfig = {
  latencyMs: 0,
  errorRate: 0,
  dropRate: 0,
  rateLimitRate: 0,
  garbageRate: 0,
  wrongShapeRate: 0,
  retryAfterSeconds: 1,
};

/** What POST /_sim/faults accepts: any of the options, and faults for the next requests, in order. */
export const FaultUpdateSchema = FaultConfigSchema.partial().extend({
  next: z.array(z.enum(FAULT_KINDS, { error: `next must list fault kinds: ${FAULT_KINDS.join(', ')}` })).max(1000).optional(),
});
export type FaultUpdate = z.infer<typeof FaultUpdateSchema>;

export class Faults {
  private current: FaultConfig;
  private readonly queue: FaultKind[] = [];
  private readonly random: () => number;

  constructor(initial: Partial<FaultConfig> = {}, seed = 1) {
    this.current = FaultConfigSchema.parse({ ...DEFAULT_FAULTS, ...initial });
    this.random = prng(seed);
  }

  get config(): FaultConfig {
    return { ...this.current };
  }

  get queued(): FaultKind[] {
    return [...this.queue];
  }

  /** Changes some options and/or queues faults; throws ZodError naming the option when one is bad (nothing changes then). */
  update(update: FaultUpdate): FaultConfig {
    const { next, ...options } = FaultUpdateSchema.parse(update);
    this.current = FaultConfigSchema.parse({ ...this.current, ...options });
    if (next) this.queue.push(...next);
    return this.config;
  }

  /** The next requests get these faults, one each, before the rates apply again. */
  queueNext(...kinds: FaultKind[]): void {
    this.queue.push(...kinds);
  }

  reset(): void {
    this.current = { ...DEFAULT_FAULTS };
    this.queue.length = 0;
  }

  /** The fault for this request, if any. */
  pick(): FaultKind | null {
    const queued = this.queue.shift();
    if (queued) return queued;
    let r = this.random();
    for (const kind of FAULT_KINDS) {
      r -= this.current[RATE_OF[kind]];
      if (r < 0) return kind;
    }
    return null;
  }

  /** Answers (or doesn't) the way the fault says. */
  apply(kind: FaultKind, req: IncomingMessage, res: ServerResponse): void {
    switch (kind) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'error': {
        const r = this.random();
        if (r < 0.4) send(res, 500, 'application/json', JSON.stringify(envelope(null, { error: ['Simulated panel failure'] })));
        else if (r < 0.7) send(res, 502, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>');
        else send(res, 503, 'text/plain', 'Service Unavailable');
        return;
      }
      case 'rate_limit':
        res.setHeader('retry-after', String(this.current.retryAfterSeconds));
        send(res, 429, 'application/json', JSON.stringify(envelope(null, { error: ['Too many requests'] })));
        return;
      case 'garbage':
        send(res, 200, 'application/json', '{"messages": {"success": [], "error": []}, "result": [{"dom');
        return;
      case 'wrong_shape':
        send(res, 200, 'application/json', JSON.stringify(envelope({ unexpected: 'shape', items: 42 })));
        return;
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
