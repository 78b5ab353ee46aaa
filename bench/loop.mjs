// Speed budget of what an agent runs every turn: `wf next --json` and
// `wf hook stop` (with the stop gate on) each ≤ 2.5 × `node -e 0`, medians
// of interleaved runs in the same environment (bench/lib.mjs benchEnv).
// Usage: node bench/loop.mjs [rounds]
import { rmSync } from 'node:fs';
import { fmt, interleave, makeBenchRepo, timeRun, WF } from './lib.mjs';

const rounds = Number(process.argv[2] ?? 25);
const repo = makeBenchRepo();
const plan = `# Plan\n\n## Goal\n${'Make the benchmark change real enough to pass every gate of the workflow. '.repeat(4)}\n`;
try {
  repo.write('test.mjs', 'process.exit(0)\n');
  repo.wf(['init', '--yes']);
  repo.run(process.execPath, ['-e', "const f='.claude/wf.config.json';const c=JSON.parse(require('fs').readFileSync(f));c.test.command=['node','test.mjs'];c.agent={stopGate:true,maxStopBlocks:3};require('fs').writeFileSync(f,JSON.stringify(c))"]);
  repo.wf(['task', 'start', 'BENCH-1']);
  repo.wf(['plan']);
  repo.write('.claude/subtasks/BENCH-1/plan.md', plan);
  repo.wf(['plan']);
  repo.wf(['record-review', '--reviewer', 'bench', '--continuation-id', 'ses_01J9ZK3V6QW8E2R4T6Y8U0I2O4', '--status', 'approved']);
  for (let i = 0; i < 10; i++) repo.write(`src/file${i}.js`, `export const value${i} = ${i};\n`.repeat(20));
  repo.run('git', ['add', '-A']);
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
    console.log(`  ${name.padEnd(28)} ${ratio.toFixed(2)}× node -e 0 (budget 2.50×) ${ratio <= 2.5 ? 'OK' : 'OVER BUDGET'}`);
  }
} finally {
  rmSync(repo.base, { recursive: true, force: true });
}
