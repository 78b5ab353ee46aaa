import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseReviewTrailers, readTrailers, splitMessage, trailerLines, withTrailers } from '../../src/commit/trailers.js';

/** What git itself reads as trailers, with no user configuration: the reference wf's reader must agree with. */
function gitTrailers(message: string): string[] {
  const out = execFileSync('git', ['-c', 'trailer.separators=:', 'interpret-trailers', '--parse', '--no-divider'], {
    input: message,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  return out.split('\n').filter(Boolean);
}
const ours = (message: string) => readTrailers(splitMessage(message, { comments: false }).content).trailers.map((t) => `${t.key}: ${t.value}`);
const HASH = `Review-Hash: ${'a'.repeat(64)}`;

describe('review trailers', () => {
  it('parses Review-Hash and Review-Id, ignoring comments and what is below the scissors', () => {
    const message = [
      'Subject',
      '',
      'Body text',
      '',
      `Review-Hash: ${'a'.repeat(64)}`,
      'Review-Id: alice:ses_123456789',
      'Signed-off-by: A <a@example.invalid>',
      '# Review-Hash: commented-out',
      '# ------------------------ >8 ------------------------',
      'Review-Hash: below-the-scissors',
    ].join('\n');
    expect(parseReviewTrailers(message)).toEqual({
      hashes: ['a'.repeat(64)],
      ids: [{ reviewer: 'alice', continuationId: 'ses_123456789', raw: 'alice:ses_123456789' }],
      strays: [],
    });
  });

  it('writes one Review-Id per approval', () => {
    expect(trailerLines('f'.repeat(64), [{ reviewer: 'a', continuationId: 'x1' }, { reviewer: 'b', continuationId: 'y2' }])).toEqual([
      `Review-Hash: ${'f'.repeat(64)}`,
      'Review-Id: a:x1',
      'Review-Id: b:y2',
    ]);
  });

  const corpus: Array<[string, string]> = [
    ['subject only', 'Subject'],
    ['subject and trailers', `Subject\n\n${HASH}`],
    ['a body, then trailers', `Subject\n\nBody.\n\n${HASH}\nReview-Id: a:x`],
    ['a --- line in the body', `Subject\n\nBody\n---\nmore\n\n${HASH}`],
    ['a spaced separator', `Subject\n\nReview-Hash : ${'b'.repeat(64)}`],
    ['a continuation line', `Subject\n\nNote: one\n  two\n${HASH}`],
    ['prose in the last paragraph', `Subject\n\nSee this: it matters\nand this line is prose\n${HASH}`],
    ['a Signed-off-by among prose', `Subject\n\nprose one\nSigned-off-by: A <a@x>\n${HASH}`],
    ['mostly prose with a Signed-off-by', `Subject\n\np1\np2\np3\np4\nSigned-off-by: A <a@x>`],
    ['the hash in the body only', `Subject\n\n${HASH}\n\nA closing paragraph.`],
    ['a URL line', `Subject\n\nhttps://example.com/x`],
    ['trailing blank lines', `Subject\n\n${HASH}\n\n\n`],
  ];
  it.each(corpus)('reads trailers as git does: %s', (_name, message) => {
    expect(ours(message)).toEqual(gitTrailers(message));
  });

  it.each(corpus.filter(([, m]) => m.includes('\n') || m.length > 0))('what wf writes, git reads: %s', (_name, message) => {
    const lines = [`Review-Hash: ${'c'.repeat(64)}`, 'Review-Id: rev:01J9ZK3V6QW8E2'];
    const written = withTrailers(message, lines, { comments: false })!;
    expect(gitTrailers(written)).toEqual(expect.arrayContaining(lines));
    // And nothing of the message is lost or moved.
    expect(written.startsWith(message.trimEnd())).toBe(true);
  });

  it('a scissors-shaped line with a character git never picks is text: trailers after it still count', () => {
    const message = `Subject\n\nX ------------------------ >8 ------------------------\n\n${HASH}\nReview-Id: evil:unapproved`;
    expect(parseReviewTrailers(message).ids.map((i) => i.raw)).toEqual(['evil:unapproved']);
  });

  it('a Review-Hash above the last paragraph is a stray, not a trailer', () => {
    expect(parseReviewTrailers(`Subject\n\n${HASH}\n\nA closing paragraph.`)).toMatchObject({ hashes: [], strays: [HASH] });
  });

  it('an empty message gets no trailers (they would be its subject)', () => {
    expect(withTrailers('', [HASH])).toBeNull();
    expect(withTrailers('# Please enter the commit message\n#\n', [HASH])).toBeNull();
  });

  it('git\'s comment block and the scissors part of commit -v stay below; the comment character may be auto-picked', () => {
    const message = 'Subject\n\n; Please enter the commit message\n;\n; ------------------------ >8 ------------------------\n; Do not modify\ndiff --git a/x b/x\n';
    const written = withTrailers(message, [HASH])!;
    expect(written).toBe(`Subject\n\n${HASH}\n\n; Please enter the commit message\n;\n; ------------------------ >8 ------------------------\n; Do not modify\ndiff --git a/x b/x\n`);
    expect(splitMessage(written).commentChar).toBe(';');
    expect(parseReviewTrailers(written).hashes).toEqual(['a'.repeat(64)]);
  });

  it('a last line led by $, @ or ! is text unless core.commentChar=auto would have picked that character', () => {
    for (const last of ['$ npm test', '@ alice', '! breaking', '; not a comment']) {
      const message = `Subject\n\nBody\n${last}\n`;
      expect(splitMessage(message).commentChar).toBeNull();
      expect(withTrailers(message, [HASH])).toBe(`Subject\n\nBody\n${last}\n\n${HASH}\n`);
    }
    // auto picks the first of #;@!$… that starts no line, so '$' only once #, ;, @ and ! all lead lines.
    const picked = '#1\n;2\n@3\n!4\n\n$ Please enter the commit message\n$\n';
    expect(splitMessage(picked).commentChar).toBe('$');
    expect(withTrailers(picked, [HASH])).toBe(`#1\n;2\n@3\n!4\n\n${HASH}\n\n$ Please enter the commit message\n$\n`);
    // The default '#' block is git's whatever else the message holds.
    expect(splitMessage('Subject\n\n# Please enter the commit message\n').commentChar).toBe('#');
  });
});
