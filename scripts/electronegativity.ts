// npm run scan:electron — @doyensec/electronegativity over the app's own
// sources (main/, preload/, renderer/ including its .svelte files; not
// node_modules, not out/). Fails
// (exit 1) on any finding of MEDIUM or HIGH severity, and on a file it could
// not parse (an unscanned file is not a clean one). A finding judged wrong is
// silenced where it is, with the reason: /* eng-disable CHECK_ID: why */.
//
// Offline: the scan runs on a copy of those folders (so electronegativity's
// directory walk never enters node_modules), with the Electron version given
// rather than looked up, and without AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK,
// the one check that downloads Electron's release list (keeping Electron
// current is the job of the lockfile and its updates, not of this scan).
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { electronPackageVersion, PROJECT_ROOT } from './electron-runtime.js';

export const SCANNED_DIRS = ['main', 'preload', 'renderer'] as const;
const OFFLINE_EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const FAILING = ['MEDIUM', 'HIGH'];

interface Level {
  name: string;
  value: number;
}
interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: Level;
  confidence: Level;
  description: string;
  manualReview?: boolean;
  sample?: string;
}
interface ScanResult {
  issues: Issue[];
  errors: { file: string; message: string; tolerable: boolean }[];
  globalChecks: number;
  atomicChecks: number;
}
type Runner = (options: Record<string, unknown>, forCli?: boolean) => Promise<ScanResult>;

const require = createRequire(import.meta.url);

function stage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-eng-'));
  for (const name of SCANNED_DIRS) {
    cpSync(join(PROJECT_ROOT, name), join(dir, name), {
      recursive: true,
      filter: (src) => !src.split(sep).includes('node_modules'),
    });
  }
  // Svelte components are HTML with script: the scanner reads .html, so each
  // is scanned under that name (its HTML checks: <webview>, popups, inline handlers…).
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.svelte')) renameSync(join(entry.parentPath, entry.name), join(entry.parentPath, `${entry.name}.html`));
  }
  // The scan reads the Electron version from a package.json it finds.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'outpost-scan', devDependencies: { electron: electronPackageVersion() } }));
  return dir;
}

async function main(): Promise<number> {
  const run = require('@doyensec/electronegativity/dist/runner.js') as Runner;
  const dir = stage();
  let result: ScanResult;
  // The scanner logs its locale download attempt to the console; keep that out of the report.
  const log = console.log;
  try {
    console.log = () => {};
    result = await run(
      {
        input: dir,
        isRelative: false,
        isVerbose: false,
        customScan: [],
        excludeFromScan: OFFLINE_EXCLUDED_CHECKS,
        electronVersionOverride: electronPackageVersion(),
        parserPlugins: [],
      },
      false,
    );
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
  }

  const where = (file: string) => (file === 'N/A' ? '(project)' : relative(dir, file).replace(/\.svelte\.html$/, '.svelte'));
  const issues = [...result.issues].sort((a, b) => b.severity.value - a.severity.value || a.id.localeCompare(b.id));
  console.log(`electronegativity: ${result.atomicChecks} atomic and ${result.globalChecks} global checks over ${SCANNED_DIRS.map((d) => `${d}/`).join(', ')}`);
  for (const i of issues) {
    const mark = FAILING.includes(i.severity.name) ? '✗' : '·';
    console.log(`${mark} ${i.severity.name.padEnd(13)} ${i.confidence.name.padEnd(9)} ${i.id}  ${where(i.file)}:${i.location.line}:${i.location.column}${i.manualReview ? '  (review)' : ''}`);
    if (FAILING.includes(i.severity.name)) console.log(`    ${i.description}`);
  }
  const unparsed = result.errors.filter((e) => !e.tolerable);
  for (const e of result.errors) console.log(`${e.tolerable ? '·' : '✗'} could not ${e.tolerable ? 'fully ' : ''}parse ${where(e.file)}: ${e.message}`);

  const failing = issues.filter((i) => FAILING.includes(i.severity.name));
  if (failing.length || unparsed.length) {
    console.log(`\nscan:electron FAILED: ${failing.length} finding(s) of MEDIUM or HIGH severity, ${unparsed.length} file(s) not parsed.`);
    return 1;
  }
  console.log(`\nscan:electron passed: no MEDIUM or HIGH findings (${issues.length} lower-severity note(s) above).`);
  return 0;
}

process.exitCode = await main();
