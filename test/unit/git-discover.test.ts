import { mkdirSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverRepo } from '../../src/git/discover.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.cleanup();
});

function repo(init = true): TestRepo {
  const r = makeRepo({ init });
  repos.push(r);
  return r;
}

/** What git itself answers from `cwd`, or null where it finds no work tree. */
function gitAnswer(r: TestRepo, cwd: string, env: NodeJS.ProcessEnv = r.env) {
  const out = r.git(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--show-object-format', '--verify', '-q', 'HEAD^{commit}'], { cwd, env });
  if (out.code !== 0 && out.code !== 1) return null;
  const [root, gitDir, format, head] = out.stdout.split('\n');
  if (!root || !gitDir) return null;
  return { root, gitDir, objectFormat: format === 'sha256' ? 'sha256' : 'sha1', head: head && head.length >= 40 ? head : null };
}

function commit(r: TestRepo, cwd = r.dir) {
  writeFileSync(join(cwd, `f${Math.random().toString(36).slice(2)}`), 'x\n');
  r.gitOk(['-C', cwd, 'add', '-A']);
  r.gitOk(['-C', cwd, 'commit', '-q', '-m', 'c']);
}

/** Read from the files, the answer is git's own; null is allowed only where the case says so. */
function expectSame(r: TestRepo, cwd: string, { fast }: { fast: boolean }, env: NodeJS.ProcessEnv = r.env) {
  const found = discoverRepo(cwd, env);
  if (fast) expect(found).not.toBeNull();
  else expect(found).toBeNull();
  if (found) expect(found).toEqual(gitAnswer(r, cwd, env));
}

describe('finding the repository without starting git', () => {
  it('answers what git rev-parse answers at the top, in a subfolder, and through a symlinked folder', () => {
    const r = repo();
    commit(r);
    mkdirSync(join(r.dir, 'a/b'), { recursive: true });
    expectSame(r, r.dir, { fast: true });
    expectSame(r, join(r.dir, 'a/b'), { fast: true });
    const link = join(r.dir, '..', 'link');
    symlinkSync(r.dir, link);
    expectSame(r, join(link, 'a'), { fast: true });
  });

  it('before the first commit HEAD is null; a detached HEAD and packed refs resolve as git resolves them', () => {
    const r = repo();
    expectSame(r, r.dir, { fast: true });
    expect(discoverRepo(r.dir, r.env)?.head).toBeNull();
    commit(r);
    commit(r);
    r.gitOk(['pack-refs', '--all']);
    expectSame(r, r.dir, { fast: true });
    // A detached HEAD may name a tag or a tree, which only git peels: git is asked.
    r.gitOk(['checkout', '-q', '--detach', 'HEAD~1']);
    expectSame(r, r.dir, { fast: false });
    r.gitOk(['checkout', '-q', '-b', 'feature/x']);
    commit(r);
    expectSame(r, r.dir, { fast: true });
  });

  it('a linked worktree: its own git folder, its own HEAD, branches from the common folder', () => {
    const r = repo();
    commit(r);
    r.gitOk(['pack-refs', '--all']);
    const wt = join(r.dir, '..', 'wt');
    r.gitOk(['worktree', 'add', '-q', '-b', 'side', wt]);
    expectSame(r, realpathSync(wt), { fast: true });
    commit(r, wt);
    expectSame(r, realpathSync(wt), { fast: true });
  });

  it('a SHA-256 repository', () => {
    const r = repo(false);
    r.gitOk(['init', '-q', '--object-format=sha256']);
    r.gitOk(['config', 'user.name', 'T']);
    r.gitOk(['config', 'user.email', 't@example.invalid']);
    commit(r);
    expectSame(r, r.dir, { fast: true });
    expect(discoverRepo(r.dir, r.env)?.objectFormat).toBe('sha256');
  });

  it('a .git folder reached through a symlink is named by its real path, as git names it', () => {
    const r = repo();
    commit(r);
    const moved = join(r.dir, '..', 'git-store');
    renameSync(join(r.dir, '.git'), moved);
    symlinkSync(moved, join(r.dir, '.git'));
    expectSame(r, r.dir, { fast: true });
  });

  it('leaves to git what moves the work tree or has none: core.worktree, a submodule, GIT_DIR, a bare repository, git’s own folder', () => {
    const r = repo();
    commit(r);
    expectSame(r, r.dir, { fast: false }, { ...r.env, GIT_DIR: join(r.dir, '.git') });
    expectSame(r, r.dir, { fast: false }, { ...r.env, GIT_WORK_TREE: r.dir });
    expectSame(r, r.dir, { fast: false }, { ...r.env, GIT_CONFIG_PARAMETERS: "'core.worktree'='/elsewhere'" });
    expect(discoverRepo(join(r.dir, '.git'), r.env)).toBeNull();

    const bare = join(r.dir, '..', 'bare.git');
    r.gitOk(['clone', '-q', '--bare', r.dir, bare]);
    expect(discoverRepo(bare, r.env)).toBeNull();

    const sub = repo();
    commit(sub);
    r.gitOk(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'mod']);
    // A submodule's git folder sets core.worktree: git is asked.
    expectSame(r, join(r.dir, 'mod'), { fast: false });

    const moved = repo();
    commit(moved);
    moved.gitOk(['config', 'core.worktree', moved.dir]);
    expectSame(moved, moved.dir, { fast: false });
  });

  it('a config with includes, one-line sections, odd values or unknown extensions is read as git reads it, or left to git', () => {
    const r = repo();
    commit(r);
    const config = join(r.dir, '.git/config');
    const original = readFileSync(config, 'utf8');
    const withConfig = (extra: string, fast: boolean) => {
      writeFileSync(config, original + extra);
      expectSame(r, r.dir, { fast });
      writeFileSync(config, original);
    };
    withConfig('[include]\n\tpath = /dev/null\n', false);
    withConfig('[core] worktree = /elsewhere\n', false);
    withConfig('[core] bare = true\n', false);
    withConfig('[core]\n\tbare = "true"\n', false);
    withConfig('[core]\n\tbare = 2\n', false);
    withConfig('[extensions]\n\tnoop = true\n', false);
    withConfig('[extensions]\n\trefStorage = reftable\n', false);
    withConfig('[remote "origin"]\n\turl = https://example.invalid/x.git ; a comment\n', true);
  });

  it('the object format is read past a comment, before the first commit too', () => {
    const r = repo(false);
    r.gitOk(['init', '-q', '--object-format=sha256']);
    const config = join(r.dir, '.git/config');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/objectformat = sha256/, 'objectformat = sha256 ; the hash'));
    expectSame(r, r.dir, { fast: true });
    expect(discoverRepo(r.dir, r.env)?.objectFormat).toBe('sha256');
  });

  it('HEAD on a tag, or on any ref but a branch, is left to git, which peels it to its commit', () => {
    const r = repo();
    commit(r);
    r.gitOk(['tag', '-a', '-m', 'v1', 'v1']);
    r.gitOk(['symbolic-ref', 'HEAD', 'refs/tags/v1']);
    expectSame(r, r.dir, { fast: false });
    // A detached HEAD holding the tag object's own id (git 2.39 refuses to write it, an older git or a hand did not).
    writeFileSync(join(r.dir, '.git/HEAD'), `${r.gitOk(['rev-parse', 'v1'])}\n`);
    expectSame(r, r.dir, { fast: false });
  });

  it('no repository at all is null, not a guess', () => {
    const r = repo(false);
    const plain = join(r.dir, 'plain');
    mkdirSync(plain);
    expect(discoverRepo(plain, r.env)).toBeNull();
  });
});
