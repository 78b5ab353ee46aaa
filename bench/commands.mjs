// Speed of the commands scripts and agents call in loops, against `node -e 0`
// measured interleaved in the same run and environment:
//   `wf status --json`, `wf hash` ≤ 2.5×; `wf --version` ≤ 2.5×
// (`wf next` and the stop hook are in loop.mjs). The repository is the one the
// hooks bench commits in: a planned, tested, approved task, 10 files staged.
// Usage: node bench/commands.mjs [rounds]
import { rmSync } from 'node:fs';
import { interleave, plannedBenchRepo, ratioOf, result, timeRun, WF } from './lib.mjs';

const rounds = Number(process.argv[2] ?? 21);
const repo = plannedBenchRepo();
try {
  repo.wf(['test']);
  const opts = { cwd: repo.dir, env: repo.env };
  const lines = { 'wf status --json': ['status', '--json'], 'wf hash': ['hash'], 'wf --version': ['--version'] };
  const medians = interleave(rounds, {
    'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts),
    ...Object.fromEntries(Object.entries(lines).map(([name, args]) => [name, () => timeRun(process.execPath, [WF, ...args], opts)])),
  });
  console.log(`commands, 10 staged files, median of ${rounds} interleaved runs:`);
  for (const name of Object.keys(lines)) {
    result({ bench: 'commands.mjs', what: `\`${name}\``, measured: ratioOf(medians[name], medians['node -e 0']), goal: '≤ 2.5×', ok: medians[name] / medians['node -e 0'] <= 2.5 });
  }
} finally {
  rmSync(repo.base, { recursive: true, force: true });
}
