import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_TIMEOUT, makeConsumer, type ConsumerProject } from '../helpers/consumer.js';

// A new user's project that installs the packed tarball from the registry's way in.
describe('the packed tarball in a consumer project', () => {
  let project: ConsumerProject;
  beforeAll(() => {
    project = makeConsumer();
  }, CONSUMER_TIMEOUT);
  afterAll(() => project?.cleanup());

  it('installs with no install script of its own and runs through npx', () => {
    const pkg = JSON.parse(project.read('node_modules/wf-gate/package.json')) as { scripts?: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts?.[hook]).toBeUndefined();
    const version = project.npx(['wf', '--version']);
    expect(version.stderr).toBe('');
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/0\.\d+\.\d+/);
  });

  it('runs oclif commands without warnings under NODE_ENV=development or test (no TypeScript lookup of its compiled bundles)', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const r = project.npx(['wf', 'task', 'list'], { env: { NODE_ENV } });
      expect(r.stderr, NODE_ENV).toBe('');
      expect(r.code, NODE_ENV).toBe(0);
    }
  });

  it('wf init --prepare appends wf hooks install to an existing prepare script once; outside a git work tree it does nothing', () => {
    const pkg = JSON.parse(project.read('package.json')) as { scripts: Record<string, string> };
    pkg.scripts.prepare = 'node -e 0';
    project.write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
    const init = project.npx(['wf', 'init', '--yes', '--prepare']);
    expect(init.code, init.stderr + init.stdout).toBe(0);
    expect(init.stdout).toContain('scripts.prepare already ran "node -e 0"; "wf hooks install --if-repository" now runs after it');
    const prepare = () => (JSON.parse(project.read('package.json')) as { scripts: Record<string, string> }).scripts.prepare;
    expect(prepare()).toBe('node -e 0 && wf hooks install --if-repository');
    expect(project.npx(['wf', 'init', '--yes', '--prepare']).stdout).toContain('nothing to change');
    expect(prepare()).toBe('node -e 0 && wf hooks install --if-repository');
    // npm runs prepare where there is no work tree too (a Docker build): there it must not fail the install.
    const outside = mkdtempSync(join(tmpdir(), 'wf-no-repo-'));
    try {
      const skipped = project.installedWf(['hooks', 'install', '--if-repository'], { cwd: outside, env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(skipped.stdout).toContain('no git hooks installed');
      expect(project.installedWf(['hooks', 'install'], { cwd: outside, env: { GIT_CEILING_DIRECTORIES: tmpdir() } }).code).toBe(3);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  }, CONSUMER_TIMEOUT);
});

// A monorepo: the repository root is two levels above the package that installs wf.
describe('the packed tarball installed in a monorepo package (packages/app)', () => {
  let project: ConsumerProject;
  beforeAll(() => {
    project = makeConsumer({ packageDir: 'packages/app', devDependencies: { husky: '9.1.7' } });
  }, CONSUMER_TIMEOUT);
  afterAll(() => project?.cleanup());

  const stage = (name: string) => {
    project.write(name, `${Math.random()}\n`);
    project.gitOk(['add', name]);
  };

  it('wf init --agent claude wires the guard to the package bin, and the exact settings command blocks a bypass', () => {
    const init = project.npx(['wf', 'init', '--yes', '--agent', 'claude', '--ci', 'github', '--prepare']);
    expect(init.code, init.stderr + init.stdout).toBe(0);
    const settings = JSON.parse(project.read('.claude/settings.json')) as { hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]> };
    const commands = Object.values(settings.hooks).flat().flatMap((g) => g.hooks.map((h) => h.command));
    expect(commands).toContain('"$CLAUDE_PROJECT_DIR"/packages/app/node_modules/.bin/wf hook pre-bash || exit 2');
    for (const c of commands) expect(c).toMatch(/^"\$CLAUDE_PROJECT_DIR"\/packages\/app\/node_modules\/\.bin\/wf hook /);
    const bash = settings.hooks.PreToolUse!.find((g) => g.matcher === 'Bash')!.hooks[0]!.command;
    // As Claude Code runs it: the shell, CLAUDE_PROJECT_DIR, the payload on stdin; from the root, where the session is.
    const payload = JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'git commit --no-verify -m sneak' }, cwd: project.dir });
    const run = spawnSync('/bin/sh', ['-c', bash], { cwd: project.dir, env: { ...project.env, CLAUDE_PROJECT_DIR: project.dir }, input: payload, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('wf guard blocked this:');
    // wf doctor runs the same command strings and the installed hooks.
    const doctor = JSON.parse(project.npx(['wf', 'doctor', '--json']).stdout) as { name: string; status: string; detail: string }[] | { checks: { name: string; status: string; detail: string }[] };
    const checks = Array.isArray(doctor) ? doctor : doctor.checks;
    const failing = checks.filter((c) => c.status === 'fail' && !/reviewer/.test(c.name));
    expect(failing).toEqual([]);
    expect(checks.filter((c) => /hook/.test(c.name) && c.status === 'ok').length).toBeGreaterThanOrEqual(2);
  }, CONSUMER_TIMEOUT);

  it('a git commit at the repository root runs wf through the package bin, in .git/hooks and in a tracked core.hooksPath', () => {
    const hook = project.read('.git/hooks/pre-commit');
    expect(hook).toContain('"./packages/app/node_modules/.bin/wf" hook pre-commit');
    stage('root-file.txt');
    const refused = project.git(['commit', '-m', 'ungated']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/^wf: /m);

    // A tracked hooks folder is committed: it names the package bin relative to the root, no path of this machine.
    project.gitOk(['config', 'core.hooksPath', '.githooks']);
    expect(project.npx(['wf', 'hooks', 'install']).code).toBe(0);
    const tracked = project.read('.githooks/pre-commit');
    expect(tracked).toContain('"./packages/app/node_modules/.bin/wf" hook pre-commit');
    expect(tracked).not.toContain(project.dir);
    const again = project.git(['commit', '-m', 'ungated']);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toMatch(/^wf: /m);
    project.gitOk(['config', '--unset', 'core.hooksPath']);
  }, CONSUMER_TIMEOUT);

  it('the CI template installs wf from the package lock file, and the prepare script reinstalls missing hooks, which wf status reports', () => {
    const workflow = project.read('.github/workflows/wf-verify.yml');
    expect(workflow).toMatch(/- name: Install wf as pinned by the base\n {8}working-directory: packages\/app\n/);
    expect((JSON.parse(project.read('packages/app/package.json')) as { scripts: Record<string, string> }).scripts.prepare).toBe('wf hooks install --if-repository');

    expect(project.npx(['wf', 'hooks', 'uninstall']).code).toBe(0);
    expect(project.npx(['wf', 'task', 'start', 'T-1', '--title', 'x']).code).toBe(0);
    const status = project.npx(['wf', 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^git hooks: wf's pre-commit hook .* will not run, so git commit checks no gate; run: npx wf hooks install$/m);
    const install = project.npm(['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline']);
    expect(install.code, install.stderr).toBe(0);
    expect(project.read('.git/hooks/pre-commit')).toContain('wf-gate managed hook');
    expect(project.npx(['wf', 'status']).stdout).not.toMatch(/^git hooks:/m);
  }, CONSUMER_TIMEOUT);

  it('the GitLab template, written by the installed wf, installs wf from the package: cd packages/app before it reads the lock file', () => {
    const init = project.npx(['wf', 'init', '--yes', '--ci', 'gitlab']);
    expect(init.code, init.stderr + init.stdout).toBe(0);
    expect(init.stdout + init.stderr).toMatch(/include/);
    const lines = project.read('.gitlab/wf-verify.gitlab-ci.yml').split('\n');
    const cd = lines.findIndex((l) => /^\s+- cd packages\/app$/.test(l));
    const lock = lines.findIndex((l) => /^\s+- .*package-lock\.json/.test(l));
    expect(cd).toBeGreaterThan(0);
    expect(lock).toBeGreaterThan(cd);
    expect(lines.join('\n')).not.toContain(project.dir);
  }, CONSUMER_TIMEOUT);

  it("husky set up from the package (core.hooksPath packages/app/.husky/_) gets wf's line there, and a root commit runs wf through it", () => {
    // husky's monorepo set-up, as its docs give it: `cd ../.. && husky packages/app/.husky`.
    const husky = spawnSync(process.execPath, [join(project.packageDir, 'node_modules/husky/bin.js'), 'packages/app/.husky'], { cwd: project.dir, env: project.env, encoding: 'utf8' });
    expect(husky.status, husky.stderr).toBe(0);
    expect(project.gitOk(['config', 'core.hooksPath'])).toBe('packages/app/.husky/_');
    const install = project.npx(['wf', 'hooks', 'install']);
    expect(install.code, install.stderr).toBe(0);
    expect(project.read('packages/app/.husky/pre-commit')).toContain('PATH="$PWD/packages/app/node_modules/.bin:$PATH" wf hook pre-commit');
    const refused = project.git(['commit', '-m', 'ungated']);
    expect(refused.code, refused.stderr + refused.stdout).toBe(1);
    expect(refused.stderr).toMatch(/^wf: /m);
    expect(project.npx(['wf', 'status']).stdout).not.toMatch(/^git hooks:/m);
  }, CONSUMER_TIMEOUT);
});

describe('an npm workspace: wf declared by packages/app, hoisted to the root with one lock file', () => {
  let project: ConsumerProject;
  beforeAll(() => {
    project = makeConsumer({ packageDir: 'packages/app', workspaces: ['packages/*'], scripts: { test: 'node test.js' } });
    project.write('packages/app/test.js', "require('fs').writeFileSync('tests-ran-here', '')\n");
    project.write('packages/lib/package.json', '{ "name": "lib", "version": "1.0.0" }\n');
  }, CONSUMER_TIMEOUT);
  afterAll(() => project?.cleanup());

  it('hooks and the guard run the root bin that exists, the CI template installs from the root lock file, and wf test runs the declaring workspace’s tests', () => {
    expect(project.read('package-lock.json')).toContain('"node_modules/wf-gate"');
    const init = project.npx(['wf', 'init', '--yes', '--agent', 'claude', '--ci', 'github'], { cwd: project.dir });
    expect(init.code, init.stderr + init.stdout).toBe(0);
    expect(project.read('.git/hooks/pre-commit')).toContain('"./node_modules/.bin/wf" hook pre-commit');
    const settings = project.read('.claude/settings.json');
    expect(settings).toContain('\\"$CLAUDE_PROJECT_DIR\\"/node_modules/.bin/wf hook pre-bash || exit 2');
    expect(project.read('.github/workflows/wf-verify.yml')).not.toMatch(/working-directory: packages/);

    const at = (args: string[]) => project.npx(['wf', ...args], { cwd: project.dir });
    expect(at(['task', 'start', 'WS-1', '--title', 'workspace tests']).code).toBe(0);
    project.write('.claude/subtasks/WS-1/plan.md', `# Plan\n\n## Goal\n${'Run the tests of the workspace that declares wf, not a root that has no test script at all. '.repeat(2)}\n`);
    expect(at(['plan']).code).toBe(0);
    expect(at(['record-review', '--step', 'plan-review', '--reviewer', 'claude', '--continuation-id', 'ses_01J9ZK3V6QW8E2R4T6Y8U0I2O4', '--status', 'approved']).code).toBe(0);
    project.write('packages/app/index.js', 'module.exports = 1;\n');
    project.gitOk(['add', '-A']);
    const test = at(['test']);
    expect(test.code, test.stderr + test.stdout).toBe(0);
    expect(existsSync(join(project.dir, 'packages/app/tests-ran-here'))).toBe(true);
    expect(existsSync(join(project.dir, 'tests-ran-here'))).toBe(false);
  }, CONSUMER_TIMEOUT);
});
