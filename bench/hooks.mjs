// Speed budget of the git hooks (every commit pays it), as ratios against
// baselines measured interleaved in the same run:
//   1. median `wf hook pre-commit` on a 10-file staged change ≤ 2 × median `node -e 0`
//   2. whole `git commit` with both hooks ≤ 150 ms slower than `git commit --no-verify`
// Usage: node bench/hooks.mjs [rounds]
import { rmSync } from 'node:fs';
import { fmt, interleave, plannedBenchRepo, timeRun, WF } from './lib.mjs';

const rounds = Number(process.argv[2] ?? 25);
const repo = plannedBenchRepo();
try {
  repo.wf(['todo', 'add', 'benchmark the hooks']);
  repo.wf(['test']);
  repo.wf(['record-review', '--reviewer', 'bench', '--continuation-id', 'ses_01J9ZK3V6QW8E2R4T6Y8U0I2O5', '--status', 'approved']);

  const opts = { cwd: repo.dir, env: repo.env };
  const hook = interleave(rounds, {
    'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts),
    'wf hook pre-commit': () => timeRun(process.execPath, [WF, 'hook', 'pre-commit'], opts),
  });
  const ratio = hook['wf hook pre-commit'] / hook['node -e 0'];
  console.log(`pre-commit hook, 10 staged files, median of ${rounds} interleaved runs:`);
  console.log(`  node -e 0            ${fmt(hook['node -e 0'])}`);
  console.log(`  wf hook pre-commit   ${fmt(hook['wf hook pre-commit'])}`);
  console.log(`  ratio                ${ratio.toFixed(2)}× (budget 2.00×) ${ratio <= 2 ? 'OK' : 'OVER BUDGET'}`);

  // Each round commits the same staged change and undoes it, so every commit is judged on identical input.
  const commitWith = (args) => () => {
    const ms = timeRun('git', ['commit', '-q', ...args, '-m', 'bench commit'], opts);
    repo.run('git', ['update-ref', '-d', 'HEAD']);
    return ms;
  };
  const commit = interleave(Math.max(5, Math.round(rounds / 2)), {
    'git commit --no-verify': commitWith(['--no-verify']),
    'git commit (both hooks)': commitWith([]),
  });
  const extra = commit['git commit (both hooks)'] - commit['git commit --no-verify'];
  console.log('whole git commit, median:');
  console.log(`  --no-verify          ${fmt(commit['git commit --no-verify'])}`);
  console.log(`  with both hooks      ${fmt(commit['git commit (both hooks)'])}`);
  console.log(`  hooks add            ${fmt(extra)} (budget 150 ms) ${extra <= 150 ? 'OK' : 'OVER BUDGET'}`);
} finally {
  rmSync(repo.base, { recursive: true, force: true });
}
