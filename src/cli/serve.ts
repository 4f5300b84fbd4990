import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { startServer } from '../server.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the reporting API, the collector, the catalog and the Studio on one port')
    .option('--port <port>', 'port to listen on (CUEPOINT_PORT)')
    .option('--host <host>', 'address to bind (CUEPOINT_HOST)')
    .option('--data-dir <dir>', 'data directory for the embedded store (CUEPOINT_DATA_DIR)')
    .option('--database-url <url>', 'PostgreSQL URL: server mode (CUEPOINT_DATABASE_URL)')
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug, trace or silent (CUEPOINT_LOG_LEVEL)',
    )
    .option('--demo', 'seed the demo account if absent and print a fresh demo credential')
    .option('--no-workers', 'run no report jobs here: `cuepoint worker` processes run them')
    .action(async (options: Record<string, unknown>) => {
      const { demo, workers, ...settings } = options;
      const config = loadConfig(
        workers === false ? { ...settings, reportWorkers: 0 } : settings,
        process.env,
      );
      const server = await startServer(config);
      if (demo) {
        const { runDemoOnServer } = await import('./demo.js');
        await runDemoOnServer(server, process.stderr);
      }
      const stop = () => {
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
