import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CatFileBatch, listStagedChanges, openRepo } from '../../src/git/index.js';
import { changeDiff, isBinary } from '../../src/review/diff.js';
import { secretsInDiff } from '../../src/review/secrets.js';
import { makeRepo } from '../helpers/repo.js';

describe('changeDiff: the diff a reviewer reads, from git objects', () => {
  it('shows every line of text files whatever the attributes say, binaries with size and hash, links and modes', async () => {
    const repo = makeRepo();
    try {
      repo.write('old.txt', 'one\ntwo\nthree\n');
      repo.write('gone.txt', 'bye\n');
      repo.gitOk(['add', '-A']);
      repo.gitOk(['commit', '-q', '--no-verify', '-m', 'base']);
      repo.write('.gitattributes', '*.txt -diff\n*.js diff=evil\n');
      repo.gitOk(['config', 'diff.evil.textconv', 'sh -c "echo hidden"']);
      repo.write('old.txt', 'one\n2\nthree\n');
      repo.write('new.js', 'steal()\n');
      repo.write('pic.bin', Buffer.from([1, 0, 2]));
      repo.write('nul.js', Buffer.from('/*\0*/ console.log("sneaky");\n'));
      repo.write('latin.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
      spawnSync('ln', ['-s', 'old.txt', 'link'], { cwd: repo.dir });
      repo.gitOk(['rm', '-q', 'gone.txt']);
      repo.gitOk(['add', '-A']);
      const r = await openRepo(repo.dir, repo.env);
      const batch = new CatFileBatch(r.root, r.env);
      try {
        const diff = await changeDiff(batch, await listStagedChanges(r, r.headAtOpen));
        expect(diff).toContain('diff --wf a/old.txt b/old.txt\n--- a/old.txt\n+++ b/old.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three');
        expect(diff).toContain('+++ b/new.js\n@@ -0,0 +1,1 @@\n+steal()');
        expect(diff).not.toContain('hidden');
        expect(diff).not.toContain('Binary files');
        expect(diff).toMatch(/diff --wf a\/pic\.bin b\/pic\.bin\nnew file mode 100644\nafter: binary, 3 bytes, sha256 [0-9a-f]{64}/);
        // A NUL makes a file binary to git, yet it runs: its bytes are shown, control bytes escaped.
        expect(diff).toContain('+/*\\x00*/ console.log("sneaky");');
        expect(diff).toContain('after: not UTF-8: shown as Latin-1');
        expect(diff).toContain('+café');
        expect(diff).toContain('diff --wf a/link b/link\nnew file mode 120000\nafter: symbolic link to "old.txt"');
        expect(diff).toContain('diff --wf a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-bye');
      } finally {
        await batch.close();
      }
    } finally {
      repo.cleanup();
    }
  });

  it('isBinary is git’s test: a NUL in the first 8,000 bytes', () => {
    expect(isBinary(Buffer.from('text\n'))).toBe(false);
    expect(isBinary(Buffer.from([65, 0, 66]))).toBe(true);
    expect(isBinary(Buffer.concat([Buffer.alloc(8000, 65), Buffer.from([0])]))).toBe(false);
  });
});

describe('secretsInDiff', () => {
  const diff = [
    'diff --wf a/src/a.js b/src/a.js',
    '--- a/src/a.js',
    '+++ b/src/a.js',
    '@@ -1,2 +10,3 @@',
    ' context',
    '+const k = "-----BEGIN PRIVATE KEY-----"; run();',
    '-const old = "ghp_' + 'a'.repeat(36) + '";',
    '+fine()',
    'diff --wf a/test/fixture.txt b/test/fixture.txt',
    '@@ -0,0 +1,1 @@',
    '+token = ghp_' + 'b'.repeat(36),
  ].join('\n');

  it('finds secret-shaped added lines with their new line number; removed lines do not count', () => {
    expect(secretsInDiff(diff, []).map((s) => `${s.path}:${s.line}:${s.kinds.join(',')}`)).toEqual(['src/a.js:11:private-key', 'test/fixture.txt:1:github-token']);
  });

  it('honours path globs and sha256 digests from secrets.allow', () => {
    const [first] = secretsInDiff(diff, []);
    expect(secretsInDiff(diff, ['test/**']).map((s) => s.path)).toEqual(['src/a.js']);
    expect(secretsInDiff(diff, [first!.digest]).map((s) => s.path)).toEqual(['test/fixture.txt']);
  });
});
