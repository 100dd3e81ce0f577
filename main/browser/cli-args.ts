// The flags of `npm run serve`, parsed and checked; pure so that a bad flag
// is reported before anything is opened.
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run serve -- [--data-dir DIR] [--port N] [--static-dir DIR] [--demo]

  --data-dir DIR    where the store and key file live (default: the desktop app's data folder)
  --port N          port on 127.0.0.1; 0 picks a free one (default: 0)
  --static-dir DIR  serve this built renderer instead of out/renderer (not built automatically)
  --demo            where no panel is configured yet, start the demo panel and connect to it
  --help            show this text`;

export interface ServeOptions {
  dataDir: string | undefined;
  port: number;
  staticDir: string | undefined;
  demo: boolean;
  help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseServeArgs(argv: string[]): ServeOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        'static-dir': { type: 'string' },
        demo: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const port = values.port ?? '0';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, not "${port}"`);
  }
  for (const flag of ['data-dir', 'static-dir'] as const) {
    if (values[flag] === '') throw new UsageError(`--${flag} needs a folder`);
  }
  return { dataDir: values['data-dir'], port: Number(port), staticDir: values['static-dir'], demo: values.demo ?? false, help: values.help ?? false };
}
