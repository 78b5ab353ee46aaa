#!/usr/bin/env node
// A tiny router, hand-written because every commit pays for its start-up.
// CommonJS (bin/package.json), because on Node 20 the ES module loader costs
// a hook more start-up than its own work. `wf hook …` (called by git and
// agent hooks) runs the bundle of that one hook, `wf next` (asked on every
// agent turn) its own, `wf status` and `wf hash` theirs, `wf rollup` its own, and
// `wf --version` reads package.json; everything
// else, and --help anywhere, goes through oclif.
'use strict';
const argv = process.argv.slice(2);
const help = argv.includes('--help') || argv.includes('-h');
const HOOK_BUNDLES = { 'pre-commit': 'pre-commit', 'commit-msg': 'commit-msg', 'pre-bash': 'agent-guard', 'pre-edit': 'agent-guard', stop: 'stop' };

// A reader that stops early (wf status --json | head -c1) closed the pipe: not an error of wf's.
// Not for hooks: touching process.stdout builds its stream, about 5 ms of every commit, and git
// and agents read a hook's output to the end.
if (argv[0] !== 'hook') {
  process.stdout.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.once('exit', () => {
      process.exitCode = 0;
    });
  });
}

function finish(run) {
  run.then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`wf: ${err && err.stack ? err.stack : err}\n`);
      process.exitCode = 3;
    },
  );
}

if (argv[0] === 'hook' && !help) {
  // An unknown hook name goes to the dispatcher, which says which hooks exist.
  finish(require(`../dist/fast/${Object.hasOwn(HOOK_BUNDLES, argv[1]) ? HOOK_BUNDLES[argv[1]] : 'hook'}.cjs`).runHookCli(argv.slice(1)));
} else if (argv[0] === 'next' && !help) {
  finish(require('../dist/fast/next.cjs').runNextCli(argv.slice(1)));
} else if ((argv[0] === 'status' || argv[0] === 'hash') && !help) {
  // `wf status` and `wf hash`, which scripts call in loops; a line this path does not read goes to oclif.
  finish(require('../dist/fast/read-commands.cjs').runFastRead(argv).then((code) => code ?? import('../dist/cli/run-cli.js').then(({ runCli }) => runCli(argv))));
} else if (argv[0] === 'rollup' && !help) {
  // On a big tree oclif's start-up would cost as much as the rollup.
  finish(require('../dist/fast/rollup.cjs').runFastRollup(argv).then((code) => code ?? import('../dist/cli/run-cli.js').then(({ runCli }) => runCli(argv))));
} else if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  // oclif's own line, without loading oclif to print it.
  process.stdout.write(`wf-gate/${require('../package.json').version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  finish(import('../dist/cli/run-cli.js').then(({ runCli }) => runCli(argv)));
}
