import { readFileSync } from 'node:fs';
import { type GitHubContext, displayUrl, gitHubFromEnvironment } from './github.js';
import { type GitLabContext, gitLabFromEnvironment } from './gitlab.js';

/**
 * The forges wf reports CI results to: a GitHub pull request review, a
 * GitLab merge request note. The clients load octokit and gitbeaker on
 * first use, so importing this module costs nothing.
 */
export {
  createGitHubClient,
  createIssueComment,
  createPullRequest,
  findPreviousWfReview,
  getJobLog,
  getPullRequest,
  listIssueComments,
  listPullRequestReviews,
  listRunJobs,
  type IssueComment,
  type PullRequestInfo,
  type RunJob,
  ForgeRequestError,
  getCollaboratorPermission,
  GITHUB_RETRIES,
  isForgeRequestError,
  MAX_RATE_LIMIT_WAIT_SECONDS,
  postPullRequestReview,
  REVIEW_BODY_LIMIT,
  type Forge,
  type GitHubClient,
  type GitHubClientOptions,
  type GitHubContext,
  type PostedReview,
  type PreviousReview,
  type PullRequestReviewInput,
  type RepositoryPermission,
  type ReviewComment,
} from './github.js';
export { createGitLabClient, NOTE_BODY_LIMIT, postMergeRequestNote, type GitLabClient, type GitLabClientOptions, type GitLabContext, type PostedNote } from './gitlab.js';

export type ForgeContext = GitHubContext | GitLabContext | { kind: 'none' };

/**
 * Where this CI job reports to: GitHub Actions (GITHUB_REPOSITORY, GITHUB_API_URL, the pull request
 * from GITHUB_EVENT_PATH, token from WF_GITHUB_TOKEN or GITHUB_TOKEN), GitLab CI (CI_PROJECT_ID,
 * CI_MERGE_REQUEST_IID, CI_SERVER_URL, token from WF_GITLAB_TOKEN or GITLAB_TOKEN), or nowhere.
 * The token is a non-enumerable property: read it as `context.token`; it is not serialised.
 */
export function forgeFromEnvironment(env: NodeJS.ProcessEnv, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): ForgeContext {
  return gitHubFromEnvironment(env, readFile) ?? gitLabFromEnvironment(env) ?? { kind: 'none' };
}

/** One line for logs and reports, never with the token (only whether there is one). */
export function describeForge(context: ForgeContext): string {
  switch (context.kind) {
    case 'github': {
      const target = context.pullNumber === null ? 'no pull request' : `pull request #${context.pullNumber}`;
      return `GitHub ${context.owner}/${context.repo}, ${target}, API ${displayUrl(context.apiUrl)}, ${context.token ? 'token set' : 'no token'}`;
    }
    case 'gitlab': {
      const target = context.mergeRequestIid === null ? 'no merge request' : `merge request !${context.mergeRequestIid}`;
      return `GitLab project ${context.projectId}, ${target}, ${displayUrl(context.host)}, ${context.token ? 'token set' : 'no token'}`;
    }
    case 'none':
      return 'no forge: not a GitHub Actions or GitLab CI job';
  }
}
