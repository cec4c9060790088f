#!/usr/bin/env node
// The `coffer` command. `coffer server …` runs the server from the compiled build (npm run build);
// with COFFER_DEV=1 it runs the TypeScript sources through tsx instead.
const [command, ...rest] = process.argv.slice(2);
const dev = process.env.COFFER_DEV === '1';
if (dev) await import('tsx/esm');
const base = dev ? '../' : '../dist/';
const ext = dev ? '.ts' : '.js';
if (command === 'server') {
  const { runServer } = await import(`${base}src/main${ext}`);
  await runServer(rest);
} else {
  process.stderr.write('usage: coffer server [DATA_DIR] [--address HOST:PORT] [--allow-insecure-http]\n');
  process.exitCode = command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}
