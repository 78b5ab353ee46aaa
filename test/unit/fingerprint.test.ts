import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  blobsToHash,
  filterChanges,
  fingerprintFromChanges,
  globToRegExp,
  makeExcluder,
  sideDigest,
  ZERO_DIGEST,
  type FingerprintChange,
} from '../../src/fingerprint/compute.js';

/**
 * The pure part of docs/fingerprint.md (steps 3 to 5). Every expected value
 * comes from an independent re-implementation below or from a literal, never
 * from the code under test.
 */

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ZEROS = '0'.repeat(64);
const MISSING = '000000';

/** git's blob id of some bytes (what `git hash-object` prints). */
const gitBlobId = (content: Buffer) =>
  createHash('sha1').update(Buffer.concat([Buffer.from(`blob ${content.length}\0`, 'ascii'), content])).digest('hex');

/** Byte-wise comparison written out by hand (not Buffer.compare), so the order is checked independently. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Steps 4 and 5 of the spec, from scratch: blob bytes in, hex fingerprint out. */
function referenceFingerprint(changes: readonly FingerprintChange[], blobs: ReadonlyMap<string, Buffer>): string {
  const digest = (mode: string, oid: string) => {
    if (mode === '000000') return ZEROS;
    if (mode === '160000') return sha256(Buffer.from(oid, 'ascii'));
    const bytes = blobs.get(oid);
    if (!bytes) throw new Error(`test setup: no bytes for ${oid}`);
    return sha256(bytes);
  };
  const ordered = [...changes].sort((a, b) => compareBytes(a.path, b.path));
  const stream = Buffer.concat(
    ordered.flatMap((c) => [
      Buffer.from([c.oldMode, c.newMode, digest(c.oldMode, c.oldOid), digest(c.newMode, c.newOid), ''].join(' '), 'ascii'),
      c.path,
      Buffer.from([0]),
    ]),
  );
  return sha256(stream);
}

/** A store of blobs keyed by their real git ids, plus the digest map the implementation takes. */
function blobStore(contents: (string | Buffer)[]) {
  const blobs = new Map<string, Buffer>();
  const ids = contents.map((c) => {
    const bytes = Buffer.isBuffer(c) ? c : Buffer.from(c, 'utf8');
    const id = gitBlobId(bytes);
    blobs.set(id, bytes);
    return id;
  });
  const digests = new Map([...blobs].map(([id, bytes]) => [id, sha256(bytes)]));
  return { ids, blobs, digests };
}

const change = (oldMode: string, newMode: string, oldOid: string, newOid: string, path: string | Buffer): FingerprintChange => ({
  oldMode,
  newMode,
  oldOid,
  newOid,
  path: Buffer.isBuffer(path) ? path : Buffer.from(path, 'utf8'),
});
const NULL_OID = '0'.repeat(40);
const added = (oid: string, path: string | Buffer, mode = '100644') => change(MISSING, mode, NULL_OID, oid, path);

/** A small deterministic PRNG (mulberry32) for the randomized comparison. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fingerprintFromChanges', () => {
  it('an empty change is the SHA-256 of nothing', () => {
    const result = fingerprintFromChanges([], new Map());
    expect(result.fingerprint).toBe(EMPTY_SHA256);
    expect(result.fingerprint).toBe(sha256(''));
    expect(result.records).toEqual([]);
  });

  it('hashes exactly "<old mode> <new mode> <old digest> <new digest> <path>\\0" per record', () => {
    const { ids, digests } = blobStore(['hello\n']);
    const result = fingerprintFromChanges([added(ids[0]!, 'hello.txt')], digests);
    const record = `000000 100644 ${ZEROS} ${sha256('hello\n')} hello.txt\0`;
    expect(result.fingerprint).toBe(sha256(record));
    // The blob digest is SHA-256 of the content, not git's id and not SHA-256 of git's object header.
    expect(result.records[0]!.newDigest).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    expect(result.records[0]!.newDigest).not.toBe(sha256(`blob 6\0hello\n`));
  });

  it('matches the worked example of docs/fingerprint.md (golden vector)', () => {
    const { ids, digests } = blobStore(['hello\n', 'hello, world\n', 'hello.txt', 'bye\n', 'echo hi\n', '{}\n']);
    // These are the ids git itself printed for the example; checking them keeps the vector honest.
    expect(ids).toEqual([
      'ce013625030ba8dba906f756967f9e9ca394464a',
      '4b5fa63702dd96796042e92787f464e28f09f17d',
      'a5162f80d4a6782b7cb2a0a197f834e683cb9eb1',
      'b023018cabc396e7692c70bbf5784a93d3f738ab',
      '8b2fe5434fec16870a71cd8b272c7fcf6d352536',
      '0967ef424bce6791893e9a57bb952f80fd536e93',
    ]);
    const [hello1, hello2, link, bye, run, state] = ids as [string, string, string, string, string, string];
    const raw = [
      added(state, '.claude/task-state.json'),
      change('100644', '100644', hello1, hello2, 'hello.txt'),
      added(link, 'link', '120000'),
      change('100644', MISSING, bye, NULL_OID, 'old.txt'),
      change('100644', '100755', run, run, 'run.sh'),
    ];
    const result = fingerprintFromChanges(filterChanges(raw), digests);
    expect(result.fingerprint).toBe('4e420c505d28b6bd54080053c8c564ea2866cceee6dc8cf92f898497bd82ae99');
    expect(result.records.map((r) => r.pathText)).toEqual(['hello.txt', 'link', 'old.txt', 'run.sh']);
  });

  it('orders records by the bytes of the path, not by JavaScript string order or locale', () => {
    const { ids, blobs, digests } = blobStore(['x']);
    const oid = ids[0]!;
    // Listed in the expected byte order. Notable pairs: 'Z' < 'a' (ASCII), 'a b' < 'a-b' < 'a.b' < 'a/b' < 'a0',
    // 'z' < 'é' (0x7a < 0xc3), and U+FF61 (EF BD A1) < U+1F600 (F0 9F 98 80) although the emoji sorts
    // first as UTF-16 (D83D < FF61); a raw 0xff byte (not UTF-8) is last.
    const expected: Buffer[] = [
      'Z.txt',
      'a',
      'a b',
      'a-b',
      'a.b',
      'a/b',
      'a0',
      'z',
      'é.txt',
      '\uff61',
      '\u{1f600}',
    ].map((p) => Buffer.from(p, 'utf8'));
    expected.push(Buffer.from([0xff])); // not UTF-8
    // Sanity: JS string order really differs from byte order for these paths.
    const asStrings = expected.slice(0, 11).map((b) => b.toString('utf8'));
    expect([...asStrings].sort()).not.toEqual(asStrings);

    const rnd = prng(7);
    for (let round = 0; round < 5; round++) {
      const shuffled = [...expected].sort(() => rnd() - 0.5);
      const changes = shuffled.map((p) => added(oid, p));
      const result = fingerprintFromChanges(changes, digests);
      expect(result.records.map((r) => r.path.toString('hex'))).toEqual(expected.map((b) => b.toString('hex')));
      expect(result.fingerprint).toBe(referenceFingerprint(changes, blobs));
    }
  });

  it('keeps path bytes exactly (non-UTF-8, spaces, newlines): pathText is only for display', () => {
    const { ids, blobs, digests } = blobStore(['a', 'b']);
    const raw = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e]); // "bad\xff\xfe.bin"
    const changes = [added(ids[0]!, raw), added(ids[1]!, 'two words\nand a newline.txt')];
    const result = fingerprintFromChanges(changes, digests);
    expect(result.records[0]!.path.equals(raw)).toBe(true);
    expect(result.records[0]!.pathText).toContain('\ufffd');
    expect(result.fingerprint).toBe(referenceFingerprint(changes, blobs));
    // Hashing the lossy UTF-8 text instead of the bytes would give another fingerprint.
    const lossy = [added(ids[0]!, raw.toString('utf8')), changes[1]!];
    expect(referenceFingerprint(lossy, blobs)).not.toBe(result.fingerprint);
  });

  it.each([
    ['content', change('100644', '100644', 'A', 'B', 'f'), change('100644', '100644', 'A', 'C', 'f')],
    ['mode only', change('100644', '100644', 'A', 'A', 'f'), change('100644', '100755', 'A', 'A', 'f')],
    ['path', change('100644', '100644', 'A', 'B', 'f'), change('100644', '100644', 'A', 'B', 'g')],
    ['old side', change('100644', '100644', 'A', 'B', 'f'), change('100644', '100644', 'C', 'B', 'f')],
    ['file vs symlink, same bytes', change('100644', '100644', 'A', 'B', 'f'), change('100644', '120000', 'A', 'B', 'f')],
    ['added vs deleted', change(MISSING, '100644', NULL_OID, 'A', 'f'), change('100644', MISSING, 'A', NULL_OID, 'f')],
  ])('any difference changes the fingerprint: %s', (_name, a, b) => {
    const { ids, blobs, digests } = blobStore(['one\n', 'two\n', 'three\n']);
    const alias = new Map([
      ['A', ids[0]!],
      ['B', ids[1]!],
      ['C', ids[2]!],
      [NULL_OID, NULL_OID],
    ]);
    const real = (c: FingerprintChange) => ({ ...c, oldOid: alias.get(c.oldOid)!, newOid: alias.get(c.newOid)! });
    const fa = fingerprintFromChanges([real(a)], digests).fingerprint;
    const fb = fingerprintFromChanges([real(b)], digests).fingerprint;
    expect(fa).not.toBe(fb);
    expect(fa).toBe(referenceFingerprint([real(a)], blobs));
    expect(fb).toBe(referenceFingerprint([real(b)], blobs));
  });

  it('agrees with the reference implementation on random changes', () => {
    const rnd = prng(20240601);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const contents = Array.from({ length: 12 }, (_, i) => Buffer.from(Array.from({ length: i * 7 }, () => Math.floor(rnd() * 256))));
    const { ids, blobs, digests } = blobStore(contents);
    const modes = ['100644', '100755', '120000', '160000', MISSING];
    const alphabet = [0x61, 0x62, 0x2f, 0x2e, 0x20, 0x0a, 0xc3, 0xa9, 0xff, 0x5a];
    for (let round = 0; round < 50; round++) {
      const seen = new Set<string>();
      const changes: FingerprintChange[] = [];
      for (let i = 0, n = Math.floor(rnd() * 15); i < n; i++) {
        const path = Buffer.from([0x70, ...Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pick(alphabet))]);
        if (seen.has(path.toString('hex'))) continue;
        seen.add(path.toString('hex'));
        const oldMode = pick(modes);
        const newMode = oldMode === MISSING ? pick(modes.slice(0, 4)) : pick(modes);
        const side = (mode: string) => (mode === MISSING ? NULL_OID : mode === '160000' ? createHash('sha1').update(String(rnd())).digest('hex') : pick(ids));
        changes.push(change(oldMode, newMode, side(oldMode), side(newMode), path));
      }
      expect(fingerprintFromChanges(changes, digests).fingerprint).toBe(referenceFingerprint(changes, blobs));
    }
  });

  it('fails loudly when a blob digest is missing instead of hashing a wrong record', () => {
    expect(() => fingerprintFromChanges([added('ab'.repeat(20), 'f')], new Map())).toThrow(/no digest for blob/);
  });
});

describe('sideDigest', () => {
  const blobId = gitBlobId(Buffer.from('content\n'));
  const digests = new Map([[blobId, sha256('content\n')]]);
  const submodule = 'f'.repeat(40);
  const submodule256 = 'c'.repeat(64);

  it.each([
    ['a missing side', '000000', NULL_OID, ZEROS],
    ['a regular file', '100644', blobId, sha256('content\n')],
    ['an executable file', '100755', blobId, sha256('content\n')],
    ['a symlink (its target text)', '120000', blobId, sha256('content\n')],
    ['a submodule (its commit id in ASCII hex)', '160000', submodule, sha256(submodule)],
    ['a submodule in a SHA-256 repository', '160000', submodule256, sha256(submodule256)],
  ])('%s', (_name, mode, oid, expected) => {
    expect(sideDigest(mode, oid, digests)).toBe(expected);
  });

  it('ZERO_DIGEST is 64 zeros', () => {
    expect(ZERO_DIGEST).toBe(ZEROS);
  });

  it('a submodule digest is not the digest of the binary id', () => {
    expect(sideDigest('160000', submodule, digests)).not.toBe(sha256(Buffer.from(submodule, 'hex')));
  });

  it('throws for a blob without a digest', () => {
    expect(() => sideDigest('100644', 'ab'.repeat(20), digests)).toThrow(`no digest for blob ${'ab'.repeat(20)}`);
  });
});

describe('blobsToHash', () => {
  it('lists each blob once, both sides, and skips missing sides and submodules', () => {
    const [a, b, c, d] = ['1', '2', '3', '4'].map((n) => n.repeat(40)) as [string, string, string, string];
    const sub = 'e'.repeat(40);
    const oids = blobsToHash([
      change('100644', '100644', a, b, 'modified'),
      change('100644', '100755', c, c, 'chmod'),
      change(MISSING, '100644', NULL_OID, b, 'copy-of-b'),
      change('100644', MISSING, d, NULL_OID, 'deleted'),
      change(MISSING, '160000', NULL_OID, sub, 'submodule'),
      change('160000', '100644', sub, a, 'submodule-to-file'),
      change(MISSING, '120000', NULL_OID, d, 'symlink'),
    ]);
    expect([...oids].sort()).toEqual([a, b, c, d]);
    expect(oids).not.toContain(NULL_OID);
    expect(oids).not.toContain(sub);
  });

  it('is empty for an empty change and for submodule-only changes', () => {
    expect(blobsToHash([])).toEqual([]);
    expect(blobsToHash([change('160000', '160000', 'a'.repeat(40), 'b'.repeat(40), 'mod')])).toEqual([]);
  });
});

describe('globToRegExp', () => {
  it.each([
    // pattern, path, matches
    ['*.log', 'debug.log', true],
    ['*.log', 'logs/debug.log', false],
    ['*.log', 'debug.log.txt', false],
    ['*.log', 'odd.log/inside', true], // a folder named by the pattern covers what is below it
    ['*.txt', 'a\nb.txt', true],
    ['docs/**', 'docs/a.md', true],
    ['docs/**', 'docs/deep/er/a.md', true],
    ['docs/**', 'docsx/a.md', false],
    ['docs/**', 'src/docs/a.md', false],
    ['docs/**', 'docs/new\nline.md', true],
    ['**/*.snap', 'a.snap', true],
    ['**/*.snap', 'x/y/a.snap', true],
    ['**/*.snap', 'x/y/a.snapx', false],
    ['src/**/gen.ts', 'src/gen.ts', true],
    ['src/**/gen.ts', 'src/a/b/gen.ts', true],
    ['src/**/gen.ts', 'srcx/gen.ts', false],
    ['src/**/gen.ts', 'src/a/xgen.ts', false],
    ['vendor', 'vendor', true],
    ['vendor', 'vendor/lib/x.js', true],
    ['vendor', 'vendored', false],
    ['vendor', 'a/vendor', false],
    ['gen/*.js', 'gen/a.js', true],
    ['gen/*.js', 'gen/sub/a.js', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file10.txt', false],
    ['file?.txt', 'file/.txt', false],
    ['a.b', 'a.b', true],
    ['a.b', 'aXb', false],
    ['a+(b)|c$', 'a+(b)|c$', true],
    ['a+(b)|c$', 'aa(b)', false],
    ['[ab].txt', '[ab].txt', true],
    ['[ab].txt', 'a.txt', false],
    ['^x{2}', '^x{2}', true],
    ['^x{2}', 'xx', false],
    ['back\\slash', 'back\\slash', true],
  ])('%j against %j → %s', (pattern, path, matches) => {
    expect(globToRegExp(pattern).test(path)).toBe(matches);
  });
});

describe('makeExcluder', () => {
  it.each([
    ['.claude/task-state.json', true],
    ['.claude/workflow-audit.log', true],
    ['.claude/subtasks/T-1/plan.md', false],
    // Only the plan: anything else placed there can be imported or run.
    ['.claude/subtasks/T-1/deep/evidence.json', false],
    ['.claude/subtasks/T-1/helper.js', false],
    ['.claude/subtasks/T-1/deep/plan.md', false],
    ['.claude/subtasks/-x/plan.md', false],
    ['.claude/subtasks/x', false],
    // Not the state: near misses and the config file (loosening a gate is a change to review).
    ['.claude/wf.config.json', false],
    ['.claude/subtasks', false],
    ['.claude/subtasksX/a', false],
    ['.claude/task-state.json.bak', false],
    ['.claude/task-state.jsonx', false],
    ['nested/.claude/task-state.json', false],
    ['nested/.claude/subtasks/a', false],
    ['.Claude/task-state.json', false],
    ['.claude/settings.json', false],
    ['src/app.ts', false],
  ])('built-in excludes: %j → %s', (path, excluded) => {
    expect(makeExcluder()(path)).toBe(excluded);
    expect(makeExcluder([])(path)).toBe(excluded);
  });

  it('adds the config globs to the built-in excludes', () => {
    const excluded = makeExcluder(['docs/**', '*.lock']);
    expect(excluded('docs/guide.md')).toBe(true);
    expect(excluded('package.lock')).toBe(true);
    expect(excluded('.claude/task-state.json')).toBe(true);
    expect(excluded('src/docs/guide.md')).toBe(false);
    expect(excluded('sub/package.lock')).toBe(false);
    expect(excluded('.claude/wf.config.json')).toBe(false);
  });
});

describe('filterChanges', () => {
  const paths = [
    '.claude/task-state.json',
    '.claude/workflow-audit.log',
    '.claude/subtasks/T-1/plan.md',
    '.claude/wf.config.json',
    'docs/a.md',
    'src/b.ts',
    'gen/out.js',
  ];
  const changes = paths.map((p, i) => ({ ...added(String(i).repeat(40), p), status: 'A', extra: i }));

  it('drops the state files and keeps everything else in order', () => {
    const kept = filterChanges(changes);
    expect(kept.map((c) => c.path.toString())).toEqual(['.claude/subtasks/T-1/plan.md', '.claude/wf.config.json', 'docs/a.md', 'src/b.ts', 'gen/out.js']);
    // The same objects come back (callers keep their extra fields).
    expect(kept[0]).toBe(changes[2]);
    expect(kept[0]!.extra).toBe(2);
  });

  it('also drops the config globs', () => {
    const kept = filterChanges(changes, ['docs/**', 'gen/*.js']);
    expect(kept.map((c) => c.path.toString())).toEqual(['.claude/subtasks/T-1/plan.md', '.claude/wf.config.json', 'src/b.ts']);
  });

  it('an exclude changes the fingerprint exactly as if the path had not changed', () => {
    const { ids, blobs, digests } = blobStore(['keep\n', 'drop\n']);
    const keep = added(ids[0]!, 'src/keep.ts');
    const drop = added(ids[1]!, 'docs/drop.md');
    const withExclude = fingerprintFromChanges(filterChanges([keep, drop], ['docs/**']), digests).fingerprint;
    expect(withExclude).toBe(referenceFingerprint([keep], blobs));
    expect(withExclude).not.toBe(referenceFingerprint([keep, drop], blobs));
  });

  it('a change to state files only is the empty fingerprint', () => {
    const { ids, digests } = blobStore(['{}\n']);
    const stateOnly = [added(ids[0]!, '.claude/task-state.json'), added(ids[0]!, '.claude/workflow-audit.log')];
    expect(fingerprintFromChanges(filterChanges(stateOnly), digests).fingerprint).toBe(EMPTY_SHA256);
  });
});
