/** Process entry for `coffer server [DATA_DIR] [--address HOST:PORT] [--allow-insecure-http]`. */
import { parseArgs } from 'node:util';
import { isClusterWorker, runClusterPrimary, runClusterWorker, startApp } from './app/index.js';
import { ConfigError, loadConfigFromProcess } from './config/index.js';

export async function runServer(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      address: { type: 'string' },
      'allow-insecure-http': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('usage: coffer server [DATA_DIR] [--address HOST:PORT] [--allow-insecure-http]\n');
    return;
  }
  let app;
  try {
    const config = loadConfigFromProcess({
      dataDir: positionals[0],
      address: values.address,
      allowInsecureHttp: values['allow-insecure-http'],
    });
    // COFFER_WORKERS > 1: this process is the cluster primary, or (re-run by cluster.fork) a worker.
    if (config.workers > 1) {
      await (isClusterWorker() ? runClusterWorker(config) : runClusterPrimary(config));
      return;
    }
    app = await startApp(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`coffer: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`coffer: ${signal} received, finishing in-flight requests\n`);
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
