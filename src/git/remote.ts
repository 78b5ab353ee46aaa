import { GitCommandError, runGit } from './process.js';
import type { Repo } from './repo.js';

/**
 * Fetching from and pushing to the forge with a token that never reaches argv, a log, or
 * .git/config: it rides in `http.<server>/.extraheader`, given to this one git process
 * through GIT_CONFIG_COUNT/KEY/VALUE (git ≥ 2.31), appended after any the caller set.
 * Scoped to the server's URL, so a submodule or a redirect elsewhere never receives it.
 */
export interface RemoteAuth {
  token: string;
  /** `https://github.com` (GITHUB_SERVER_URL). */
  serverUrl: string;
}

export function authEnv(base: NodeJS.ProcessEnv, auth: RemoteAuth | null): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' };
  if (auth === null) return env;
  const count = Number.parseInt(base.GIT_CONFIG_COUNT ?? '0', 10);
  const n = Number.isSafeInteger(count) && count > 0 ? count : 0;
  const basic = Buffer.from(`x-access-token:${auth.token}`, 'utf8').toString('base64');
  env.GIT_CONFIG_COUNT = String(n + 1);
  env[`GIT_CONFIG_KEY_${n}`] = `http.${auth.serverUrl.replace(/\/+$/, '')}/.extraheader`;
  env[`GIT_CONFIG_VALUE_${n}`] = `AUTHORIZATION: basic ${basic}`;
  return env;
}

/** Git's words, without the token in any form it could take (raw or inside the basic header). */
function scrub(text: string, auth: RemoteAuth | null): string {
  if (auth === null || auth.token === '') return text;
  const basic = Buffer.from(`x-access-token:${auth.token}`, 'utf8').toString('base64');
  return text.split(auth.token).join('[REDACTED]').split(basic).join('[REDACTED]');
}

export class RemoteCommandError extends Error {
  constructor(
    readonly operation: 'fetch' | 'push',
    readonly exitCode: number,
    readonly stderr: string,
    /** The remote refused an update that is not a fast-forward (someone pushed meanwhile). */
    readonly rejected: boolean,
  ) {
    super(`git ${operation} failed (exit ${exitCode}): ${stderr.trim() || 'no message'}`);
    this.name = 'RemoteCommandError';
  }
}

async function remoteGit(repo: Repo, operation: 'fetch' | 'push', args: string[], auth: RemoteAuth | null): Promise<string> {
  try {
    const result = await runGit(args, { cwd: repo.root, env: authEnv(repo.env, auth) });
    return scrub(result.stderr, auth);
  } catch (err) {
    if (err instanceof GitCommandError) {
      const stderr = scrub(err.stderr, auth);
      throw new RemoteCommandError(operation, err.exitCode, stderr, /\[rejected\]|non-fast-forward|fetch first|stale info/.test(stderr));
    }
    throw err;
  }
}

export async function fetchRefs(repo: Repo, remote: string, refspecs: string[], auth: RemoteAuth | null): Promise<void> {
  await remoteGit(repo, 'fetch', ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', remote, ...refspecs], auth);
}

/** Pushes `source` to `destination` (a full ref). Never forced: a remote that moved meanwhile refuses it. */
export async function pushRef(repo: Repo, remote: string, source: string, destination: string, auth: RemoteAuth | null): Promise<void> {
  if (!destination.startsWith('refs/heads/')) throw new Error(`pushRef needs a full branch ref, got ${destination}`);
  // --no-verify: a pre-push hook would be the checked-out branch's own code (husky, lefthook), run while the token is in git's environment.
  await remoteGit(repo, 'push', ['push', '--quiet', '--no-verify', '--porcelain', remote, `${source}:${destination}`], auth);
}

/** Whether the remote has the branch (`git ls-remote`, authenticated like a fetch). */
export async function remoteHasBranch(repo: Repo, remote: string, branch: string, auth: RemoteAuth | null): Promise<boolean> {
  try {
    const result = await runGit(['ls-remote', '--heads', remote, `refs/heads/${branch}`], { cwd: repo.root, env: authEnv(repo.env, auth) });
    return result.stdout.toString('utf8').trim() !== '';
  } catch (err) {
    if (err instanceof GitCommandError) throw new RemoteCommandError('fetch', err.exitCode, scrub(err.stderr, auth), false);
    throw err;
  }
}
