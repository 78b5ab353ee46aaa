// Speed of what every commit and every agent tool call pays, against
// baselines measured interleaved in the same run and the same environment:
//   - `wf hook pre-commit` on a 10-file staged change ≤ 1.5 × `node -e 0`
//   - `wf hook pre-bash` on an ordinary command ≤ 1.5 × `node -e 0`
//   - a whole `git commit` with both wf hooks ≤ 60 ms over `--no-verify`, and
//     within a few ms of lefthook and husky running `true` in the same two
//     hooks (plain sh hooks running `true` show git's own cost of a hook)
// Usage: node bench/hooks.mjs [rounds]
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, interleave, makeBenchRepo, plannedBenchRepo, ratioOf, result, timeRun, WF } from './lib.mjs';

const rounds = Number(process.argv[2] ?? 25);
const root = fileURLToPath(new URL('..', import.meta.url));
const repos = [];
try {
  const repo = plannedBenchRepo();
  repos.push(repo);
  repo.wf(['todo', 'add', 'benchmark the hooks']);
  repo.wf(['test']);
  repo.wf(['record-review', '--reviewer', 'bench', '--continuation-id', 'ses_01J9ZK3V6QW8E2R4T6Y8U0I2O5', '--status', 'approved']);
  const opts = { cwd: repo.dir, env: repo.env };
  const payload = JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'npm test -- --run src/file0.test.js' }, cwd: repo.dir });

  const hook = interleave(rounds, {
    'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts),
    'wf hook pre-commit': () => timeRun(process.execPath, [WF, 'hook', 'pre-commit'], opts),
    'wf hook pre-bash': () => timeRun(process.execPath, [WF, 'hook', 'pre-bash'], { ...opts, input: payload }),
  });
  console.log(`hooks, 10 staged files, median of ${rounds} interleaved runs:`);
  const base = hook['node -e 0'];
  for (const name of ['wf hook pre-commit', 'wf hook pre-bash']) {
    result({ bench: 'hooks.mjs', what: `\`${name}\`${name.endsWith('commit') ? ', 10 staged files' : ', an ordinary command'}`, measured: ratioOf(hook[name], base), goal: '≤ 1.5×', ok: hook[name] / base <= 1.5 });
  }

  // The same staged change committed in repositories that differ only in their hooks.
  const managers = { wf: repo };
  const plain = stagedCopy();
  for (const name of ['pre-commit', 'commit-msg']) writeHook(plain, name, '#!/bin/sh\ntrue\n');
  managers['sh hooks'] = plain;
  const husky = stagedCopy();
  const huskyInstall = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(join(root, 'node_modules/husky/index.js'))}).then((m) => { const r = m.default(); if (r) { console.error(r); process.exit(1); } })`], { cwd: husky.dir, env: husky.env, encoding: 'utf8' });
  if (huskyInstall.status === 0) {
    for (const name of ['pre-commit', 'commit-msg']) writeHook(husky, name, 'true\n', join(husky.dir, '.husky', name));
    managers.husky = husky;
  } else console.log(`  husky: not measured (${huskyInstall.stderr.trim() || 'its install failed'})`);
  const lefthookBin = join(root, 'node_modules/lefthook/bin/index.js');
  if (existsSync(lefthookBin)) {
    const lefthook = stagedCopy();
    lefthook.write('lefthook.yml', 'pre-commit:\n  commands:\n    noop:\n      run: "true"\ncommit-msg:\n  commands:\n    noop:\n      run: "true"\n');
    lefthook.run(process.execPath, [lefthookBin, 'install']);
    managers.lefthook = lefthook;
  } else console.log('  lefthook: not measured (npm install first: it is a devDependency)');

  // Each round commits the same staged change and undoes it, so every commit is judged on identical input.
  const commitIn = (r, args) => () => {
    const ms = timeRun('git', ['commit', '-q', ...args, '-m', 'bench commit'], { cwd: r.dir, env: r.env });
    r.run('git', ['update-ref', '-d', 'HEAD']);
    return ms;
  };
  const variants = {};
  for (const [name, r] of Object.entries(managers)) {
    variants[`${name} --no-verify`] = commitIn(r, ['--no-verify']);
    variants[name] = commitIn(r, []);
  }
  const commit = interleave(Math.max(7, Math.round(rounds / 2)), variants);
  const extra = Object.fromEntries(Object.keys(managers).map((name) => [name, commit[name] - commit[`${name} --no-verify`]]));
  console.log('whole git commit, both hooks, median over --no-verify in the same repository:');
  for (const name of Object.keys(managers).filter((n) => n !== 'wf')) console.log(`  ${name.padEnd(10)} +${fmt(extra[name])}`);
  const others = ['lefthook', 'husky'].filter((n) => n in extra).map((n) => `${n} +${fmt(extra[n])}`);
  result({
    bench: 'hooks.mjs',
    what: 'a whole `git commit` with both wf hooks, over `--no-verify`',
    measured: `+${fmt(extra.wf)}${others.length ? ` (same run: ${others.join(', ')}; sh hooks running \`true\` +${fmt(extra['sh hooks'])})` : ''}`,
    goal: '≤ +60 ms',
    ok: extra.wf <= 60,
  });

  function stagedCopy() {
    const r = makeBenchRepo();
    repos.push(r);
    for (let i = 0; i < 10; i++) r.write(`src/file${i}.js`, `export const value${i} = ${i};\n`.repeat(20));
    r.run('git', ['add', '-A']);
    return r;
  }
  function writeHook(r, name, body, path = join(r.dir, '.git', 'hooks', name)) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, body);
    chmodSync(path, 0o755);
  }
} finally {
  for (const r of repos) rmSync(r.base, { recursive: true, force: true });
}
