// The simulator CLI's flags → PanelSimulatorOptions. A bad flag is a
// UsageError whose message names it.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { FaultConfigSchema, type FaultConfig } from './faults.js';
import type { PanelSimulatorOptions } from './server.js';

export const USAGE =
  'Usage: npm run panel -- [--port N] [--domains D] [--users U] [--seed N] [--latency ms] [--error-rate p] [--drop-rate p] ' +
  '[--rate-limit-rate p] [--retry-after s] [--garbage-rate p] [--wrong-shape-rate p] [--state-file F] ' +
  '[--username u --password p] [--restricted-admin user:password:domain1,domain2]';

/** flag → fault option (the rates and their checks come from FaultConfigSchema) */
const FAULT_FLAGS = {
  latency: 'latencyMs',
  'error-rate': 'errorRate',
  'drop-rate': 'dropRate',
  'rate-limit-rate': 'rateLimitRate',
  'retry-after': 'retryAfterSeconds',
  'garbage-rate': 'garbageRate',
  'wrong-shape-rate': 'wrongShapeRate',
} as const satisfies Record<string, keyof FaultConfig>;

const wholeNumber = (flag: string, min: number, max: number) =>
  z.coerce
    .number({ error: `--${flag} must be a whole number from ${min} to ${max}` })
    .int({ error: `--${flag} must be a whole number from ${min} to ${max}` })
    .min(min, { error: `--${flag} must be a whole number from ${min} to ${max}` })
    .max(max, { error: `--${flag} must be a whole number from ${min} to ${max}` });

export class UsageError extends Error {}

export function parseCli(argv: string[]): PanelSimulatorOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    const text = { type: 'string' } as const;
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: text,
        domains: text,
        users: text,
        seed: text,
        'state-file': text,
        username: text,
        password: text,
        'restricted-admin': text,
        help: { type: 'boolean' },
        ...Object.fromEntries(Object.keys(FAULT_FLAGS).map((f) => [f, text])),
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) throw new UsageError('');
  const num = (flag: string, schema: z.ZodType<number>) => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const r = schema.safeParse(raw === '' ? Number.NaN : raw);
    if (!r.success) throw new UsageError(r.error.issues[0]?.message ?? `--${flag} is not valid`);
    return r.data;
  };
  const str = (flag: string) => {
    const raw = values[flag];
    if (raw === '') throw new UsageError(`--${flag} may not be empty`);
    return raw as string | undefined;
  };

  const faults: Partial<FaultConfig> = {};
  for (const [flag, key] of Object.entries(FAULT_FLAGS) as [string, keyof FaultConfig][]) {
    const value = num(flag, z.coerce.number({ error: `--${flag} must be a number` }));
    if (value === undefined) continue;
    const r = FaultConfigSchema.shape[key].safeParse(value);
    if (!r.success) throw new UsageError((r.error.issues[0]?.message ?? `${key} is not valid`).replace(key, `--${flag}`));
    faults[key] = r.data;
  }

  const options: PanelSimulatorOptions = { faults };
  const port = num('port', wholeNumber('port', 0, 65535));
  const domains = num('domains', wholeNumber('domains', 0, 1_000_000));
  const users = num('users', wholeNumber('users', 0, 10_000));
  const seed = num('seed', wholeNumber('seed', 0, 2 ** 32 - 1));
  if (port !== undefined) options.port = port;
  if (domains !== undefined) options.domains = domains;
  if (users !== undefined) options.users = users;
  if (seed !== undefined) options.seed = seed;
  const stateFile = str('state-file');
  if (stateFile) options.stateFile = stateFile;
  const username = str('username');
  const password = str('password');
  if (username?.includes(':')) throw new UsageError('--username may not contain a colon');
  if (username) options.username = username;
  if (password) options.password = password;
  const restricted = str('restricted-admin');
  if (restricted) {
    const first = restricted.indexOf(':');
    const last = restricted.lastIndexOf(':');
    if (first <= 0 || last === first || last === restricted.length - 1) {
      throw new UsageError('--restricted-admin must be user:password:domain1,domain2');
    }
    options.restrictedAdmin = {
      username: restricted.slice(0, first),
      password: restricted.slice(first + 1, last),
      domains: restricted.slice(last + 1).split(','),
    };
  }
  return options;
}

