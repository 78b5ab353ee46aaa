import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plural } from '../../src/text/index.js';

describe('plural', () => {
  it('counts a noun the way a person writes it', () => {
    expect(plural(0, 'commit')).toBe('0 commits');
    expect(plural(1, 'commit')).toBe('1 commit');
    expect(plural(2, 'commit')).toBe('2 commits');
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });
});

describe('messages count things in words', () => {
  it('no message in src/ hedges a plural as "commit(s)"', () => {
    const root = fileURLToPath(new URL('../../src/', import.meta.url));
    const offenders: string[] = [];
    // text/index.ts names the hedge it replaces.
    const elsewhere = new Set(['text/index.ts']);
    for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !elsewhere.has(f))) {
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // A hedge is followed by more words or ends the string; a call such as has(s) is followed by code. http(s) names a scheme.
          if (/[a-z]\(s\)(?= [a-z(]|[`'",:])/.test(line.replace(/http\(s\)/g, ''))) offenders.push(`src/${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
