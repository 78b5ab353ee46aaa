import { describe, expect, it } from 'vitest';
import { parseReviewTrailers, trailerLines } from '../../src/commit/trailers.js';

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
    });
  });

  it('writes one Review-Id per approval', () => {
    expect(trailerLines('f'.repeat(64), [{ reviewer: 'a', continuationId: 'x1' }, { reviewer: 'b', continuationId: 'y2' }])).toEqual([
      `Review-Hash: ${'f'.repeat(64)}`,
      'Review-Id: a:x1',
      'Review-Id: b:y2',
    ]);
  });
});
