// npm run panel -- --port N --domains D --users U [--latency ms] [--error-rate p]
//   [--drop-rate p] [--rate-limit-rate p] [--retry-after s] [--garbage-rate p]
//   [--wrong-shape-rate p] [--state-file F] [--username u --password p]
//   [--seed n] [--restricted-admin user:password:domain1,domain2]
// Prints one line with the URL and the credentials; stops cleanly on SIGINT/SIGTERM.
// Bad flags: a message naming the flag, exit status 2.
import { USAGE, UsageError, parseCli } from './cli-options.js';
import { startPanelSimulator, type PanelSimulatorOptions } from './server.js';

async function main(): Promise<void> {
  let options: PanelSimulatorOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) console.error(`panel: ${e.message}`);
    console.error(USAGE);
    process.exit(e.message ? 2 : 0);
  }
  const sim = await startPanelSimulator(options);
  const source = sim.loaded ? `, state from ${options.stateFile}` : '';
  const restricted = options.restrictedAdmin ? `; restricted admin ${options.restrictedAdmin.username}` : '';
  console.log(
    `Panel simulator at ${sim.url} (${sim.username} / ${sim.password}), ${sim.state.domainCount} domains, ${sim.state.userCount} users${source}${restricted}`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (e) => {
        console.error(`panel: stopping on ${signal} failed: ${e}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  console.error(`panel: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
