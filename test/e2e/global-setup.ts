// Once per e2e run: the app serves out/renderer, so make sure it is built from
// the current sources (`npm test` has just built it; a lone `npm run test:e2e`
// after an edit has not).
import { buildRenderer, rendererBuildState } from '../../main/browser/renderer-build.js';

export default async function globalSetup(): Promise<void> {
  const state = rendererBuildState();
  if (state === 'fresh') return;
  process.stderr.write(`e2e: out/renderer is ${state}; building the renderer once for this run…\n`);
  await buildRenderer();
}
