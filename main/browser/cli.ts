// `npm run serve`: Outpost in a browser. Opens the backend on a data folder,
// serves the built renderer and the bridge on 127.0.0.1, and prints exactly
// one line to stdout — the address to open, token included. Everything else
// goes to stderr, so that scripts (and the e2e fixture) can read that line.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createBackend } from '../backend/backend.js';
import { connectDemoWhereNoPanel } from '../backend/demo/connect-demo.js';
import type { Backend } from '../backend/types.js';
import { parseServeArgs, USAGE, UsageError, type ServeOptions } from './cli-args.js';
import { defaultDataDir } from './default-data-dir.js';
import { buildRenderer, PROJECT_ROOT, RENDERER_OUT_DIR, rendererBuildState } from './renderer-build.js';
import { startBrowserServer, type BrowserServer } from './server.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  let options: ServeOptions;
  try {
    options = parseServeArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`outpost serve: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const staticDir = await rendererDir(options.staticDir);
  const dataDir = resolve(options.dataDir ?? defaultDataDir()); // the backend creates it (0700) if missing
  const { version } = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };

  const backend = await createBackend({ dataDir, mode: 'browser', version, autoSync: true });
  let server: BrowserServer;
  try {
    server = await startBrowserServer({ backend, staticDir, port: options.port });
  } catch (error) {
    await backend.close();
    throw error;
  }
  stopOnSignal(server, backend);
  if (options.demo) {
    const done = await connectDemoWhereNoPanel(backend);
    if (done) say(done);
  }

  process.stdout.write(`Outpost (browser mode) is running at ${server.url}\n`);
  say(`Data folder: ${dataDir}`);
  say('Press Ctrl+C to stop.');
}

/** The folder to serve: the one given (as it is), or out/renderer, built first if it is missing. */
async function rendererDir(given: string | undefined): Promise<string> {
  if (given !== undefined) {
    const dir = resolve(given);
    if (!existsSync(join(dir, 'index.html'))) {
      say(`outpost serve: --static-dir ${dir} has no index.html`);
      process.exit(2);
    }
    return dir;
  }
  const state = rendererBuildState();
  if (state === 'missing') {
    say('out/renderer/index.html is missing: building the renderer first (this takes a few seconds)…');
    await buildRenderer();
    say('Renderer built.');
  } else if (state === 'stale') {
    say('Note: out/renderer is older than the renderer sources; run `npm run build` to see your latest changes.');
  }
  return RENDERER_OUT_DIR;
}

/** SIGINT/SIGTERM: stop accepting, let calls in flight finish, close the store, exit 0. */
function stopOnSignal(server: BrowserServer, backend: Backend): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    say(`${signal}: stopping…`);
    server
      .close()
      .then(() => backend.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          say(`outpost serve: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  say(`outpost serve: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
