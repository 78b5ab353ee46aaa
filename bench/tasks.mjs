// Speed budget of a big task tree (10,000 tasks): `wf rollup` under 1 s and
// `wf status` under 300 ms, with `node -e 0` measured interleaved as the
// start-up baseline. The state file is written directly (a valid document:
// `wf rollup` validates it), then the commands run as a user would run them.
// Usage: node bench/tasks.mjs [tasks]
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, interleave, makeBenchRepo, timeRun, WF } from './lib.mjs';

const total = Number(process.argv[2] ?? 10000);
const repo = makeBenchRepo();
try {
  repo.wf(['init', '--yes', '--no-hooks']);
  const at = new Date().toISOString();
  const steps = ['plan', 'plan-review', 'implement', 'test', 'review', 'commit'];
  const tasks = {};
  const make = (id, parentId, step) => ({
    id, title: `task ${id}`, parentId, childIds: [], step, status: 'active', progress: 0, complex: false, plan: null,
    todos: [], tests: [], reviews: [], commits: [], context: null, createdAt: at, updatedAt: at,
  });
  // 100 parents of 99 children each, one parent holding the active leaf the status command resolves to.
  const parents = Math.ceil(total / 100);
  for (let p = 0; p < parents && Object.keys(tasks).length < total; p++) {
    const pid = `P-${p}`;
    tasks[pid] = make(pid, null, 'plan');
    for (let c = 0; c < 99 && Object.keys(tasks).length < total; c++) {
      const id = `P-${p}.${c}`;
      tasks[id] = make(id, pid, steps[(p + c) % steps.length]);
      tasks[id].status = p === 0 && c === 0 ? 'active' : 'finished';
      tasks[pid].childIds.push(id);
    }
    if (p > 0) tasks[pid].status = 'finished';
  }
  writeFileSync(join(repo.dir, '.claude/task-state.json'), JSON.stringify({ version: 1, tasks }, null, 2));
  repo.write('a.txt', 'a\n');
  repo.run('git', ['add', 'a.txt']);
  const opts = { cwd: repo.dir, env: repo.env };
  const medians = interleave(7, {
    'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts),
    'wf rollup': () => timeRun(process.execPath, [WF, 'rollup'], opts),
    'wf status': () => timeRun(process.execPath, [WF, 'status', '--task-id', 'P-0.0'], opts),
  });
  console.log(`${Object.keys(tasks).length} tasks, median of 7 interleaved runs:`);
  for (const [name, ms] of Object.entries(medians)) console.log(`  ${name.padEnd(10)} ${fmt(ms)}`);
  console.log(`  wf rollup ${medians['wf rollup'] < 1000 ? 'OK' : 'OVER BUDGET'} (budget 1000 ms); wf status ${medians['wf status'] < 300 ? 'OK' : 'OVER BUDGET'} (budget 300 ms)`);
} finally {
  rmSync(repo.base, { recursive: true, force: true });
}
