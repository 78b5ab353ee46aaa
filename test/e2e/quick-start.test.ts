import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_TIMEOUT, makeConsumer, type ConsumerProject } from '../helpers/consumer.js';
import { fakeReviewerCli, reviewerFixture } from '../helpers/fake-reviewer.js';
import { REAL_PLAN } from '../helpers/repo.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The shell block under the README's quick-start heading, line by line. */
function quickStartLines(): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('## Quick start in your repository');
  const open = text.indexOf('```sh\n', start);
  const close = text.indexOf('\n```', open + 6);
  expect(start >= 0 && open > start && close > open, 'the README has a quick-start shell block').toBe(true);
  return text.slice(open + 6, close).split('\n').filter((l) => l.trim() !== '');
}

// The README's quick start, pasted line by line into a fresh project, as a new user would. The only
// stand-ins: the package comes from the packed tarball, the reviewer is a recorded Claude Code run,
// $EDITOR writes a real plan, and "write code" writes a file.
describe('the README quick start, pasted line by line', () => {
  let project: ConsumerProject;
  beforeAll(() => {
    project = makeConsumer();
  }, CONSUMER_TIMEOUT);
  afterAll(() => project?.cleanup());

  it(
    'ends in a commit that carries Review-Hash and Review-Id trailers',
    () => {
      const reviewer = fakeReviewerCli(project.dir, 'claude', reviewerFixture('claude/approved.json'));
      const editor = join(dirname(project.dir), 'editor');
      writeFileSync(editor, `#!/bin/sh\ncat > "$1" <<'PLAN'\n${REAL_PLAN}\nPLAN\n`);
      chmodSync(editor, 0o755);
      // No node_modules/.bin on PATH: `wf` alone is "command not found" there, as in a new user's shell.
      const env = { ...project.env, PATH: `${reviewer.bin}${delimiter}${process.env.PATH}`, EDITOR: editor };
      const lines = quickStartLines();
      expect(lines.some((l) => /^npx wf commit\b/.test(l))).toBe(true);
      for (const line of lines) {
        if (line.startsWith('#')) {
          expect(line).toMatch(/write code/);
          project.write('src/limit.js', 'export const limit = (n) => Math.min(n, 10);\n');
          continue;
        }
        const command = line.replace(/^npm install --save-dev wf-gate(?=\s|$)/, `npm install --save-dev ${project.tarball}`);
        const r = spawnSync('/bin/sh', ['-c', command], { cwd: project.packageDir, env, encoding: 'utf8' });
        expect(r.status, `${line}\n${r.stdout}${r.stderr}`).toBe(0);
      }
      const trailers = project.gitOk(['log', '-1', '--format=%(trailers)']);
      expect(trailers).toMatch(/^Review-Hash: [0-9a-f]{64}$/m);
      expect(trailers).toContain('Review-Id: claude:5f0c2a3e-8b1d-4c7a-9e26-1d4b7f3a9c58');
      expect(reviewer.calls()).toHaveLength(2);
    },
    CONSUMER_TIMEOUT,
  );
});
