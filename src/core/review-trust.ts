import { CONFIG_FILE, DEFAULT_CONFIG, parseConfigText, type WfConfig } from './config.js';
import { ExitCode, isWfError } from './errors.js';
import { runGit, type CatFileBatch } from '../git/git.js';
import type { Repo } from '../git/repo.js';

/**
 * The gate settings are trust settings: an uncommitted edit could switch
 * `mode` to warn, turn a step off, lower `review.minApprovals`, switch manual
 * reviews back on, swap a reviewer for a script that always approves, or
 * exclude files from the fingerprint, and the fingerprint of the staged
 * change would never show it. So the config
 * committed at HEAD sets a floor, the way CI judges a pull request by its
 * base: a working-tree edit can only make these stricter, and `reviewers`
 * (whose commands are trusted to give verdicts) and `fingerprint.exclude`
 * come from HEAD alone. A
 * change that loosens them takes effect once it has itself been reviewed and
 * committed. Before the first commit there is nothing to trust but the
 * working tree.
 */
export function withCommittedReviewTrust(config: WfConfig, committed: WfConfig | null): WfConfig {
  if (committed === null) return config;
  return {
    ...config,
    mode: config.mode === 'strict' || committed.mode === 'strict' ? 'strict' : 'warn',
    steps: {
      'plan-review': config.steps['plan-review'] || committed.steps['plan-review'],
      test: config.steps.test || committed.steps.test,
      review: config.steps.review || committed.steps.review,
    },
    review: {
      minApprovals: Math.max(config.review.minApprovals, committed.review.minApprovals),
      allowManual: config.review.allowManual && committed.review.allowManual,
    },
    reviewers: committed.reviewers,
    // Excludes decide what the fingerprint covers: a new one would hide files from review. CI verify uses
    // the base's excludes, so HEAD's also keep the local trailer equal to what CI recomputes.
    fingerprint: committed.fingerprint,
  };
}

/** The config file as committed at HEAD (or at `at`), or null when there is no such commit or no config in it. */
export async function readCommittedConfig(repo: Repo, batch?: CatFileBatch, at: string | null = repo.headAtOpen): Promise<WfConfig | null> {
  const head = at;
  if (!head) return null;
  const name = `${head}:${CONFIG_FILE}`;
  let text: string;
  if (batch) {
    const object = await batch.read(name);
    if (!object || object.type !== 'blob') return null;
    text = object.content.toString('utf8');
  } else {
    const result = await runGit(['cat-file', 'blob', name], { cwd: repo.root, env: repo.env, okExitCodes: [128] });
    if (result.exitCode !== 0) return null;
    text = result.stdout.toString('utf8');
  }
  return parseConfigText(text, `${CONFIG_FILE} as committed at ${head === repo.headAtOpen ? 'HEAD ' : ''}${head.slice(0, 12)}`);
}

/**
 * The config the gates and reviews run under: the working tree's, with the
 * trust settings of HEAD's (or of commit `at`: `wf hash --commit` judges a
 * commit by its parent's config, as the hooks did when it was made).
 */
export async function effectiveConfig(repo: Repo, config: WfConfig, batch?: CatFileBatch, at?: string | null): Promise<WfConfig> {
  let committed: WfConfig | null;
  try {
    committed = await readCommittedConfig(repo, batch, at === undefined ? repo.headAtOpen : at);
  } catch (err) {
    if (!isWfError(err) || err.exitCode !== ExitCode.Usage) throw err;
    // A committed config that does not parse got past the hooks (CI verify flags that commit). Refusing
    // every command until HEAD is fixed would leave no way to commit the fix, so the defaults are the floor.
    committed = { ...structuredClone(DEFAULT_CONFIG), reviewers: config.reviewers };
  }
  return withCommittedReviewTrust(config, committed);
}

/** Reviewer names whose working-tree entry differs from the one in force, to say why an edit has no effect yet. */
export function uncommittedReviewerChanges(working: WfConfig, inForce: WfConfig): string[] {
  const names = new Set([...Object.keys(working.reviewers), ...Object.keys(inForce.reviewers)]);
  return [...names].filter((name) => JSON.stringify(working.reviewers[name]) !== JSON.stringify(inForce.reviewers[name])).sort();
}
