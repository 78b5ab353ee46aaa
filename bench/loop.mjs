// Speed budget of what an agent runs every turn: `wf next --json` and
// `wf hook stop` (with the stop gate on) each ≤ 2.5 × `node -e 0`, medians
// of interleaved runs in the same environment (bench/lib.mjs benchEnv).
// Usage: node bench/loop.mjs [rounds]
import { rmSync } from 'node:fs';
import { fmt, interleave, plannedBenchRepo, ratioOf, result, timeRun, WF } from './lib.mjs';

const rounds = Number(process.argv[2] ?? 25);
const repo = plannedBenchRepo({ agent: { stopGate: true, maxStopBlocks: 3 } });
try {
  const opts = { cwd: repo.dir, env: repo.env };
  const stop = JSON.stringify({ session_id: 'bench', hook_event_name: 'Stop', stop_hook_active: false, cwd: repo.dir });
  const medians = interleave(rounds, {
    'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts),
    'wf next --json': () => timeRun(process.execPath, [WF, 'next', '--json'], opts),
    'wf hook stop': () => timeRun(process.execPath, [WF, 'hook', 'stop'], { ...opts, input: stop }),
  });
  // The common turn: nothing open, so the stop gate has nothing to block on.
  repo.run('git', ['commit', '-q', '--no-verify', '-m', 'bench']);
  const clean = interleave(rounds, {
    'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts),
    'wf hook stop': () => timeRun(process.execPath, [WF, 'hook', 'stop'], { ...opts, input: stop }),
  });
  medians['wf hook stop (nothing open)'] = clean['wf hook stop'] * (medians['node -e 0'] / clean['node -e 0']);
  console.log(`every agent turn, 10 staged files, median of ${rounds} interleaved runs:`);
  for (const [name, ms] of Object.entries(medians)) console.log(`  ${name.padEnd(28)} ${fmt(ms)}`);
  for (const name of ['wf next --json', 'wf hook stop', 'wf hook stop (nothing open)']) {
    const ratio = medians[name] / medians['node -e 0'];
    const what = { 'wf next --json': '`wf next --json`, every agent turn', 'wf hook stop': '`wf hook stop` when it blocks (the agent keeps working)', 'wf hook stop (nothing open)': '`wf hook stop` with the stop gate, nothing open' }[name];
    result({ bench: 'loop.mjs', what, measured: ratioOf(medians[name], medians['node -e 0']), goal: '≤ 2.5×', ok: ratio <= 2.5 });
  }
} finally {
  rmSync(repo.base, { recursive: true, force: true });
}
