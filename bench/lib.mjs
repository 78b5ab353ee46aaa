// Shared by the bench scripts: real processes, interleaved runs, medians.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WF = fileURLToPath(new URL('../bin/wf.js', import.meta.url));

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function timeRun(cmd, args, options) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0 && !options?.allowFail) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Runs every variant once per round, in turn, so machine noise hits all of them alike. */
export function interleave(rounds, variants) {
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) for (const [name, run] of Object.entries(variants)) times[name].push(run());
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/**
 * The environment of both sides of every measurement. NODE_EXTRA_CA_CERTS is
 * unset: this machine sets it and it slows node's start-up, a user's machine
 * does not, and a slowed baseline would flatter every ratio.
 */
export function benchEnv(home) {
  const env = { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: join(home, '.gitconfig'), NO_COLOR: '1' };
  delete env.NODE_EXTRA_CA_CERTS;
  for (const k of Object.keys(env)) if (k.startsWith('WF_') || (k.startsWith('GIT_') && !k.startsWith('GIT_CONFIG'))) delete env[k];
  return env;
}

/** A temp repo with a local identity, no signing, no background maintenance. */
export function makeBenchRepo() {
  const base = mkdtempSync(join(tmpdir(), 'wf-bench-'));
  const dir = join(base, 'repo');
  const home = join(base, 'home');
  mkdirSync(dir);
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), '');
  const env = benchEnv(home);
  const run = (cmd, args, extra = {}) => {
    const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28, ...extra });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout.slice(0, 4000)}`);
    return r.stdout;
  };
  run('git', ['init', '-q', '-b', 'main']);
  for (const [k, v] of [['user.name', 'Bench'], ['user.email', 'bench@example.invalid'], ['commit.gpgsign', 'false'], ['maintenance.auto', 'false'], ['gc.auto', '0']]) run('git', ['config', k, v]);
  const write = (path, content) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  return { base, dir, env, run, write, wf: (args) => run(process.execPath, [WF, ...args]) };
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;

/**
 * A bench repository with task BENCH-1 planned and plan-approved, and 10 files
 * staged: what a commit, an agent turn or the stop gate meets. `config`
 * patches the config (the test command is always a script that passes).
 */
export function plannedBenchRepo(config = {}) {
  const repo = makeBenchRepo();
  const plan = `# Plan\n\n## Goal\n${'Make the benchmark change real enough to pass every gate of the workflow. '.repeat(4)}\n`;
  repo.write('test.mjs', 'process.exit(0)\n');
  repo.wf(['init', '--yes']);
  const patch = JSON.stringify({ test: { command: ['node', 'test.mjs'] }, ...config });
  repo.run(process.execPath, ['-e', `const f='.claude/wf.config.json';const c=JSON.parse(require('fs').readFileSync(f));const p=${patch};for(const k of Object.keys(p))c[k]={...c[k],...p[k]};require('fs').writeFileSync(f,JSON.stringify(c))`]);
  repo.wf(['task', 'start', 'BENCH-1']);
  repo.wf(['plan']);
  repo.write('.claude/subtasks/BENCH-1/plan.md', plan);
  repo.wf(['plan']);
  repo.wf(['record-review', '--reviewer', 'bench', '--continuation-id', 'ses_01J9ZK3V6QW8E2R4T6Y8U0I2O4', '--status', 'approved']);
  for (let i = 0; i < 10; i++) repo.write(`src/file${i}.js`, `export const value${i} = ${i};\n`.repeat(20));
  repo.run('git', ['add', '-A']);
  return repo;
}

/** A straight line through three sizes, for "linear" budgets: fixed cost, cost per unit, and how far the middle size is off it. */
export function lineFit(sizes, [a, b, c]) {
  const slope = (c - a) / (sizes[2] - sizes[0]);
  const predicted = a + slope * (sizes[1] - sizes[0]);
  return { fixed: a - slope * sizes[0], slope, offPercent: (b / predicted - 1) * 100 };
}

/**
 * One figure against its goal: printed for a person, and, when run-all.mjs
 * collects them (WF_BENCH_RESULTS names a file), appended as a JSON line, from
 * which it regenerates the README's speed table: the table is never typed in.
 */
export function result({ bench, what, measured, goal, ok }) {
  console.log(`  ${what}: ${measured} (goal ${goal}) ${ok ? 'OK' : 'OVER BUDGET'}`);
  if (process.env.WF_BENCH_RESULTS) appendFileSync(process.env.WF_BENCH_RESULTS, `${JSON.stringify({ bench, what, measured, goal, ok })}\n`);
}

export const ratioOf = (ms, base) => `${fmt(ms)} vs ${fmt(base)} for \`node -e 0\` = ${(ms / base).toFixed(2)}×`;
