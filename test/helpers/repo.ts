import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real temporary git repositories for tests (never a mocked git): a local
 * identity, no signing, no background maintenance, and no global or system
 * config leaking in from the machine, like CI.
 */
export const WF_BIN = fileURLToPath(new URL('../../bin/wf.js', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestRepo {
  dir: string;
  env: NodeJS.ProcessEnv;
  git(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string }): RunResult;
  /** git that must succeed; returns trimmed stdout. */
  gitOk(args: string[], options?: { env?: NodeJS.ProcessEnv }): string;
  wf(args: string[], options?: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string }): RunResult;
  wfAsync(args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<RunResult>;
  write(path: string, content: string | Buffer): void;
  read(path: string): string;
  cleanup(): void;
}

export function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GIT_') || k.startsWith('WF_') || k.startsWith('GITHUB_') || k.startsWith('CI_') || k === 'HUSKY') continue;
    env[k] = v;
  }
  return { ...env, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: join(home, '.gitconfig'), NO_COLOR: '1', GIT_TERMINAL_PROMPT: '0' };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): RunResult {
  const r = spawnSync(cmd, args, { cwd, env, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? (r.signal ? 128 : 1), stdout: r.stdout, stderr: r.stderr };
}

export function makeRepo(options: { init?: boolean; branch?: string } = {}): TestRepo {
  const base = mkdtempSync(join(tmpdir(), 'wf-test-'));
  const dir = join(base, 'repo');
  const home = join(base, 'home');
  mkdirSync(dir);
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), '');
  const env = cleanEnv(home);
  const repo: TestRepo = {
    dir,
    env,
    git: (args, o = {}) => run('git', args, o.cwd ?? dir, { ...env, ...o.env }, o.input),
    gitOk(args, o = {}) {
      const r = repo.git(args, o);
      if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout.trim();
    },
    wf: (args, o = {}) => run(process.execPath, [WF_BIN, ...args], o.cwd ?? dir, { ...env, ...o.env }, o.input),
    wfAsync: (args, o = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [WF_BIN, ...args], { cwd: o.cwd ?? dir, env: { ...env, ...o.env } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
      }),
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
  if (options.init !== false) {
    repo.gitOk(['init', '-q', '-b', options.branch ?? 'main']);
    for (const [k, v] of [
      ['user.name', 'Test User'],
      ['user.email', 'test@example.invalid'],
      ['commit.gpgsign', 'false'],
      ['tag.gpgsign', 'false'],
      ['maintenance.auto', 'false'],
      ['gc.auto', '0'],
    ] as const) {
      repo.gitOk(['config', k, v]);
    }
  }
  return repo;
}

/** A real plan text, long enough for the default plan.minWords. */
export const REAL_PLAN = `# Plan

## Goal
Add a small feature with a test, so that the workflow has real code to plan, test, review and commit end to end.

## Approach
Write the function first, then a test script that exits non-zero when the function is wrong, then commit both together.

## Tests
The test script asserts the result for two inputs.
`;

/** A continuation id of a real shape. */
export const realId = (n = 0) => `ses_01J9ZK3V6QW8E2R4T6Y8U0I2O${n}`;
