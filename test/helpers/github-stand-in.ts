import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * A local stand-in for the few GitHub REST endpoints wf calls, for tests
 * that use real HTTP and real octokit (never a mocked client).
 *
 * It cannot drift from GitHub silently: every request it receives is checked
 * against the matching operation of GitHub's published OpenAPI description
 * (`@octokit/openapi`, api.github.com.deref.json; path and query parameters
 * and the JSON body, with objects in request bodies closed so an unknown or
 * misspelt field is caught, since GitHub ignores those), and every response it
 * sends against that operation's response schema for the status code. Each
 * mismatch is recorded in `problems`; tests assert it stays empty.
 *
 * Endpoints: create and list reviews of a pull request, get and create a pull
 * request, a collaborator's permission, list and create a pull request's
 * conversation comments, a run's jobs, a job's logs (302 to a plain-text log).
 */

// ---------------------------------------------------------------------------
// The contract, from GitHub's OpenAPI description

type Json = unknown;
type SchemaNode = Record<string, unknown>;

interface ParameterContract {
  name: string;
  in: string;
  required: boolean;
  type: string | undefined;
  validate: ValidateFunction;
}

interface ResponseContract {
  validate: ValidateFunction | null;
  headers: string[];
}

interface OperationContract {
  operationId: string;
  method: string;
  template: string;
  parameters: ParameterContract[];
  requestBody: { required: boolean; validate: ValidateFunction } | null;
  responses: Map<number, ResponseContract>;
}

interface Contracts {
  operations: Map<string, OperationContract>;
  /** Every `METHOD /template` GitHub documents, to tell "not implemented here" from "no such endpoint". */
  known: Set<string>;
  /** GitHub's "Basic Error", for the statuses any endpoint can answer (401, rate limits, 5xx) where an operation does not list them. */
  basicError: ValidateFunction | null;
  problems: string[];
}

/** Statuses GitHub can answer on any endpoint, documented or not. */
const AMBIENT_STATUSES = new Set([401, 403, 404, 429, 500, 502, 503]);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const IMPLEMENTED = [
  'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}',
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
  'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs',
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
  'POST /repos/{owner}/{repo}/pulls',
] as const;
type Endpoint = (typeof IMPLEMENTED)[number];

const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not']);

/**
 * OpenAPI 3.0 schema → JSON Schema that ajv compiles: `nullable: true` becomes a type union (or an
 * anyOf with null when there is no type), boolean exclusiveMinimum/Maximum become numbers, and with
 * `close` an object with `properties` (outside an allOf, where closing would reject a sibling's
 * properties) gets `additionalProperties: false`.
 */
export function toJsonSchema(node: Json, close: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, close));
  if (!node || typeof node !== 'object') return node;
  const src = node as SchemaNode;
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(src)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key === 'discriminator' || key === 'xml' || key === 'externalDocs') continue;
    if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as SchemaNode).map(([k, v]) => [k, toJsonSchema(v, close)]));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((v) => toJsonSchema(v, key === 'allOf' ? false : close));
    } else if (SCHEMA_VALUES.has(key) && value && typeof value === 'object') {
      out[key] = toJsonSchema(value, close);
    } else {
      out[key] = value;
    }
  }
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') out[flag] = out[bound];
      else delete out[flag];
      if (typeof out[flag] === 'number') delete out[bound];
    }
  }
  if (close && out.properties && out.additionalProperties === undefined && !out.allOf && !out.anyOf && !out.oneOf) out.additionalProperties = false;
  if (src.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else if (Array.isArray(out.type)) {
      if (!out.type.includes('null')) out.type = [...out.type, 'null'];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats.default(ajvInstance);
    // OpenAPI's numeric and binary formats say nothing a type does not.
    for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajvInstance.addFormat(f, true);
  }
  return ajvInstance;
}

let contracts: Contracts | undefined;

/** Reads GitHub's description once per process, on first use, compiles only the implemented operations, and lets the rest be collected. */
function loadContracts(): Contracts {
  if (contracts) return contracts;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.deref.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, SchemaNode>> };
  const problems: string[] = [];
  const known = new Set<string>();
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of Object.keys(item)) if (HTTP_METHODS.includes(method)) known.add(`${method.toUpperCase()} ${template}`);
  }
  const compile = (schema: Json, close: boolean, what: string): ValidateFunction | null => {
    try {
      return ajv().compile(toJsonSchema(schema, close) as SchemaNode);
    } catch (err) {
      problems.push(`${what}: the schema does not compile: ${(err as Error).message}`);
      return null;
    }
  };
  const operations = new Map<string, OperationContract>();
  let basicError: ValidateFunction | null = null;
  for (const endpoint of IMPLEMENTED) {
    const [method, template] = endpoint.split(' ') as [string, string];
    const op = spec.paths[template]?.[method.toLowerCase()] as
      | { operationId: string; parameters?: SchemaNode[]; requestBody?: SchemaNode; responses: Record<string, SchemaNode> }
      | undefined;
    if (!op) {
      problems.push(`the stand-in implements ${endpoint}, which GitHub's description does not have (renamed or removed?)`);
      continue;
    }
    const parameters: ParameterContract[] = [];
    for (const p of op.parameters ?? []) {
      const schema = (p.schema ?? {}) as SchemaNode;
      const validate = compile(schema, false, `${op.operationId} parameter ${String(p.name)}`);
      if (validate) parameters.push({ name: String(p.name), in: String(p.in), required: p.required === true, type: typeof schema.type === 'string' ? schema.type : undefined, validate });
    }
    let requestBody: OperationContract['requestBody'] = null;
    const bodySchema = (op.requestBody?.content as Record<string, { schema?: Json }> | undefined)?.['application/json']?.schema;
    if (bodySchema !== undefined) {
      const validate = compile(bodySchema, true, `${op.operationId} request body`);
      if (validate) requestBody = { required: op.requestBody?.required === true, validate };
    }
    const responses = new Map<number, ResponseContract>();
    for (const [status, response] of Object.entries(op.responses)) {
      const schema = (response.content as Record<string, { schema?: Json }> | undefined)?.['application/json']?.schema;
      const validate = schema === undefined ? null : compile(schema, false, `${op.operationId} response ${status}`);
      if (schema !== undefined && (schema as SchemaNode).title === 'Basic Error' && basicError === null) basicError = validate;
      responses.set(Number(status), { validate, headers: Object.keys((response.headers as SchemaNode | undefined) ?? {}).map((h) => h.toLowerCase()) });
    }
    operations.set(endpoint, { operationId: op.operationId, method, template, parameters, requestBody, responses });
  }
  if (basicError === null) problems.push('no "Basic Error" schema found among the implemented operations\' responses');
  contracts = { operations, known, basicError, problems };
  return contracts;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 6)
    .map((e) => {
      const params = e.params as { allowedValues?: unknown[]; additionalProperty?: string };
      const extra = params.allowedValues ? ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : params.additionalProperty ? ` (${params.additionalProperty})` : '';
      return `${e.instancePath || '(root)'} ${e.message ?? e.keyword}${extra}`;
    })
    .join('; ');
}

/** A path template as a regex, and the names of its parameters in the order of its groups. */
function templateRegex(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

function matchTemplate(route: { regex: RegExp; names: string[] }, path: string): Record<string, string> | null {
  const m = route.regex.exec(path);
  return m ? Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(m[i + 1]!)])) : null;
}

// ---------------------------------------------------------------------------
// The stand-in

export type RepositoryRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
export type Fault = 'secondary-rate-limit' | 'rate-limit' | 'server-error';

export interface RecordedRequest {
  method: string;
  /** The URL path, without the query. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** The matched GitHub operation (e.g. `pulls/create-review`), null for a path outside the API. */
  operation: string | null;
}

export interface StoredReview {
  id: number;
  pullNumber: number;
  user: string;
  body: string;
  state: 'PENDING' | 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED';
  /** The `event` as sent (undefined for a pending review). */
  event: string | undefined;
  commitId: string;
  submittedAt: string | null;
  comments: Array<{ path: string; line: number | undefined; startLine?: number | undefined; side: string | undefined; body: string }>;
}

export interface PullSeed {
  number: number;
  draft?: boolean;
  /** owner/name of the head repository when it is a fork. */
  forkOf?: string;
  title?: string;
  headSha?: string;
  baseSha?: string;
  headRef?: string;
  baseRef?: string;
  author?: string;
}

export interface StandInOptions {
  owner?: string;
  repo?: string;
  pulls?: PullSeed[];
  /** Collaborators: a base role, or a custom role as GitHub reports it. Anyone else: 404. */
  permissions?: Record<string, RepositoryRole | { permission: string; role_name: string }>;
  /** Per file, the lines of its new version in the diff (where an inline comment may go). Unset: every line of every file. */
  diff?: Record<string, number[]>;
  /** Job logs by job id. */
  jobLogs?: Record<number, string>;
  /** Jobs of workflow runs, by run id. */
  runJobs?: Record<number, Array<{ id: number; name: string; conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null }>>;
  /** When set, a request must carry it (`token …` or `Bearer …`), else 401 Bad credentials. */
  token?: string;
  /** The account the token belongs to: the author of posted reviews. */
  login?: string;
  /** Changes a JSON answer before it is checked and sent: for testing the drift check itself. */
  tamper?: (operationId: string, status: number, json: unknown) => unknown;
}

export interface StoredComment {
  id: number;
  issueNumber: number;
  user: string;
  body: string;
  createdAt: string;
}

export interface GitHubStandIn {
  /** The API root, for octokit's baseUrl. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Drift between what went over the wire and GitHub's description. Tests assert it is empty. */
  readonly problems: string[];
  readonly reviews: StoredReview[];
  readonly comments: StoredComment[];
  /** Pull requests opened through the API. */
  readonly createdPulls: Array<{ number: number; head: string; base: string; title: string; body: string }>;
  /** A conversation comment already on the pull request. */
  seedComment(comment: { issueNumber: number; body: string; user?: string; createdAt?: string }): StoredComment;
  /** Refuse every review with inline comments as GitHub does for a line outside the diff (422). */
  rejectInlineComments: boolean;
  /** The next request (to `operationId`, when given) gets this fault instead of an answer. */
  failOnce(fault: Fault, operationId?: string): void;
  setPermission(username: string, role: RepositoryRole | { permission: string; role_name: string }): void;
  /** A review already on the pull request, as an earlier run (or a person) left it. */
  seedReview(review: { pullNumber: number; body: string; user?: string; state?: StoredReview['state'] }): StoredReview;
  requestsTo(operationId: string): RecordedRequest[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');
const nodeId = (prefix: string, id: number) => `${prefix}_${Buffer.from(`stand-in:${id}`).toString('base64url')}`;
const PERMISSION_OF: Record<RepositoryRole, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' };

interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

const error = (status: number, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  json: { message, documentation_url: DOCS, status: String(status), ...extra },
});

export async function startGitHubStandIn(options: StandInOptions = {}): Promise<GitHubStandIn> {
  const contract = loadContracts();
  const owner = options.owner ?? 'octo-org';
  const repo = options.repo ?? 'octo-repo';
  const login = options.login ?? 'github-actions[bot]';
  const pulls = new Map((options.pulls ?? [{ number: 1 }]).map((p) => [p.number, p]));
  const permissions = new Map(Object.entries(options.permissions ?? {}));
  const requests: RecordedRequest[] = [];
  const problems: string[] = [...contract.problems];
  const reviews: StoredReview[] = [];
  const comments: StoredComment[] = [];
  const createdPulls: GitHubStandIn['createdPulls'] = [];
  const faults: Array<{ fault: Fault; operationId: string | undefined }> = [];
  let nextId = 1000;
  let rejectInline = false;
  let base = '';
  const routes = [...contract.operations.values()].map((op) => ({ op, route: templateRegex(op.template) }));
  const started = new Date('2024-05-01T12:00:00Z').toISOString();

  // --- GitHub's objects, with every property their schemas require --------------------------

  const userJson = (name: string) => {
    const id = Number.parseInt(sha(name).slice(0, 8), 16);
    const bot = name.endsWith('[bot]');
    const api = `${base}/users/${encodeURIComponent(name)}`;
    return {
      login: name,
      id,
      node_id: nodeId(bot ? 'BOT' : 'U', id),
      avatar_url: `${base}/_avatars/${id}`,
      gravatar_id: '',
      url: api,
      html_url: bot ? `${base}/apps/${encodeURIComponent(name.replace(/\[bot\]$/, ''))}` : `${base}/${encodeURIComponent(name)}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: bot ? 'Bot' : 'User',
      site_admin: false,
      user_view_type: 'public',
    };
  };

  const repositoryJson = () => {
    const api = `${base}/repos/${owner}/${repo}`;
    const id = Number.parseInt(sha(`${owner}/${repo}`).slice(0, 8), 16);
    return {
      id,
      node_id: nodeId('R', id),
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: userJson(owner),
      private: false,
      html_url: `${base}/${owner}/${repo}`,
      description: null,
      fork: false,
      url: api,
      archive_url: `${api}/{archive_format}{/ref}`,
      assignees_url: `${api}/assignees{/user}`,
      blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`,
      compare_url: `${api}/compare/{base}...{head}`,
      contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`,
      deployments_url: `${api}/deployments`,
      downloads_url: `${api}/downloads`,
      events_url: `${api}/events`,
      forks_url: `${api}/forks`,
      git_commits_url: `${api}/git/commits{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_url: `git://127.0.0.1/${owner}/${repo}.git`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`,
      keys_url: `${api}/keys{/key_id}`,
      labels_url: `${api}/labels{/name}`,
      languages_url: `${api}/languages`,
      merges_url: `${api}/merges`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`,
      releases_url: `${api}/releases{/id}`,
      ssh_url: `git@127.0.0.1:${owner}/${repo}.git`,
      stargazers_url: `${api}/stargazers`,
      statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      tags_url: `${api}/tags`,
      teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`,
      clone_url: `${base}/${owner}/${repo}.git`,
      mirror_url: null,
      hooks_url: `${api}/hooks`,
      svn_url: `${base}/${owner}/${repo}`,
      homepage: null,
      language: 'TypeScript',
      forks_count: 0,
      stargazers_count: 0,
      watchers_count: 0,
      size: 100,
      default_branch: 'main',
      open_issues_count: pulls.size,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: true,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: 'public',
      pushed_at: started,
      created_at: started,
      updated_at: started,
      allow_forking: true,
      web_commit_signoff_required: false,
      forks: 0,
      open_issues: pulls.size,
      watchers: 0,
      license: null,
    };
  };

  const pullJson = (pull: PullSeed) => {
    const n = pull.number;
    const api = `${base}/repos/${owner}/${repo}`;
    const html = `${base}/${owner}/${repo}/pull/${n}`;
    const headSha = pull.headSha ?? sha(`head ${n}`);
    const headRef = pull.headRef ?? `topic-${n}`;
    const baseRef = pull.baseRef ?? 'main';
    const author = pull.author ?? 'octocat';
    const id = 5_000_000 + n;
    const href = (h: string) => ({ href: h });
    return {
      url: `${api}/pulls/${n}`,
      id,
      node_id: nodeId('PR', id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${n}`,
      commits_url: `${api}/pulls/${n}/commits`,
      review_comments_url: `${api}/pulls/${n}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${n}/comments`,
      statuses_url: `${api}/statuses/${headSha}`,
      number: n,
      state: 'open',
      locked: false,
      title: pull.title ?? `Pull request ${n}`,
      user: userJson(author),
      body: null,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: started,
      updated_at: started,
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: pull.forkOf
        ? { label: `${pull.forkOf.split('/')[0]}:${headRef}`, ref: headRef, sha: headSha, user: userJson(pull.forkOf.split('/')[0]!), repo: { ...repositoryJson(), full_name: pull.forkOf, name: pull.forkOf.split('/')[1]!, fork: true, owner: userJson(pull.forkOf.split('/')[0]!) } }
        : { label: `${owner}:${headRef}`, ref: headRef, sha: headSha, user: userJson(owner), repo: repositoryJson() },
      base: { label: `${owner}:${baseRef}`, ref: baseRef, sha: pull.baseSha ?? sha(`base ${n}`), user: userJson(owner), repo: repositoryJson() },
      _links: {
        self: href(`${api}/pulls/${n}`),
        html: href(html),
        issue: href(`${api}/issues/${n}`),
        comments: href(`${api}/issues/${n}/comments`),
        review_comments: href(`${api}/pulls/${n}/comments`),
        review_comment: href(`${api}/pulls/comments{/number}`),
        commits: href(`${api}/pulls/${n}/commits`),
        statuses: href(`${api}/statuses/${headSha}`),
      },
      author_association: 'CONTRIBUTOR',
      auto_merge: null,
      draft: pull.draft === true,
      merged: false,
      mergeable: true,
      rebaseable: true,
      mergeable_state: 'clean',
      merged_by: null,
      comments: 0,
      review_comments: reviews.filter((r) => r.pullNumber === n).reduce((sum, r) => sum + r.comments.length, 0),
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 0,
      changed_files: 1,
    };
  };

  const reviewJson = (r: StoredReview) => {
    const html = `${base}/${owner}/${repo}/pull/${r.pullNumber}#pullrequestreview-${r.id}`;
    const pullUrl = `${base}/repos/${owner}/${repo}/pulls/${r.pullNumber}`;
    return {
      id: r.id,
      node_id: nodeId('PRR', r.id),
      user: userJson(r.user),
      body: r.body,
      state: r.state,
      html_url: html,
      pull_request_url: pullUrl,
      author_association: r.user === owner ? 'OWNER' : 'NONE',
      _links: { html: { href: html }, pull_request: { href: pullUrl } },
      ...(r.submittedAt === null ? {} : { submitted_at: r.submittedAt }),
      commit_id: r.commitId,
    };
  };

  const commentJson = (c: StoredComment) => {
    const api = `${base}/repos/${owner}/${repo}`;
    return {
      id: c.id,
      node_id: nodeId('IC', c.id),
      url: `${api}/issues/comments/${c.id}`,
      html_url: `${base}/${owner}/${repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${c.issueNumber}`,
      body: c.body,
      user: userJson(c.user),
      created_at: c.createdAt,
      updated_at: c.createdAt,
      author_association: c.user === owner ? 'OWNER' : 'NONE',
    };
  };

  const jobJson = (runId: number, job: { id: number; name: string; conclusion: string | null }) => ({
    id: job.id,
    run_id: runId,
    run_url: `${base}/repos/${owner}/${repo}/actions/runs/${runId}`,
    node_id: nodeId('CR', job.id),
    head_sha: sha(`run ${runId}`),
    url: `${base}/repos/${owner}/${repo}/actions/jobs/${job.id}`,
    html_url: `${base}/${owner}/${repo}/actions/runs/${runId}/job/${job.id}`,
    status: 'completed',
    conclusion: job.conclusion,
    created_at: started,
    started_at: started,
    completed_at: started,
    name: job.name,
    steps: [],
    check_run_url: `${base}/repos/${owner}/${repo}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: 1,
    runner_name: 'GitHub Actions 1',
    runner_group_id: 1,
    runner_group_name: 'GitHub Actions',
    workflow_name: 'CI',
    head_branch: 'main',
  });

  const paged = <T>(all: T[], query: Record<string, string>, path: string) => {
    const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30) || 30));
    const page = Math.max(1, Number(query.page ?? 1) || 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const extra = query.filter ? `&filter=${query.filter}` : '';
    const link = (p: number) => `<${base}${path}?per_page=${perPage}&page=${p}${extra}>`;
    const links = [...(page < last ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : []), ...(page > 1 ? [`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`] : [])];
    return { items: all.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} };
  };

  // --- The handlers ---------------------------------------------------------------------------

  const unprocessable = (...errors: string[]) => error(422, 'Unprocessable Entity', { errors, documentation_url: `${DOCS}/pulls/reviews#create-a-review-for-a-pull-request` });

  const handlers: Record<Endpoint, (params: Record<string, string>, query: Record<string, string>, body: unknown) => Reply> = {
    'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews': (params, _query, raw) => {
      const pull = pulls.get(Number(params.pull_number));
      if (!pull) return error(404, 'Not Found');
      const body = (raw && typeof raw === 'object' ? raw : {}) as { body?: unknown; event?: unknown; commit_id?: unknown; comments?: unknown };
      const text = typeof body.body === 'string' ? body.body : '';
      const event = typeof body.event === 'string' ? body.event : undefined;
      const states: Record<string, StoredReview['state']> = { COMMENT: 'COMMENTED', APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED' };
      if (event !== undefined && !states[event]) return unprocessable(`Unknown event: ${event}`);
      if ((event === 'COMMENT' || event === 'REQUEST_CHANGES') && text.trim() === '') return unprocessable('Body is required for this event');
      if (text.length > 65_536) return unprocessable('Body is too long (maximum is 65536 characters)');
      const commitId = typeof body.commit_id === 'string' ? body.commit_id : (pull.headSha ?? sha(`head ${pull.number}`));
      if (!/^[0-9a-f]{40}$/.test(commitId)) return unprocessable('Commit could not be resolved');
      const comments = Array.isArray(body.comments) ? (body.comments as Array<{ path?: unknown; line?: unknown; start_line?: unknown; side?: unknown; body?: unknown }>) : [];
      for (const c of comments) {
        const path = String(c.path);
        const line = typeof c.line === 'number' ? c.line : undefined;
        if (options.diff && !(path in options.diff)) return unprocessable('Path could not be resolved');
        if (rejectInline || (options.diff && (line === undefined || !options.diff[path]!.includes(line)))) return unprocessable('Line could not be resolved');
        if (typeof c.start_line === 'number' && (line === undefined || c.start_line >= line || (options.diff && !options.diff[path]!.includes(c.start_line)))) return unprocessable('start_line must precede line and be part of the diff');
        if (typeof c.body === 'string' && c.body.length > 65_536) return unprocessable('Body is too long (maximum is 65536 characters)');
      }
      const review: StoredReview = {
        id: nextId++,
        pullNumber: pull.number,
        user: login,
        body: text,
        state: event === undefined ? 'PENDING' : states[event]!,
        event,
        commitId,
        submittedAt: event === undefined ? null : new Date().toISOString(),
        comments: comments.map((c) => ({ path: String(c.path), line: typeof c.line === 'number' ? c.line : undefined, ...(typeof c.start_line === 'number' ? { startLine: c.start_line } : {}), side: typeof c.side === 'string' ? c.side : undefined, body: String(c.body) })),
      };
      reviews.push(review);
      return { status: 200, json: reviewJson(review) };
    },
    'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews': (params, query) => {
      const n = Number(params.pull_number);
      if (!pulls.has(n)) return error(404, 'Not Found');
      const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30) || 30));
      const page = Math.max(1, Number(query.page ?? 1) || 1);
      const all = reviews.filter((r) => r.pullNumber === n);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = (p: number) => `<${base}/repos/${owner}/${repo}/pulls/${n}/reviews?per_page=${perPage}&page=${p}>`;
      const links = [
        ...(page < last ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : []),
        ...(page > 1 ? [`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`] : []),
      ];
      return { status: 200, json: all.slice((page - 1) * perPage, page * perPage).map(reviewJson), headers: links.length > 0 ? { link: links.join(', ') } : {} };
    },
    'GET /repos/{owner}/{repo}/pulls/{pull_number}': (params) => {
      const pull = pulls.get(Number(params.pull_number));
      return pull ? { status: 200, json: pullJson(pull) } : error(404, 'Not Found');
    },
    'GET /repos/{owner}/{repo}/collaborators/{username}/permission': (params) => {
      const name = params.username!;
      const role = permissions.get(name);
      if (role === undefined) return error(404, `${name} is not a user`);
      const { permission, role_name } = typeof role === 'string' ? { permission: PERMISSION_OF[role], role_name: role } : role;
      const level = ['read', 'triage', 'write', 'maintain', 'admin'].indexOf(typeof role === 'string' ? role : permission);
      const permissionsOf = { pull: level >= 0, triage: level >= 1, push: level >= 2, maintain: level >= 3, admin: level >= 4 };
      return { status: 200, json: { permission, role_name, user: { ...userJson(name), permissions: permissionsOf, role_name } } };
    },
    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': (params, query) => {
      const n = Number(params.issue_number);
      if (!pulls.has(n)) return error(404, 'Not Found');
      const { items, headers } = paged(comments.filter((c) => c.issueNumber === n), query, `/repos/${owner}/${repo}/issues/${n}/comments`);
      return { status: 200, json: items.map(commentJson), headers };
    },
    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': (params, _query, raw) => {
      const n = Number(params.issue_number);
      if (!pulls.has(n)) return error(404, 'Not Found');
      const body = (raw && typeof raw === 'object' ? raw : {}) as { body?: unknown };
      if (typeof body.body !== 'string' || body.body.trim() === '') return error(422, 'Validation Failed', { errors: ['body is missing'] });
      if (body.body.length > 65_536) return error(422, 'Validation Failed', { errors: ['Body is too long (maximum is 65536 characters)'] });
      const comment: StoredComment = { id: nextId++, issueNumber: n, user: login, body: body.body, createdAt: new Date().toISOString() };
      comments.push(comment);
      return { status: 201, json: commentJson(comment) };
    },
    'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs': (params, query) => {
      const id = Number(params.run_id);
      const jobs = options.runJobs?.[id];
      if (jobs === undefined) return error(404, 'Not Found');
      const { items, headers } = paged(jobs, query, `/repos/${owner}/${repo}/actions/runs/${id}/jobs`);
      return { status: 200, json: { total_count: jobs.length, jobs: items.map((j) => jobJson(id, j)) }, headers };
    },
    'POST /repos/{owner}/{repo}/pulls': (_params, _query, raw) => {
      const body = (raw && typeof raw === 'object' ? raw : {}) as { head?: unknown; base?: unknown; title?: unknown; body?: unknown };
      if (typeof body.head !== 'string' || typeof body.base !== 'string') return error(422, 'Validation Failed', { errors: ['head and base are required'] });
      if ([...pulls.values()].some((p) => (p.headRef ?? `topic-${p.number}`) === body.head)) return error(422, 'Validation Failed', { errors: [`A pull request already exists for ${owner}:${body.head}.`] });
      const number = Math.max(0, ...pulls.keys()) + 1;
      const seed: PullSeed = { number, headRef: String(body.head), baseRef: String(body.base), title: typeof body.title === 'string' ? body.title : String(body.head), author: login };
      pulls.set(number, seed);
      createdPulls.push({ number, head: String(body.head), base: String(body.base), title: seed.title!, body: typeof body.body === 'string' ? body.body : '' });
      return { status: 201, json: { ...pullJson(seed), body: typeof body.body === 'string' ? body.body : null } };
    },
    'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs': (params) => {
      const id = Number(params.job_id);
      if (options.jobLogs?.[id] === undefined) return error(404, 'Not Found');
      return { status: 302, headers: { location: `${base}/_stand-in/job-logs/${id}?sig=${sha(String(id)).slice(0, 16)}` } };
    },
  };

  // --- The wire -------------------------------------------------------------------------------

  const checkResponse = (where: string, op: OperationContract | null, reply: Reply): void => {
    if (!op) return;
    const documented = op.responses.get(reply.status);
    if (!documented) {
      if (!AMBIENT_STATUSES.has(reply.status)) {
        problems.push(`${where}: answered ${reply.status}, which GitHub's description of ${op.operationId} does not list (${[...op.responses.keys()].join(', ')})`);
      } else if (contract.basicError && !contract.basicError(reply.json)) {
        problems.push(`${where}: the ${reply.status} body is not GitHub's Basic Error: ${describeErrors(contract.basicError.errors)}`);
      }
      return;
    }
    for (const header of documented.headers) {
      if (reply.status >= 300 && reply.status < 400 && !(reply.headers && Object.keys(reply.headers).some((h) => h.toLowerCase() === header))) {
        problems.push(`${where}: the ${reply.status} answer lacks the ${header} header GitHub documents`);
      }
    }
    if (documented.validate) {
      if (reply.json === undefined) problems.push(`${where}: the ${reply.status} answer has no JSON body, GitHub documents one`);
      else if (!documented.validate(reply.json)) problems.push(`${where}: the ${reply.status} body does not match GitHub's schema: ${describeErrors(documented.validate.errors)}`);
    } else if (reply.json !== undefined) {
      problems.push(`${where}: the ${reply.status} answer has a JSON body, GitHub documents none`);
    }
  };

  const checkRequest = (where: string, op: OperationContract, params: Record<string, string>, query: Record<string, string>, headers: IncomingHttpHeaders, body: unknown, rawBody: string): void => {
    for (const p of op.parameters) {
      const value = p.in === 'path' ? params[p.name] : p.in === 'query' ? query[p.name] : undefined;
      if (p.in !== 'path' && p.in !== 'query') continue;
      if (value === undefined) {
        if (p.required) problems.push(`${where}: the required ${p.in} parameter ${p.name} is missing`);
        continue;
      }
      const typed = p.type === 'integer' || p.type === 'number' ? (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value) : p.type === 'boolean' ? (value === 'true' ? true : value === 'false' ? false : value) : value;
      if (!p.validate(typed)) problems.push(`${where}: the ${p.in} parameter ${p.name}=${JSON.stringify(value)} does not match GitHub's schema: ${describeErrors(p.validate.errors)}`);
    }
    for (const name of Object.keys(query)) {
      if (!op.parameters.some((p) => p.in === 'query' && p.name === name)) problems.push(`${where}: the query parameter ${name} is not one GitHub documents for ${op.operationId}`);
    }
    if (rawBody === '') {
      if (op.requestBody?.required) problems.push(`${where}: no request body, GitHub requires one`);
      return;
    }
    if (!op.requestBody) {
      problems.push(`${where}: a request body was sent, GitHub documents none for ${op.operationId}`);
      return;
    }
    if (!/^application\/json\b/.test(headers['content-type'] ?? '')) problems.push(`${where}: the body is sent as ${headers['content-type'] ?? 'no content type'}, not application/json`);
    if (typeof body === 'string') problems.push(`${where}: the request body is not JSON`);
    else if (!op.requestBody.validate(body)) problems.push(`${where}: the request body does not match GitHub's schema: ${describeErrors(op.requestBody.validate.errors)}`);
  };

  const faultReply = (fault: Fault): Reply => {
    if (fault === 'secondary-rate-limit') {
      return {
        ...error(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.'),
        headers: { 'retry-after': '1' },
      };
    }
    if (fault === 'rate-limit') {
      return {
        ...error(403, 'API rate limit exceeded for installation ID 1.'),
        headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) },
      };
    }
    return error(500, 'Server Error');
  };

  const handle = (req: IncomingMessage, rawBody: string): { reply: Reply; op: OperationContract | null; where: string } => {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams.entries());
    let body: unknown;
    if (rawBody !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const where = `${method} ${url.pathname}`;
    const logMatch = /^\/_stand-in\/job-logs\/(\d+)$/.exec(url.pathname);
    if (logMatch) {
      requests.push({ method, path: url.pathname, query, headers: req.headers, body, operation: null });
      const log = method === 'GET' ? options.jobLogs?.[Number(logMatch[1])] : undefined;
      return { reply: log === undefined ? { status: 404, text: 'Not Found' } : { status: 200, text: log }, op: null, where };
    }
    const found = routes.map(({ op, route }) => ({ op, params: method === op.method ? matchTemplate(route, url.pathname) : null })).find((r) => r.params !== null);
    if (!found) {
      requests.push({ method, path: url.pathname, query, headers: req.headers, body, operation: null });
      const documented = [...contract.known].some((k) => {
        const [m, t] = k.split(' ') as [string, string];
        return m === method && templateRegex(t).regex.test(url.pathname);
      });
      problems.push(documented ? `${where}: a GitHub endpoint the stand-in does not implement` : `${where}: no operation in GitHub's description matches this method and path`);
      return { reply: error(404, 'Not Found'), op: null, where };
    }
    const op = found.op;
    const params = found.params!;
    requests.push({ method, path: url.pathname, query, headers: req.headers, body, operation: op.operationId });
    const at = `${where} (${op.operationId})`;
    checkRequest(at, op, params, query, req.headers, body, rawBody);

    if (options.token !== undefined) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`) return { reply: error(401, 'Bad credentials'), op, where: at };
    }
    const f = faults.findIndex((x) => x.operationId === undefined || x.operationId === op.operationId);
    if (f >= 0) {
      const { fault } = faults.splice(f, 1)[0]!;
      return { reply: faultReply(fault), op, where: at };
    }
    if (params.owner?.toLowerCase() !== owner.toLowerCase() || params.repo?.toLowerCase() !== repo.toLowerCase()) return { reply: error(404, 'Not Found'), op, where: at };
    const endpoint = `${op.method} ${op.template}` as Endpoint;
    return { reply: handlers[endpoint](params, query, body), op, where: at };
  };

  const send = (res: ServerResponse, reply: Reply) => {
    const headers: Record<string, string> = { 'x-github-request-id': `STAND:${requests.length}`, ...reply.headers };
    let payload = '';
    if (reply.json !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      payload = JSON.stringify(reply.json);
    } else if (reply.text !== undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      payload = reply.text;
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let outcome: ReturnType<typeof handle>;
      try {
        outcome = handle(req, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        problems.push(`${req.method} ${req.url}: the stand-in failed: ${(err as Error).stack ?? String(err)}`);
        send(res, { status: 500, json: { message: 'stand-in failure' } });
        return;
      }
      if (options.tamper && outcome.op && outcome.reply.json !== undefined) {
        outcome.reply = { ...outcome.reply, json: options.tamper(outcome.op.operationId, outcome.reply.status, outcome.reply.json) };
      }
      checkResponse(outcome.where, outcome.op, outcome.reply);
      send(res, outcome.reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stand: GitHubStandIn = {
    url: base,
    requests,
    problems,
    reviews,
    comments,
    createdPulls,
    seedComment({ issueNumber, body, user = 'octocat', createdAt = new Date().toISOString() }) {
      if (!pulls.has(issueNumber)) throw new Error(`the stand-in has no pull request #${issueNumber}`);
      const comment: StoredComment = { id: nextId++, issueNumber, user, body, createdAt };
      comments.push(comment);
      return comment;
    },
    get rejectInlineComments() {
      return rejectInline;
    },
    set rejectInlineComments(on: boolean) {
      rejectInline = on;
    },
    failOnce(fault, operationId) {
      faults.push({ fault, operationId });
    },
    setPermission(username, role) {
      permissions.set(username, role);
    },
    seedReview({ pullNumber, body, user = 'octocat', state = 'COMMENTED' }) {
      const pull = pulls.get(pullNumber);
      if (!pull) throw new Error(`the stand-in has no pull request #${pullNumber}`);
      const review: StoredReview = {
        id: nextId++,
        pullNumber,
        user,
        body,
        state,
        event: undefined,
        commitId: pull.headSha ?? sha(`head ${pullNumber}`),
        submittedAt: state === 'PENDING' ? null : started,
        comments: [],
      };
      reviews.push(review);
      return review;
    },
    requestsTo(operationId) {
      return requests.filter((r) => r.operation === operationId);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return stand;
}
