import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WF_BIN, type TestRepo } from '../helpers/repo.js';
import { expectCode, plannedRepo, testAndApprove } from '../helpers/workflow.js';

// `wf status`, `wf hash`, `wf rollup` and `wf --version` skip oclif (bin/wf.js); they must answer exactly as oclif's commands do.
const RUN_CLI = pathToFileURL(fileURLToPath(new URL('../../dist/cli/run-cli.js', import.meta.url))).href;
const TRACER = fileURLToPath(new URL('../helpers/trace-imports.mjs', import.meta.url));

const repos: TestRepo[] = [];
const track = (r: TestRepo) => (repos.push(r), r);
afterEach(() => repos.splice(0).forEach((r) => r.cleanup()));

function viaOclif(repo: TestRepo, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(RUN_CLI)}).then(async (m) => { process.exitCode = await m.runCli(${JSON.stringify(args)}); })`], { cwd: repo.dir, env: { ...repo.env, ...env }, encoding: 'utf8' });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

function loadedBy(repo: TestRepo, args: string[]): string[] {
  const trace = join(repo.dir, '..', `trace-${args.join('-')}.txt`);
  spawnSync(process.execPath, ['--import', TRACER, WF_BIN, ...args], { cwd: repo.dir, env: { ...repo.env, WF_TRACE_FILE: trace }, encoding: 'utf8' });
  return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
}

describe('the read commands on the fast path', () => {
  it('print what oclif prints, with its exit codes, for every flag form and failure', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    repo.write('b.txt', 'b\n');
    repo.gitOk(['add', 'b.txt']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'first']);
    const lines = [
      ['status'],
      ['status', '--check'],
      ['status', '--json'],
      ['status', '--json', '--check'],
      ['status', '--check', '--json', '--task-id', 'T-1'],
      ['status', '--json', '--task-id=T-1'],
      ['status', '--json', '--task-id', 'NOPE'],
      ['hash'],
      ['hash', '--json'],
      ['hash', '--commit', 'HEAD'],
      ['hash', '--commit=HEAD', '--json'],
      ['hash', '--commit', 'no-such-rev'],
      ['hash', '--json', '--commit', 'no-such-rev'],
      ['status', '--json', '--jsonn'],
      ['hash', 'extra'],
      ['hash', '--commit'],
      ['status', '--json', '--json'],
      ['--version'],
      ['-v'],
      ['rollup'],
      ['rollup', '--json'],
      ['rollup', '--task-id', 'T-1'],
      ['rollup', '--json', '--task-id=T-1'],
      ['rollup', '--task-id', 'NOPE'],
      ['rollup', '--json', '--task-id', 'NOPE'],
      ['rollup', '--task-id', 'bad id'],
      ['rollup', '--task-id'],
      ['rollup', '--jsn'],
      ['rollup', 'extra'],
    ];
    for (const args of lines) {
      const fast = repo.wf(args);
      const slow = viaOclif(repo, args);
      expect({ args, ...fast }).toEqual({ args, ...slow });
    }
    for (const env of [{ FORCE_COLOR: '1', NO_COLOR: undefined }, { FORCE_COLOR: '0', NO_COLOR: undefined }, { NO_COLOR: '1' }]) {
      expect(repo.wf(['status'], { env })).toEqual(viaOclif(repo, ['status'], env));
    }
    expect(repo.wf(['status'], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } }).stdout).toContain('\u001b[');
    expectCode(repo.wf(['status', '--json', '--task-id', 'NOPE']), 2);
  });

  it('load no oclif, zod or other package for status, hash and --version', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    for (const args of [['status'], ['status', '--json'], ['hash'], ['hash', '--json'], ['--version']]) {
      const loaded = loadedBy(repo, args);
      expect(loaded.filter((u) => u.includes('node_modules') || /dist\/(cli|bundle)\//.test(u))).toEqual([]);
    }
    // rollup writes under the state lock: proper-lockfile is the one package it may load.
    for (const args of [['rollup'], ['rollup', '--json', '--task-id', 'T-1']]) {
      expect(loadedBy(repo, args).filter((u) => (u.includes('node_modules') && !u.includes('/proper-lockfile/') && !u.includes('/graceful-fs/') && !u.includes('/retry/') && !u.includes('/signal-exit/')) || /dist\/(cli|bundle)\//.test(u))).toEqual([]);
    }
    // Not the fast path's lines: they still reach oclif.
    expect(loadedBy(repo, ['status', '--help']).some((u) => u.includes('@oclif/core'))).toBe(true);
    // oclif's own engines check would load all of semver on every command.
    const viaOclif = loadedBy(repo, ['todo', 'list']);
    expect(viaOclif.some((u) => u.includes('@oclif/core'))).toBe(true);
    expect(viaOclif.filter((u) => u.includes('/semver/'))).toEqual([]);
  });
});
