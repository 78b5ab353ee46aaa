import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type StandInOptions } from '../helpers/github-stand-in.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { expectCode, patchConfig } from '../helpers/workflow.js';

/**
 * `wf fix`: the closed loop on pull requests. Real webhook payloads from
 * @octokit/webhooks-examples (the fields an example lacks, such as a pull
 * request on an issue comment, are set on a copy), a GitHub stand-in checked
 * against GitHub's OpenAPI description, a bare repository as origin, a
 * clone of it as the CI checkout, the built CLI, and scripted fixers and
 * reviewers that live outside both repositories, as CI requires.
 */

const require = createRequire(import.meta.url);
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: Array<Record<string, any>> }>;
const example = (name: string, action: string): Record<string, any> => {
  const found = EXAMPLES.find((e) => e.name === name)!.examples.find((x) => x.action === action);
  if (!found) throw new Error(`no ${name}.${action} example`);
  return structuredClone(found);
};

const TOKEN = 'ghs_' + 'S'.repeat(36);
const OWNER = 'octo-org';
const REPO = 'octo-repo';
const dirs: string[] = [];
const made: TestRepo[] = [];
const stands: GitHubStandIn[] = [];
afterAll(async () => {
  made.forEach((r) => r.cleanup());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  await Promise.all(stands.map((s) => s.close()));
});
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

const FIXER = String.raw`
import { appendFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
const [modeFile, log] = process.argv.slice(2);
const packet = readFileSync(0, 'utf8');
const runs = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
appendFileSync(log, JSON.stringify({ packet, env: Object.keys(process.env).sort(), parentEnv: (() => { try { return readFileSync('/proc/' + process.ppid + '/environ', 'latin1').includes('ghs_'); } catch { return null; } })() }) + '\n');
const mode = readFileSync(modeFile, 'utf8').trim();
const app = () => readFileSync('src/app.txt', 'utf8');
const fix = () => writeFileSync('src/app.txt', app().replace('hello', 'howdy'));
switch (mode) {
  case 'fix': fix(); break;
  case 'break': writeFileSync('src/app.txt', 'FAIL\n'); break;
  case 'break-once': if (runs === 0) writeFileSync('src/app.txt', 'FAIL\n'); else fix(); break;
  case 'huge': writeFileSync('src/big.txt', Array.from({ length: 2000 }, (_, i) => 'line ' + i).join('\n') + '\n'); break;
  case 'token': console.log('debug: authenticating with ghp_' + 'T'.repeat(36)); console.error('ghp_' + 'E'.repeat(36)); fix(); break;
  case 'secret': fix(); writeFileSync('src/key.txt', 'const token = "ghp_' + 'K'.repeat(36) + '";\n'); break;
  case 'hang': setInterval(() => {}, 1000); await new Promise(() => {}); break;
  case 'nothing': break;
  case 'forge': fix(); appendFileSync('.claude/workflow-audit.log', ''); writeFileSync('.claude/task-state.json', readFileSync('.claude/task-state.json', 'utf8').replace('"tests":[]', '"tests":[]   ')); break;
  case 'config': { const c = JSON.parse(readFileSync('.claude/wf.config.json', 'utf8')); c.mode = 'warn'; writeFileSync('.claude/wf.config.json', JSON.stringify(c)); fix(); break; }
  case 'scripts': writeFileSync('package.json', JSON.stringify({ name: 'x', scripts: { test: 'exit 0' } })); break;
  case 'commit': fix(); execFileSync('git', ['-c', 'user.name=Fixer', '-c', 'user.email=fixer@example.invalid', 'commit', '-qam', 'fixer commit']); break;
}
console.log(JSON.stringify({ result: 'done', total_cost_usd: 0.25 }));
`;

const REVIEWER = String.raw`
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const [revise, log] = process.argv.slice(2);
const packet = readFileSync(0, 'utf8');
appendFileSync(log, packet.length + '\n');
const verdict = existsSync(revise) && /^\+howdy/m.test(packet) ? 'NEEDS_REVISION' : 'APPROVED';
console.log(JSON.stringify({ session_id: randomUUID(), response: (verdict === 'APPROVED' ? 'fine' : 'src/app.txt: say hi, not howdy') + '\nVERDICT: ' + verdict }));
`;

interface World {
  origin: string;
  dev: TestRepo;
  ci: TestRepo;
  stand: GitHubStandIn;
  baseSha: string;
  headSha: string;
  modeFile: string;
  fixerLog: string;
  reviewerLog: string;
  reviseFile: string;
  gitLog: string;
  eventDir: string;
  key: string | null;
  fix(event: Record<string, any>, options?: { name?: string; args?: string[]; env?: NodeJS.ProcessEnv; token?: 'file' | 'env' | 'none' }): Promise<{ code: number; stdout: string; stderr: string; report: any }>;
  fixerRuns(): Array<{ packet: string; env: string[]; parentEnv: boolean | null }>;
  originSha(ref: string): string | null;
}

interface WorldOptions {
  mode?: 'suggest' | 'push';
  fixerMode?: string;
  maxAttempts?: number;
  maxPerHour?: number;
  maxCostUsd?: number;
  fixerTimeout?: number;
  attest?: boolean;
  stand?: Partial<StandInOptions>;
  pull?: { draft?: boolean; forkOf?: string };
}

async function world(options: WorldOptions = {}): Promise<World> {
  const tools = tempDir('wf-fix-tools-');
  const fixerPath = join(tools, 'fixer.mjs');
  const reviewerPath = join(tools, 'reviewer.mjs');
  writeFileSync(fixerPath, FIXER);
  writeFileSync(reviewerPath, REVIEWER);
  const modeFile = join(tools, 'mode');
  writeFileSync(modeFile, `${options.fixerMode ?? 'fix'}\n`);
  const fixerLog = join(tools, 'fixer.log');
  const reviewerLog = join(tools, 'reviewer.log');
  const reviseFile = join(tools, 'revise');
  const gitLog = join(tools, 'git.log');
  // A git in front of the real one that writes down each command line as the kernel has it.
  const bin = join(tools, 'bin');
  mkdirSync(bin);
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, 'git'), `#!/bin/sh\n{ tr '\\000' ' ' < /proc/$$/cmdline; echo; } >> "${gitLog}"\nexec ${realGit} "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);

  const origin = join(tempDir('wf-fix-origin-'), 'origin.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);

  const dev = makeRepo();
  made.push(dev);
  dev.write('test.mjs', "import { readFileSync } from 'node:fs';\nif (readFileSync('src/app.txt', 'utf8').includes('FAIL')) { console.error('app.txt says FAIL'); process.exit(1); }\nconsole.log('ok');\n");
  dev.write('src/app.txt', 'hello\n');
  expectCode(dev.wf(['init', '--yes', '--no-hooks']), 0);
  let key: string | null = null;
  if (options.attest) {
    const out = join(tempDir('wf-fix-key-'), 'k');
    expectCode(dev.wf(['attest', 'keygen', '--out', out]), 0);
    key = readFileSync(join(out, 'wf-attestation-key'), 'utf8');
  }
  patchConfig(dev, (c) => {
    c.test.command = ['node', 'test.mjs'];
    c.review.allowManual = false;
    c.reviewers = { rev: { command: [process.execPath, reviewerPath, reviseFile, reviewerLog], continuationId: { jsonPath: 'session_id' }, verdict: { jsonPath: 'response', regex: '^VERDICT: (\\w+)$' } } };
    c.fixers = { scripted: { command: [process.execPath, fixerPath, modeFile, fixerLog], timeoutSeconds: options.fixerTimeout ?? 60, cost: { jsonPath: 'total_cost_usd' } } };
    c.fix = {
      mode: options.mode ?? 'suggest',
      maxAttempts: options.maxAttempts ?? 3,
      ...(options.maxPerHour ? { maxPerHour: options.maxPerHour } : {}),
      ...(options.maxCostUsd ? { maxCostUsd: options.maxCostUsd } : {}),
      bot: { name: 'wf-fix[bot]', email: 'wf-fix@example.invalid' },
    };
    if (options.attest) c.attestation = { required: true, trailers: 'optional' };
  });
  dev.gitOk(['add', '-A']);
  dev.gitOk(['commit', '-q', '--no-verify', '-m', 'base']);
  const baseSha = dev.gitOk(['rev-parse', 'HEAD']);
  dev.gitOk(['remote', 'add', 'origin', origin]);
  dev.gitOk(['push', '-q', 'origin', 'main']);
  dev.gitOk(['checkout', '-q', '-b', 'topic-1']);
  dev.write('src/app.txt', 'hello\nworld\n');
  dev.gitOk(['commit', '-q', '--no-verify', '-am', 'Say hello to the world']);
  const headSha = dev.gitOk(['rev-parse', 'HEAD']);
  dev.gitOk(['push', '-q', 'origin', 'topic-1']);

  // The CI checkout: a fresh clone of the default branch, as actions/checkout makes it.
  const ci = makeRepo({ init: false });
  made.push(ci);
  ci.gitOk(['clone', '-q', origin, '.']);
  for (const [k, v] of [['user.name', 'CI'], ['user.email', 'ci@example.invalid'], ['commit.gpgsign', 'false'], ['maintenance.auto', 'false'], ['gc.auto', '0']]) ci.gitOk(['config', k!, v!]);

  const stand = await startGitHubStandIn({
    owner: OWNER,
    repo: REPO,
    token: TOKEN,
    pulls: [{ number: 1, headSha, baseSha, headRef: 'topic-1', baseRef: 'main', title: 'Say hello to the world', ...options.pull }],
    permissions: { octocat: 'write', reader: 'read', maintainer: 'maintain' },
    ...options.stand,
  });
  stands.push(stand);
  const eventDir = tempDir('wf-fix-events-');
  let n = 0;
  const tokenFile = () => {
    const path = join(eventDir, `token-${n}`);
    writeFileSync(path, TOKEN, { mode: 0o600 });
    return path;
  };
  const w: World = {
    origin,
    dev,
    ci,
    stand,
    baseSha,
    headSha,
    modeFile,
    fixerLog,
    reviewerLog,
    reviseFile,
    gitLog,
    eventDir,
    key,
    async fix(event, o = {}) {
      const path = join(eventDir, `event-${++n}.json`);
      writeFileSync(path, JSON.stringify(event));
      // Async: the stand-in answers from this process, so a synchronous spawn would deadlock.
      const r = await ci.wfAsync(['fix', '--event', path, '--json', ...(o.name ? ['--event-name', o.name] : []), ...(o.args ?? [])], {
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          GITHUB_ACTIONS: 'true',
          GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
          GITHUB_API_URL: stand.url,
          GITHUB_SERVER_URL: stand.url,
          // As the template hands it over: a file wf reads and deletes, so no child finds it in wf's environment.
          ...((o.token ?? 'file') === 'file' ? { WF_GITHUB_TOKEN_FILE: tokenFile() } : {}),
          ...(o.token === 'env' ? { GITHUB_TOKEN: TOKEN } : {}),
          ...o.env,
        },
      });
      let report: any = null;
      try {
        report = JSON.parse(r.stdout);
      } catch {
        report = null;
      }
      return { ...r, report };
    },
    fixerRuns: () => (existsSync(fixerLog) ? readFileSync(fixerLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []),
    originSha: (ref) => {
      try {
        return execFileSync('git', ['--git-dir', origin, 'rev-parse', '-q', '--verify', ref], { encoding: 'utf8' }).trim();
      } catch {
        return null;
      }
    },
  };
  return w;
}

function commentEvent(body: string, extra: { id?: number; login?: string; type?: string; onIssue?: boolean } = {}): Record<string, any> {
  const e = example('issue_comment', 'created');
  e.repository.full_name = `${OWNER}/${REPO}`;
  e.issue.number = 1;
  if (!extra.onIssue) e.issue.pull_request = { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/1`, html_url: `https://github.com/${OWNER}/${REPO}/pull/1`, diff_url: '', patch_url: '' };
  e.comment.id = extra.id ?? 9001;
  e.comment.body = body;
  e.comment.user.login = extra.login ?? 'octocat';
  e.sender.login = extra.login ?? 'octocat';
  e.sender.type = extra.type ?? 'User';
  return e;
}

function reviewCommentEvent(w: World, body: string, id = 7001): Record<string, any> {
  const e = example('pull_request_review_comment', 'created');
  e.repository.full_name = `${OWNER}/${REPO}`;
  e.pull_request.number = 1;
  e.pull_request.draft = false;
  e.pull_request.head.sha = w.headSha;
  e.pull_request.head.ref = 'topic-1';
  e.pull_request.head.repo.full_name = `${OWNER}/${REPO}`;
  e.pull_request.base.repo.full_name = `${OWNER}/${REPO}`;
  e.comment.id = id;
  e.comment.body = body;
  e.comment.path = 'src/app.txt';
  e.comment.line = 1;
  e.comment.diff_hunk = '@@ -1 +1,2 @@\n hello\n+world';
  e.sender.login = 'octocat';
  e.sender.type = 'User';
  return e;
}

function reviewEvent(w: World, state = 'changes_requested', id = 8001): Record<string, any> {
  const e = example('pull_request_review', 'submitted');
  e.repository.full_name = `${OWNER}/${REPO}`;
  e.pull_request.number = 1;
  e.pull_request.head.sha = w.headSha;
  e.pull_request.head.repo.full_name = `${OWNER}/${REPO}`;
  e.pull_request.base.repo.full_name = `${OWNER}/${REPO}`;
  e.review.id = id;
  e.review.state = state;
  e.review.body = 'Please greet with howdy.';
  e.sender.login = 'maintainer';
  e.sender.type = 'User';
  return e;
}

function runEvent(w: World, options: { id?: number; branch?: string; pull?: boolean; headSha?: string; message?: string; actor?: { login: string; type: string } } = {}): Record<string, any> {
  const e = example('workflow_run', 'completed');
  e.repository.full_name = `${OWNER}/${REPO}`;
  e.repository.default_branch = 'main';
  const run = e.workflow_run;
  run.id = options.id ?? 30433642;
  run.name = 'CI';
  run.conclusion = 'failure';
  run.head_branch = options.branch ?? 'topic-1';
  run.head_sha = options.headSha ?? w.headSha;
  run.head_commit = { ...(run.head_commit ?? {}), id: run.head_sha, message: options.message ?? 'Say hello to the world' };
  run.head_repository = { ...(run.head_repository ?? {}), full_name: `${OWNER}/${REPO}` };
  run.pull_requests = options.pull === false ? [] : [{ url: '', id: 1, number: 1, head: { ref: 'topic-1', sha: w.headSha, repo: { id: 1, url: '', name: REPO } }, base: { ref: 'main', sha: w.baseSha, repo: { id: 1, url: '', name: REPO } } }];
  e.sender = { ...e.sender, login: options.actor?.login ?? 'octocat', type: options.actor?.type ?? 'User' };
  return e;
}

const noProblems = (w: World) => expect(w.stand.problems).toEqual([]);
const postsOf = (w: World) => w.stand.requests.filter((r) => r.method === 'POST');

describe('wf fix: a comment becomes a gated fix, posted as suggestions', () => {
  it('@wf fix on the pull request: the fixer runs in the checkout, tests and the base reviewer pass, a review with a suggestion is posted, nothing is pushed', async () => {
    const w = await world();
    const r = await w.fix(commentEvent('Thanks!\n@wf fix say howdy instead of hello'));
    expectCode(r, 0);
    expect(r.report).toMatchObject({ outcome: 'suggested', trigger: 'comment-9001', mode: 'suggest', exitCode: 0 });
    expect(r.report.attempts).toHaveLength(1);
    expect(r.report.attempts[0].stages.map((s: any) => `${s.stage}:${s.status}`)).toEqual(['tests:passed', 'review:passed', 'commit:passed']);
    const [review] = w.stand.reviews;
    expect(review!.body).toMatch(/^<!-- wf:fix event=comment-9001 root=comment-9001 attempts=1 outcome=suggested cost=0\.2500 -->/);
    expect(review!.state).toBe('COMMENTED');
    expect(review!.commitId).toBe(w.headSha);
    expect(review!.comments).toEqual([{ path: 'src/app.txt', line: 1, side: 'RIGHT', body: '```suggestion\nhowdy\n```' }]);
    expect(w.originSha('refs/heads/topic-1')).toBe(w.headSha);
    // The fix commit exists in the job, tested and reviewed, with the trailers and the bot as author.
    const commit = r.report.commit as string;
    expect(w.ci.gitOk(['log', '-1', '--format=%an <%ae>%n%B', commit])).toMatch(/^wf-fix\[bot\] <wf-fix@example\.invalid>\nfix: address comment 9001 on #1\n\nFix-Of: comment 9001\nReview-Hash: [0-9a-f]{64}\nReview-Id: rev:/);
    // The packet: the request as data, the rules, and nothing of the token.
    const [run] = w.fixerRuns();
    expect(run!.packet).toContain('say howdy instead of hello');
    expect(run!.packet).toContain('Do not commit, push');
    expect(run!.env).not.toContain('GITHUB_TOKEN');
    expect(run!.env.filter((k: string) => /TOKEN|KEY/.test(k))).toEqual([]);
    // Nor in wf's own environment, which the fixer (the same user) can read; the file is gone.
    expect(run!.parentEnv).toBe(false);
    expect(readdirSync(w.eventDir).filter((f) => f.startsWith('token-'))).toEqual([]);
    noProblems(w);
    // The token never on a command line, never printed.
    expect(readFileSync(w.gitLog, 'utf8')).not.toContain(TOKEN);
    expect(readFileSync(w.gitLog, 'utf8')).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  }, 60_000);

  it('the same event delivered twice does nothing the second time; a new comment is a new request', async () => {
    const w = await world();
    const event = commentEvent('@wf fix say howdy');
    expectCode(await w.fix(event), 0);
    const again = await w.fix(event);
    expectCode(again, 0);
    expect(again.report).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('answered already') });
    expect(w.fixerRuns()).toHaveLength(1);
    expect(w.stand.reviews).toHaveLength(1);
    noProblems(w);
  }, 60_000);

  it('a changes-requested review asks for a fix without the phrase; an approving review does not', async () => {
    const w = await world();
    const approved = await w.fix(reviewEvent(w, 'approved'));
    expectCode(approved, 0);
    expect(approved.report.outcome).toBe('ignored');
    const r = await w.fix(reviewEvent(w));
    expectCode(r, 0);
    expect(r.report).toMatchObject({ outcome: 'suggested', trigger: 'review-8001' });
    expect(w.fixerRuns()[0]!.packet).toContain('Please greet with howdy.');
    noProblems(w);
  }, 60_000);

  it('--dry-run prints the decision, the packet and what would be posted; it runs no fixer and posts nothing', async () => {
    const w = await world();
    const r = await w.fix(commentEvent('@wf fix say howdy'), { args: ['--dry-run'] });
    expectCode(r, 0);
    expect(r.report.outcome).toBe('dry-run');
    expect(r.report.packet).toContain('say howdy');
    expect(r.report.wouldDo.join('\n')).toMatch(/run fixer scripted[\s\S]*post a review with suggestions on #1; push nothing/);
    expect(w.fixerRuns()).toHaveLength(0);
    expect(postsOf(w)).toEqual([]);
    const human = await w.ci.wfAsync(['fix', '--event', join(w.eventDir, 'event-1.json'), '--dry-run'], { env: { GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: w.stand.url, GITHUB_TOKEN: TOKEN } });
    expectCode(human, 0);
    expect(human.stdout).toContain("--- the fixer's packet ---");
    noProblems(w);
  }, 60_000);
});

describe('wf fix: who may ask, and what is never answered', () => {
  it.each([
    ['a read-only commenter', () => commentEvent('@wf fix now', { login: 'reader' }), /reader has read permission/],
    ['a stranger', () => commentEvent('@wf fix now', { login: 'stranger' }), /stranger has none permission/],
    ['a bot sender', () => commentEvent('@wf fix now', { login: 'renovate[bot]', type: 'Bot' }), /is a Bot, not a User/],
    ["wf's own comment", () => commentEvent('<!-- wf:fix event=comment-1 root=comment-1 attempts=1 outcome=pushed -->\n@wf fix'), /wf fix's own/],
    ['a comment on an issue', () => commentEvent('@wf fix now', { onIssue: true }), /on an issue, not a pull request/],
    ['no trigger phrase', () => commentEvent('please fix this, @wf'), /trigger phrase/],
    ['the phrase inside a quote', () => commentEvent('> @wf fix this\nno, do not'), /trigger phrase/],
  ])('%s is ignored, with the reason, and nothing runs', async (_name, event, reason) => {
    const w = await world();
    const r = await w.fix(event());
    expectCode(r, 0);
    expect(r.report.outcome).toBe('ignored');
    expect(r.report.reason).toMatch(reason);
    expect(w.fixerRuns()).toHaveLength(0);
    expect(postsOf(w)).toEqual([]);
    noProblems(w);
  }, 60_000);

  it('a draft and a fork are ignored before anything is fetched', async () => {
    const draft = await world({ pull: { draft: true } });
    const d = await draft.fix(commentEvent('@wf fix now'));
    expectCode(d, 0);
    expect(d.report.reason).toMatch(/is a draft/);
    const fork = await world({ pull: { forkOf: 'mallory/octo-repo' } });
    const f = await fork.fix(commentEvent('@wf fix now'));
    expectCode(f, 0);
    expect(f.report.reason).toMatch(/comes from mallory\/octo-repo: wf fix never runs a fork's code/);
    for (const w of [draft, fork]) {
      expect(w.fixerRuns()).toHaveLength(0);
      expect(readFileSync(w.gitLog, 'utf8')).not.toMatch(/\bfetch\b/);
      noProblems(w);
    }
  }, 60_000);

  it('the attempt cap, counted from wf\'s own comments, is reached: one comment says so, nothing runs', async () => {
    const w = await world({ maxAttempts: 2 });
    w.stand.seedComment({ issueNumber: 1, user: 'github-actions[bot]', body: '<!-- wf:fix event=comment-9001 root=comment-9001 attempts=2 outcome=gave-up -->\ngave up' });
    // Another comment is another request, with attempts of its own.
    const r = await w.fix(commentEvent('@wf fix try again', { id: 9002 }));
    expectCode(r, 0);
    expect(r.report.outcome).toBe('suggested');
    w.stand.seedComment({ issueNumber: 1, user: 'github-actions[bot]', body: '<!-- wf:fix event=review-comment-5 root=comment-9003 attempts=2 outcome=gave-up -->' });
    const capped = await w.fix(commentEvent('@wf fix once more', { id: 9003 }));
    expectCode(capped, 0);
    expect(capped.report).toMatchObject({ outcome: 'capped', reason: expect.stringContaining('2 of 2 attempts for comment-9003') });
    expect(w.stand.comments.at(-1)!.body).toMatch(/^<!-- wf:fix event=comment-9003 root=comment-9003 attempts=0 outcome=refused -->/);
    expect(w.fixerRuns()).toHaveLength(1);
    noProblems(w);
  }, 60_000);

  it('the rate cap: fix.maxPerHour fixes in the last hour stop the next one', async () => {
    const w = await world({ maxPerHour: 2 });
    for (const id of [1, 2]) w.stand.seedComment({ issueNumber: 1, user: 'github-actions[bot]', body: `<!-- wf:fix event=comment-${id} root=comment-${id} attempts=1 outcome=pushed -->` });
    const r = await w.fix(commentEvent('@wf fix now'));
    expectCode(r, 0);
    expect(r.report).toMatchObject({ outcome: 'capped', reason: expect.stringContaining('fix.maxPerHour') });
    // An hour later the same history no longer counts.
    w.stand.comments.forEach((c) => (c.createdAt = new Date(Date.now() - 2 * 3_600_000).toISOString()));
    const later = await w.fix(commentEvent('@wf fix now', { id: 9010 }));
    expect(later.report.outcome).toBe('suggested');
    noProblems(w);
  }, 60_000);

  it('the cost ceiling: what the fixer reported before counts against fix.maxCostUsd', async () => {
    const w = await world({ maxCostUsd: 0.4 });
    w.stand.seedComment({ issueNumber: 1, user: 'github-actions[bot]', body: '<!-- wf:fix event=comment-1 root=comment-1 attempts=1 outcome=suggested cost=0.4000 -->' });
    const r = await w.fix(commentEvent('@wf fix now'));
    expect(r.report).toMatchObject({ outcome: 'capped', reason: expect.stringContaining('fix.maxCostUsd') });
    noProblems(w);
  }, 60_000);
});

describe('wf fix: the gates before anything leaves the job', () => {
  it.each([
    ['breaks the tests on every attempt', 'break', 'gave-up', /2 attempts are spent; the last: tests-failed/],
    ['produces a 2,000-line diff', 'huge', 'refused', /changes 2,000 lines, over fix\.maxLines \(500\)/],
    ['changes nothing', 'nothing', 'gave-up', /changed nothing/],
    ['edits the config to loosen a gate', 'config', 'refused', /touches \.claude\/wf\.config\.json/],
    ['rewrites the test script in package.json', 'scripts', 'refused', /package\.json \(scripts\)/],
    ['writes a token into the code', 'secret', 'refused', /looks like a secret \(src\/key\.txt:1: github-token/],
    ['writes wf\'s state, where test runs and reviews are recorded', 'forge', 'refused', /the fixer wrote wf's state or audit log/],
  ])('a fixer that %s: one "gave up" comment with the reason, nothing pushed, exit 1', async (_name, mode, outcome, reason) => {
    const w = await world({ fixerMode: mode, maxAttempts: 2, mode: 'push' });
    const r = await w.fix(commentEvent('@wf fix say howdy'));
    expectCode(r, 1);
    expect(r.report.outcome).toBe(outcome);
    expect(r.report.reason).toMatch(reason);
    expect(w.originSha('refs/heads/topic-1')).toBe(w.headSha);
    expect(w.stand.comments).toHaveLength(1);
    expect(w.stand.comments[0]!.body).toMatch(/^<!-- wf:fix event=comment-9001 root=comment-9001 attempts=\d outcome=gave-up[^>]*-->\n\*\*wf fix gave up\*\*/);
    expect(w.stand.comments[0]!.body).not.toMatch(/ghp_K/);
    expect(r.stdout + r.stderr).not.toMatch(/ghp_K{10}/);
    expect(w.fixerRuns()).toHaveLength(mode === 'break' ? 2 : 1);
    noProblems(w);
  }, 90_000);

  it('a failed test run goes back to the fixer with its output; the second attempt passes and is pushed', async () => {
    const w = await world({ fixerMode: 'break-once', mode: 'push' });
    const r = await w.fix(commentEvent('@wf fix say howdy'));
    expectCode(r, 0);
    expect(r.report.attempts.map((a: any) => a.outcome)).toEqual(['tests-failed', 'committed']);
    expect(w.fixerRuns()[1]!.packet).toContain('app.txt says FAIL');
    expect(w.fixerRuns()[1]!.packet).toContain('Attempt 2 of 3');
    expect(r.report.outcome).toBe('pushed');
    expect(w.stand.comments.at(-1)!.body).toMatch(/attempts=2 outcome=pushed/);
    noProblems(w);
  }, 90_000);

  it('a reviewer asking for changes sends the findings back; the fixer that cannot satisfy it gives up after the cap', async () => {
    const w = await world({ maxAttempts: 2 });
    writeFileSync(w.reviseFile, '');
    const r = await w.fix(commentEvent('@wf fix say howdy'));
    expectCode(r, 1);
    expect(r.report.attempts.map((a: any) => a.outcome)).toEqual(['needs-revision', 'needs-revision']);
    expect(w.fixerRuns()[1]!.packet).toContain('say hi, not howdy');
    expect(w.stand.reviews).toHaveLength(0);
    noProblems(w);
  }, 90_000);

  it('a fixer that hangs is killed at its timeout; a fixer that prints a token never has it shown; a fixer that commits has its commit redone by wf', async () => {
    const hang = await world({ fixerMode: 'hang', fixerTimeout: 2 });
    const h = await hang.fix(commentEvent('@wf fix say howdy'));
    expectCode(h, 1);
    expect(h.report.reason).toMatch(/fixer scripted timed out after 2 s/);

    const talk = await world({ fixerMode: 'token', mode: 'push' });
    const t = await talk.fix(commentEvent('@wf fix say howdy'));
    expectCode(t, 0);
    expect(t.stdout + t.stderr).not.toMatch(/ghp_[TE]{10}/);
    expect(JSON.stringify(talk.stand.requests.map((q) => q.body))).not.toMatch(/ghp_[TE]{10}/);

    const commits = await world({ fixerMode: 'commit', mode: 'push' });
    const c = await commits.fix(commentEvent('@wf fix say howdy'));
    expectCode(c, 0);
    const pushed = commits.originSha('refs/heads/topic-1')!;
    expect(commits.ci.gitOk(['log', '--format=%an|%s', `${commits.headSha}..${pushed}`])).toBe('wf-fix[bot]|fix: address comment 9001 on #1');
  }, 90_000);
});

describe('wf fix: push mode, red runs, and the whole loop', () => {
  it('a review comment in push mode: the fix is pushed to the branch (never forced), then wf review ci attests it and wf verify passes', async () => {
    const w = await world({ mode: 'push', attest: true });
    const r = await w.fix(reviewCommentEvent(w, '@wf fix: howdy, please'));
    expectCode(r, 0);
    expect(r.report).toMatchObject({ outcome: 'pushed', pushed: { ref: 'refs/heads/topic-1' } });
    const pushed = w.originSha('refs/heads/topic-1')!;
    expect(pushed).toBe(r.report.commit);
    expect(w.ci.gitOk(['log', '-1', '--format=%P', pushed])).toBe(w.headSha);
    expect(w.ci.gitOk(['log', '-1', '--format=%(trailers:key=Fix-Of,valueonly)', pushed])).toBe('review-comment 7001');
    expect(w.stand.comments.at(-1)!.body).toMatch(/outcome=pushed/);
    expect(w.fixerRuns()[0]!.packet).toMatch(/It is about `src\/app\.txt`, line 1/);
    // The push carried the token in git's environment only.
    const pushLine = readFileSync(w.gitLog, 'utf8').split('\n').find((l) => / push /.test(l))!;
    expect(pushLine).toMatch(/push --quiet --no-verify --porcelain origin [0-9a-f]{40}:refs\/heads\/topic-1/);
    expect(readFileSync(w.gitLog, 'utf8')).not.toContain(TOKEN);

    // CI on the new head: the base's reviewer reviews each commit and signs; verify then accepts the branch.
    w.dev.gitOk(['fetch', '-q', 'origin']);
    const ci = await w.dev.wfAsync(['review', 'ci', '--base', w.baseSha, '--head', 'origin/topic-1', '--json', '--no-post'], { env: { WF_ATTESTATION_KEY: w.key! } });
    expectCode(ci, 0);
    expect(JSON.parse(ci.stdout).summary).toMatchObject({ total: 2, attested: 2 });
    expectCode(w.dev.wf(['verify', '--base', w.baseSha, '--head', 'origin/topic-1']), 0);
    noProblems(w);
  }, 120_000);

  it('a red run on the pull request: the failing job\'s log (redacted) reaches the fixer; the fix is pushed; a run failing on that fix continues its chain', async () => {
    const log = `2024-05-01T12:00:00.0000000Z npm test\n2024-05-01T12:00:01.0000000Z Error: app.txt is wrong\n2024-05-01T12:00:01.0000000Z token=ghp_${'L'.repeat(36)}\n`;
    const w = await world({ mode: 'push', maxAttempts: 2, stand: { runJobs: { 30433642: [{ id: 77, name: 'test', conclusion: 'failure' }, { id: 78, name: 'lint', conclusion: 'success' }], 30433643: [] }, jobLogs: { 77: log } } });
    const r = await w.fix(runEvent(w));
    expectCode(r, 0);
    expect(r.report).toMatchObject({ outcome: 'pushed', trigger: 'run-30433642' });
    const packet = w.fixerRuns()[0]!.packet;
    expect(packet).toContain('Job "test"');
    expect(packet).toContain('Error: app.txt is wrong');
    expect(packet).not.toContain('ghp_LLLL');
    expect(packet).not.toContain('2024-05-01T12:00:01');
    const fixCommit = w.originSha('refs/heads/topic-1')!;
    expect(w.stand.comments.at(-1)!.body).toMatch(/^<!-- wf:fix event=run-30433642 root=run-30433642 attempts=1 outcome=pushed/);

    // CI fails again on wf's own fix commit. The run's sender is a bot, but the head is a wf fix: no permission is asked,
    // and the attempt counts against the first run's chain (from the commit's Fix-Of, in a fresh job with no comments).
    const next = runEvent(w, { id: 30433643, headSha: fixCommit, actor: { login: 'wf-app[bot]', type: 'Bot' }, message: 'fix: make CI pass on #1\n\nFix-Of: run 30433642' });
    const stale = await w.fix(next);
    expect(stale.report.reason).toMatch(/the run of the new head decides/);
    const stand = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pulls: [{ number: 1, headSha: fixCommit, baseSha: w.baseSha, headRef: 'topic-1', baseRef: 'main' }], runJobs: { 30433643: [{ id: 79, name: 'test', conclusion: 'failure' }] }, jobLogs: { 79: 'still red\n' } });
    stands.push(stand);
    const env = { GITHUB_API_URL: stand.url, GITHUB_SERVER_URL: stand.url };
    const second = await w.fix(next, { env });
    expectCode(second, 1);
    expect(second.report).toMatchObject({ outcome: 'gave-up', reason: 'the fixer changed nothing' });
    expect(stand.requestsTo('repos/get-collaborator-permission-level')).toEqual([]);
    expect(stand.comments.at(-1)!.body).toMatch(/^<!-- wf:fix event=run-30433643 root=run-30433642 attempts=1 outcome=gave-up/);
    const third = await w.fix(runEvent(w, { id: 30433644, headSha: fixCommit, actor: { login: 'wf-app[bot]', type: 'Bot' } }), { env });
    expect(third.report).toMatchObject({ outcome: 'capped', reason: expect.stringContaining('2 of 2 attempts for run-30433642') });
    expect(stand.problems).toEqual([]);
    noProblems(w);
  }, 120_000);

  it('a red default branch in push mode: the fix goes to wf-fix/<run id> and a pull request is opened; the same run again does nothing', async () => {
    const w = await world({ mode: 'push', stand: { runJobs: { 555: [{ id: 1, name: 'test', conclusion: 'failure' }] }, jobLogs: { 1: 'boom\n' } } });
    const main = w.originSha('refs/heads/main')!;
    const event = runEvent(w, { id: 555, branch: 'main', pull: false, headSha: main });
    const r = await w.fix(event);
    expectCode(r, 0);
    expect(r.report).toMatchObject({ outcome: 'opened', pullRequest: { number: 2 } });
    expect(w.originSha('refs/heads/wf-fix/555')).toBe(r.report.commit);
    expect(w.stand.createdPulls).toEqual([expect.objectContaining({ head: 'wf-fix/555', base: 'main', body: expect.stringMatching(/^<!-- wf:fix event=run-555 root=run-555 attempts=1 outcome=opened/) })]);
    const again = await w.fix(event);
    expect(again.report).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('answered already') });
    expect(w.fixerRuns()).toHaveLength(1);
    // In suggestion mode a red default branch has nowhere to go.
    noProblems(w);
  }, 120_000);

  it('a pull request whose own config drops the reviewers is refused: the gates run under the base', async () => {
    const w = await world({ mode: 'push' });
    w.dev.gitOk(['checkout', '-q', 'topic-1']);
    patchConfig(w.dev, (c) => {
      c.reviewers = {};
      c.steps.review = false;
    });
    w.dev.gitOk(['commit', '-q', '--no-verify', '-am', 'no reviews']);
    const head = w.dev.gitOk(['rev-parse', 'HEAD']);
    w.dev.gitOk(['push', '-q', 'origin', 'topic-1']);
    const stand = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pulls: [{ number: 1, headSha: head, baseSha: w.baseSha, headRef: 'topic-1', baseRef: 'main' }], permissions: { octocat: 'write' } });
    stands.push(stand);
    const r = await w.fix(commentEvent('@wf fix say howdy'), { env: { GITHUB_API_URL: stand.url, GITHUB_SERVER_URL: stand.url } });
    expectCode(r, 1);
    expect(r.report.reason).toMatch(/loosens steps\.review, reviewers against the base branch's/);
    expect(w.fixerRuns()).toHaveLength(0);
    expect(stand.problems).toEqual([]);
  }, 90_000);
});

describe('wf fix: bad input', () => {
  it('no event, an unreadable one, or one from another repository: exit 2 with the next step', async () => {
    const w = await world();
    const none = w.ci.wf(['fix'], { env: { GITHUB_REPOSITORY: `${OWNER}/${REPO}` } });
    expectCode(none, 2);
    expect(none.stderr).toContain('wf fix --event payload.json --dry-run');
    const path = join(w.eventDir, 'bad.json');
    writeFileSync(path, '{ nope');
    const bad = w.ci.wf(['fix', '--event', path], { env: { GITHUB_REPOSITORY: `${OWNER}/${REPO}` } });
    expectCode(bad, 2);
    expect(bad.stderr).toContain('the event file is not JSON');
    const other = commentEvent('@wf fix');
    other.repository.full_name = 'someone/else';
    const r = await w.fix(other);
    expectCode(r, 2);
    expect(r.stdout + r.stderr).toContain('the event is about someone/else, but this job is in octo-org/octo-repo');
    const noToken = await w.fix(commentEvent('@wf fix'), { token: 'none' });
    expectCode(await w.fix(commentEvent('@wf fix', { login: 'reader' }), { token: 'env' }), 0);
    expectCode(noToken, 2);
    expect(noToken.stdout + noToken.stderr).toContain('WF_GITHUB_TOKEN_FILE');
  }, 60_000);
});
