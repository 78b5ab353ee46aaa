import type { MergeRequestNotes } from '@gitbeaker/rest';
import { usageError } from '../errors/index.js';
import { ForgeRequestError, displayUrl, fitText, sanitize } from './github.js';

/**
 * GitLab as wf reports to it: one note on the merge request. The token
 * (a project or personal access token with the `api` scope: CI_JOB_TOKEN
 * cannot write notes) goes to gitbeaker only and never into an error, whose
 * cause (gitbeaker's, which holds the request and its PRIVATE-TOKEN header)
 * is not kept.
 */

export interface GitLabClientOptions {
  token: string;
  /** The instance, e.g. `https://gitlab.com` or `CI_SERVER_URL`. */
  host?: string;
}

export interface GitLabClient {
  readonly notes: MergeRequestNotes<false>;
  /** The instance, without credentials or a trailing slash. */
  readonly host: string;
}

/** GitLab's limit for a note is 1,000,000 characters. */
export const NOTE_BODY_LIMIT = 999_000;
const DEFAULT_HOST = 'https://gitlab.com';
const CREATE_NOTE = 'POST /projects/:id/merge_requests/:merge_request_iid/notes';

const tokens = new WeakMap<GitLabClient, string>();

export async function createGitLabClient(options: GitLabClientOptions): Promise<GitLabClient> {
  const token = options.token.trim();
  if (token === '') {
    throw usageError('no GitLab token was given to report to GitLab', {
      hint: 'set WF_GITLAB_TOKEN (or GITLAB_TOKEN) to a project access token with the api scope, as a masked CI/CD variable',
    });
  }
  const host = (options.host ?? DEFAULT_HOST).trim().replace(/\/+$/, '');
  try {
    const u = new URL(host);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw usageError(`the GitLab URL ${displayUrl(host)} is not an http(s) URL`, { where: 'CI_SERVER_URL', hint: 'set CI_SERVER_URL to https://gitlab.com or your instance' });
  }
  const { MergeRequestNotes: Notes } = await import('@gitbeaker/rest');
  const client: GitLabClient = { notes: new Notes({ host, token }), host: displayUrl(host) };
  tokens.set(client, token);
  return client;
}

interface GitbeakerLikeError {
  name?: unknown;
  message?: unknown;
  cause?: { response?: { status?: unknown }; code?: unknown; message?: unknown };
}

function gitLabError(client: GitLabClient, err: unknown, where: string): ForgeRequestError {
  const secret = tokens.get(client);
  const e = (err && typeof err === 'object' ? err : {}) as GitbeakerLikeError;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const status = typeof e.cause?.response?.status === 'number' ? e.cause.response.status : 0;
  if (status === 0) {
    const code = typeof e.cause?.code === 'string' ? e.cause.code : typeof e.cause?.message === 'string' ? e.cause.message : '';
    const reason = sanitize(code ? `${message}: ${code}` : message, secret);
    return new ForgeRequestError('gitlab', 0, CREATE_NOTE, `GitLab did not answer ${CREATE_NOTE} at ${client.host}: ${reason}`, {
      where,
      hint: 'check the network and CI_SERVER_URL, then re-run the job',
    });
  }
  const said = sanitize(message, secret);
  const hint =
    status === 401
      ? 'check the token: WF_GITLAB_TOKEN (or GITLAB_TOKEN) must be a valid project or personal access token with the api scope; CI_JOB_TOKEN cannot write notes'
      : status === 403
        ? 'give the token at least the Reporter role on the project and the api scope'
        : status === 404
          ? 'check CI_PROJECT_ID and CI_MERGE_REQUEST_IID, and that the token can see the project'
          : status >= 500
            ? 'GitLab failed: check its status page, then re-run the job'
            : "read GitLab's answer above; if wf sent something GitLab does not accept, report it as a bug in wf";
  return new ForgeRequestError('gitlab', status, CREATE_NOTE, `GitLab answered ${status} to ${CREATE_NOTE}${said ? `: ${said}` : ''}`, { where, hint });
}

export interface PostedNote {
  id: number;
  truncated: boolean;
}

export async function postMergeRequestNote(
  client: GitLabClient,
  input: { projectId: string | number; mergeRequestIid: number; body: string },
): Promise<PostedNote> {
  const where = `project ${input.projectId}, merge request !${input.mergeRequestIid}`;
  if (input.body.trim() === '') throw usageError('a merge request note needs a body', { where });
  if (!Number.isInteger(input.mergeRequestIid) || input.mergeRequestIid < 1) throw usageError(`${input.mergeRequestIid} is not a merge request iid`, { where });
  const body = fitText(input.body, '', NOTE_BODY_LIMIT, "GitLab's limit of 1,000,000");
  try {
    const note = await client.notes.create(input.projectId, input.mergeRequestIid, body.text);
    return { id: note.id, truncated: body.truncated };
  } catch (err) {
    throw gitLabError(client, err, where);
  }
}

// ---------------------------------------------------------------------------
// The environment of a GitLab CI job

export interface GitLabContext {
  kind: 'gitlab';
  projectId: string;
  /** null in a branch pipeline (no merge request). */
  mergeRequestIid: number | null;
  host: string;
  /** Non-enumerable: left out of JSON.stringify, spreads and util.inspect. */
  token: string | null;
}

const nonEmpty = (value: string | undefined): string | null => (value !== undefined && value.trim() !== '' ? value.trim() : null);

export function gitLabFromEnvironment(env: NodeJS.ProcessEnv): GitLabContext | null {
  const projectId = nonEmpty(env.CI_PROJECT_ID);
  if (projectId === null) return null;
  const iid = nonEmpty(env.CI_MERGE_REQUEST_IID);
  if (iid !== null && !/^[1-9]\d*$/.test(iid)) throw usageError(`CI_MERGE_REQUEST_IID is ${JSON.stringify(iid)}, not a merge request iid`, { where: 'CI_MERGE_REQUEST_IID' });
  const context = {
    kind: 'gitlab' as const,
    projectId,
    mergeRequestIid: iid === null ? null : Number(iid),
    host: (nonEmpty(env.CI_SERVER_URL) ?? DEFAULT_HOST).replace(/\/+$/, ''),
  };
  return Object.defineProperty(context, 'token', { value: nonEmpty(env.WF_GITLAB_TOKEN) ?? nonEmpty(env.GITLAB_TOKEN), enumerable: false }) as GitLabContext;
}
