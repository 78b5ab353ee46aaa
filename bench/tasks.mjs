// Speed of a big task tree (10,000 tasks): `wf rollup` under 400 ms and
// `wf status` under 200 ms, with `node -e 0` measured interleaved as the
// start-up baseline. The state file is written directly, in the form wf
// writes it (a valid document: `wf rollup` validates it), in a repository set
// up as a user's is, hooks installed; then the commands run as a user would.
// Usage: node bench/tasks.mjs [tasks]
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeState } from '../dist/state/model.js';
import { fmt, interleave, makeBenchRepo, result, timeRun, WF } from './lib.mjs';

const total = Number(process.argv[2] ?? 10000);
const repo = makeBenchRepo();
try {
  repo.wf(['init', '--yes']);
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
  writeFileSync(join(repo.dir, '.claude/task-state.json'), serializeState({ version: 1, tasks }));
  repo.write('a.txt', 'a\n');
  repo.run('git', ['add', 'a.txt']);
  const opts = { cwd: repo.dir, env: repo.env };
  const medians = interleave(7, {
    'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts),
    'wf rollup': () => timeRun(process.execPath, [WF, 'rollup'], opts),
    'wf status': () => timeRun(process.execPath, [WF, 'status', '--task-id', 'P-0.0'], opts),
  });
  console.log(`${Object.keys(tasks).length} tasks, median of 7 interleaved runs (node -e 0: ${fmt(medians['node -e 0'])}):`);
  result({ bench: 'tasks.mjs', what: '10,000 tasks: `wf status`', measured: fmt(medians['wf status']), goal: '< 200 ms', ok: medians['wf status'] < 200 });
  result({ bench: 'tasks.mjs', what: '10,000 tasks: `wf rollup`', measured: fmt(medians['wf rollup']), goal: '< 400 ms', ok: medians['wf rollup'] < 400 });
} finally {
  rmSync(repo.base, { recursive: true, force: true });
}
