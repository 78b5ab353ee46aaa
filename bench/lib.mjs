// Shared by the bench scripts: real processes, interleaved runs, medians.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
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
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
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
