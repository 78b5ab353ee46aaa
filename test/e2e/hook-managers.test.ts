import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_TIMEOUT, makeConsumer, type ConsumerProject } from '../helpers/consumer.js';
import { makeRepo, WF_BIN, type TestRepo } from '../helpers/repo.js';
import { expectCode } from '../helpers/workflow.js';

// Real lefthook and the real pre-commit framework, never a stand-in. lefthook comes from npm into a
// consumer project, as users get it: it is no devDependency of wf, because its postinstall runs
// `lefthook install` in whatever project installs it, which would take over wf's own hooks.
const LEFTHOOK_VERSION = '2.2.2';
const PRE_COMMIT = spawnSync('sh', ['-c', 'command -v pre-commit'], { encoding: 'utf8' }).stdout.trim();
if (!PRE_COMMIT) console.warn('hook-managers.test.ts: pre-commit is not on PATH, so the pre-commit framework tests are skipped (apt-get install pre-commit, or pip install pre-commit)');

const repos: TestRepo[] = [];
const track = (r: TestRepo) => (repos.push(r), r);
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

const run = (repo: TestRepo, cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};
let lefthookBin = '';
const lefthook = (repo: TestRepo, args: string[]) => run(repo, lefthookBin, args);
const doctorHooks = (repo: TestRepo) =>
  (JSON.parse(repo.wf(['doctor', '--json']).stdout) as { checks?: { name: string; status: string; detail: string; fix?: string }[] } | { name: string; status: string; detail: string; fix?: string }[]) as unknown;
const hookChecks = (repo: TestRepo) => {
  const out = doctorHooks(repo);
  const checks = (Array.isArray(out) ? out : (out as { checks: { name: string; status: string; detail: string; fix?: string }[] }).checks) as { name: string; status: string; detail: string; fix?: string }[];
  return checks.filter((c) => c.name.startsWith('git ') && c.name.endsWith(' hook'));
};
/** A repository whose node_modules/.bin/wf is this working tree's wf, as an npm install would leave it. */
function withLocalWf(repo: TestRepo): TestRepo {
  mkdirSync(join(repo.dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(WF_BIN, join(repo.dir, 'node_modules/.bin/wf'));
  repo.write('.gitignore', 'node_modules/\n');
  return repo;
}
const stage = (repo: TestRepo) => {
  repo.write('a.txt', `${Math.random()}\n`);
  repo.gitOk(['add', 'a.txt']);
};

const LEFTHOOK_YML = `# the team's hooks
pre-commit:
    parallel: true
    commands:
        lint:
            run: echo lint-ran >> lint-ran.txt

post-checkout:
    commands:
        hello:
            run: echo hi
`;

describe('lefthook', () => {
  let project: ConsumerProject;
  beforeAll(() => {
    project = makeConsumer({ devDependencies: { lefthook: LEFTHOOK_VERSION } });
    lefthookBin = join(project.packageDir, 'node_modules/.bin/lefthook');
    // lefthook's postinstall may have run `lefthook install` already (not in CI); start from a repository without it.
    for (const f of ['lefthook.yml', '.git/hooks/pre-commit', '.git/hooks/commit-msg', '.git/hooks/prepare-commit-msg']) rmSync(join(project.dir, f), { force: true });
  }, CONSUMER_TIMEOUT);
  afterAll(() => project?.cleanup());

  it('a lefthook resync renamed wf hooks to .old: doctor says so, wf hooks install moves wf into lefthook.yml, and the gate runs through lefthook', () => {
    const repo: TestRepo = { ...project, wf: project.installedWf };
    expectCode(repo.wf(['init', '--yes']), 0);
    repo.write('lefthook.yml', LEFTHOOK_YML);
    const sync = lefthook(repo, ['install']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(readFileSync(join(repo.dir, '.git/hooks/pre-commit.old'), 'utf8')).toContain('wf-gate managed hook');
    // The bug: lefthook runs its own hook, never the .old one, so a commit passes ungated.
    const failing = hookChecks(repo).filter((c) => c.status === 'fail');
    expect(failing.map((c) => c.name)).toEqual(['git pre-commit hook', 'git commit-msg hook']);
    expect(failing[0]!.detail).toContain('pre-commit.old');

    const install = repo.wf(['hooks', 'install', '--json']);
    expectCode(install, 0);
    const changes = JSON.parse(install.stdout) as { action: string; note?: string }[];
    expect(changes.map((c) => c.action)).toEqual(['added to config', 'added to config']);
    expect(existsSync(join(repo.dir, '.git/hooks/pre-commit.old'))).toBe(false);
    expect(changes[1]!.note).toContain('npx lefthook install');
    const yml = repo.read('lefthook.yml');
    // The user's lines are all still there, in order, unchanged.
    expect(yml.split('\n').filter((l) => !l.includes('wf-gate'))).toEqual(LEFTHOOK_YML.split('\n'));
    expect(yml).toContain('        wf-gate: # added by wf-gate');
    expect(yml).toContain('wf hook commit-msg {1}');

    expect(lefthook(repo, ['install']).code).toBe(0);
    expect(hookChecks(repo).every((c) => c.status === 'ok')).toBe(true);
    stage(repo);
    const refused = repo.git(['commit', '-m', 'through lefthook']);
    expectCode(refused, 1);
    expect(refused.stdout + refused.stderr).toContain('no wf task exists');
    expect(repo.read('lint-ran.txt')).toContain('lint-ran');

    // A second install and another resync change nothing.
    expect(JSON.parse(repo.wf(['hooks', 'install', '--json']).stdout).map((c: { action: string }) => c.action)).toEqual(['already in config', 'already in config']);
    expect(lefthook(repo, ['install']).code).toBe(0);
    expect(existsSync(join(repo.dir, '.git/hooks/pre-commit.old'))).toBe(false);

    expectCode(repo.wf(['hooks', 'uninstall']), 0);
    expect(repo.read('lefthook.yml')).toBe(LEFTHOOK_YML);
  }, CONSUMER_TIMEOUT);

  it('a lefthook.yml without pre-commit or commit-msg keys gets them appended; a pre-commit: with its value on the line is refused with what to add', () => {
    const repo = track(withLocalWf(makeRepo()));
    repo.write('lefthook.yml', 'post-merge:\n  commands:\n    deps:\n      run: echo deps');
    expectCode(repo.wf(['init', '--yes']), 0);
    const yml = repo.read('lefthook.yml');
    expect(yml.startsWith('post-merge:\n  commands:\n    deps:\n      run: echo deps\npre-commit: # added by wf-gate')).toBe(true);
    expect(lefthook(repo, ['install']).code).toBe(0);
    stage(repo);
    expectCode(repo.git(['commit', '-m', 'x']), 1);
    expectCode(repo.wf(['hooks', 'uninstall']), 0);
    expect(repo.read('lefthook.yml')).toBe('post-merge:\n  commands:\n    deps:\n      run: echo deps\n');

    const other = track(makeRepo());
    other.write('lefthook.yml', 'pre-commit: { commands: { lint: { run: echo } } }\n');
    const refused = other.wf(['hooks', 'install']);
    expectCode(refused, 3);
    expect(refused.stderr).toContain('wf cannot add its hooks to lefthook.yml: its pre-commit: key has its value on the same line');
    expect(refused.stderr).toContain('under pre-commit: → commands:, a command wf-gate');
    expect(refused.stderr).toContain('run: PATH="$PWD/node_modules/.bin:$PATH" wf hook pre-commit');
    expect(other.read('lefthook.yml')).toBe('pre-commit: { commands: { lint: { run: echo } } }\n');
  });
});

describe('lefthook in a monorepo: wf and lefthook installed in packages/app, lefthook.yml at the root', () => {
  let project: ConsumerProject;
  beforeAll(() => {
    project = makeConsumer({ packageDir: 'packages/app', devDependencies: { lefthook: LEFTHOOK_VERSION } });
    for (const f of ['lefthook.yml', '.git/hooks/pre-commit', '.git/hooks/commit-msg', '.git/hooks/prepare-commit-msg']) rmSync(join(project.dir, f), { force: true });
  }, CONSUMER_TIMEOUT);
  afterAll(() => project?.cleanup());

  it("wf's commands in lefthook.yml name the package's bin, and a commit at the root runs the gate through lefthook", () => {
    project.write('lefthook.yml', LEFTHOOK_YML);
    const bin = join(project.packageDir, 'node_modules/.bin/lefthook');
    const atRoot = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: project.dir, env: project.env, encoding: 'utf8' });
    const init = project.npx(['wf', 'init', '--yes']);
    expect(init.code, init.stderr + init.stdout).toBe(0);
    const yml = project.read('lefthook.yml');
    expect(yml.split('\n').filter((l) => !l.includes('wf-gate'))).toEqual(LEFTHOOK_YML.split('\n'));
    expect(yml).toContain('PATH="$PWD/packages/app/node_modules/.bin:$PATH" wf hook pre-commit');
    expect(yml).not.toContain(project.dir);
    const sync = atRoot(bin, ['install']);
    expect(sync.status, sync.stderr).toBe(0);
    project.write('root-file.txt', `${Math.random()}\n`);
    project.gitOk(['add', 'root-file.txt']);
    const refused = project.git(['commit', '-m', 'through lefthook from the root']);
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('no wf task exists');
    expect(project.read('lint-ran.txt')).toContain('lint-ran');
  }, CONSUMER_TIMEOUT);
});

describe.skipIf(!PRE_COMMIT)('the pre-commit framework', () => {
  const CONFIG = `repos:
-   repo: local
    hooks:
    -   id: team
        name: team
        entry: sh -c 'echo team-ran >> team-ran.txt'
        language: system
        pass_filenames: false
`;

  it('re-running pre-commit install put wf in migration mode: doctor says so, wf hooks install adds a repo: local entry, and the gate runs through pre-commit', () => {
    const repo = track(withLocalWf(makeRepo()));
    expectCode(repo.wf(['init', '--yes']), 0);
    repo.write('.pre-commit-config.yaml', CONFIG);
    const migrate = run(repo, PRE_COMMIT, ['install']);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('migration mode');
    expect(readFileSync(join(repo.dir, '.git/hooks/pre-commit.legacy'), 'utf8')).toContain('wf-gate managed hook');
    expect(hookChecks(repo).find((c) => c.name === 'git pre-commit hook')).toMatchObject({ status: 'fail' });

    expectCode(repo.wf(['hooks', 'install']), 0);
    expect(existsSync(join(repo.dir, '.git/hooks/pre-commit.legacy'))).toBe(false);
    const config = repo.read('.pre-commit-config.yaml');
    expect(config.startsWith(CONFIG)).toBe(true);
    expect(config).toContain('-   repo: local # added by wf-gate');
    const commitMsg = hookChecks(repo).find((c) => c.name === 'git commit-msg hook')!;
    expect(commitMsg).toMatchObject({ status: 'fail', fix: 'pre-commit install --hook-type pre-commit --hook-type commit-msg' });

    expect(run(repo, PRE_COMMIT, ['install', '--hook-type', 'pre-commit', '--hook-type', 'commit-msg']).code).toBe(0);
    expect(hookChecks(repo).every((c) => c.status === 'ok')).toBe(true);
    stage(repo);
    const refused = repo.git(['commit', '-m', 'through pre-commit']);
    expectCode(refused, 1);
    expect(refused.stdout + refused.stderr).toContain('no wf task exists');
    expect(repo.read('team-ran.txt')).toContain('team-ran');
    // Reinstalling leaves nothing for migration mode to pick up.
    const again = run(repo, PRE_COMMIT, ['install']);
    expect(again.stdout).not.toContain('migration mode');

    expectCode(repo.wf(['hooks', 'uninstall']), 0);
    expect(repo.read('.pre-commit-config.yaml')).toBe(CONFIG);
  });
});

describe('leftovers, shared and tracked hooks folders', () => {
  it('an identical .pre-wf is no error, and uninstall removes .old and .legacy copies of wf hooks', () => {
    const repo = track(makeRepo());
    const foreign = '#!/bin/sh\necho foreign\n';
    repo.write('.git/hooks/pre-commit', foreign);
    repo.write('.git/hooks/pre-commit.pre-wf', foreign);
    chmodSync(join(repo.dir, '.git/hooks/pre-commit'), 0o755);
    expectCode(repo.wf(['hooks', 'install']), 0);
    expect(repo.read('.git/hooks/pre-commit')).toContain('wf-gate managed hook');
    expect(repo.read('.git/hooks/pre-commit.pre-wf')).toBe(foreign);
    repo.write('.git/hooks/commit-msg.old', repo.read('.git/hooks/commit-msg'));
    repo.write('.git/hooks/commit-msg.legacy', repo.read('.git/hooks/commit-msg'));
    expectCode(repo.wf(['hooks', 'uninstall']), 0);
    expect(repo.read('.git/hooks/pre-commit')).toBe(foreign);
    expect(statSync(join(repo.dir, '.git/hooks/pre-commit')).mode & 0o777).toBe(0o755);
    for (const f of ['pre-commit.pre-wf', 'commit-msg', 'commit-msg.old', 'commit-msg.legacy']) expect(existsSync(join(repo.dir, '.git/hooks', f)), f).toBe(false);
  });

  it('a different .pre-wf is still refused, naming both files', () => {
    const repo = track(makeRepo());
    repo.write('.git/hooks/pre-commit', '#!/bin/sh\necho one\n');
    repo.write('.git/hooks/pre-commit.pre-wf', '#!/bin/sh\necho two\n');
    const refused = repo.wf(['hooks', 'install']);
    expectCode(refused, 3);
    expect(refused.stderr).toContain('pre-commit.pre-wf already exists and differs');
  });

  it('uninstall in a husky repository deletes the .husky/commit-msg it created and leaves a user file\'s mode alone', () => {
    const repo = track(makeRepo());
    repo.gitOk(['config', 'core.hooksPath', '.husky/_']);
    repo.write('.husky/_/h', '');
    repo.write('.husky/pre-commit', 'echo user\n');
    chmodSync(join(repo.dir, '.husky/pre-commit'), 0o644);
    expectCode(repo.wf(['hooks', 'install']), 0);
    expect(repo.read('.husky/commit-msg')).toContain('wf hook commit-msg');
    expect(statSync(join(repo.dir, '.husky/pre-commit')).mode & 0o777).toBe(0o644);
    expectCode(repo.wf(['hooks', 'uninstall']), 0);
    expect(existsSync(join(repo.dir, '.husky/commit-msg'))).toBe(false);
    expect(repo.read('.husky/pre-commit')).toBe('echo user\n');
  });

  it('a global core.hooksPath outside the repository is refused unless --global-hooks-path, which warns', () => {
    const repo = track(makeRepo());
    const shared = mkdtempSync(join(tmpdir(), 'wf-shared-hooks-'));
    writeFileSync(repo.env.GIT_CONFIG_GLOBAL!, `[core]\n\thooksPath = ${shared}\n`);
    const refused = repo.wf(['init', '--yes']);
    expectCode(refused, 2);
    expect(refused.stderr).toContain('is outside this repository');
    expect(refused.stderr).toContain('--global-hooks-path');
    expect(existsSync(join(shared, 'pre-commit'))).toBe(false);
    expect(existsSync(join(repo.dir, '.claude/wf.config.json'))).toBe(false);
    const forced = repo.wf(['hooks', 'install', '--global-hooks-path']);
    expectCode(forced, 0);
    expect(forced.stdout).toContain('every repository that uses it');
    expect(existsSync(join(shared, 'pre-commit'))).toBe(true);
  });

  it('a tracked hooks folder gets no absolute path to this machine\'s wf; .git/hooks keeps the fallback', () => {
    const repo = track(makeRepo());
    repo.gitOk(['config', 'core.hooksPath', '.githooks']);
    expectCode(repo.wf(['hooks', 'install']), 0);
    for (const hook of ['pre-commit', 'commit-msg']) {
      const text = repo.read(`.githooks/${hook}`);
      expect(text).toContain('wf-gate managed hook');
      expect(text).not.toContain(WF_BIN);
      expect(text).toContain('exit 3');
    }
    const plain = track(makeRepo());
    expectCode(plain.wf(['hooks', 'install']), 0);
    expect(plain.read('.git/hooks/pre-commit')).toContain(WF_BIN);
  });
});
