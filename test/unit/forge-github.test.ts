import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isWfError } from '../../src/errors/index.js';
import {
  createGitHubClient,
  describeForge,
  findPreviousWfReview,
  forgeFromEnvironment,
  ForgeRequestError,
  getCollaboratorPermission,
  type GitHubClient,
  postPullRequestReview,
  REVIEW_BODY_LIMIT,
} from '../../src/forge/index.js';
import { type GitHubStandIn, type StandInOptions, startGitHubStandIn, toJsonSchema } from '../helpers/github-stand-in.js';

/**
 * The GitHub client against the stand-in: real HTTP, real octokit with its
 * retry and throttling plugins. The stand-in checks every request and answer
 * against GitHub's OpenAPI description, and each test ends with no drift.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const fakeToken = () => `ghs_${Array.from(randomBytes(36), (b) => ALPHABET[b % ALPHABET.length]).join('')}`;

const OWNER = 'octo-org';
const REPO = 'octo-repo';
const HEAD = 'a'.repeat(40);
const MARKER = '<!-- wf:review -->';

const stands: GitHubStandIn[] = [];
afterEach(async () => {
  const open = stands.splice(0);
  try {
    for (const stand of open) expect(stand.problems).toEqual([]);
  } finally {
    await Promise.all(open.map((s) => s.close()));
  }
});

async function setup(options: StandInOptions = {}, clientToken?: string): Promise<{ stand: GitHubStandIn; client: GitHubClient; token: string }> {
  const token = fakeToken();
  const stand = await startGitHubStandIn({ owner: OWNER, repo: REPO, pulls: [{ number: 7, headSha: HEAD }], token, ...options });
  stands.push(stand);
  const client = await createGitHubClient({ token: clientToken ?? token, baseUrl: stand.url });
  return { stand, client, token };
}

const review = (body: string, comments?: Array<{ path: string; line: number; body: string }>) => ({ owner: OWNER, repo: REPO, pullNumber: 7, commitId: HEAD, body, ...(comments ? { comments } : {}) });

async function rejection(promise: Promise<unknown>): Promise<ForgeRequestError> {
  const err = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ForgeRequestError);
  expect(isWfError(err)).toBe(true);
  return err as ForgeRequestError;
}

function expectNoSecret(err: ForgeRequestError, ...secrets: string[]) {
  for (const secret of secrets) {
    for (const text of [String(err), err.message, err.hint ?? '', err.where ?? '', inspect(err, { depth: 6 }), JSON.stringify(err)]) {
      expect(text).not.toContain(secret);
    }
  }
}

describe('postPullRequestReview', () => {
  it('posts a COMMENT review with the body on the given commit, authenticated with the token', async () => {
    const { stand, client, token } = await setup();
    const posted = await postPullRequestReview(client, review(`${MARKER}\n## wf verify\n\nAll commits reviewed.`));

    expect(stand.reviews).toHaveLength(1);
    const [stored] = stand.reviews;
    expect(stored).toMatchObject({ event: 'COMMENT', state: 'COMMENTED', commitId: HEAD, pullNumber: 7, body: `${MARKER}\n## wf verify\n\nAll commits reviewed.`, comments: [] });
    expect(posted).toEqual({ id: stored!.id, url: expect.stringContaining(`/pull/7#pullrequestreview-${stored!.id}`), inlineComments: 0, foldedComments: 0, truncated: false });

    const [request] = stand.requestsTo('pulls/create-review');
    expect(request!.path).toBe(`/repos/${OWNER}/${REPO}/pulls/7/reviews`);
    expect(request!.body).toEqual({ commit_id: HEAD, event: 'COMMENT', body: expect.any(String) });
    expect(request!.headers.authorization).toBe(`token ${token}`);
    expect(request!.headers['user-agent']).toMatch(/^wf-gate /);
  });

  it('posts inline comments on the new side of the diff', async () => {
    const { stand, client } = await setup({ diff: { 'src/a.ts': [3, 4, 5], 'README.md': [1] } });
    const posted = await postPullRequestReview(
      client,
      review('Two findings.', [
        { path: 'src/a.ts', line: 4, body: 'This branch is never taken.' },
        { path: 'README.md', line: 1, body: 'Typo.' },
      ]),
    );
    expect(posted).toMatchObject({ inlineComments: 2, foldedComments: 0 });
    expect(stand.reviews[0]!.comments).toEqual([
      { path: 'src/a.ts', line: 4, side: 'RIGHT', body: 'This branch is never taken.' },
      { path: 'README.md', line: 1, side: 'RIGHT', body: 'Typo.' },
    ]);
    expect(stand.reviews[0]!.event).toBe('COMMENT');
  });

  it('on a 422 for a line outside the diff, posts once more without inline comments and lists the findings in the body', async () => {
    const { stand, client } = await setup({ diff: { 'src/a.ts': [3, 4, 5] } });
    const posted = await postPullRequestReview(
      client,
      review(`${MARKER}\nFindings below.`, [
        { path: 'src/a.ts', line: 4, body: 'Inside the diff.' },
        { path: 'src/a.ts', line: 99, body: 'Outside the diff,\nover two lines.' },
      ]),
    );
    const posts = stand.requestsTo('pulls/create-review');
    expect(posts).toHaveLength(2);
    expect((posts[0]!.body as { comments?: unknown[] }).comments).toHaveLength(2);
    expect(posts[1]!.body).not.toHaveProperty('comments');
    expect(posts[1]!.body).toMatchObject({ event: 'COMMENT', commit_id: HEAD });

    expect(stand.reviews).toHaveLength(1);
    const body = stand.reviews[0]!.body;
    expect(body.startsWith(`${MARKER}\nFindings below.`)).toBe(true);
    expect(body).toContain('- `src/a.ts` line 4: Inside the diff.');
    expect(body).toContain('- `src/a.ts` line 99: Outside the diff,\n  over two lines.');
    expect(stand.reviews[0]!.comments).toEqual([]);
    expect(posted).toMatchObject({ inlineComments: 0, foldedComments: 2, truncated: false });
  });

  it('folds the comments the same way when GitHub refuses every inline comment', async () => {
    const { stand, client } = await setup();
    stand.rejectInlineComments = true;
    const posted = await postPullRequestReview(client, review('Body.', [{ path: 'lib/x.js', line: 1, body: 'Finding.' }]));
    expect(posted.foldedComments).toBe(1);
    expect(stand.reviews[0]!.body).toContain('- `lib/x.js` line 1: Finding.');
  });

  it('does not retry a 422 without inline comments, and says what GitHub answered', async () => {
    const { stand, client, token } = await setup();
    const err = await rejection(postPullRequestReview(client, { ...review('Body.'), commitId: 'not-a-sha' }));
    expect(stand.requestsTo('pulls/create-review')).toHaveLength(1);
    expect(err.status).toBe(422);
    expect(err.endpoint).toBe('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews');
    expect(err.message).toBe('GitHub answered 422 to POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews: Unprocessable Entity (Commit could not be resolved)');
    expect(err.where).toBe(`${OWNER}/${REPO}#7`);
    expect(err.hint).toMatch(/commit/);
    expectNoSecret(err, token);
  });

  it('cuts a body over the limit with a note, and keeps folded findings whole', async () => {
    const { stand, client } = await setup({ diff: { 'a.ts': [1] } });
    const long = `${MARKER}\n${'x'.repeat(80_000)}`;
    const first = await postPullRequestReview(client, review(long));
    expect(first.truncated).toBe(true);
    const cut = stand.reviews[0]!.body;
    expect(cut.length).toBeLessThanOrEqual(REVIEW_BODY_LIMIT);
    expect(cut.startsWith(MARKER)).toBe(true);
    expect(cut).toMatch(/wf cut this text: it was 80,019 characters/);

    const second = await postPullRequestReview(client, review(long, [{ path: 'a.ts', line: 2, body: 'The finding that must survive.' }]));
    expect(second).toMatchObject({ truncated: true, foldedComments: 1 });
    const folded = stand.reviews[1]!.body;
    expect(folded.length).toBeLessThanOrEqual(REVIEW_BODY_LIMIT);
    expect(folded).toContain('- `a.ts` line 2: The finding that must survive.');
  });

  it('waits out a secondary rate limit (retry-after) and succeeds', async () => {
    const { stand, client } = await setup();
    stand.failOnce('secondary-rate-limit', 'pulls/create-review');
    const t0 = Date.now();
    await postPullRequestReview(client, review('Body.'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(stand.requestsTo('pulls/create-review')).toHaveLength(2);
    expect(stand.reviews).toHaveLength(1);
  });

  it('retries after a primary rate limit and succeeds', async () => {
    const { stand, client } = await setup();
    stand.failOnce('rate-limit', 'pulls/create-review');
    await postPullRequestReview(client, review('Body.'));
    expect(stand.requestsTo('pulls/create-review')).toHaveLength(2);
    expect(stand.reviews).toHaveLength(1);
  });

  it('gives up after two retries of a rate limit, without the token in the error', async () => {
    const { stand, client, token } = await setup();
    for (let i = 0; i < 3; i++) stand.failOnce('secondary-rate-limit', 'pulls/create-review');
    const err = await rejection(postPullRequestReview(client, review('Body.')));
    expect(stand.requestsTo('pulls/create-review')).toHaveLength(3);
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/^GitHub answered 403 to POST \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\}\/reviews: You have exceeded a secondary rate limit/);
    expect(err.hint).toMatch(/rate-limited/);
    expect(stand.reviews).toHaveLength(0);
    expectNoSecret(err, token);
  });

  it('retries a 500 once and succeeds', async () => {
    const { stand, client } = await setup();
    stand.failOnce('server-error', 'pulls/create-review');
    const posted = await postPullRequestReview(client, review('Body.'));
    expect(stand.requestsTo('pulls/create-review')).toHaveLength(2);
    expect(stand.reviews.map((r) => r.id)).toEqual([posted.id]);
  });

  it('gives up after three 500s', async () => {
    const { stand, client, token } = await setup();
    for (let i = 0; i < 3; i++) stand.failOnce('server-error', 'pulls/create-review');
    const err = await rejection(postPullRequestReview(client, review('Body.')));
    expect(stand.requestsTo('pulls/create-review')).toHaveLength(3);
    expect(err.status).toBe(500);
    expect(err.hint).toMatch(/githubstatus/);
    expectNoSecret(err, token);
  }, 20_000);

  it('refuses an empty body or a malformed comment before sending anything', async () => {
    const { stand, client } = await setup();
    await expect(postPullRequestReview(client, review('  '))).rejects.toThrow(/needs a body/);
    await expect(postPullRequestReview(client, review('Body.', [{ path: 'a.ts', line: 0, body: 'x' }]))).rejects.toThrow(/line number from 1/);
    expect(stand.requests).toHaveLength(0);
  });
});

describe('the token never reaches an error', () => {
  it('on bad credentials (401)', async () => {
    const wrong = fakeToken();
    const { stand, client, token } = await setup({}, wrong);
    const err = await rejection(postPullRequestReview(client, review('Body.')));
    expect(err.status).toBe(401);
    expect(err.message).toBe('GitHub answered 401 to POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews: Bad credentials');
    expect(err.hint).toMatch(/GITHUB_TOKEN/);
    expect(stand.requests[0]!.headers.authorization).toBe(`token ${wrong}`);
    expectNoSecret(err, wrong, token);
  });

  it('when GitHub cannot be reached', async () => {
    const { stand } = await setup();
    const url = stand.url;
    await stand.close();
    const token = fakeToken();
    const client = await createGitHubClient({ token, baseUrl: url });
    const err = await rejection(getCollaboratorPermission(client, { owner: OWNER, repo: REPO, username: 'octocat' }));
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/^GitHub did not answer GET \/repos\/\{owner\}\/\{repo\}\/collaborators\/\{username\}\/permission at http:\/\/127\.0\.0\.1:\d+: /);
    expectNoSecret(err, token);
  }, 20_000);

  it('nor the client object when inspected or serialised', async () => {
    const { client, token } = await setup();
    expect(inspect(client, { depth: 8 })).not.toContain(token);
    expect(JSON.stringify(client.baseUrl)).not.toContain(token);
  });

  it('and a missing token is refused up front', async () => {
    await expect(createGitHubClient({ token: '' })).rejects.toThrow(/no GitHub token/);
  });
});

describe('findPreviousWfReview', () => {
  it('finds the latest review carrying the marker, across pages', async () => {
    const { stand, client } = await setup();
    stand.seedReview({ pullNumber: 7, body: `${MARKER}\nfirst run`, user: 'github-actions[bot]' });
    for (let i = 0; i < 105; i++) stand.seedReview({ pullNumber: 7, body: `human review ${i}` });
    const latest = stand.seedReview({ pullNumber: 7, body: `${MARKER}\nsecond run`, user: 'github-actions[bot]' });
    stand.seedReview({ pullNumber: 7, body: 'LGTM' });

    const found = await findPreviousWfReview(client, { owner: OWNER, repo: REPO, pullNumber: 7, marker: MARKER });
    expect(found).toMatchObject({ id: latest.id, body: `${MARKER}\nsecond run`, state: 'COMMENTED', commitId: HEAD, author: 'github-actions[bot]' });
    expect(found!.url).toContain(`#pullrequestreview-${latest.id}`);
    const pages = stand.requestsTo('pulls/list-reviews');
    expect(pages.map((r) => r.query)).toEqual([{ per_page: '100' }, { per_page: '100', page: '2' }]);
  });

  it('returns null when wf has not reviewed yet', async () => {
    const { stand, client } = await setup();
    stand.seedReview({ pullNumber: 7, body: 'LGTM' });
    expect(await findPreviousWfReview(client, { owner: OWNER, repo: REPO, pullNumber: 7, marker: MARKER })).toBeNull();
  });

  it('finds a review wf itself posted', async () => {
    const { client } = await setup();
    const posted = await postPullRequestReview(client, review(`${MARKER}\nrun 1`));
    const found = await findPreviousWfReview(client, { owner: OWNER, repo: REPO, pullNumber: 7, marker: MARKER });
    expect(found?.id).toBe(posted.id);
  });
});

describe('getCollaboratorPermission', () => {
  it('reads role_name, falls back to permission for a custom role, and says none for a 404', async () => {
    const { client } = await setup({
      permissions: { alice: 'admin', bob: 'maintain', carol: 'triage', dave: 'read', erin: { permission: 'write', role_name: 'security-reviewer' } },
    });
    const of = (username: string) => getCollaboratorPermission(client, { owner: OWNER, repo: REPO, username });
    expect(await of('alice')).toBe('admin');
    expect(await of('bob')).toBe('maintain');
    expect(await of('carol')).toBe('triage');
    expect(await of('dave')).toBe('read');
    expect(await of('erin')).toBe('write');
    expect(await of('mallory')).toBe('none');
  });

  it('retries a 500 once', async () => {
    const { stand, client } = await setup({ permissions: { alice: 'write' } });
    stand.failOnce('server-error');
    expect(await getCollaboratorPermission(client, { owner: OWNER, repo: REPO, username: 'alice' })).toBe('write');
    expect(stand.requestsTo('repos/get-collaborator-permission-level')).toHaveLength(2);
  });
});

describe('the stand-in', () => {
  it('serves a pull request and a job log that match GitHub\'s description', async () => {
    const { stand, client } = await setup({ jobLogs: { 42: '2024-05-01T12:00:00Z ##[error]Process completed with exit code 1.\n' } });
    const { data: pull } = await client.octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 7 });
    expect(pull).toMatchObject({ number: 7, state: 'open', head: { sha: HEAD } });
    const log = await client.octokit.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', { owner: OWNER, repo: REPO, job_id: 42 });
    expect(log.data).toContain('exit code 1');
    expect(stand.requests.map((r) => r.operation)).toEqual(['pulls/get', 'actions/download-job-logs-for-workflow-run', null]);
  });

  it('records a request body that GitHub would refuse or ignore, and an endpoint GitHub does not have', async () => {
    const { stand, token } = await setup();
    const post = (body: unknown) =>
      fetch(`${stand.url}/repos/${OWNER}/${REPO}/pulls/7/reviews`, {
        method: 'POST',
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post({ event: 'LOL', body: 'x', commit_id: HEAD });
    expect(stand.problems).toHaveLength(1);
    expect(stand.problems[0]).toMatch(/POST \/repos\/octo-org\/octo-repo\/pulls\/7\/reviews \(pulls\/create-review\): the request body does not match GitHub's schema: \/event must be equal to one of the allowed values \("APPROVE", "REQUEST_CHANGES", "COMMENT"\)/);

    await post({ event: 'COMMENT', body: 'x', comments: [{ path: 'a.ts', line: '3', body: 'x', sid: 'RIGHT' }] });
    expect(stand.problems[1]).toMatch(/\/comments\/0\/line must be integer/);
    expect(stand.problems[1]).toMatch(/must NOT have additional properties \(sid\)/);

    await fetch(`${stand.url}/repos/${OWNER}/${REPO}/pulls/x/reviews`, { headers: { authorization: `token ${token}` } });
    expect(stand.problems[2]).toMatch(/path parameter pull_number="x" does not match/);

    await fetch(`${stand.url}/repos/${OWNER}/${REPO}/pulls/7/approve`, { method: 'POST', headers: { authorization: `token ${token}` } });
    expect(stand.problems[3]).toMatch(/no operation in GitHub's description matches/);
    stand.problems.splice(0);
  });

  it('records an answer that does not match GitHub\'s response schema', async () => {
    const { stand, client } = await setup({
      tamper: (operation, status, json) => (operation === 'pulls/create-review' && status === 200 ? { ...(json as object), state: 42, user: undefined, node_id: undefined } : json),
    });
    await postPullRequestReview(client, review('Body.'));
    expect(stand.problems).toHaveLength(1);
    expect(stand.problems[0]).toMatch(/\(pulls\/create-review\): the 200 body does not match GitHub's schema: .*must have required property 'node_id'/);
    expect(stand.problems[0]).toMatch(/\/state must be string/);
    stand.problems.splice(0);
  });

  it('turns OpenAPI 3.0 nullable into JSON Schema', () => {
    expect(toJsonSchema({ type: 'string', nullable: true }, false)).toEqual({ type: ['string', 'null'] });
    expect(toJsonSchema({ type: 'string', enum: ['a'], nullable: true }, false)).toEqual({ type: ['string', 'null'], enum: ['a', null] });
    expect(toJsonSchema({ allOf: [{ type: 'object' }], nullable: true }, false)).toEqual({ anyOf: [{ allOf: [{ type: 'object' }] }, { type: 'null' }] });
    // A property called "nullable" is a property, not the keyword.
    expect(toJsonSchema({ type: 'object', properties: { nullable: { type: 'boolean' } } }, true)).toEqual({
      type: 'object',
      properties: { nullable: { type: 'boolean' } },
      additionalProperties: false,
    });
  });
});

// ---------------------------------------------------------------------------

interface WebhookDefinition {
  name: string;
  examples: Array<{ action?: string } & Record<string, unknown>>;
}
const webhooks = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];
function payload(name: string, action: string): Record<string, unknown> & { repository: { full_name: string } } {
  const example = webhooks.find((w) => w.name === name)?.examples.find((e) => e.action === action);
  if (!example) throw new Error(`@octokit/webhooks-examples has no ${name}.${action}`);
  return example as Record<string, unknown> & { repository: { full_name: string } };
}

describe('forgeFromEnvironment', () => {
  const EVENT = '/github/workflow/event.json';
  const reading = (event: unknown) => (path: string) => {
    if (path !== EVENT) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return JSON.stringify(event);
  };

  it('reads a pull_request.opened event', () => {
    const event = payload('pull_request', 'opened') as ReturnType<typeof payload> & { pull_request: { number: number } };
    const token = fakeToken();
    const [owner, repo] = event.repository.full_name.split('/');
    const context = forgeFromEnvironment(
      { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: event.repository.full_name, GITHUB_EVENT_PATH: EVENT, GITHUB_API_URL: 'https://ghe.example.com/api/v3/', GITHUB_TOKEN: token },
      reading(event),
    );
    expect(context).toEqual({ kind: 'github', owner, repo, pullNumber: event.pull_request.number, apiUrl: 'https://ghe.example.com/api/v3' });
    expect(context.kind === 'github' && context.token).toBe(token);
    expect(JSON.stringify(context)).not.toContain(token);
    expect(inspect(context)).not.toContain(token);
    expect(describeForge(context)).toBe(`GitHub ${event.repository.full_name}, pull request #${event.pull_request.number}, API https://ghe.example.com/api/v3, token set`);
  });

  it('reads a merge_group.checks_requested event as no pull request', () => {
    const event = payload('merge_group', 'checks_requested');
    const context = forgeFromEnvironment({ GITHUB_REPOSITORY: event.repository.full_name, GITHUB_EVENT_PATH: EVENT, GITHUB_REF: 'refs/heads/gh-readonly-queue/main/pr-2-abc' }, reading(event));
    expect(context).toMatchObject({ kind: 'github', pullNumber: null, apiUrl: 'https://api.github.com' });
    expect(context.kind === 'github' && context.token).toBeNull();
    expect(describeForge(context)).toMatch(/no pull request, .*no token$/);
  });

  it('reads an issue_comment on an issue (not a pull request) as no pull request', () => {
    const event = payload('issue_comment', 'created');
    expect(forgeFromEnvironment({ GITHUB_REPOSITORY: event.repository.full_name, GITHUB_EVENT_PATH: EVENT }, reading(event))).toMatchObject({ pullNumber: null });
  });

  it('prefers WF_GITHUB_TOKEN, and falls back to the ref when the event file cannot be read', () => {
    const [wf, gh] = [fakeToken(), fakeToken()];
    const context = forgeFromEnvironment({ GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_PATH: '/missing.json', GITHUB_REF: 'refs/pull/12/merge', WF_GITHUB_TOKEN: wf, GITHUB_TOKEN: gh }, reading({}));
    expect(context).toMatchObject({ kind: 'github', owner: 'o', repo: 'r', pullNumber: 12 });
    expect(context.kind === 'github' && context.token).toBe(wf);
  });

  it('refuses a malformed GITHUB_REPOSITORY', () => {
    expect(() => forgeFromEnvironment({ GITHUB_REPOSITORY: 'no-slash' }, reading({}))).toThrow(/GITHUB_REPOSITORY is "no-slash", not <owner>\/<repo>/);
  });

  it('reads GitLab CI, and nothing otherwise', () => {
    const token = fakeToken();
    const gitlab = forgeFromEnvironment({ GITLAB_CI: 'true', CI_PROJECT_ID: '4242', CI_MERGE_REQUEST_IID: '17', CI_SERVER_URL: 'https://gitlab.example.com', GITLAB_TOKEN: 'other', WF_GITLAB_TOKEN: token }, reading({}));
    expect(gitlab).toEqual({ kind: 'gitlab', projectId: '4242', mergeRequestIid: 17, host: 'https://gitlab.example.com' });
    expect(gitlab.kind === 'gitlab' && gitlab.token).toBe(token);
    expect(describeForge(gitlab)).toBe('GitLab project 4242, merge request !17, https://gitlab.example.com, token set');
    expect(forgeFromEnvironment({ CI_PROJECT_ID: '1' }, reading({}))).toMatchObject({ kind: 'gitlab', mergeRequestIid: null, host: 'https://gitlab.com' });
    expect(forgeFromEnvironment({}, reading({}))).toEqual({ kind: 'none' });
  });
});
