import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/installation/index.js';
import { readStateFile, serializeState, statePath } from '../../src/state/model.js';
import { mutateStore } from '../../src/state/store.js';
import { WfError } from '../../src/errors/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    chmodSync(d, 0o755);
    rmSync(d, { recursive: true, force: true });
  }
});

/** A checkout: a root with a .git folder (the verdict's home) and a valid state of one task. */
function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'wf-verdict-'));
  dirs.push(root);
  mkdirSync(join(root, '.git'));
  mkdirSync(join(root, '.claude'));
  const at = '2026-01-01T00:00:00.000Z';
  const task = { id: 'T-1', title: 'one', parentId: null, childIds: [], step: 'plan', status: 'active', progress: 0, complex: false, plan: null, todos: [], tests: [], reviews: [], commits: [], context: null, createdAt: at, updatedAt: at };
  writeFileSync(statePath(root), serializeState({ version: 1, tasks: { 'T-1': task } } as never));
  return root;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const verdictOf = (gitDir: string) => readFileSync(join(gitDir, 'wf-state-valid'), 'utf8');

/** The same bytes with one value made invalid, same length, same mtime: what a quick hand edit leaves. */
function corruptInPlace(root: string): void {
  const file = statePath(root);
  const { atime, mtime } = statSync(file);
  writeFileSync(file, readFileSync(file, 'utf8').replace('"status":"active"', '"status":"activ3"'));
  utimesSync(file, atime, mtime);
}

describe('the state verdict cache', () => {
  it('records the hash of bytes that passed, keyed by wf version, in the git dir', () => {
    const root = checkout();
    readStateFile(root);
    expect(verdictOf(join(root, '.git'))).toBe(`wf ${packageVersion()} ${sha(readFileSync(statePath(root)))}\n`);
  });

  it('still catches an invalid state whose size and mtime match the bytes that passed', () => {
    const root = checkout();
    readStateFile(root);
    corruptInPlace(root);
    expect(() => readStateFile(root)).toThrow(/tasks\.T-1\.status/);
  });

  it('does not trust a verdict written by another wf version', () => {
    const root = checkout();
    corruptInPlace(root);
    writeFileSync(join(root, '.git', 'wf-state-valid'), `wf 0.0.0-other ${sha(readFileSync(statePath(root)))}\n`);
    expect(() => readStateFile(root)).toThrow(WfError);
  });

  it('never records a state that failed', () => {
    const root = checkout();
    corruptInPlace(root);
    expect(() => readStateFile(root)).toThrow(WfError);
    expect(existsSync(join(root, '.git', 'wf-state-valid'))).toBe(false);
  });

  it("lives in a linked worktree's own git dir, named by its .git file", () => {
    const root = checkout();
    const gitDir = join(root, 'elsewhere', 'worktrees', 'wt');
    mkdirSync(gitDir, { recursive: true });
    rmSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, '.git'), 'gitdir: elsewhere/worktrees/wt\n');
    readStateFile(root);
    expect(verdictOf(gitDir)).toContain(sha(readFileSync(statePath(root))));
  });

  it('is only a cache: without a git dir, or with one that cannot be written, every read validates', () => {
    const root = checkout();
    rmSync(join(root, '.git'), { recursive: true });
    expect(readStateFile(root).tasks['T-1']!.status).toBe('active');
    corruptInPlace(root);
    expect(() => readStateFile(root)).toThrow(WfError);
    if (process.getuid?.() === 0) return; // root writes through file modes
    const other = checkout();
    chmodSync(join(other, '.git'), 0o555);
    expect(readStateFile(other).tasks['T-1']!.step).toBe('plan');
    chmodSync(join(other, '.git'), 0o755);
    expect(existsSync(join(other, '.git', 'wf-state-valid'))).toBe(false);
  });

  it('is recorded by a write for the bytes written, so the next reader of them does not check again', async () => {
    const root = checkout();
    await mutateStore(root, (tx) => {
      tx.state.tasks['T-1']!.title = 'renamed';
    });
    expect(verdictOf(join(root, '.git'))).toContain(sha(readFileSync(statePath(root))));
  });
});

describe('a transaction that says it changed nothing', () => {
  it('leaves the file as it was', async () => {
    const root = checkout();
    const before = readFileSync(statePath(root), 'utf8');
    const { ino, mtimeMs } = statSync(statePath(root));
    await mutateStore(root, (tx) => tx.unchanged());
    expect(readFileSync(statePath(root), 'utf8')).toBe(before);
    expect(statSync(statePath(root))).toMatchObject({ ino, mtimeMs });
  });

  it('still writes its audit entries', async () => {
    const root = checkout();
    const { entries } = await mutateStore(root, (tx) => {
      tx.audit({ event: 'observed', taskId: 'T-1' });
      tx.unchanged();
    });
    expect(entries).toHaveLength(1);
  });
});
