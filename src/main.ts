/** Process entry for `coffer server [DATA_DIR] [--address HOST:PORT] [--allow-insecure-http] [--certs-dir DIR] [--auto-tls]`. */
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
      'certs-dir': { type: 'string' },
      'auto-tls': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('usage: coffer server [DATA_DIR] [--address HOST:PORT] [--allow-insecure-http] [--certs-dir DIR] [--auto-tls]\n');
    return;
  }
  let app;
  let config;
  try {
    config = loadConfigFromProcess({
      dataDir: positionals[0],
      address: values.address,
      allowInsecureHttp: values['allow-insecure-http'],
      certsDir: values['certs-dir'],
      autoTls: values['auto-tls'],
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
  // With TLS, SIGHUP reloads the certificates (without TLS it keeps Node's default: exit).
  const running = app;
  if (config.tls.enabled) process.on('SIGHUP', () => void running.reloadCertificates());
}
