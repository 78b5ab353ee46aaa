#!/usr/bin/env node
// A tiny router, hand-written because every commit pays for its start-up:
// `wf hook …` (called by git and agent hooks) and `wf next` (asked on every
// agent turn) take a dependency-free fast path; everything else, and their
// --help, goes through oclif.
const argv = process.argv.slice(2);
const help = argv.includes('--help') || argv.includes('-h');
if (argv[0] === 'hook' && !help) {
  const { runHookCli } = await import('../dist/fast/hook.js');
  process.exitCode = await runHookCli(argv.slice(1));
} else if (argv[0] === 'next' && !help) {
  const { runNextCli } = await import('../dist/fast/next.js');
  process.exitCode = await runNextCli(argv.slice(1));
} else {
  const { runCli } = await import('../dist/cli/run-cli.js');
  process.exitCode = await runCli(argv);
}
