import type { Octokit } from '@octokit/rest';
import { ExitCode, WfError, usageError } from '../errors/index.js';
import { redactSecrets } from '../redaction/index.js';

/**
 * GitHub as wf reports to it: one review per run, always a COMMENT (a bot's
 * approval is not the signal a human reviewer gives), found again on the
 * next run by a marker in its body, and who may do what on the repository.
 *
 * The token is the caller's (read from the environment) and goes to octokit
 * only: octokit logs nothing (its log is no-ops), and every failure becomes
 * a ForgeRequestError naming the status, the method and the route template,
 * never the request headers, the URL with its query, or the token.
 */

export interface GitHubClientOptions {
  token: string;
  /** The REST API root: `https://api.github.com`, or `GITHUB_API_URL` on GitHub Enterprise Server. */
  baseUrl?: string;
  userAgent?: string;
}

export interface GitHubClient {
  readonly octokit: Octokit;
  /** The API root, without credentials or a trailing slash. */
  readonly baseUrl: string;
}

/** Retries after a 5xx or a network failure (retry plugin), and after a primary or secondary rate limit (throttling plugin). */
export const GITHUB_RETRIES = 2;
/** A rate limit that lifts later than this is not waited for: wf gives up and says so. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 120;
/** GitHub refuses a review body over 65,536 characters; wf stays below it. */
export const REVIEW_BODY_LIMIT = 65_000;

const DEFAULT_API_URL = 'https://api.github.com';

/** The client's token, kept off the client object so that inspecting or serialising the client cannot show it. */
const tokens = new WeakMap<GitHubClient, string>();

const SILENT_LOG = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

type PluggedOctokit = new (options: ConstructorParameters<typeof Octokit>[0]) => Octokit;
let octokitClass: Promise<PluggedOctokit> | undefined;
let clients = 0;

async function loadOctokit(): Promise<PluggedOctokit> {
  octokitClass ??= Promise.all([import('@octokit/rest'), import('@octokit/plugin-retry'), import('@octokit/plugin-throttling')]).then(
    ([rest, retryPlugin, throttlingPlugin]) => rest.Octokit.plugin(retryPlugin.retry, throttlingPlugin.throttling) as unknown as PluggedOctokit,
  );
  return octokitClass;
}

/** A URL as it may be shown: no user name, password, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  const token = options.token.trim();
  if (token === '') {
    throw usageError('no GitHub token was given to report to GitHub', {
      hint: 'set GITHUB_TOKEN (in a workflow: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`) or WF_GITHUB_TOKEN',
    });
  }
  const rawUrl = (options.baseUrl ?? DEFAULT_API_URL).trim().replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(rawUrl);
  } catch {
    throw usageError('the GitHub API URL is not a URL', { where: 'GITHUB_API_URL', hint: 'set GITHUB_API_URL to https://api.github.com, or to https://<host>/api/v3 on GitHub Enterprise Server' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw usageError(`the GitHub API URL ${displayUrl(rawUrl)} is not http(s)`, { where: 'GITHUB_API_URL', hint: 'set GITHUB_API_URL to https://api.github.com' });
  }
  const Client = await loadOctokit();
  const keepTrying = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number): boolean =>
    retryCount < GITHUB_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
  const octokit = new Client({
    auth: token,
    baseUrl: rawUrl,
    userAgent: options.userAgent ?? 'wf-gate',
    log: SILENT_LOG,
    // Not `request: { retries }`: a retry count in the request options makes the retry plugin retry
    // every failure, 4xx included (a 422 would be posted three times); its own option keeps doNotRetry.
    retry: { retries: GITHUB_RETRIES },
    // Each client keeps its own pace (the plugin's default id makes every client of the process share
    // one queue, so a review posted by one client would make the next client wait 3 s).
    throttle: { id: `wf-gate-${++clients}`, onRateLimit: keepTrying, onSecondaryRateLimit: keepTrying },
  });
  const client: GitHubClient = { octokit, baseUrl: displayUrl(rawUrl) };
  tokens.set(client, token);
  return client;
}

// ---------------------------------------------------------------------------
// Errors

export type Forge = 'github' | 'gitlab';

/** Marks a ForgeRequestError across bundled copies of this module, as WfError is marked. */
const FORGE_ERROR = Symbol.for('wf-gate.ForgeRequestError');

export function isForgeRequestError(err: unknown): err is ForgeRequestError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[FORGE_ERROR] === true;
}

/** A forge refused or did not answer. A WfError (exit 3) that also carries what was asked and what came back. */
export class ForgeRequestError extends WfError {
  static {
    // WfError answers `instanceof` by its own brand, which every WfError carries; without this,
    // any WfError would pass for a ForgeRequestError.
    Object.defineProperty(this, Symbol.hasInstance, { value: isForgeRequestError });
  }

  readonly [FORGE_ERROR] = true;
  readonly forge: Forge;
  /** The HTTP status, or 0 when no answer came (network, timeout). */
  readonly status: number;
  /** Method and route template, e.g. `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews`. */
  readonly endpoint: string;

  constructor(forge: Forge, status: number, endpoint: string, message: string, options: { hint: string; where?: string }) {
    super(ExitCode.Environment, message, options);
    this.forge = forge;
    this.status = status;
    this.endpoint = endpoint;
  }
}

/** Server-sent text, made safe to show: the token removed even if echoed, other secrets redacted, one line, bounded. */
export function sanitize(text: string, secret: string | undefined): string {
  let out = text;
  if (secret) out = out.split(secret).join('[REDACTED]');
  out = redactSecrets(out).replace(/\s+/g, ' ').trim();
  return out.length > 300 ? `${out.slice(0, 297)}...` : out;
}

interface OctokitLikeError {
  status?: unknown;
  message?: unknown;
  response?: { data?: unknown; headers?: Record<string, unknown> };
  cause?: unknown;
}

/** The HTTP status of an octokit RequestError that carries a response, else null. */
function answeredStatus(err: unknown): number | null {
  const e = err as OctokitLikeError | null;
  if (e && typeof e === 'object' && typeof e.status === 'number' && e.response !== undefined) return e.status;
  return null;
}

function githubSays(data: unknown): string {
  if (typeof data === 'string') return data;
  if (!data || typeof data !== 'object') return '';
  const d = data as { message?: unknown; errors?: unknown };
  const message = typeof d.message === 'string' ? d.message : '';
  const details = Array.isArray(d.errors)
    ? d.errors
        .map((e: unknown) => (typeof e === 'string' ? e : e && typeof e === 'object' ? String((e as { message?: unknown; code?: unknown }).message ?? (e as { code?: unknown }).code ?? '') : ''))
        .filter((s) => s !== '')
    : [];
  return details.length > 0 ? `${message} (${details.join('; ')})` : message;
}

function hintFor(status: number, said: string, extra: Partial<Record<number, string>>): string {
  const specific = extra[status];
  if (specific) return specific;
  if (status === 0) return 'check the network and GITHUB_API_URL, then re-run the job';
  if (status === 401) return 'check the token: GITHUB_TOKEN or WF_GITHUB_TOKEN must be a valid, unexpired token for this repository';
  if ((status === 403 || status === 429) && /rate limit/i.test(said)) {
    return `GitHub rate-limited wf and ${GITHUB_RETRIES} retries did not get through: wait a few minutes, then re-run the job`;
  }
  if (status === 403) return 'give the token the permission it needs (in a workflow: `permissions: pull-requests: write`); a pull request from a fork gets a read-only token';
  if (status === 404) return 'check GITHUB_REPOSITORY and the pull request number, and that the token can see the repository';
  if (status >= 500) return `GitHub failed ${GITHUB_RETRIES + 1} times in a row: check https://www.githubstatus.com, then re-run the job`;
  return 'read GitHub\'s answer above; if wf sent something GitHub does not accept, report it as a bug in wf';
}

/** Turns anything octokit threw into a ForgeRequestError without the token, the headers or the request URL. */
export function gitHubError(
  client: GitHubClient,
  err: unknown,
  endpoint: string,
  where: string,
  hints: Partial<Record<number, string>> = {},
): ForgeRequestError {
  if (isForgeRequestError(err)) return err;
  const secret = tokens.get(client);
  const status = answeredStatus(err);
  if (status === null) {
    const e = err as OctokitLikeError | null;
    const code = (e?.cause as { code?: unknown } | undefined)?.code;
    const said = typeof e?.message === 'string' ? e.message : String(err);
    const reason = sanitize(typeof code === 'string' && !said.includes(code) ? `${said} (${code})` : said, secret);
    return new ForgeRequestError('github', 0, endpoint, `GitHub did not answer ${endpoint} at ${client.baseUrl}: ${reason}`, { where, hint: hintFor(0, reason, hints) });
  }
  const said = sanitize(githubSays((err as OctokitLikeError).response?.data), secret);
  const message = `GitHub answered ${status} to ${endpoint}${said ? `: ${said}` : ''}`;
  return new ForgeRequestError('github', status, endpoint, message, { where, hint: hintFor(status, said, hints) });
}

async function call<T>(client: GitHubClient, endpoint: string, where: string, run: () => Promise<T>, hints?: Partial<Record<number, string>>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw gitHubError(client, err, endpoint, where, hints);
  }
}

// ---------------------------------------------------------------------------
// Text that must fit

export interface CappedText {
  text: string;
  truncated: boolean;
}

/** Cuts `text` to at most `limit` UTF-16 units (never inside a surrogate pair), closing an open code fence. */
function cutAt(text: string, limit: number): string {
  let end = Math.max(0, limit);
  if (end >= text.length) return text;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  let cut = text.slice(0, end);
  const fences = cut.match(/^\s*(```|~~~)/gm)?.length ?? 0;
  if (fences % 2 === 1) cut = `${cut.slice(0, Math.max(0, end - 4))}\n\`\`\``;
  return cut;
}

/**
 * `main`, then `appendix` (when given), within `limit` characters. When it does not fit, `main` is
 * cut first so that the appendix (findings that must not be lost) survives, and a note says so.
 */
export function fitText(main: string, appendix: string, limit: number, forgeLimit: string): CappedText {
  const joined = appendix === '' ? main : `${main}\n\n${appendix}`;
  if (joined.length <= limit) return { text: joined, truncated: false };
  const note = `\n\n---\n_wf cut this text: it was ${joined.length.toLocaleString('en-US')} characters, over ${forgeLimit}._`;
  const tail = appendix === '' ? '' : `\n\n${appendix}`;
  const room = limit - note.length - tail.length;
  if (room >= Math.min(1000, main.length)) return { text: `${cutAt(main, room)}${note}${tail}`, truncated: true };
  return { text: `${cutAt(joined, limit - note.length)}${note}`, truncated: true };
}

// ---------------------------------------------------------------------------
// Reviews

export interface ReviewComment {
  /** The file, relative to the repository root. */
  path: string;
  /** The line in the file's new version (side RIGHT); it must be part of the pull request's diff. */
  line: number;
  /** For a comment over several lines (a multi-line suggestion): the first of them; `line` is the last. */
  startLine?: number | undefined;
  body: string;
}

export interface PullRequestReviewInput {
  owner: string;
  repo: string;
  pullNumber: number;
  /** The commit the review is about (the pull request's head when wf ran). */
  commitId: string;
  /** Markdown. Put a hidden marker (`<!-- wf:... -->`) first: a body over the limit is cut at its end. */
  body: string;
  comments?: readonly ReviewComment[];
}

export interface PostedReview {
  id: number;
  url: string;
  /** Comments posted inline on the diff. */
  inlineComments: number;
  /** Comments GitHub refused inline (a line outside the diff), listed in the body instead. */
  foldedComments: number;
  /** The body was cut to REVIEW_BODY_LIMIT. */
  truncated: boolean;
}

const CREATE_REVIEW = 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews';
const LIST_REVIEWS = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews';
const COLLABORATOR_PERMISSION = 'GET /repos/{owner}/{repo}/collaborators/{username}/permission';

const GITHUB_BODY_LIMIT = "GitHub's limit of 65,536";

function foldedComments(comments: readonly ReviewComment[]): string {
  const items = comments.map((c) => {
    const [first = '', ...rest] = c.body.trim().split('\n');
    return [`- \`${c.path}\` line ${c.line}: ${first}`, ...rest.map((l) => (l === '' ? '' : `  ${l}`))].join('\n');
  });
  return [
    '### Findings on lines outside the diff',
    '',
    'GitHub did not accept these as inline comments (a line is not part of the pull request\'s diff), so they are listed here:',
    '',
    ...items,
  ].join('\n');
}

function checkReviewInput(input: PullRequestReviewInput): void {
  if (input.body.trim() === '') throw usageError('a pull request review needs a body (GitHub requires one for a COMMENT review)', { where: `${input.owner}/${input.repo}#${input.pullNumber}` });
  if (!Number.isInteger(input.pullNumber) || input.pullNumber < 1) throw usageError(`${input.pullNumber} is not a pull request number`, { where: `${input.owner}/${input.repo}` });
  for (const c of input.comments ?? []) {
    if (!Number.isInteger(c.line) || c.line < 1 || c.path === '' || c.body.trim() === '' || (c.startLine !== undefined && (!Number.isInteger(c.startLine) || c.startLine < 1 || c.startLine > c.line))) {
      throw usageError(`an inline comment needs a path, a line number from 1 and a body, got ${JSON.stringify({ path: c.path, line: c.line })}`, { where: `${input.owner}/${input.repo}#${input.pullNumber}` });
    }
  }
}

/**
 * Posts wf's review as a COMMENT (never APPROVE or REQUEST_CHANGES). When GitHub refuses the inline
 * comments (422: a line outside the diff), posts once more with the comments listed in the body, so no
 * finding is lost. The body is kept under REVIEW_BODY_LIMIT, with a note when it had to be cut.
 */
export async function postPullRequestReview(client: GitHubClient, input: PullRequestReviewInput): Promise<PostedReview> {
  checkReviewInput(input);
  const where = `${input.owner}/${input.repo}#${input.pullNumber}`;
  const comments = input.comments ?? [];
  const base = { owner: input.owner, repo: input.repo, pull_number: input.pullNumber, commit_id: input.commitId, event: 'COMMENT' as const };
  const post = (body: string, inline: readonly ReviewComment[]) =>
    client.octokit.request(CREATE_REVIEW, {
      ...base,
      body,
      ...(inline.length > 0
        ? {
            comments: inline.map((c) => ({
              path: c.path,
              line: c.line,
              side: 'RIGHT',
              ...(c.startLine !== undefined && c.startLine < c.line ? { start_line: c.startLine, start_side: 'RIGHT' } : {}),
              body: fitText(c.body, '', REVIEW_BODY_LIMIT, GITHUB_BODY_LIMIT).text,
            })),
          }
        : {}),
    });
  const hints = { 422: 'GitHub refused the review; check the commit id is the pull request\'s head commit, then re-run the job' };

  const first = fitText(input.body, '', REVIEW_BODY_LIMIT, GITHUB_BODY_LIMIT);
  try {
    const { data } = await post(first.text, comments);
    return { id: Number(data.id), url: data.html_url, inlineComments: comments.length, foldedComments: 0, truncated: first.truncated };
  } catch (err) {
    if (comments.length === 0 || answeredStatus(err) !== 422) throw gitHubError(client, err, CREATE_REVIEW, where, hints);
  }
  const folded = fitText(input.body, foldedComments(comments), REVIEW_BODY_LIMIT, GITHUB_BODY_LIMIT);
  const { data } = await call(client, CREATE_REVIEW, where, () => post(folded.text, []), hints);
  return { id: Number(data.id), url: data.html_url, inlineComments: 0, foldedComments: comments.length, truncated: folded.truncated };
}

export interface PreviousReview {
  id: number;
  body: string;
  state: string;
  commitId: string | null;
  url: string;
  submittedAt: string | null;
  /** The login of the review's author, null for a deleted account. */
  author: string | null;
  /** `User` or `Bot` (an app), null for a deleted account. */
  authorType: string | null;
}

/** Every review of the pull request, oldest first (all pages are read). */
export async function listPullRequestReviews(client: GitHubClient, input: { owner: string; repo: string; pullNumber: number }): Promise<PreviousReview[]> {
  const where = `${input.owner}/${input.repo}#${input.pullNumber}`;
  const reviews = await call(client, LIST_REVIEWS, where, () =>
    client.octokit.paginate(LIST_REVIEWS, { owner: input.owner, repo: input.repo, pull_number: input.pullNumber, per_page: 100 }),
  );
  return reviews.map((r) => ({ id: Number(r.id), body: r.body ?? '', state: r.state, commitId: r.commit_id, url: r.html_url, submittedAt: r.submitted_at ?? null, author: r.user?.login ?? null, authorType: r.user?.type ?? null }));
}

/** wf's most recent earlier review of the pull request: the last one whose body contains `marker` (all pages are read). */
export async function findPreviousWfReview(
  client: GitHubClient,
  input: { owner: string; repo: string; pullNumber: number; marker: string },
): Promise<PreviousReview | null> {
  if (input.marker.trim() === '') throw usageError('the marker that finds wf\'s earlier review is empty', { hint: 'pass a hidden HTML comment such as <!-- wf:review -->' });
  const reviews = await listPullRequestReviews(client, input);
  for (let i = reviews.length - 1; i >= 0; i--) {
    if (reviews[i]!.body.includes(input.marker)) return reviews[i]!;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Pull requests, comments and runs, for wf fix

const GET_PULL = 'GET /repos/{owner}/{repo}/pulls/{pull_number}';
const CREATE_PULL = 'POST /repos/{owner}/{repo}/pulls';
const LIST_ISSUE_COMMENTS = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
const CREATE_ISSUE_COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
const LIST_RUN_JOBS = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs';
const JOB_LOGS = 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs';

export interface PullRequestInfo {
  number: number;
  state: string;
  draft: boolean;
  title: string;
  author: string | null;
  headRef: string;
  headSha: string;
  /** owner/name of the head's repository; null when the fork was deleted. */
  headRepo: string | null;
  baseRef: string;
  baseSha: string;
  baseRepo: string;
}

export async function getPullRequest(client: GitHubClient, input: { owner: string; repo: string; pullNumber: number }): Promise<PullRequestInfo> {
  const where = `${input.owner}/${input.repo}#${input.pullNumber}`;
  const { data } = await call(client, GET_PULL, where, () => client.octokit.request(GET_PULL, { owner: input.owner, repo: input.repo, pull_number: input.pullNumber }));
  return {
    number: data.number,
    state: data.state,
    draft: data.draft === true,
    title: data.title,
    author: data.user?.login ?? null,
    headRef: data.head.ref,
    headSha: data.head.sha,
    headRepo: data.head.repo?.full_name ?? null,
    baseRef: data.base.ref,
    baseSha: data.base.sha,
    baseRepo: data.base.repo.full_name,
  };
}

export interface IssueComment {
  id: number;
  body: string;
  author: string | null;
  /** `User`, `Bot` or `Organization`, as GitHub says. */
  authorType: string | null;
  createdAt: string;
  url: string;
}

/** The conversation comments of a pull request (its issue), oldest first, all pages. */
export async function listIssueComments(client: GitHubClient, input: { owner: string; repo: string; issueNumber: number }): Promise<IssueComment[]> {
  const where = `${input.owner}/${input.repo}#${input.issueNumber}`;
  const comments = await call(client, LIST_ISSUE_COMMENTS, where, () =>
    client.octokit.paginate(LIST_ISSUE_COMMENTS, { owner: input.owner, repo: input.repo, issue_number: input.issueNumber, per_page: 100 }),
  );
  return comments.map((c) => ({ id: Number(c.id), body: c.body ?? '', author: c.user?.login ?? null, authorType: c.user?.type ?? null, createdAt: c.created_at, url: c.html_url }));
}

export async function createIssueComment(client: GitHubClient, input: { owner: string; repo: string; issueNumber: number; body: string }): Promise<{ id: number; url: string; truncated: boolean }> {
  if (input.body.trim() === '') throw usageError('a comment needs a body', { where: `${input.owner}/${input.repo}#${input.issueNumber}` });
  const where = `${input.owner}/${input.repo}#${input.issueNumber}`;
  const fitted = fitText(input.body, '', REVIEW_BODY_LIMIT, GITHUB_BODY_LIMIT);
  const { data } = await call(client, CREATE_ISSUE_COMMENT, where, () =>
    client.octokit.request(CREATE_ISSUE_COMMENT, { owner: input.owner, repo: input.repo, issue_number: input.issueNumber, body: fitted.text }),
  );
  return { id: Number(data.id), url: data.html_url, truncated: fitted.truncated };
}

export interface RunJob {
  id: number;
  name: string;
  conclusion: string | null;
}

/** The jobs of a workflow run's latest attempt. */
export async function listRunJobs(client: GitHubClient, input: { owner: string; repo: string; runId: number }): Promise<RunJob[]> {
  const where = `${input.owner}/${input.repo}, run ${input.runId}`;
  const jobs = await call(client, LIST_RUN_JOBS, where, () =>
    client.octokit.paginate(LIST_RUN_JOBS, { owner: input.owner, repo: input.repo, run_id: input.runId, filter: 'latest', per_page: 100 }),
  );
  return jobs.map((j) => ({ id: Number(j.id), name: j.name, conclusion: j.conclusion ?? null }));
}

/** A job's plain-text log (GitHub answers with a redirect to a short-lived URL, which octokit follows). */
export async function getJobLog(client: GitHubClient, input: { owner: string; repo: string; jobId: number }): Promise<string> {
  const where = `${input.owner}/${input.repo}, job ${input.jobId}`;
  const { data } = await call(client, JOB_LOGS, where, () => client.octokit.request(JOB_LOGS, { owner: input.owner, repo: input.repo, job_id: input.jobId }), {
    403: 'give the token `actions: read` to read job logs',
    404: 'the job or its log is gone (logs expire); re-run the workflow',
  });
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return String(data ?? '');
}

export async function createPullRequest(
  client: GitHubClient,
  input: { owner: string; repo: string; head: string; base: string; title: string; body: string },
): Promise<{ number: number; url: string }> {
  const where = `${input.owner}/${input.repo}, ${input.head} → ${input.base}`;
  const body = fitText(input.body, '', REVIEW_BODY_LIMIT, GITHUB_BODY_LIMIT).text;
  const { data } = await call(client, CREATE_PULL, where, () => client.octokit.request(CREATE_PULL, { owner: input.owner, repo: input.repo, head: input.head, base: input.base, title: input.title, body }), {
    422: 'GitHub refused the pull request (one from this branch may exist already, or the branch has no new commits)',
    403: 'give the token `pull-requests: write` (and allow GitHub Actions to create pull requests in the repository settings)',
  });
  return { number: data.number, url: data.html_url };
}

export type RepositoryPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
const PERMISSIONS: ReadonlySet<string> = new Set<RepositoryPermission>(['admin', 'maintain', 'write', 'triage', 'read', 'none']);

/**
 * What `username` may do on the repository. `role_name` when it is one of the five base roles (it says
 * maintain and triage, which `permission` folds into write and read); a custom role falls back to
 * `permission`. Not a collaborator (404), or anything unrecognised: 'none'.
 */
export async function getCollaboratorPermission(
  client: GitHubClient,
  input: { owner: string; repo: string; username: string },
): Promise<RepositoryPermission> {
  const where = `${input.owner}/${input.repo}, user ${input.username}`;
  let data: { permission?: unknown; role_name?: unknown };
  try {
    ({ data } = await client.octokit.request(COLLABORATOR_PERMISSION, { owner: input.owner, repo: input.repo, username: input.username }));
  } catch (err) {
    if (answeredStatus(err) === 404) return 'none';
    throw gitHubError(client, err, COLLABORATOR_PERMISSION, where);
  }
  for (const candidate of [data.role_name, data.permission]) {
    if (typeof candidate === 'string' && PERMISSIONS.has(candidate)) return candidate as RepositoryPermission;
  }
  return 'none';
}

// ---------------------------------------------------------------------------
// The environment of a GitHub Actions job

export interface GitHubContext {
  kind: 'github';
  owner: string;
  repo: string;
  /** null when the run is not about one pull request (merge_group, push, schedule). */
  pullNumber: number | null;
  apiUrl: string;
  /** Non-enumerable: left out of JSON.stringify, spreads and util.inspect. */
  token: string | null;
}

const nonEmpty = (value: string | undefined): string | null => (value !== undefined && value.trim() !== '' ? value.trim() : null);

/** The pull request an event payload is about: pull_request*, or an issue_comment on a pull request; null for merge_group and the rest. */
function pullNumberOf(event: unknown): number | null {
  if (!event || typeof event !== 'object') return null;
  const e = event as { merge_group?: unknown; pull_request?: { number?: unknown }; issue?: { number?: unknown; pull_request?: unknown } };
  if (e.merge_group !== undefined) return null;
  const n = e.pull_request?.number ?? (e.issue?.pull_request ? e.issue.number : undefined);
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;
}

export function gitHubFromEnvironment(env: NodeJS.ProcessEnv, readFile: (path: string) => string): GitHubContext | null {
  const full = nonEmpty(env.GITHUB_REPOSITORY);
  if (full === null) return null;
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(full);
  if (!match) throw usageError(`GITHUB_REPOSITORY is ${JSON.stringify(full)}, not <owner>/<repo>`, { where: 'GITHUB_REPOSITORY', hint: 'unset it outside GitHub Actions, or set it to owner/repo' });

  let pullNumber: number | null = null;
  let eventRead = false;
  const eventPath = nonEmpty(env.GITHUB_EVENT_PATH);
  if (eventPath !== null) {
    try {
      pullNumber = pullNumberOf(JSON.parse(readFile(eventPath)));
      eventRead = true;
    } catch {
      // Unreadable or not JSON: fall back to the ref below.
    }
  }
  if (!eventRead) {
    const ref = /^refs\/pull\/(\d+)\/(?:merge|head)$/.exec(env.GITHUB_REF ?? '');
    if (ref) pullNumber = Number(ref[1]);
  }
  const context = {
    kind: 'github' as const,
    owner: match[1]!,
    repo: match[2]!,
    pullNumber,
    apiUrl: (nonEmpty(env.GITHUB_API_URL) ?? DEFAULT_API_URL).replace(/\/+$/, ''),
  };
  return Object.defineProperty(context, 'token', { value: nonEmpty(env.WF_GITHUB_TOKEN) ?? nonEmpty(env.GITHUB_TOKEN), enumerable: false }) as GitHubContext;
}
