import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { configAtCommit, configLoosenings, DEFAULT_CONFIG, effectiveConfig, readConfig, type FixerConfig, type WfConfig } from '../config/index.js';
import { environmentError, isWfError, usageError } from '../errors/index.js';
import {
  createGitHubClient,
  createIssueComment,
  createPullRequest,
  getCollaboratorPermission,
  getJobLog,
  getPullRequest,
  listIssueComments,
  listPullRequestReviews,
  listRunJobs,
  postPullRequestReview,
  type GitHubClient,
  type PullRequestInfo,
  type RepositoryPermission,
} from '../forge/index.js';
import { preparePlan } from '../gates/index.js';
import { fetchRefs, listFixCommits, openRepo, pushRef, RemoteCommandError, remoteHasBranch, runGit, type RemoteAuth, type Repo } from '../git/index.js';
import { redactSecrets } from '../redaction/index.js';
import { describeSecrets, extractValue, spawnReviewer, tailLines } from '../review/index.js';
import { ship, type ShipReport } from '../ship/index.js';
import { mutateStore, readState, STATE_FILE, SUBTASKS_DIR } from '../state/index.js';
import { registerPlan, startTask } from '../tasks/index.js';
import { AUDIT_FILE } from '../audit/index.js';
import { evidenceDigest, gitDirDigest, PROTECTED_PATHS, protectedPathsTouched, resetWorkTree, untrackedFiles, scriptChanges, secretsInPatch, stagedPatch, stagedStats, stageWorkTree } from './change-gates.js';
import { cappedBody, gaveUpBody, pullRequestBody, pushedBody, suggestionBody } from './comment-body.js';
import { eventNameOf, fixOfValue, keyFromFixOf, parseFixEvent, type FixTrigger } from './event.js';
import { FIX_MARKER_PREFIX, fixHistory, summarizeHistory, type FixOutcome, type HistorySummary } from './history.js';
import { buildFixPacket, fixPlan, logTail } from './packet.js';
import { decideFix, needsPermission, type FixDecision, type FixMode } from './policy.js';
import { emptyReport, type FixAttempt, type FixReport } from './report.js';
import { commentableLines, planSuggestions } from './suggestions.js';
import { plural } from '../text/index.js';

/**
 * `wf fix`: one CI event in, at most one gated fix out. The decision comes first and costs
 * nothing but API reads; then the fixer runs in the pull request's checkout, and its change
 * goes through wf's own gates (size, protected files, secrets, then `wf ship`: tests, the base's
 * reviewers, a commit with a Fix-Of trailer) before anything leaves the job.
 */

export interface FixRequest {
  cwd?: string | undefined;
  /** The webhook payload (GITHUB_EVENT_PATH). */
  eventPath: string;
  /** GITHUB_EVENT_NAME; unset: told from the payload's shape. */
  eventName?: string | undefined;
  dryRun: boolean;
  github: { owner: string; repo: string; apiUrl: string; serverUrl: string };
  /** The forge token, read by the command and kept out of every child's environment. */
  token: string | null;
  /** Where the fixer's `env` names are read from: the command moved them out of wf's environment. */
  fixerEnv: NodeJS.ProcessEnv;
  remote?: string | undefined;
  /** Called with the fixer's `env` names once known: the command takes them out of wf's environment, so the tests, hooks and reviewers never inherit the fixer's key. */
  withhold?: ((names: readonly string[]) => void) | undefined;
  now?: (() => Date) | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((line: string) => void) | undefined;
  onOutput?: ((chunk: string) => void) | undefined;
}

const NO_HISTORY: HistorySummary = { delivered: false, attemptsUsed: 0, fixesLastHour: 0, costUsd: 0 };
const MAX_LOGGED_JOBS = 3;

function readEvent(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw usageError(`the event file cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { where: path, hint: 'pass the webhook payload with --event <file> (in GitHub Actions: GITHUB_EVENT_PATH)' });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw usageError(`the event file is not JSON: ${(err as Error).message}`, { where: path, hint: 'pass the webhook payload GitHub delivered, as JSON' });
  }
}

async function hasCommit(repo: Repo, sha: string): Promise<boolean> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) return false;
  const r = await runGit(['cat-file', '-e', `${sha}^{commit}`], { cwd: repo.root, env: repo.env, okExitCodes: [1, 128] });
  return r.exitCode === 0;
}

/** Makes sure the commits are here, fetching the branches that hold them once; the checkout may be shallow or of another branch. */
async function ensureCommits(repo: Repo, remote: string, shas: string[], branches: string[], auth: RemoteAuth | null): Promise<void> {
  const missing = [];
  for (const sha of shas) if (!(await hasCommit(repo, sha))) missing.push(sha);
  if (missing.length === 0) return;
  try {
    await fetchRefs(repo, remote, [...new Set(branches)].map((b) => `+refs/heads/${b}:refs/remotes/${remote}/${b}`), auth);
  } catch (err) {
    if (err instanceof RemoteCommandError) {
      throw environmentError(`git could not fetch ${branches.join(', ')} from ${remote}: ${err.stderr.trim().split('\n').at(-1) ?? `exit ${err.exitCode}`}`, {
        hint: 'check the token can read the repository (contents: read), and that the checkout has a remote named origin',
      });
    }
    throw err;
  }
  for (const sha of missing) {
    if (!(await hasCommit(repo, sha))) {
      throw environmentError(`commit ${sha.slice(0, 12)} is not in the checkout, even after fetching ${branches.join(', ')}`, {
        hint: 'check out with `fetch-depth: 0` (actions/checkout), or re-run: the branch may have moved since the event',
      });
    }
  }
}

function pickFixer(config: WfConfig): { name: string; fixer: FixerConfig } {
  const names = Object.keys(config.fixers);
  const name = config.fix.fixer ?? (names.length === 1 ? names[0]! : undefined);
  if (name === undefined || !config.fixers[name]) {
    throw usageError(
      names.length === 0
        ? 'no fixer is configured in the base branch\'s config, so wf fix has nothing to run'
        : config.fix.fixer
          ? `fix.fixer names ${config.fix.fixer}, which is not in fixers (${names.join(', ')})`
          : `several fixers are configured (${names.join(', ')}) and fix.fixer does not say which to run`,
      { where: '.claude/wf.config.json (on the base branch)', hint: 'add a fixer under "fixers" (and "fix": { "fixer": "<name>" }), commit it to the base branch, then re-run the job' },
    );
  }
  return { name, fixer: config.fixers[name] };
}

interface Context {
  req: FixRequest;
  repo: Repo;
  client: GitHubClient;
  auth: RemoteAuth | null;
  trigger: FixTrigger;
  pull: PullRequestInfo | null;
  base: WfConfig;
  remote: string;
  progress: (line: string) => void;
}

/** Posts on the pull request (or nowhere, without one). Failures to post are the job's failure: an unseen answer is no answer. */
async function postComment(ctx: Context, body: string): Promise<{ kind: 'comment'; url: string } | null> {
  if (ctx.pull === null) return null;
  const posted = await createIssueComment(ctx.client, { owner: ctx.req.github.owner, repo: ctx.req.github.repo, issueNumber: ctx.pull.number, body });
  return { kind: 'comment', url: posted.url };
}

async function failedJobLogs(ctx: Context): Promise<Array<{ job: string; tail: string }>> {
  if (ctx.trigger.kind !== 'run') return [];
  const { owner, repo } = ctx.req.github;
  const jobs = (await listRunJobs(ctx.client, { owner, repo, runId: ctx.trigger.id })).filter((j) => j.conclusion === 'failure').slice(0, MAX_LOGGED_JOBS);
  const logs = [];
  for (const job of jobs) {
    try {
      logs.push({ job: job.name, tail: logTail(await getJobLog(ctx.client, { owner, repo, jobId: job.id })) });
    } catch (err) {
      // An expired log is a gap in the packet, not a reason to give up.
      logs.push({ job: job.name, tail: `(the log could not be read: ${isWfError(err) ? err.message : String(err)})` });
    }
  }
  return logs;
}

async function historyOf(ctx: Context, headSha: string, baseSha: string | null, now: Date, root: string): Promise<HistorySummary> {
  const { owner, repo } = ctx.req.github;
  const comments = ctx.pull ? await listIssueComments(ctx.client, { owner, repo, issueNumber: ctx.pull.number }) : [];
  const reviews = ctx.pull ? await listPullRequestReviews(ctx.client, { owner, repo, pullNumber: ctx.pull.number }) : [];
  const commits = baseSha === null ? [] : await listFixCommits(ctx.repo, baseSha, headSha);
  // Markers count for the caps and redeliveries only from an app (wf's bot) or someone who could push anyway:
  // on a public repository anyone may comment, and a typed marker would stop wf fix there or spend its caps.
  const trusted = new Map<string, Promise<boolean>>();
  const mayMark = (author: string | null, type: string | null): Promise<boolean> => {
    if (type === 'Bot') return Promise.resolve(true);
    if (author === null || type !== 'User') return Promise.resolve(false);
    if (!trusted.has(author)) trusted.set(author, getCollaboratorPermission(ctx.client, { owner, repo, username: author }).then((p) => p === 'write' || p === 'maintain' || p === 'admin'));
    return trusted.get(author)!;
  };
  const marked = async <T extends { body: string; author: string | null; authorType: string | null }>(items: readonly T[]): Promise<T[]> => {
    const keep: T[] = [];
    for (const item of items) if (item.body.includes(FIX_MARKER_PREFIX) && (await mayMark(item.author, item.authorType))) keep.push(item);
    return keep;
  };
  const records = fixHistory({
    comments: (await marked(comments)).map((c) => ({ body: c.body, createdAt: c.createdAt })),
    reviews: (await marked(reviews)).map((r) => ({ body: r.body, submittedAt: r.submittedAt })),
    commits: commits.filter((c) => c.committerEmail === ctx.base.fix.bot.email).map((c) => ({ fixOf: c.fixOf, committedAt: c.committedAt })),
  });
  const summary = summarizeHistory(records, { event: ctx.trigger.key, root, now });
  if (!summary.delivered && ctx.pull === null && (await remoteHasBranch(ctx.repo, ctx.remote, `wf-fix/${ctx.trigger.id}`, ctx.auth))) return { ...summary, delivered: true };
  return summary;
}

/** The head commit's Fix-Of root, when wf fix's bot made it: a run failing on a fix continues that fix's chain. */
async function headFixOfRoot(repo: Repo, headSha: string, botEmail: string): Promise<string | null> {
  const [head] = await listFixCommits(repo, null, headSha);
  if (!head || head.committerEmail !== botEmail) return null;
  for (const value of head.fixOf) {
    const key = keyFromFixOf(value);
    if (key) return key;
  }
  return null;
}

/** A bot or an empty login is never asked about: the policy ignores it by its type first. */
async function senderPermission(client: GitHubClient, owner: string, repo: string, trigger: FixTrigger): Promise<RepositoryPermission> {
  if (trigger.sender.type !== 'User' || trigger.sender.login === '') return 'none';
  return getCollaboratorPermission(client, { owner, repo, username: trigger.sender.login });
}

function freeTaskId(root: string, key: string): string {
  const tasks = readState(root).tasks;
  let id = `fix-${key}`;
  for (let n = 2; tasks[id]; n++) id = `fix-${key}-${n}`;
  return id;
}

async function trackedChanges(repo: Repo): Promise<string[]> {
  const out = (await runGit(['status', '--porcelain', '-z', '--untracked-files=no', '--', '.', `:(exclude)${STATE_FILE}`, `:(exclude)${AUDIT_FILE}`], { cwd: repo.root, env: repo.env })).stdout.toString('utf8');
  return out.split('\0').filter(Boolean).map((r) => r.slice(3));
}

function stageFailure(report: ShipReport): { outcome: FixAttempt['outcome']; detail: string; feedback: string } {
  const failed = report.stages.find((s) => s.status === 'failed' || s.status === 'needs-revision');
  if (!failed) return { outcome: 'gate-failed', detail: `the gates refused the commit: next ${report.next.command ?? report.next.reason}`, feedback: report.next.reason };
  if (failed.stage === 'tests') return { outcome: 'tests-failed', detail: `the tests ${failed.detail}`, feedback: `The tests ${failed.detail}. Their output ended with:\n${failed.output ?? '(no output)'}` };
  if (failed.status === 'needs-revision') return { outcome: 'needs-revision', detail: failed.detail, feedback: `The reviewers asked for changes:\n${failed.output ?? failed.detail}` };
  return { outcome: 'gate-failed', detail: `${failed.stage}: ${failed.detail}`, feedback: `${failed.stage} failed: ${failed.detail}` };
}

export async function runFix(req: FixRequest): Promise<FixReport> {
  const progress = req.onProgress ?? (() => undefined);
  const now = req.now ?? (() => new Date());
  const remote = req.remote ?? 'origin';
  const payload = readEvent(req.eventPath);
  const eventName = eventNameOf(payload, req.eventName);
  const repo = await openRepo(req.cwd);

  // The phrase as the checked-out branch has it (the default branch, where the workflow runs); checked against the base's below.
  const startConfig = repo.headAtOpen ? ((await configAtCommit(repo, repo.headAtOpen)) ?? DEFAULT_CONFIG) : DEFAULT_CONFIG;
  let parsed = parseFixEvent(eventName, payload, { trigger: startConfig.fix.trigger });
  if (!parsed.handled) return emptyReport(eventName, null, 'ignored', parsed.reason);
  let trigger = parsed.trigger;
  const full = `${req.github.owner}/${req.github.repo}`;
  if (trigger.repository !== '' && trigger.repository.toLowerCase() !== full.toLowerCase()) {
    throw usageError(`the event is about ${trigger.repository}, but this job is in ${full}`, { where: req.eventPath, hint: 'run wf fix in the repository the event came from (GITHUB_REPOSITORY)' });
  }
  if (!req.token) {
    throw usageError('wf fix needs a token to read the pull request and to post', { where: 'WF_GITHUB_TOKEN_FILE', hint: 'write the token to a file and name it in WF_GITHUB_TOKEN_FILE, as templates/github/wf-fix.yml does (GITHUB_TOKEN works too, but a fixer could read it from wf\'s environment)' });
  }
  const client = await createGitHubClient({ token: req.token, baseUrl: req.github.apiUrl });
  const auth: RemoteAuth | null = /^https?:/.test(req.github.serverUrl) ? { token: req.token, serverUrl: req.github.serverUrl } : null;
  const { owner, repo: name } = req.github;
  const pull = trigger.pullNumber === null ? null : await getPullRequest(client, { owner, repo: name, pullNumber: trigger.pullNumber });
  const headSha = pull ? pull.headSha : trigger.run!.headSha;
  const baseSha = pull ? pull.baseSha : trigger.run!.headSha;

  // Who asked, and on what, before anything is fetched: a stranger, a fork or a draft costs one API read.
  // A run's sender is judged once its head commit is known (a run on wf's own fix asks no one's permission).
  let permission: RepositoryPermission | null = trigger.kind === 'run' ? 'admin' : await senderPermission(client, owner, name, trigger);
  const preliminary = decideFix({ trigger, pull, permission, headFixOf: trigger.kind === 'run' ? 'run-0' : null, history: NO_HISTORY, settings: startConfig.fix });
  if (!preliminary.act) return emptyReport(eventName, trigger.key, preliminary.outcome, preliminary.reason);

  const branches = pull ? [pull.baseRef, pull.headRef] : [trigger.run!.headBranch];
  await ensureCommits(repo, remote, [baseSha, headSha], branches, auth);
  const base = (await configAtCommit(repo, baseSha)) ?? structuredClone(DEFAULT_CONFIG);
  if (base.fix.trigger !== startConfig.fix.trigger) {
    parsed = parseFixEvent(eventName, payload, { trigger: base.fix.trigger });
    if (!parsed.handled) return emptyReport(eventName, trigger.key, 'ignored', `${parsed.reason} (the base branch's phrase)`);
    trigger = parsed.trigger;
  }
  const ctx: Context = { req, repo, client, auth, trigger, pull, base, remote, progress };
  const headFixOf = trigger.kind === 'run' ? await headFixOfRoot(repo, headSha, base.fix.bot.email) : null;
  if (trigger.kind === 'run') permission = needsPermission(trigger, headFixOf) ? await senderPermission(client, owner, name, trigger) : null;
  const root = headFixOf ?? trigger.key;
  const history = await historyOf(ctx, headSha, pull ? baseSha : null, now(), root);
  const decision = decideFix({ trigger, pull, permission, headFixOf, history, settings: base.fix });
  progress(`wf fix: ${decision.act ? 'acting on' : 'not acting on'} ${trigger.key}: ${decision.reason}`);

  if (!decision.act) {
    const report = emptyReport(eventName, trigger.key, decision.outcome, decision.reason);
    // A person who asked past a cap hears why, once per request; a run past it is quiet (the gave-up comment said it).
    if (decision.outcome === 'capped' && trigger.kind !== 'run' && !req.dryRun) {
      report.posted = await postComment(ctx, cappedBody({ trigger, marker: { event: trigger.key, root, attempts: 0, outcome: 'refused', costUsd: 0 }, attempts: [], commit: null, fingerprint: null, reason: decision.reason }));
    }
    return report;
  }

  const { name: fixerName, fixer } = pickFixer(base);
  req.withhold?.(fixer.env ?? []);
  const logs = await failedJobLogs(ctx);
  const packetFor = (attempt: number, feedback: string | null) =>
    buildFixPacket({ trigger, pullTitle: pull?.title ?? null, logs, attempt, maxAttempts: base.fix.maxAttempts, maxLines: base.fix.maxLines, feedback, protectedPaths: PROTECTED_PATHS });

  if (req.dryRun) {
    const report = emptyReport(eventName, trigger.key, 'dry-run', decision.reason);
    report.mode = decision.mode;
    report.packet = packetFor(decision.firstAttempt, null);
    report.wouldDo = [
      `check out ${headSha.slice(0, 12)}${pull ? ` (${pull.headRef})` : ''}`,
      `run fixer ${fixerName} (${fixer.command.join(' ')}), up to ${plural(decision.attemptsLeft, 'attempt')}`,
      `refuse a fix over ${base.fix.maxLines} lines, touching ${PROTECTED_PATHS.slice(0, 3).join(', ')}… or package.json scripts, or with a secret`,
      `wf ship: ${base.steps.test ? `the tests (${Array.isArray(base.test.command) ? base.test.command.join(' ') : base.test.command}), ` : ''}${base.steps.review ? `the reviewers ${Object.keys(base.reviewers).join(', ') || '(none configured)'}, ` : ''}a commit with Fix-Of: ${fixOfValue(root)} by ${base.fix.bot.name} <${base.fix.bot.email}>`,
      decision.mode === 'suggest'
        ? `post a review with suggestions on #${pull!.number}; push nothing`
        : decision.mode === 'push'
          ? `push to ${pull!.headRef} (never forced), then comment on #${pull!.number}`
          : `push wf-fix/${trigger.id} and open a pull request into ${trigger.run!.defaultBranch}`,
    ];
    return report;
  }
  return fixAndDeliver(ctx, decision as Extract<FixDecision, { act: true }>, { fixerName, fixer, headSha, baseSha, root, packetFor, history, eventName });
}

interface Plan {
  fixerName: string;
  fixer: FixerConfig;
  headSha: string;
  baseSha: string;
  root: string;
  packetFor: (attempt: number, feedback: string | null) => string;
  history: HistorySummary;
  eventName: string;
}

async function fixAndDeliver(ctx: Context, decision: Extract<FixDecision, { act: true }>, plan: Plan): Promise<FixReport> {
  const { trigger, base, progress } = ctx;
  const report = emptyReport(plan.eventName, trigger.key, 'gave-up', decision.reason);
  report.mode = decision.mode;
  let attemptsSpent = 0;
  let cost = 0;
  const marker = (outcome: FixOutcome) => ({ event: trigger.key, root: plan.root, attempts: attemptsSpent, outcome, costUsd: cost });
  const giveUp = async (reason: string, outcome: 'gave-up' | 'refused' = 'gave-up'): Promise<FixReport> => {
    report.outcome = outcome;
    report.reason = reason;
    report.exitCode = 1;
    progress(`wf fix: ${outcome === 'refused' ? 'refused' : 'gave up'}: ${reason}`);
    report.posted = await postComment(ctx, gaveUpBody({ trigger, marker: marker('gave-up'), attempts: report.attempts, commit: null, fingerprint: null, reason }));
    return report;
  };

  const dirty = await trackedChanges(ctx.repo);
  if (dirty.length > 0) {
    throw usageError(`the checkout has uncommitted changes (${dirty.slice(0, 5).join(', ')}), and wf fix would check out another commit over them`, { where: ctx.repo.root, hint: 'run wf fix in a clean checkout (in CI it always is)' });
  }
  await runGit(['checkout', '--quiet', '--detach', plan.headSha], { cwd: ctx.repo.root, env: ctx.repo.env });
  const repo = await openRepo(ctx.repo.root);

  // The pull request's own config may not loosen what its base says: the gates below run under it.
  const headConfig = (await configAtCommit(repo, plan.headSha)) ?? structuredClone(DEFAULT_CONFIG);
  const loosened = configLoosenings(headConfig, base);
  if (loosened.length > 0) return giveUp(`the pull request's .claude/wf.config.json loosens ${loosened.join(', ')} against the base branch's; wf fix runs only under the base's gates`, 'refused');

  const config = await effectiveConfig(repo, readConfig(repo.root));
  const taskId = freeTaskId(repo.root, trigger.key);
  const planDir = `${SUBTASKS_DIR}/${taskId}`;
  const planFile = join(repo.root, planDir, 'plan.md');
  // Never the fixer's work, so never staged or cleaned: the plan, wf's state, and what was untracked before.
  const keep = [planDir, STATE_FILE, AUDIT_FILE, ...(await untrackedFiles(repo))];
  try {
    mkdirSync(dirname(planFile), { recursive: true });
    writeFileSync(planFile, fixPlan({ trigger, pullTitle: ctx.pull?.title ?? null, fixer: plan.fixerName, mode: decision.mode }));
    const prepared = preparePlan(repo.root, taskId, undefined, config.plan.minWords);
    if (prepared.kind !== 'ready') throw new Error('the fix plan was not written');
    await mutateStore(repo.root, (tx) => {
      const task = startTask(tx, { id: taskId, title: `Fix ${fixOfValue(trigger.key)}` }, config);
      registerPlan(tx, task, { path: prepared.path, digest: prepared.digest }, config);
    });
    if (config.steps['plan-review']) {
      progress(`wf fix: plan review of ${taskId}`);
      const reviewed = await ship({ taskId, cwd: repo.root, onProgress: progress });
      if (reviewed.exitCode !== 0) {
        const stage = reviewed.stages[0];
        return giveUp(stage ? `the plan reviewers did not approve the fix's plan: ${stage.detail}` : `the plan review could not run (${reviewed.next.reason})`);
      }
    }

    const message = `fix: ${trigger.kind === 'run' ? `make ${trigger.run?.name || 'CI'} pass` : `address ${fixOfValue(trigger.key)}`}${ctx.pull ? ` on #${ctx.pull.number}` : ''}\n\nFix-Of: ${fixOfValue(plan.root)}`;
    let feedback: string | null = null;
    let shipped: ShipReport | null = null;
    const signal = ctx.req.signal ?? new AbortController().signal;
    // Taken once, before any of the fix's code runs (the fixer, then the fix's tests): checked again before the push.
    const trustedGitDir = gitDirDigest(repo.gitDir);
    for (let n = decision.firstAttempt; n <= base.fix.maxAttempts; n++) {
      const before = gitDirDigest(repo.gitDir);
      const evidence = evidenceDigest(repo.root);
      progress(`wf fix: attempt ${n} of ${base.fix.maxAttempts}: fixer ${plan.fixerName}`);
      const started = performance.now();
      const spawned = await spawnReviewer(repo, plan.fixerName, { ...plan.fixer, resumeArgs: undefined }, plan.packetFor(n, feedback), undefined, signal, repo.root, { role: 'fixer', env: ctx.req.fixerEnv });
      attemptsSpent++;
      const attemptCost = plan.fixer.cost ? Number(extractValue(spawned.stdout, plan.fixer.cost) ?? '0') : 0;
      cost += Number.isFinite(attemptCost) && attemptCost > 0 ? attemptCost : 0;
      const attempt: FixAttempt = { number: n, outcome: 'fixer-failed', detail: '', costUsd: attemptCost > 0 ? attemptCost : 0, durationMs: Math.round(performance.now() - started), stages: [] };
      report.attempts.push(attempt);
      if (gitDirDigest(repo.gitDir) !== before) {
        attempt.outcome = 'refused';
        attempt.detail = 'the fixer changed .git (config, hooks or info)';
        return giveUp('the fixer changed git\'s own configuration or hooks; nothing of this job can be trusted now', 'refused');
      }
      if (evidenceDigest(repo.root) !== evidence) {
        attempt.outcome = 'refused';
        attempt.detail = `the fixer changed ${STATE_FILE} or ${AUDIT_FILE}`;
        return giveUp('the fixer wrote wf\'s state or audit log, where test runs and reviews are recorded; nothing of this job can be trusted now', 'refused');
      }
      if (spawned.failure) {
        attempt.detail = `${spawned.failure.message}${spawned.stderr ? `: ${tailLines(redactSecrets(spawned.stderr), 5, 500)}` : ''}`;
        await resetWorkTree(repo, keep);
        if (spawned.failure.kind !== 'crashed') return giveUp(spawned.failure.message);
        feedback = `Your previous run failed: ${spawned.failure.message}`;
        continue;
      }
      if (base.fix.maxCostUsd !== undefined && plan.history.costUsd + cost > base.fix.maxCostUsd) {
        attempt.outcome = 'refused';
        attempt.detail = `the fixer's reported cost reached $${(plan.history.costUsd + cost).toFixed(2)}`;
        await resetWorkTree(repo, keep);
        return giveUp(`the cost ceiling of $${base.fix.maxCostUsd.toFixed(2)} per pull request is reached (fix.maxCostUsd)`);
      }
      // A fixer that commits anyway: its commits are undone and their change kept, so wf's gates and trailers apply.
      const head = (await runGit(['rev-parse', 'HEAD'], { cwd: repo.root, env: repo.env })).stdout.toString('utf8').trim();
      if (head !== plan.headSha) await runGit(['reset', '--soft', '--quiet', plan.headSha], { cwd: repo.root, env: repo.env });
      await stageWorkTree(repo, keep);
      const stats = await stagedStats(repo);
      if (stats.files.length === 0) {
        attempt.outcome = 'no-change';
        attempt.detail = 'the fixer changed nothing';
        return giveUp('the fixer changed nothing');
      }
      const touched = [...protectedPathsTouched(stats.files), ...(await scriptChanges(repo, stats.files)).map((f) => `${f} (scripts)`)];
      if (touched.length > 0) {
        attempt.outcome = 'refused';
        attempt.detail = `touches ${touched.join(', ')}`;
        await resetWorkTree(repo, keep);
        return giveUp(`the fix touches ${touched.join(', ')}, which set the gates, CI or hooks; wf fix never changes those`, 'refused');
      }
      if (stats.lines > base.fix.maxLines) {
        attempt.outcome = 'refused';
        attempt.detail = `${stats.lines} changed lines`;
        await resetWorkTree(repo, keep);
        return giveUp(`the fix changes ${stats.lines.toLocaleString('en-US')} lines, over fix.maxLines (${base.fix.maxLines})`, 'refused');
      }
      const secrets = secretsInPatch(await stagedPatch(repo), config);
      if (secrets.length > 0) {
        attempt.outcome = 'refused';
        attempt.detail = `a secret in ${describeSecrets(secrets).slice(0, 3).join('; ')}`;
        await resetWorkTree(repo, keep);
        return giveUp(`the fix contains what looks like a secret (${describeSecrets(secrets).slice(0, 3).join('; ')}); it is never posted or pushed`, 'refused');
      }
      shipped = await ship({ taskId, cwd: repo.root, message, identity: base.fix.bot, freshEvidence: true, onProgress: progress, ...(ctx.req.onOutput ? { onOutput: ctx.req.onOutput } : {}) });
      attempt.stages = shipped.stages.map((s) => ({ stage: s.stage, status: s.status, detail: s.detail }));
      if (shipped.committed) {
        attempt.outcome = 'committed';
        attempt.detail = `committed ${shipped.commit!.slice(0, 12)}`;
        break;
      }
      const failure = stageFailure(shipped);
      attempt.outcome = failure.outcome;
      attempt.detail = failure.detail;
      feedback = failure.feedback;
      await runGit(['reset', '--quiet', 'HEAD'], { cwd: repo.root, env: repo.env });
      await resetWorkTree(repo, keep);
      shipped = null;
      if (failure.outcome === 'gate-failed') return giveUp(failure.detail);
    }
    if (!shipped?.committed) {
      const last = report.attempts.at(-1);
      return giveUp(`${plural(base.fix.maxAttempts, 'attempt')} ${base.fix.maxAttempts === 1 ? 'is' : 'are'} spent${last ? `; the last: ${last.outcome}, ${last.detail}` : ''}`);
    }
    // The fix's tests ran its code after the fixer's check: .git is checked again before a push carries the token.
    if (gitDirDigest(repo.gitDir) !== trustedGitDir) return giveUp('git\'s own configuration or hooks changed while the fix was tested; nothing is pushed', 'refused');
    report.commit = shipped.commit;
    report.fingerprint = shipped.fingerprint;
    return deliver(ctx, repo, decision.mode, report, plan, marker);
  } finally {
    // The job's checkout keeps nothing of the fix but its commit (a second run in it starts clean).
    rmSync(join(repo.root, planDir), { recursive: true, force: true });
  }
}

async function deliver(ctx: Context, repo: Repo, mode: FixMode, report: FixReport, plan: Plan, marker: (o: FixOutcome) => { event: string; root: string; attempts: number; outcome: FixOutcome; costUsd: number }): Promise<FixReport> {
  const { trigger, req } = ctx;
  const { owner, repo: name } = req.github;
  const commit = report.commit!;
  const common = { trigger, attempts: report.attempts, commit, fingerprint: report.fingerprint };

  if (mode === 'suggest') {
    const fixDiff = (await runGit(['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '-U0', plan.headSha, commit, '--'], { cwd: repo.root, env: repo.env })).stdout.toString('utf8');
    const prDiff = (await runGit(['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', `${plan.baseSha}...${plan.headSha}`, '--'], { cwd: repo.root, env: repo.env })).stdout.toString('utf8');
    const planned = planSuggestions(fixDiff, commentableLines(prDiff));
    const body = suggestionBody({ ...common, marker: marker('suggested'), suggestions: planned.suggestions.length, remainder: planned.remainder });
    const posted = await postPullRequestReview(ctx.client, {
      owner,
      repo: name,
      pullNumber: ctx.pull!.number,
      commitId: plan.headSha,
      body,
      comments: planned.suggestions.map((s) => ({ path: s.path, line: s.line, startLine: s.startLine, body: s.body })),
    });
    report.outcome = 'suggested';
    report.reason = `${plural(planned.suggestions.length, 'suggestion')} posted${posted.foldedComments > 0 ? ' (in the review body: GitHub refused them inline)' : ''}`;
    report.posted = { kind: 'review', url: posted.url };
    return report;
  }

  const branch = mode === 'push' ? ctx.pull!.headRef : `wf-fix/${trigger.id}`;
  try {
    await pushRef(repo, ctx.remote, commit, `refs/heads/${branch}`, ctx.auth);
  } catch (err) {
    if (!(err instanceof RemoteCommandError)) throw err;
    report.outcome = 'gave-up';
    report.exitCode = 1;
    report.reason = err.rejected
      ? `${branch} moved while wf fix worked, so the fix was not pushed (never forced); the next event on the new head decides`
      : `git push to ${branch} failed: ${err.stderr.trim().split('\n').at(-1) ?? `exit ${err.exitCode}`}`;
    report.posted = await postComment(ctx, gaveUpBody({ ...common, marker: marker('gave-up'), reason: report.reason }));
    return report;
  }
  report.pushed = { ref: `refs/heads/${branch}`, commit };
  if (mode === 'push') {
    report.outcome = 'pushed';
    report.reason = `pushed ${commit.slice(0, 12)} to ${branch}`;
    report.posted = await postComment(ctx, pushedBody({ ...common, marker: marker('pushed'), ref: branch }));
    return report;
  }
  const opened = await createPullRequest(ctx.client, {
    owner,
    repo: name,
    head: branch,
    base: trigger.run!.defaultBranch,
    title: `wf fix: make ${trigger.run?.name || 'CI'} pass on ${trigger.run!.defaultBranch}`,
    body: pullRequestBody({ ...common, marker: marker('opened'), branch }),
  });
  report.outcome = 'opened';
  report.reason = `opened pull request #${opened.number} from ${branch}`;
  report.pullRequest = opened;
  return report;
}
