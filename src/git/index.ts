export { automaticMergeTree, type CommitInfo, isShallowRepository, listChangesAgainstFirstParent, listRangeCommits } from './history.js';
export { CatFileBatch, GitCommandError, gitEnv, gitText, runGit } from './process.js';
export { commitParents, currentBranch, headCommit, listCommitChanges, listStagedChanges, listStagedChangesWithStats, openRepo, type RawChange, type Repo, resolveCommit } from './repo.js';
