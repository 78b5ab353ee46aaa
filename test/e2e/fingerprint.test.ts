import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

/**
 * `wf hash` (the built CLI) in real temporary repositories, checked against
 * an independent recomputation of docs/fingerprint.md: `git diff-tree` between
 * two trees (the staged side uses `git write-tree`, not wf's diff-index),
 * `git cat-file blob` per blob and node's SHA-256.
 */

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const ZEROS = '0'.repeat(64);
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

interface JsonRecord {
  oldMode: string;
  newMode: string;
  oldDigest: string;
  newDigest: string;
  path: string;
  pathBase64: string;
}
interface HashJson {
  fingerprint: string;
  source: 'index' | 'commit';
  commit: string | null;
  records: JsonRecord[];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function newRepo(): TestRepo {
  const repo = makeRepo();
  cleanups.push(() => repo.cleanup());
  return repo;
}

function fail(what: string, r: { status: number | null; stdout: unknown; stderr: unknown }): never {
  throw new Error(`${what} exited ${r.status}\nstdout: ${String(r.stdout)}\nstderr: ${String(r.stderr)}`);
}

/** git with raw byte output (TestRepo.git decodes UTF-8, which would mangle non-UTF-8 paths). */
function gitBytes(repo: TestRepo, args: string[], env: NodeJS.ProcessEnv = {}): Buffer {
  const r = spawnSync('git', args, { cwd: repo.dir, env: { ...repo.env, ...env }, maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  if (r.status !== 0) fail(`git ${args.join(' ')}`, r);
  return r.stdout;
}
const gitLine = (repo: TestRepo, args: string[], env?: NodeJS.ProcessEnv) => gitBytes(repo, args, env).toString('utf8').trim();

/** A path's raw bytes under the repo: lets a test create non-UTF-8 file names. */
const rawPath = (repo: TestRepo, name: Buffer) => Buffer.concat([Buffer.from(`${repo.dir}/`), name]);

// Exactly the files wf writes: the state and the log.
const BUILT_IN_EXCLUDED = (p: string) => p === '.claude/task-state.json' || p === '.claude/workflow-audit.log';

/** The spec recomputed from scratch between two tree-ishes. */
function recompute(repo: TestRepo, oldTree: string, newTree: string, exclude: (p: string) => boolean = () => false) {
  const out = gitBytes(repo, ['diff-tree', '-r', '--no-renames', '--no-abbrev', '--ignore-submodules=none', '-z', '--raw', oldTree, newTree]);
  const fields: Buffer[] = [];
  for (let start = 0; start < out.length; ) {
    const end = out.indexOf(0, start);
    fields.push(out.subarray(start, end));
    start = end + 1;
  }
  const blobDigest = new Map<string, string>();
  const digest = (mode: string, oid: string) => {
    if (mode === '000000') return ZEROS;
    if (mode === '160000') return sha256(oid);
    if (!blobDigest.has(oid)) blobDigest.set(oid, sha256(gitBytes(repo, ['cat-file', 'blob', oid])));
    return blobDigest.get(oid)!;
  };
  const records: JsonRecord[] = [];
  const paths: Buffer[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const [oldMode, newMode, oldOid, newOid] = fields[i]!.toString('latin1').slice(1).split(' ') as [string, string, string, string];
    const path = fields[i + 1]!;
    const text = path.toString('utf8');
    if (BUILT_IN_EXCLUDED(text) || exclude(text)) continue;
    paths.push(path);
    records.push({ oldMode, newMode, oldDigest: digest(oldMode, oldOid), newDigest: digest(newMode, newOid), path: text, pathBase64: path.toString('base64') });
  }
  const order = paths.map((_, i) => i).sort((a, b) => Buffer.compare(paths[a]!, paths[b]!));
  const sorted = order.map((i) => records[i]!);
  const stream = Buffer.concat(
    order.flatMap((i) => {
      const r = records[i]!;
      return [Buffer.from(`${r.oldMode} ${r.newMode} ${r.oldDigest} ${r.newDigest} `, 'ascii'), paths[i]!, Buffer.from([0])];
    }),
  );
  return { fingerprint: sha256(stream), records: sorted };
}

/** What `git commit` would record now: HEAD's tree (or the empty tree) against `git write-tree` of the index. */
function recomputeStaged(repo: TestRepo, options: { env?: NodeJS.ProcessEnv; exclude?: (p: string) => boolean } = {}) {
  const head = repo.git(['rev-parse', '-q', '--verify', 'HEAD^{tree}']);
  const newTree = gitLine(repo, ['write-tree'], options.env);
  return recompute(repo, head.code === 0 ? head.stdout.trim() : EMPTY_TREE, newTree, options.exclude);
}

function recomputeCommit(repo: TestRepo, rev: string, exclude?: (p: string) => boolean) {
  const commit = gitLine(repo, ['rev-parse', '--verify', `${rev}^{commit}`]);
  const parent = repo.git(['rev-parse', '-q', '--verify', `${commit}^1`]);
  return recompute(repo, parent.code === 0 ? parent.stdout.trim() : EMPTY_TREE, commit, exclude);
}

type WfOptions = { env?: NodeJS.ProcessEnv; cwd?: string };
function wfHash(repo: TestRepo, args: string[] = [], options?: WfOptions): string {
  const r = repo.wf(['hash', ...args], options);
  if (r.code !== 0) fail(`wf hash ${args.join(' ')}`, { status: r.code, stdout: r.stdout, stderr: r.stderr });
  expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  return r.stdout.trim();
}
function wfJson(repo: TestRepo, args: string[] = [], options?: WfOptions): HashJson {
  const r = repo.wf(['hash', ...args, '--json'], options);
  if (r.code !== 0) fail(`wf hash ${args.join(' ')} --json`, { status: r.code, stdout: r.stdout, stderr: r.stderr });
  return JSON.parse(r.stdout) as HashJson;
}

const stageAll = (repo: TestRepo) => repo.gitOk(['add', '-A']);
const commitAll = (repo: TestRepo, message: string) => {
  stageAll(repo);
  repo.gitOk(['commit', '-q', '--allow-empty', '-m', message]);
};
const byPath = (records: JsonRecord[]) => Object.fromEntries(records.map((r) => [r.path, r]));
const setConfig = (repo: TestRepo, config: unknown) => repo.write('.claude/wf.config.json', `${JSON.stringify(config, null, 2)}\n`);

interface Case {
  name: string;
  /** Committed before the change; without it the change is the first commit (no HEAD). */
  before?: (repo: TestRepo) => void;
  /** Made in the work tree, then staged with git add -A. */
  change: (repo: TestRepo) => void;
  /** The config excludes the test expects, as an independent predicate. */
  exclude?: (p: string) => boolean;
  check: (records: JsonRecord[], repo: TestRepo) => void;
}

const binary = randomBytes(3 * 1024 * 1024 + 17); // many pipe chunks, NULs and every byte value
binary[0] = 0;
const binary2 = Buffer.concat([binary.subarray(0, 1000), Buffer.from([0, 0, 255]), binary.subarray(1000)]);
const SUB_FILE = 'sub.txt';

const cases: Case[] = [
  {
    name: 'the first commit (no HEAD): everything is added against the empty tree',
    change: (repo) => {
      repo.write('README.md', '# hi\n');
      repo.write('src/deep/nested/app.ts', 'export {};\n');
      repo.write('empty.txt', '');
    },
    check: (records) => {
      expect(records.map((r) => r.path)).toEqual(['README.md', 'empty.txt', 'src/deep/nested/app.ts']);
      for (const r of records) expect([r.oldMode, r.oldDigest]).toEqual(['000000', ZEROS]);
      expect(byPath(records)['empty.txt']!.newDigest).toBe(EMPTY_SHA256);
    },
  },
  {
    name: 'binary files: added and modified, hashed as raw bytes',
    before: (repo) => repo.write('assets/blob.bin', binary),
    change: (repo) => {
      repo.write('assets/blob.bin', binary2);
      repo.write('assets/latin1.bin', Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0d, 0x0a]));
    },
    check: (records) => {
      const r = byPath(records);
      expect(r['assets/blob.bin']).toMatchObject({ oldMode: '100644', newMode: '100644', oldDigest: sha256(binary), newDigest: sha256(binary2) });
      expect(r['assets/latin1.bin']!.newDigest).toBe(sha256(Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0d, 0x0a])));
    },
  },
  {
    name: 'deletions: the new side is 000000 and 64 zeros',
    before: (repo) => {
      repo.write('gone.txt', 'bye\n');
      repo.write('dir/also-gone.txt', 'bye too\n');
      repo.write('stays.txt', 'stay\n');
    },
    change: (repo) => {
      rmSync(join(repo.dir, 'gone.txt'));
      rmSync(join(repo.dir, 'dir'), { recursive: true });
    },
    check: (records) => {
      expect(records).toEqual([
        expect.objectContaining({ path: 'dir/also-gone.txt', oldMode: '100644', newMode: '000000', oldDigest: sha256('bye too\n'), newDigest: ZEROS }),
        expect.objectContaining({ path: 'gone.txt', oldMode: '100644', newMode: '000000', oldDigest: sha256('bye\n'), newDigest: ZEROS }),
      ]);
    },
  },
  {
    name: 'mode changes (chmod +x and -x): same digests, different modes',
    before: (repo) => {
      repo.write('run.sh', 'echo hi\n');
      repo.write('was-exec.sh', 'echo x\n');
      chmodSync(join(repo.dir, 'was-exec.sh'), 0o755);
    },
    change: (repo) => {
      chmodSync(join(repo.dir, 'run.sh'), 0o755);
      chmodSync(join(repo.dir, 'was-exec.sh'), 0o644);
    },
    check: (records) => {
      expect(records).toEqual([
        expect.objectContaining({ path: 'run.sh', oldMode: '100644', newMode: '100755', oldDigest: sha256('echo hi\n'), newDigest: sha256('echo hi\n') }),
        expect.objectContaining({ path: 'was-exec.sh', oldMode: '100755', newMode: '100644', oldDigest: sha256('echo x\n'), newDigest: sha256('echo x\n') }),
      ]);
    },
  },
  {
    name: 'symlinks: mode 120000 and the digest of the target text (dangling or not)',
    before: (repo) => repo.write('target.txt', 'the target\n'),
    change: (repo) => {
      symlinkSync('target.txt', join(repo.dir, 'link'));
      symlinkSync('../no/such/file', join(repo.dir, 'dangling'));
    },
    check: (records) => {
      const r = byPath(records);
      expect(r.link).toMatchObject({ oldMode: '000000', newMode: '120000', newDigest: sha256('target.txt') });
      expect(r.dangling).toMatchObject({ newMode: '120000', newDigest: sha256('../no/such/file') });
      expect(records).toHaveLength(2);
    },
  },
  {
    name: 'type change file → symlink with the same bytes: one record, told apart by the mode',
    before: (repo) => repo.write('f', 'target.txt'),
    change: (repo) => {
      rmSync(join(repo.dir, 'f'));
      symlinkSync('target.txt', join(repo.dir, 'f'));
    },
    check: (records) => {
      expect(records).toEqual([expect.objectContaining({ path: 'f', oldMode: '100644', newMode: '120000', oldDigest: sha256('target.txt'), newDigest: sha256('target.txt') })]);
    },
  },
  {
    name: 'type change directory → file: the file is added and the old contents deleted',
    before: (repo) => repo.write('d/x.txt', 'x\n'),
    change: (repo) => {
      rmSync(join(repo.dir, 'd'), { recursive: true });
      repo.write('d', 'now a file\n');
    },
    check: (records) => {
      expect(records.map((r) => [r.path, r.oldMode, r.newMode])).toEqual([
        ['d', '000000', '100644'],
        ['d/x.txt', '100644', '000000'],
      ]);
    },
  },
  {
    name: 'paths with spaces, newlines, UTF-8 and non-UTF-8 bytes, in byte order',
    before: (repo) => repo.write('plain.txt', 'p\n'),
    change: (repo) => {
      repo.write('with space.txt', 'space\n');
      repo.write('new\nline.txt', 'newline\n');
      repo.write('café/naïve.txt', 'utf8\n');
      repo.write('tab\there.txt', 'tab\n');
      writeFileSync(rawPath(repo, Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x62, 0x69, 0x6e])), 'raw\n');
    },
    check: (records) => {
      expect(records.map((r) => Buffer.from(r.pathBase64, 'base64'))).toEqual([
        Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x62, 0x69, 0x6e]),
        Buffer.from('café/naïve.txt'),
        Buffer.from('new\nline.txt'),
        Buffer.from('tab\there.txt'),
        Buffer.from('with space.txt'),
      ]);
      expect(byPath(records)['new\nline.txt']!.newDigest).toBe(sha256('newline\n'));
      expect(records[0]!.path).toBe('bad\ufffd.bin');
    },
  },
  {
    name: 'CRLF content with core.autocrlf false: the CR bytes are hashed',
    before: (repo) => repo.gitOk(['config', 'core.autocrlf', 'false']),
    change: (repo) => repo.write('dos.txt', 'one\r\ntwo\r\n'),
    check: (records) => {
      expect(records).toEqual([expect.objectContaining({ path: 'dos.txt', newDigest: sha256('one\r\ntwo\r\n') })]);
    },
  },
  {
    name: 'CRLF content with .gitattributes text=auto: the digest is of the blob as stored (LF)',
    before: (repo) => {
      repo.gitOk(['config', 'core.autocrlf', 'false']);
      repo.write('.gitattributes', '* text=auto\n');
    },
    change: (repo) => repo.write('dos.txt', 'one\r\ntwo\r\n'),
    check: (records) => {
      expect(records).toHaveLength(1);
      expect(records[0]!.newDigest).toBe(sha256('one\ntwo\n'));
      expect(records[0]!.newDigest).not.toBe(sha256('one\r\ntwo\r\n'));
    },
  },
  {
    name: 'a change to the state files only is the empty fingerprint',
    before: (repo) => repo.write('src/app.txt', 'app\n'),
    change: (repo) => {
      repo.write('.claude/task-state.json', '{"tasks":{}}\n');
      repo.write('.claude/workflow-audit.log', '{"seq":1}\n');
    },
    check: (records) => expect(records).toEqual([]),
  },
  {
    name: 'everything under .claude/subtasks/ is code: a plan, a script, a nested plan.md, a plan.md that is a symlink',
    before: (repo) => repo.write('src/app.txt', 'app\n'),
    change: (repo) => {
      repo.write('.claude/subtasks/T-1/evidence/test.json', '{}\n');
      repo.write('.claude/subtasks/T-1/helper.js', 'require("child_process").exec("x")\n');
      repo.write('.claude/subtasks/T-1/deep/plan.md', '# not a task plan\n');
      repo.write('.claude/subtasks/T-1/plan.md', 'require("child_process")\n');
      mkdirSync(join(repo.dir, '.claude/subtasks/T-2'), { recursive: true });
      symlinkSync('../../../src/app.txt', join(repo.dir, '.claude/subtasks/T-2/plan.md'));
    },
    check: (records) =>
      expect(records.map((r) => r.path)).toEqual(['.claude/subtasks/T-1/deep/plan.md', '.claude/subtasks/T-1/evidence/test.json', '.claude/subtasks/T-1/helper.js', '.claude/subtasks/T-1/plan.md', '.claude/subtasks/T-2/plan.md']),
  },
  {
    name: 'state files are dropped, the config file and look-alikes are not',
    before: (repo) => repo.write('.claude/task-state.json', '{"v":1}\n'),
    change: (repo) => {
      repo.write('.claude/task-state.json', '{"v":2}\n');
      repo.write('.claude/subtasks/T-2/plan.md', '# Plan\n');
      setConfig(repo, { fingerprint: { exclude: [] } });
      repo.write('.claude/subtasks.md', 'next to the folder, not in it\n');
      repo.write('nested/.claude/task-state.json', '{}\n');
      repo.write('src/code.ts', 'export const x = 1;\n');
    },
    check: (records) => {
      expect(records.map((r) => r.path)).toEqual(['.claude/subtasks.md', '.claude/subtasks/T-2/plan.md', '.claude/wf.config.json', 'nested/.claude/task-state.json', 'src/code.ts']);
    },
  },
  {
    name: 'config fingerprint.exclude globs are dropped',
    before: (repo) => setConfig(repo, { fingerprint: { exclude: ['docs/**', '*.log', 'gen/*.js'] } }),
    change: (repo) => {
      for (const p of ['docs/guide.md', 'docs/deep/more.md', 'debug.log', 'gen/out.js', 'gen/sub/kept.js', 'sub/kept.log', 'src/app.ts', 'docsx/kept.md']) {
        repo.write(p, `${p}\n`);
      }
    },
    exclude: (p) => /^docs\//.test(p) || /^[^/]*\.log$/.test(p) || /^gen\/[^/]*\.js$/.test(p),
    check: (records) => {
      expect(records.map((r) => r.path)).toEqual(['docsx/kept.md', 'gen/sub/kept.js', 'src/app.ts', 'sub/kept.log']);
    },
  },
  {
    name: 'changing the config file itself is part of the fingerprint',
    before: (repo) => setConfig(repo, { fingerprint: { exclude: [] } }),
    change: (repo) => setConfig(repo, { fingerprint: { exclude: ['src/**'] } }),
    exclude: (p) => p.startsWith('src/'),
    check: (records) => {
      expect(records.map((r) => [r.path, r.oldMode, r.newMode])).toEqual([['.claude/wf.config.json', '100644', '100644']]);
    },
  },
  {
    name: 'a new exclude in the change itself hides nothing: the excludes in force are the committed ones',
    before: (repo) => setConfig(repo, { fingerprint: { exclude: [] } }),
    change: (repo) => {
      setConfig(repo, { fingerprint: { exclude: ['src/**'] } });
      repo.write('src/hidden.ts', 'export const sneaky = true;\n');
    },
    check: (records) => {
      expect(records.map((r) => r.path)).toEqual(['.claude/wf.config.json', 'src/hidden.ts']);
    },
  },
  {
    name: 'many files with shared contents (one cat-file process, requests in flight)',
    before: (repo) => repo.write('keep.txt', 'k\n'),
    change: (repo) => {
      for (let i = 0; i < 400; i++) repo.write(`many/f${String(i).padStart(3, '0')}.txt`, 'x'.repeat((i % 37) * 1000));
    },
    check: (records) => {
      expect(records).toHaveLength(400);
      expect(records[0]).toMatchObject({ path: 'many/f000.txt', newDigest: EMPTY_SHA256 });
      expect(records[399]).toMatchObject({ path: 'many/f399.txt', newDigest: sha256('x'.repeat((399 % 37) * 1000)) });
    },
  },
];

describe('wf hash: the staged fingerprint, the commit fingerprint and an independent recomputation agree', () => {
  it.each(cases)('$name', (c) => {
    const repo = newRepo();
    if (c.before) {
      c.before(repo);
      commitAll(repo, 'before');
    }
    c.change(repo);
    stageAll(repo);

    const staged = wfJson(repo);
    expect(staged.source).toBe('index');
    expect(staged.commit).toBeNull();
    const expected = recomputeStaged(repo, { exclude: c.exclude });
    expect(staged.records).toEqual(expected.records);
    expect(staged.fingerprint).toBe(expected.fingerprint);
    expect(wfHash(repo)).toBe(staged.fingerprint);
    c.check(staged.records, repo);
    if (staged.records.length === 0) expect(staged.fingerprint).toBe(EMPTY_SHA256);
    else expect(staged.fingerprint).not.toBe(EMPTY_SHA256);

    repo.gitOk(['commit', '-q', '--allow-empty', '-m', 'the change']);
    const head = repo.gitOk(['rev-parse', 'HEAD']);
    const committed = wfJson(repo, ['--commit', 'HEAD']);
    expect(committed).toMatchObject({ source: 'commit', commit: head, fingerprint: staged.fingerprint });
    expect(committed.records).toEqual(staged.records);
    expect(recomputeCommit(repo, 'HEAD', c.exclude).fingerprint).toBe(staged.fingerprint);
  });

  it('submodules: added, then moved to another commit; the digest is SHA-256 of the commit id in hex', () => {
    const lib = newRepo();
    lib.write(SUB_FILE, 'v1\n');
    commitAll(lib, 'lib v1');
    const v1 = lib.gitOk(['rev-parse', 'HEAD']);
    lib.write(SUB_FILE, 'v2\n');
    commitAll(lib, 'lib v2');
    const v2 = lib.gitOk(['rev-parse', 'HEAD']);

    const repo = newRepo();
    repo.write('app.txt', 'app\n');
    commitAll(repo, 'app');
    repo.gitOk(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib.dir, 'vendor/lib']);
    repo.gitOk(['-C', 'vendor/lib', 'checkout', '-q', v1]);
    stageAll(repo);

    const added = wfJson(repo);
    expect(added.records.map((r) => r.path)).toEqual(['.gitmodules', 'vendor/lib']);
    const sub = byPath(added.records)['vendor/lib']!;
    expect(sub).toMatchObject({ oldMode: '000000', newMode: '160000', oldDigest: ZEROS, newDigest: sha256(v1) });
    expect(added.fingerprint).toBe(recomputeStaged(repo).fingerprint);
    repo.gitOk(['commit', '-q', '-m', 'add lib']);
    expect(wfHash(repo, ['--commit', 'HEAD'])).toBe(added.fingerprint);
    expect(recomputeCommit(repo, 'HEAD').fingerprint).toBe(added.fingerprint);

    // Moving the submodule is one path, 160000 on both sides; nothing inside it is listed.
    repo.gitOk(['-C', 'vendor/lib', 'checkout', '-q', v2]);
    stageAll(repo);
    const moved = wfJson(repo);
    expect(moved.records).toEqual([
      { oldMode: '160000', newMode: '160000', oldDigest: sha256(v1), newDigest: sha256(v2), path: 'vendor/lib', pathBase64: Buffer.from('vendor/lib').toString('base64') },
    ]);
    expect(moved.fingerprint).toBe(recomputeStaged(repo).fingerprint);
    repo.gitOk(['commit', '-q', '-m', 'bump lib']);
    expect(wfHash(repo, ['--commit', 'HEAD'])).toBe(moved.fingerprint);
    expect(recomputeCommit(repo, 'HEAD').fingerprint).toBe(moved.fingerprint);

    // Uncommitted work inside the submodule is not part of the superproject's change.
    lib.write(SUB_FILE, 'ignored\n');
    repo.write(`vendor/lib/${SUB_FILE}`, 'dirty inside the submodule\n');
    expect(wfHash(repo)).toBe(EMPTY_SHA256);
  });

  it('a merge commit is fingerprinted against its first parent', () => {
    const repo = newRepo();
    repo.write('base.txt', 'base\n');
    commitAll(repo, 'base');
    repo.gitOk(['checkout', '-q', '-b', 'side']);
    repo.write('side.txt', 'side\n');
    commitAll(repo, 'side');
    repo.gitOk(['checkout', '-q', 'main']);
    repo.write('main.txt', 'main\n');
    commitAll(repo, 'main');
    repo.gitOk(['merge', '-q', '--no-ff', '--no-edit', 'side']);

    const merge = wfJson(repo, ['--commit', 'HEAD']);
    expect(merge.records.map((r) => r.path)).toEqual(['side.txt']);
    expect(merge.fingerprint).toBe(recomputeCommit(repo, 'HEAD').fingerprint);
    expect(merge.commit).toBe(repo.gitOk(['rev-parse', 'HEAD']));
    expect(wfHash(repo, ['--commit', repo.gitOk(['rev-parse', '--short', 'HEAD'])])).toBe(merge.fingerprint);
    expect(merge.fingerprint).toBe(recompute(repo, 'HEAD^1', 'HEAD').fingerprint);
    expect(merge.fingerprint).not.toBe(recompute(repo, 'HEAD^2', 'HEAD').fingerprint);
    // The side branch's own commit has the same change as the merge brings in.
    expect(wfHash(repo, ['--commit', 'side'])).toBe(merge.fingerprint);
    expect(wfHash(repo, ['--commit', 'HEAD^1'])).toBe(recomputeCommit(repo, 'HEAD^1').fingerprint);
    expect(wfHash(repo, ['--commit', 'HEAD^1'])).not.toBe(merge.fingerprint);
  });

  it('depends only on contents, modes and paths: the same change in another repository has the same fingerprint', () => {
    const make = (name: string) => {
      const repo = newRepo();
      repo.gitOk(['config', 'user.name', name]);
      repo.write('a.txt', 'a\n');
      commitAll(repo, `first by ${name}`);
      repo.write('a.txt', 'a2\n');
      repo.write('b.txt', 'b\n');
      commitAll(repo, `second by ${name}`);
      return repo;
    };
    const one = make('One');
    const two = make('Two');
    expect(one.gitOk(['rev-parse', 'HEAD'])).not.toBe(two.gitOk(['rev-parse', 'HEAD']));
    expect(wfHash(one, ['--commit', 'HEAD'])).toBe(wfHash(two, ['--commit', 'HEAD']));
  });

  it('runs the same from a subdirectory of the work tree', () => {
    const repo = newRepo();
    repo.write('deep/er/x.txt', 'x\n');
    stageAll(repo);
    const fromRoot = wfHash(repo);
    expect(wfHash(repo, [], { cwd: join(repo.dir, 'deep/er') })).toBe(fromRoot);
    repo.gitOk(['commit', '-q', '-m', 'x']);
    expect(wfHash(repo, ['--commit', 'HEAD'], { cwd: join(repo.dir, 'deep') })).toBe(fromRoot);
  });

  it('works in a SHA-256 object-format repository (empty tree and 64-hex submodule-free change)', () => {
    const repo = makeRepo({ init: false });
    cleanups.push(() => repo.cleanup());
    repo.gitOk(['init', '-q', '--object-format=sha256', '-b', 'main']);
    repo.gitOk(['config', 'user.name', 'T']);
    repo.gitOk(['config', 'user.email', 't@example.invalid']);
    repo.write('a.txt', 'hello\n');
    stageAll(repo);
    const staged = wfJson(repo);
    expect(staged.records).toEqual([
      { oldMode: '000000', newMode: '100644', oldDigest: ZEROS, newDigest: sha256('hello\n'), path: 'a.txt', pathBase64: Buffer.from('a.txt').toString('base64') },
    ]);
    repo.gitOk(['commit', '-q', '-m', 'a']);
    expect(repo.gitOk(['rev-parse', 'HEAD'])).toMatch(/^[0-9a-f]{64}$/);
    expect(wfHash(repo, ['--commit', 'HEAD'])).toBe(staged.fingerprint);
  });
});

describe('wf hash with GIT_INDEX_FILE (the temporary index of git commit -a / git commit <paths>)', () => {
  it('hashes the index git names, relative or absolute, and matches what git commit -a records', () => {
    const repo = newRepo();
    repo.write('a.txt', 'a1\n');
    repo.write('b.txt', 'b1\n');
    commitAll(repo, 'base');
    repo.write('a.txt', 'a2\n');
    repo.gitOk(['add', 'a.txt']); // the real index: a.txt changed
    repo.write('b.txt', 'b2\n'); // the work tree: b.txt changed too, not staged

    // A temporary index with only b.txt's change.
    const onlyB = join(repo.dir, '.git', 'index-only-b');
    const envB = { GIT_INDEX_FILE: onlyB };
    repo.gitOk(['read-tree', 'HEAD'], { env: envB });
    repo.gitOk(['update-index', 'b.txt'], { env: envB });

    const real = wfJson(repo);
    const temp = wfJson(repo, [], { env: envB });
    expect(real.records.map((r) => r.path)).toEqual(['a.txt']);
    expect(temp.records.map((r) => r.path)).toEqual(['b.txt']);
    expect(temp.records[0]).toMatchObject({ oldDigest: sha256('b1\n'), newDigest: sha256('b2\n') });
    expect(temp.fingerprint).not.toBe(real.fingerprint);
    expect(temp.fingerprint).toBe(recomputeStaged(repo, { env: envB }).fingerprint);
    expect(real.fingerprint).toBe(recomputeStaged(repo).fingerprint);
    // A relative GIT_INDEX_FILE (as git gives hooks) names the same file.
    expect(wfHash(repo, [], { env: { GIT_INDEX_FILE: '.git/index-only-b' } })).toBe(temp.fingerprint);
    // A missing index file reads as an empty index: everything in HEAD is deleted.
    const none = wfJson(repo, [], { env: { GIT_INDEX_FILE: join(repo.dir, '.git', 'no-such-index') } });
    expect(none.records.map((r) => [r.path, r.newMode])).toEqual([
      ['a.txt', '000000'],
      ['b.txt', '000000'],
    ]);

    // What git commit -a builds: HEAD plus every tracked change in the work tree.
    const all = join(repo.dir, '.git', 'index-all');
    const envAll = { GIT_INDEX_FILE: all };
    repo.gitOk(['read-tree', 'HEAD'], { env: envAll });
    repo.gitOk(['update-index', 'a.txt', 'b.txt'], { env: envAll });
    const commitA = wfHash(repo, [], { env: envAll });
    expect(new Set([commitA, real.fingerprint, temp.fingerprint]).size).toBe(3);
    repo.gitOk(['commit', '-q', '-a', '-m', 'commit -a']);
    expect(wfHash(repo, ['--commit', 'HEAD'])).toBe(commitA);
    expect(recomputeCommit(repo, 'HEAD').fingerprint).toBe(commitA);
  });
});

describe('wf hash --json', () => {
  it('reports the fingerprint, its source and one record per path with raw path bytes in base64', () => {
    const repo = newRepo();
    repo.write('z.txt', 'z\n');
    repo.write('é.txt', 'e\n');
    repo.write('A.txt', 'A\n');
    stageAll(repo);
    const out = wfJson(repo);
    expect(Object.keys(out).sort()).toEqual(['commit', 'fingerprint', 'records', 'source']);
    expect(out.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(out.records.map((r) => r.path)).toEqual(['A.txt', 'z.txt', 'é.txt']);
    for (const r of out.records) {
      expect(Object.keys(r).sort()).toEqual(['newDigest', 'newMode', 'oldDigest', 'oldMode', 'path', 'pathBase64']);
      expect(Buffer.from(r.pathBase64, 'base64').toString('utf8')).toBe(r.path);
      expect(r.oldMode).toMatch(/^[0-7]{6}$/);
      expect(r.newDigest).toMatch(/^[0-9a-f]{64}$/);
    }
    // The records alone determine the fingerprint.
    const stream = Buffer.concat(
      out.records.flatMap((r) => [Buffer.from(`${r.oldMode} ${r.newMode} ${r.oldDigest} ${r.newDigest} `), Buffer.from(r.pathBase64, 'base64'), Buffer.from([0])]),
    );
    expect(sha256(stream)).toBe(out.fingerprint);
  });

  it('an empty staged change has no records and the SHA-256 of nothing', () => {
    const repo = newRepo();
    expect(wfJson(repo)).toEqual({ fingerprint: EMPTY_SHA256, source: 'index', commit: null, records: [] });
    repo.write('a.txt', 'a\n');
    commitAll(repo, 'a');
    expect(wfJson(repo)).toEqual({ fingerprint: EMPTY_SHA256, source: 'index', commit: null, records: [] });
    repo.gitOk(['commit', '-q', '--allow-empty', '-m', 'empty']);
    expect(wfJson(repo, ['--commit', 'HEAD'])).toMatchObject({ fingerprint: EMPTY_SHA256, source: 'commit', records: [] });
  });
});

describe('wf hash errors', () => {
  it('outside a git repository: exit 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-nogit-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'inner'));
    const repo = newRepo(); // only for its clean environment and the runner
    const env = { GIT_CEILING_DIRECTORIES: dir };
    const r = repo.wf(['hash'], { cwd: join(dir, 'inner'), env });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('not inside a git work tree');
    const json = repo.wf(['hash', '--json'], { cwd: join(dir, 'inner'), env });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { exitCode: 3 } });
    expect(repo.wf(['hash', '--commit', 'HEAD'], { cwd: dir, env }).code).toBe(3);
  });

  it.each([
    ['nonexistent', 'a name that is no revision'],
    ['HEAD~5', 'a revision past the root'],
    ['HEAD^{tree}', 'a tree, not a commit'],
    ['-x', 'something that looks like an option'],
  ])('--commit %s (%s): exit 2', (rev) => {
    const repo = newRepo();
    repo.write('a.txt', 'a\n');
    commitAll(repo, 'a');
    const r = repo.wf(['hash', `--commit=${rev}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown revision|not a revision/);
  });

  it('--commit HEAD before the first commit: exit 2', () => {
    const repo = newRepo();
    const r = repo.wf(['hash', '--commit', 'HEAD']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown revision');
  });
});

describe('wf hash: what git commit leaves out is not in the staged change', () => {
  // `git diff-index --cached` alone lists an intent-to-add entry as an added empty file, but git commit
  // does not record it (src/git/repo.ts passes --ita-invisible-in-index for this).
  it('intent-to-add files (git add -N) are not part of the staged change', () => {
    const repo = newRepo();
    repo.write('real.txt', 'real\n');
    repo.write('later.txt', 'not yet\n');
    repo.gitOk(['add', 'real.txt']);
    repo.gitOk(['add', '-N', 'later.txt']);
    const staged = wfJson(repo);
    expect(staged.records.map((r) => r.path)).toEqual(['real.txt']);
    expect(staged.fingerprint).toBe(recomputeStaged(repo).fingerprint);
    repo.gitOk(['commit', '-q', '-m', 'real only']);
    expect(repo.gitOk(['ls-tree', '-r', '--name-only', 'HEAD'])).toBe('real.txt');
    expect(wfHash(repo, ['--commit', 'HEAD'])).toBe(staged.fingerprint);
    // Still only intent-to-add: nothing would be committed.
    expect(wfHash(repo)).toBe(EMPTY_SHA256);
  });
});
