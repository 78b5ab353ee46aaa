import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, REAL_PLAN, realId, type TestRepo } from '../helpers/repo.js';
import { expectCode } from '../helpers/workflow.js';

const repos: TestRepo[] = [];
const track = (r: TestRepo) => (repos.push(r), r);
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});
const state = (repo: TestRepo) => JSON.parse(repo.read('.claude/task-state.json'));

function treeRepo(): TestRepo {
  const repo = track(makeRepo());
  expectCode(repo.wf(['init', '--yes']), 0);
  expectCode(repo.wf(['task', 'start', 'P1T13-F5', '--title', 'Parent']), 0);
  for (const c of ['a', 'b', 'c']) expectCode(repo.wf(['subtask', 'create', `P1T13-F5${c}`, '--parent', 'P1T13-F5', '--title', `Child ${c}`]), 0);
  return repo;
}

describe('subtasks', () => {
  it('creates children with their own state and folder, and draws the tree', () => {
    const repo = treeRepo();
    expectCode(repo.wf(['subtask', 'create', 'P1T13-F5c1', '--parent', 'P1T13-F5c']), 0);
    const s = state(repo);
    expect(s.tasks['P1T13-F5'].childIds).toEqual(['P1T13-F5a', 'P1T13-F5b', 'P1T13-F5c']);
    expect(s.tasks['P1T13-F5c1'].parentId).toBe('P1T13-F5c');
    expect(s.tasks['P1T13-F5a'].step).toBe('plan');
    expect(readdirSync(join(repo.dir, '.claude/subtasks')).sort()).toEqual(['P1T13-F5a', 'P1T13-F5b', 'P1T13-F5c', 'P1T13-F5c1']);
    const tree = repo.wf(['task', 'tree']);
    expectCode(tree, 0);
    expect(tree.stdout).toBe(
      [
        'P1T13-F5  plan  0%  Parent',
        '|-- P1T13-F5a  plan  0%  Child a',
        '|-- P1T13-F5b  plan  0%  Child b',
        '`-- P1T13-F5c  plan  0%  Child c',
        '    `-- P1T13-F5c1  plan  0%  P1T13-F5c1',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(repo.wf(['subtask', 'list', '--json']).stdout);
    expect(json[0].children.map((c: { id: string }) => c.id)).toEqual(['P1T13-F5a', 'P1T13-F5b', 'P1T13-F5c']);
  });

  it('refuses a duplicate id, a missing parent, a self-parent and ids that would escape .claude/subtasks', () => {
    const repo = treeRepo();
    const before = repo.read('.claude/task-state.json');
    expectCode(repo.wf(['subtask', 'create', 'P1T13-F5a', '--parent', 'P1T13-F5']), 2);
    expectCode(repo.wf(['subtask', 'create', 'X-1', '--parent', 'NOPE']), 2);
    expectCode(repo.wf(['subtask', 'create', 'P1T13-F5', '--parent', 'P1T13-F5']), 2);
    for (const bad of ['../../etc', '..', 'a/b']) expectCode(repo.wf(['subtask', 'create', '--parent', 'P1T13-F5', '--', bad]), 2);
    expect(repo.read('.claude/task-state.json')).toBe(before);
    expect(existsSync(join(repo.dir, 'etc'))).toBe(false);
  });

  it('the parent defaults to the current task, and the branch picks the longest id', () => {
    const repo = treeRepo();
    repo.gitOk(['checkout', '-q', '-b', 'feature/P1T13-F5c-rollup']);
    expectCode(repo.wf(['subtask', 'create', 'P1T13-F5c2']), 0);
    expect(state(repo).tasks['P1T13-F5c2'].parentId).toBe('P1T13-F5c');
    expect(JSON.parse(repo.wf(['status', '--json']).stdout)).toMatchObject({ task: { id: 'P1T13-F5c' }, pickedBy: 'branch' });
  });

  it('rolls progress up from children and refuses to finish a parent with unfinished children', () => {
    const repo = treeRepo();
    repo.wf(['plan', '--task-id', 'P1T13-F5a']);
    repo.write('.claude/subtasks/P1T13-F5a/plan.md', REAL_PLAN);
    expectCode(repo.wf(['plan', '--task-id', 'P1T13-F5a']), 0);
    expectCode(repo.wf(['record-review', '--task-id', 'P1T13-F5a', '--reviewer', 'r', '--continuation-id', realId(1), '--status', 'approved']), 0);
    const s = state(repo);
    expect(s.tasks['P1T13-F5a'].progress).toBeCloseTo(2 / 6, 3);
    expect(s.tasks['P1T13-F5'].progress).toBeCloseTo(2 / 18, 3);
    const finish = repo.wf(['task', 'finish', '--task-id', 'P1T13-F5']);
    expectCode(finish, 1);
    expect(finish.stderr).toContain('unfinished subtasks: P1T13-F5a (implement), P1T13-F5b (plan), P1T13-F5c (plan)');
    const rollup = JSON.parse(repo.wf(['rollup', '--json']).stdout);
    expect(rollup).toMatchObject({ changed: 0, tasks: 4 });
  });

  it('refuses a subtask commit when its folder is missing', () => {
    const repo = treeRepo();
    repo.wf(['plan', '--task-id', 'P1T13-F5b', '--file', 'PLAN.md']);
    repo.write('PLAN.md', REAL_PLAN);
    expectCode(repo.wf(['plan', '--task-id', 'P1T13-F5b', '--file', 'PLAN.md']), 0);
    expectCode(repo.wf(['record-review', '--task-id', 'P1T13-F5b', '--reviewer', 'r', '--continuation-id', realId(2), '--status', 'approved']), 0);
    repo.gitOk(['rm', '-rq', '--cached', '--ignore-unmatch', '.claude/subtasks']);
    rmSync(join(repo.dir, '.claude/subtasks/P1T13-F5b'), { recursive: true });
    repo.write('x.txt', 'x\n');
    repo.gitOk(['add', 'x.txt']);
    const status = JSON.parse(repo.wf(['status', '--json', '--task-id', 'P1T13-F5b']).stdout);
    expect(status.gates.find((g: { id: string }) => g.id === 'subtask')).toMatchObject({ status: 'fail', detail: '.claude/subtasks/P1T13-F5b/ is missing' });
  });

  it('20 processes creating subtasks and moving steps at once lose nothing', async () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    expectCode(repo.wf(['task', 'start', 'ROOT']), 0);
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const id = `S-${i}`;
        const created = await repo.wfAsync(['subtask', 'create', id, '--parent', 'ROOT']);
        if (created.code !== 0) return created;
        // Each moves its own step (plan → plan-review) while the others create theirs.
        repo.write(`.claude/subtasks/${id}/plan.md`, REAL_PLAN);
        return repo.wfAsync(['plan', '--task-id', id]);
      }),
    );
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    const s = state(repo);
    expect(s.tasks.ROOT.childIds).toHaveLength(20);
    for (let i = 0; i < 20; i++) expect(s.tasks[`S-${i}`].step).toBe('plan-review');
    const stored = s.tasks.ROOT.progress;
    const recomputed = JSON.parse(repo.wf(['rollup', '--json', '--task-id', 'ROOT']).stdout);
    expect(recomputed.changed).toBe(0);
    expect(recomputed.progress).toBe(stored);
    expect(stored).toBeCloseTo(1 / 6, 3);
    expectCode(repo.wf(['audit', 'verify']), 0);
  });

  it('a linked worktree keeps its own state in its own checkout', () => {
    const repo = treeRepo();
    repo.write('a.txt', 'a\n');
    repo.gitOk(['add', 'a.txt', '.claude/wf.config.json', '.gitignore']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'base']);
    const wt = join(mkdtempSync(join(tmpdir(), 'wf-wt-')), 'wt');
    repo.gitOk(['worktree', 'add', '-q', '-b', 'P1T13-F5b-work', wt]);
    expectCode(repo.wf(['task', 'start', 'WT-1'], { cwd: wt }), 0);
    expect(existsSync(join(wt, '.claude/task-state.json'))).toBe(true);
    expect(Object.keys(state(repo).tasks)).not.toContain('WT-1');
  });
});
