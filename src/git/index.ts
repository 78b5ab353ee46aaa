export { automaticMergeTree, type CommitInfo, type FixCommitInfo, isShallowRepository, listChangesAgainstFirstParent, listFixCommits, listRangeCommits } from './history.js';
export { CatFileBatch, GitCommandError, gitEnv, gitText, runGit } from './process.js';
export { commitParents, currentBranch, headCommit, listCommitChanges, listStagedChanges, listStagedChangesWithStats, openRepo, type RawChange, type Repo, resolveCommit } from './repo.js';
export { authEnv, fetchRefs, pushRef, RemoteCommandError, remoteHasBranch, type RemoteAuth } from './remote.js';
