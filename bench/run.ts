// npm run bench [-- --only NAME]: runs every bench/*.bench.ts (or the one
// named), each in a fresh process so that timings and peak memory of one do
// not leak into another, and prints one JSON object { NAME: figures }.
// A benchmark module exports `run(): Promise<Record<string, unknown>>`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchModule {
  run(): Promise<Record<string, unknown>>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.ts';

function benchNames(): string[] {
  return fs
    .readdirSync(here)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i === -1 ? undefined : process.argv[i + 1];
}

async function runChild(name: string): Promise<void> {
  const mod = (await import(pathToFileURL(path.join(here, `${name}${SUFFIX}`)).href)) as BenchModule;
  const figures = await mod.run();
  // The last line of stdout is the result; anything a benchmark logs goes to stderr.
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function runInChild(name: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    // execArgv carries tsx's loader, so the child understands TypeScript too.
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`benchmark ${name} exited with code ${code}`));
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`benchmark ${name} printed no result`));
      }
    });
  });
}

async function main(): Promise<void> {
  const child = argValue('--child');
  if (child) return runChild(child);
  const names = benchNames();
  const only = argValue('--only');
  if (only !== undefined && !names.includes(only)) {
    console.error(`No benchmark named ${only}; there are: ${names.join(', ')}`);
    process.exit(2);
  }
  const results: Record<string, unknown> = {};
  for (const name of only ? [only] : names) {
    console.error(`[bench] ${name} …`);
    results[name] = await runInChild(name);
  }
  console.log(JSON.stringify(results, null, 2));
}

await main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
