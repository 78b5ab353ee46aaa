#!/usr/bin/env node
// A tiny router, hand-written because every commit pays for its start-up:
// `wf hook …` (called by git and agent hooks) takes a dependency-free fast
// path; everything else goes through oclif.
const argv = process.argv.slice(2);
if (argv[0] === 'hook') {
  const { runHookCli } = await import('../dist/fast/hook.js');
  process.exitCode = await runHookCli(argv.slice(1));
} else {
  const { runCli } = await import('../dist/cli/run-cli.js');
  process.exitCode = await runCli(argv);
}
