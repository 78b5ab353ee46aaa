import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitFoldersOf } from '../../src/guard/agent-guard.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.cleanup();
});

describe("the guard's list of this repository's git folders", () => {
  it('is .git in the plain layout, and the worktree folder and the common folder in a linked worktree', () => {
    const r = makeRepo();
    repos.push(r);
    r.write('a.txt', 'a\n');
    r.gitOk(['add', '-A']);
    r.gitOk(['commit', '-q', '-m', 'a']);
    expect(gitFoldersOf(r.dir)).toEqual([realpathSync(join(r.dir, '.git'))]);
    const wt = join(r.dir, '..', 'wt');
    r.gitOk(['worktree', 'add', '-q', wt]);
    expect(gitFoldersOf(wt)).toEqual([realpathSync(join(r.dir, '.git/worktrees/wt')), realpathSync(join(r.dir, '.git'))]);
    expect(gitFoldersOf(join(r.dir, '..'))).toBeUndefined();
  });
});
