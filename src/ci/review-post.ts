import { createGitHubClient, createGitLabClient, forgeFromEnvironment, postMergeRequestNote, postPullRequestReview } from '../forge/index.js';
import type { ReviewCiReport } from './review-ci.js';
import { reviewCiBody } from './review-report.js';

/**
 * Posts the result where the people are: a pull-request review with the
 * COMMENT event (never APPROVE: the signal is the signed attestation, not a
 * bot's approval), or a merge-request note. Null when there is nowhere to
 * post or no token; the token comes from the environment only.
 */
export async function postReviewCiResult(report: ReviewCiReport, env: NodeJS.ProcessEnv, readFile: (path: string) => string): Promise<string | null> {
  const forge = forgeFromEnvironment(env, readFile);
  const body = reviewCiBody(report);
  // The token handed over in a file (WF_GITHUB_TOKEN_FILE) wins: it is the one no reviewer could read.
  const githubToken = report.token ?? (forge.kind === 'github' ? forge.token : null);
  if (forge.kind === 'github' && forge.pullNumber !== null && githubToken) {
    const client = await createGitHubClient({ token: githubToken, baseUrl: forge.apiUrl });
    await postPullRequestReview(client, { owner: forge.owner, repo: forge.repo, pullNumber: forge.pullNumber, commitId: report.head, body });
    return `${forge.owner}/${forge.repo}#${forge.pullNumber}`;
  }
  if (forge.kind === 'gitlab' && forge.mergeRequestIid !== null && forge.token) {
    const client = await createGitLabClient({ token: forge.token, host: forge.host });
    await postMergeRequestNote(client, { projectId: forge.projectId, mergeRequestIid: forge.mergeRequestIid, body });
    return `${forge.projectId}!${forge.mergeRequestIid}`;
  }
  return null;
}
