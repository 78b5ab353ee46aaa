import { delimiter } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeReviewerCli, reviewerFixture } from '../helpers/fake-reviewer.js';
import { makeRepo, REAL_PLAN, type TestRepo } from '../helpers/repo.js';
import { expectCode, patchConfig } from '../helpers/workflow.js';
import { REVIEWER_PRESETS, reviewersFromPresets } from '../../src/review/presets.js';

const repos: TestRepo[] = [];
const track = (r: TestRepo) => (repos.push(r), r);
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

const fixture = reviewerFixture;
const fakeCli = (repo: TestRepo, name: string, output: string) => fakeReviewerCli(repo.dir, name, output);

const CASES = [
  { name: 'claude', output: 'claude/approved.json', id: '5f0c2a3e-8b1d-4c7a-9e26-1d4b7f3a9c58', resume: ['--resume', '5f0c2a3e-8b1d-4c7a-9e26-1d4b7f3a9c58'] },
  { name: 'codex', output: 'codex/approved.jsonl', id: '0199a213-81c0-7800-8aa1-bbab2a035a53', resume: ['resume', '0199a213-81c0-7800-8aa1-bbab2a035a53', '-'] },
  { name: 'gemini', output: 'gemini/approved.json', id: 'a1b2c3d4-e5f6-4890-abcd-ef1234567890', resume: ['--resume', 'a1b2c3d4-e5f6-4890-abcd-ef1234567890'] },
] as const;

describe('wf init --reviewer writes a preset that wf review run drives to a commit', () => {
  it.each(CASES)('$name: plan review recorded with its session id, code review resumed with resumeArgs, Review-Id in the commit', ({ name, output, id, resume }) => {
    const repo = track(makeRepo());
    repo.write('test.mjs', "console.log('ok');\n");
    const init = repo.wf(['init', '--yes', '--reviewer', name]);
    expectCode(init, 0);
    expect(init.stdout).toContain(`reviewers: ${name}`);
    const written = JSON.parse(repo.read('.claude/wf.config.json'));
    expect(written.reviewers).toEqual(reviewersFromPresets([name]));
    patchConfig(repo, (c) => {
      c.test.command = ['node', 'test.mjs'];
    });
    const cli = fakeCli(repo, name, fixture(output));
    const env = { PATH: `${cli.bin}${delimiter}${process.env.PATH}` };

    expectCode(repo.wf(['task', 'start', 'T-1', '--title', 'Preset reviewer']), 0);
    repo.wf(['plan']);
    repo.write('.claude/subtasks/T-1/plan.md', REAL_PLAN);
    expectCode(repo.wf(['plan']), 0);
    const planReview = repo.wf(['review', 'run'], { env });
    expectCode(planReview, 0);
    expect(planReview.stdout).toContain(`${name}: APPROVED, recorded as ${name}:${id}`);

    repo.write('src/app.txt', 'hello from the change\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    const codeReview = repo.wf(['review', 'run', '--resume'], { env });
    expectCode(codeReview, 0);
    expect(codeReview.stdout).toContain(`(resumed ${id})`);

    const calls = cli.calls();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ argv: REVIEWER_PRESETS[name].reviewer.command.slice(1), packet: true });
    expect(calls[1]).toEqual({ argv: [...REVIEWER_PRESETS[name].reviewer.command.slice(1), ...resume], packet: true });

    const reviews = JSON.parse(repo.read('.claude/task-state.json')).tasks['T-1'].reviews as Array<Record<string, string>>;
    expect(reviews.map((r) => [r.step, r.reviewer, r.status, r.continuationId, r.via])).toEqual([
      ['plan-review', name, 'approved', id, 'run'],
      ['review', name, 'approved', id, 'run'],
    ]);
    expectCode(repo.wf(['commit', '-m', `Reviewed by ${name}`]), 0);
    expect(repo.gitOk(['log', '-1', '--format=%(trailers:key=Review-Id,valueonly)'])).toBe(`${name}:${id}`);
  });

  it('a preset added to an existing config keeps everything else, and a second run changes nothing', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes', '--no-hooks']), 0);
    patchConfig(repo, (c) => {
      c.mode = 'warn';
    });
    const added = repo.wf(['init', '--yes', '--no-hooks', '--reviewer', 'codex', '--reviewer', 'gemini']);
    expectCode(added, 0);
    expect(added.stdout).toContain('updated   .claude/wf.config.json');
    const config = JSON.parse(repo.read('.claude/wf.config.json'));
    expect(config.mode).toBe('warn');
    expect(Object.keys(config.reviewers)).toEqual(['codex', 'gemini']);
    const again = repo.wf(['init', '--yes', '--no-hooks', '--reviewer', 'codex']);
    expectCode(again, 0);
    expect(again.stdout).toContain('nothing to change');
    // The edited file still loads under the full schema.
    expectCode(repo.wf(['task', 'start', 'T-1', '--title', 'After adding reviewers']), 0);
  });

  it('an unknown preset is a usage error that lists the presets', () => {
    const repo = track(makeRepo());
    const r = repo.wf(['init', '--yes', '--no-hooks', '--reviewer', 'copilot']);
    expectCode(r, 2);
    expect(`${r.stdout}${r.stderr}`).toMatch(/claude, codex, gemini/);
  });

  it('with no reviewers configured, wf review run names wf init --reviewer', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes', '--no-hooks']), 0);
    const r = repo.wf(['review', 'run']);
    expectCode(r, 2);
    expect(r.stderr).toContain('wf init --reviewer claude|codex|gemini');
    expect(r.stderr).not.toContain('"gemini", "-p"');
  });
});

describe('wf init warns about npm\'s placeholder test script', () => {
  const PLACEHOLDER = 'echo "Error: no test specified" && exit 1';

  it('names the script and what to do when test.command would run it', () => {
    const repo = track(makeRepo());
    repo.write('package.json', `${JSON.stringify({ name: 'app', scripts: { test: PLACEHOLDER } }, null, 2)}\n`);
    const r = repo.wf(['init', '--yes', '--no-hooks']);
    expectCode(r, 0);
    expect(r.stdout).toContain(`warning: test.command "npm test" runs package.json's placeholder test script (${PLACEHOLDER})`);
    expect(r.stdout).toContain("put your real test command in package.json's scripts.test");
    const json = JSON.parse(repo.wf(['init', '--yes', '--no-hooks', '--json']).stdout);
    expect(json.warnings).toHaveLength(1);
  });

  it('says nothing for a real test script, or when test.command does not run npm test', () => {
    const real = track(makeRepo());
    real.write('package.json', `${JSON.stringify({ name: 'app', scripts: { test: 'vitest run' } })}\n`);
    const r = real.wf(['init', '--yes', '--no-hooks']);
    expectCode(r, 0);
    expect(r.stdout).not.toContain('warning:');

    const other = track(makeRepo());
    other.write('package.json', `${JSON.stringify({ name: 'app', scripts: { test: PLACEHOLDER } })}\n`);
    expectCode(other.wf(['init', '--yes', '--no-hooks']), 0);
    patchConfig(other, (c) => {
      c.test.command = 'node --test';
    });
    const again = other.wf(['init', '--yes', '--no-hooks']);
    expectCode(again, 0);
    expect(again.stdout).not.toContain('warning:');
  });
});
