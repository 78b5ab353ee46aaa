import { afterEach, describe, expect, it } from 'vitest';
import type { TestRepo } from '../helpers/repo.js';
import { expectCode, patchConfig, plannedRepo, testAndApprove } from '../helpers/workflow.js';

const repos: TestRepo[] = [];
const track = (r: TestRepo) => (repos.push(r), r);
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/** A lock file as npm writes it: far more lines than complexity.maxLines (400). */
const bigLockFile = (version: string) =>
  `${JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`node_modules/dep-${i}`, { version, resolved: `https://registry.example.invalid/dep-${i}-${version}.tgz` }])) }, null, 2)}\n`;

const todosGate = (repo: TestRepo) => {
  const status = JSON.parse(repo.wf(['status', '--json']).stdout);
  return status.gates.find((g: { id: string }) => g.id === 'todos') as { status: string; detail: string };
};

describe('complexity.exclude: lock files do not make a change complex', () => {
  it('a first commit with a big package-lock.json is not complex, wf status agrees, and the lock file is still fingerprinted', () => {
    const repo = track(plannedRepo());
    repo.write('src/app.txt', 'hello from the change\n');
    repo.write('package-lock.json', bigLockFile('1.0.0'));
    repo.write('packages/web/pnpm-lock.yaml', 'lockfileVersion: 9.0\n'.repeat(500));
    repo.gitOk(['add', '-A']);
    const before = repo.wf(['hash']).stdout.trim();
    repo.write('package-lock.json', bigLockFile('1.0.1'));
    repo.gitOk(['add', '-A']);
    // Left out of the counts only: a changed lock file is a changed fingerprint, so it needs its own review.
    expect(repo.wf(['hash']).stdout.trim()).not.toBe(before);
    testAndApprove(repo);
    expect(todosGate(repo).status).toBe('pass');
    expectCode(repo.wf(['commit', '-m', 'Add the app with its lock files']), 0);
    expect(repo.gitOk(['show', '--name-only', '--format=', 'HEAD'])).toContain('package-lock.json');
  });

  it('with the exclude emptied, the same change is complex: wf status and the commit both say so', () => {
    const repo = track(plannedRepo());
    patchConfig(repo, (c) => (c.complexity.exclude = []));
    repo.write('src/app.txt', 'hello from the change\n');
    repo.write('package-lock.json', bigLockFile('1.0.0'));
    testAndApprove(repo);
    const gate = todosGate(repo);
    expect(gate.status).toBe('fail');
    expect(gate.detail).toContain('changed lines (> 400)');
    const refused = repo.wf(['commit', '-m', 'x']);
    expectCode(refused, 1);
    expect(refused.stderr).toContain('complex because the staged change has');
  });
});
