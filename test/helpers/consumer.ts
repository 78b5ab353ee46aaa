import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { makeRepo, type RunResult, type TestRepo } from './repo.js';

declare module 'vitest' {
  export interface ProvidedContext {
    wfTarball: string;
  }
}

/**
 * A consumer project as a new user has one: a git repository with a
 * package.json that installs the packed wf tarball (test/helpers/pack-tarball.mjs)
 * and whatever else it names, from the npm registry, with npm's own cache
 * shared across tests (the temp HOME would otherwise make every install cold).
 * `bin` runs an installed binary the way npx would; `wf` runs the installed
 * wf, never the working tree's.
 */
export interface ConsumerProject extends TestRepo {
  /** Where package.json is (the repository root, or a monorepo package). */
  packageDir: string;
  tarball: string;
  npm(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): RunResult;
  npx(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string }): RunResult;
  installedWf(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string }): RunResult;
}

export const CONSUMER_TIMEOUT = 240_000;

/**
 * `workspaces` makes the root an npm workspace root (one lock file, installs hoisted to its node_modules)
 * with packageDir one of its workspaces: npm install runs at the root, as npm's docs have it.
 */
export function makeConsumer(options: { packageDir?: string; devDependencies?: Record<string, string>; scripts?: Record<string, string>; workspaces?: string[] } = {}): ConsumerProject {
  const repo = makeRepo();
  const tarball = inject('wfTarball');
  const packageDir = join(repo.dir, options.packageDir ?? '.');
  const rel = options.packageDir ?? '.';
  const env = { ...repo.env, npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'), npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  repo.env = env;
  const run = (cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult => {
    const r = spawnSync(cmd, args, { cwd: o.cwd ?? packageDir, env: { ...env, ...o.env }, input: o.input, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error) throw r.error;
    return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  };
  repo.write(join(rel, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, scripts: { test: 'node test.js', ...options.scripts }, devDependencies: { 'wf-gate': `file:${tarball}`, ...options.devDependencies } }, null, 2)}\n`);
  repo.write(join(rel, 'test.js'), 'process.exit(0)\n');
  repo.write('.gitignore', 'node_modules/\n');
  if (options.workspaces) repo.write('package.json', `${JSON.stringify({ name: 'workspace-root', private: true, workspaces: options.workspaces }, null, 2)}\n`);
  const installAt = options.workspaces ? repo.dir : packageDir;
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: installAt });
  if (install.code !== 0) throw new Error(`npm install in the consumer failed (${install.code}): ${install.stderr}`);
  return {
    ...repo,
    env,
    packageDir,
    tarball,
    npm: (args, o) => run('npm', args, o),
    npx: (args, o) => run('npx', ['--no-install', ...args], o),
    installedWf: (args, o) => run(process.execPath, [join(installAt, 'node_modules', 'wf-gate', 'bin', 'wf.js'), ...args], o),
  };
}
