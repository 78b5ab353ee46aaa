import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isWfError, usageError } from '../../src/errors/index.js';
import { createGitLabClient, ForgeRequestError, isForgeRequestError, NOTE_BODY_LIMIT, postMergeRequestNote } from '../../src/forge/index.js';

/** gitbeaker against a tiny local GitLab: the notes endpoint of a merge request, real HTTP. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const fakeToken = () => `glpat-${Array.from(randomBytes(20), (b) => ALPHABET[b % ALPHABET.length]).join('')}`;

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface TinyGitLab {
  host: string;
  received: Received[];
  close(): Promise<void>;
}

const servers: TinyGitLab[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Accepts a note when PRIVATE-TOKEN is `token`; answers 401 like GitLab otherwise, 404 for any other path. */
async function startGitLab(token: string): Promise<TinyGitLab> {
  const received: Received[] = [];
  let nextId = 300;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body: unknown = raw === '' ? undefined : JSON.parse(raw);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const match = /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes$/.exec(req.url ?? '');
      if (req.headers['private-token'] !== token) return json(401, { message: '401 Unauthorized' });
      if (req.method !== 'POST' || !match) return json(404, { message: '404 Not Found' });
      const note = (body as { body?: unknown } | undefined)?.body;
      if (typeof note !== 'string' || note === '') return json(400, { message: { note: ["can't be blank"] } });
      const id = nextId++;
      return json(201, {
        id,
        type: null,
        body: note,
        attachment: null,
        author: { id: 1, username: 'wf-bot', name: 'wf bot', state: 'active', avatar_url: null, web_url: 'https://gitlab.example.com/wf-bot' },
        created_at: '2024-05-01T12:00:00.000Z',
        updated_at: '2024-05-01T12:00:00.000Z',
        system: false,
        noteable_id: 99,
        noteable_type: 'MergeRequest',
        project_id: 4242,
        noteable_iid: Number(match[2]),
        resolvable: false,
        confidential: false,
        internal: false,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const stand: TinyGitLab = {
    host: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  servers.push(stand);
  return stand;
}

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

function expectNoSecret(err: ForgeRequestError, secret: string) {
  for (const text of [String(err), err.message, err.hint ?? '', err.where ?? '', inspect(err, { depth: 6 }), JSON.stringify(err)]) {
    expect(text).not.toContain(secret);
  }
}

describe('postMergeRequestNote', () => {
  it('posts the note to the merge request with the token', async () => {
    const token = fakeToken();
    const gitlab = await startGitLab(token);
    const client = await createGitLabClient({ token, host: `${gitlab.host}/` });
    const posted = await postMergeRequestNote(client, { projectId: 4242, mergeRequestIid: 17, body: '<!-- wf:review -->\nAll commits reviewed.' });

    expect(posted).toEqual({ id: 300, truncated: false });
    expect(gitlab.received).toHaveLength(1);
    const [request] = gitlab.received;
    expect(request).toMatchObject({ method: 'POST', url: '/api/v4/projects/4242/merge_requests/17/notes', body: { body: '<!-- wf:review -->\nAll commits reviewed.' } });
    expect(request!.headers['private-token']).toBe(token);
    expect(request!.headers['content-type']).toMatch(/^application\/json/);
  });

  it('encodes a project path as one segment', async () => {
    const token = fakeToken();
    const gitlab = await startGitLab(token);
    const client = await createGitLabClient({ token, host: gitlab.host });
    await postMergeRequestNote(client, { projectId: 'group/sub/project', mergeRequestIid: 3, body: 'Note.' });
    expect(gitlab.received[0]!.url).toBe('/api/v4/projects/group%2Fsub%2Fproject/merge_requests/3/notes');
  });

  it('cuts a note over the limit with a note saying so', async () => {
    const token = fakeToken();
    const gitlab = await startGitLab(token);
    const client = await createGitLabClient({ token, host: gitlab.host });
    const posted = await postMergeRequestNote(client, { projectId: 1, mergeRequestIid: 1, body: 'y'.repeat(1_200_000) });
    expect(posted.truncated).toBe(true);
    const sent = (gitlab.received[0]!.body as { body: string }).body;
    expect(sent.length).toBeLessThanOrEqual(NOTE_BODY_LIMIT);
    expect(sent).toMatch(/wf cut this text: it was 1,200,000 characters, over GitLab's limit/);
  });

  it('on a 401, says so without the token', async () => {
    const gitlab = await startGitLab(fakeToken());
    const token = fakeToken();
    const client = await createGitLabClient({ token, host: gitlab.host });
    const err = await rejection(postMergeRequestNote(client, { projectId: 4242, mergeRequestIid: 17, body: 'Note.' }));
    expect(gitlab.received[0]!.headers['private-token']).toBe(token);
    expect(err.status).toBe(401);
    expect(err.message).toBe('GitLab answered 401 to POST /projects/:id/merge_requests/:merge_request_iid/notes: 401 Unauthorized');
    expect(err.where).toBe('project 4242, merge request !17');
    expect(err.hint).toMatch(/WF_GITLAB_TOKEN/);
    expectNoSecret(err, token);
  });

  it('when GitLab cannot be reached, says so without the token', async () => {
    const gitlab = await startGitLab(fakeToken());
    await gitlab.close();
    const token = fakeToken();
    const client = await createGitLabClient({ token, host: gitlab.host });
    const err = await rejection(postMergeRequestNote(client, { projectId: 4242, mergeRequestIid: 17, body: 'Note.' }));
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/^GitLab did not answer POST \/projects\/:id\/merge_requests\/:merge_request_iid\/notes at http:\/\/127\.0\.0\.1:\d+: /);
    expectNoSecret(err, token);
  });

  it('refuses a missing token, an empty body and a bad iid before sending anything', async () => {
    await expect(createGitLabClient({ token: ' ' })).rejects.toThrow(/no GitLab token/);
    const token = fakeToken();
    const gitlab = await startGitLab(token);
    const client = await createGitLabClient({ token, host: gitlab.host });
    await expect(postMergeRequestNote(client, { projectId: 1, mergeRequestIid: 1, body: '' })).rejects.toThrow(/needs a body/);
    await expect(postMergeRequestNote(client, { projectId: 1, mergeRequestIid: 0, body: 'x' })).rejects.toThrow(/not a merge request iid/);
    expect(gitlab.received).toHaveLength(0);
    expect(inspect(client, { depth: 8 })).not.toContain(token);
  });
});

describe('ForgeRequestError', () => {
  it('is a WfError, and not every WfError is one', () => {
    const plain = usageError('x');
    expect(plain).not.toBeInstanceOf(ForgeRequestError);
    expect(isForgeRequestError(plain)).toBe(false);
    const forge = new ForgeRequestError('gitlab', 401, 'POST /x', 'GitLab answered 401', { hint: 'h' });
    expect(forge).toBeInstanceOf(ForgeRequestError);
    expect(isWfError(forge)).toBe(true);
    expect(isForgeRequestError(forge)).toBe(true);
  });
});
