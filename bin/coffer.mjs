#!/usr/bin/env node
// The `coffer` command. `coffer server …` runs the server; `coffer alias …` and `coffer admin …`
// are the CLI (cli/main.ts). They run from the compiled build (npm run build); with COFFER_DEV=1
// they run the TypeScript sources through tsx instead.
const [command, ...rest] = process.argv.slice(2);
const dev = process.env.COFFER_DEV === '1';
if (dev) await import('tsx/esm');
const base = dev ? '../' : '../dist/';
const ext = dev ? '.ts' : '.js';
if (command === 'server') {
  const { runServer } = await import(`${base}src/main${ext}`);
  await runServer(rest);
} else if (command === 'alias' || command === 'admin') {
  const { runCli } = await import(`${base}cli/main${ext}`);
  process.exitCode = await runCli([command, ...rest]);
} else {
  process.stderr.write(
    [
      'usage: coffer server [DATA_DIR] [--address HOST:PORT] [--allow-insecure-http]',
      '       coffer alias set|list|remove …',
      '       coffer admin user|group|policy|accesskey|role …   (--help on any command)',
      '',
    ].join('\n'),
  );
  process.exitCode = command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}
