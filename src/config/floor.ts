import { CONFIG_FILE, DEFAULT_CONFIG, findConfigProblem, isObject, parseConfigText, withConfigDefaults, type WfConfig } from './reader.js';
import { ExitCode, isWfError } from '../errors/index.js';
import { runGit, type CatFileBatch, type Repo } from '../git/index.js';

/**
 * The gate settings are trust settings: an uncommitted edit could switch
 * `mode` to warn, turn a step off, lower `review.minApprovals`, switch manual
 * reviews back on, swap a reviewer for a script that always approves, or
 * exclude files from the fingerprint, and the fingerprint of the staged
 * change would never show it. So the config committed at HEAD sets a floor,
 * the way CI judges a pull request by its base: a working-tree edit can only
 * make these stricter, and `reviewers` (whose commands are trusted to give
 * verdicts), `test.command` (what a pass proves) and `fingerprint.exclude`
 * come from HEAD alone. A change that
 * loosens them takes effect once it has itself been reviewed and committed.
 * Before the first commit there is nothing to trust but the working tree.
 */
export function withCommittedFloor(config: WfConfig, committed: WfConfig | null): WfConfig {
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
    // The test command is what a passing run proves: an uncommitted `exit 0` would satisfy the tests gate for any code.
    // Where it runs too: another folder is another test suite. The timeout may differ (a killed run is a failed one).
    test: { ...config.test, command: committed.test.command, cwd: committed.test.cwd },
    // Excludes decide what the fingerprint covers: a new one would hide files from review. CI verify uses
    // the base's excludes, so HEAD's also keep the local trailer equal to what CI recomputes.
    fingerprint: committed.fingerprint,
    // complexity.exclude decides which files a todo is not needed for: a new glob loosens the gate, so HEAD's list
    // counts; the thresholds themselves are the working tree's, as before.
    complexity: { ...config.complexity, exclude: committed.complexity.exclude },
    // An allow entry lets a secret-shaped line reach a reviewer: it counts once it is itself committed.
    secrets: committed.secrets,
    // Which program may change code, with which secrets, and whether its commits are pushed: trust settings too.
    fixers: committed.fixers,
    fix: committed.fix,
  };
}

/** The config file's text as committed at HEAD (or at `at`), or null when there is no such commit or no config in it. */
export async function readCommittedConfigText(repo: Repo, batch?: CatFileBatch, at: string | null = repo.headAtOpen): Promise<string | null> {
  if (!at) return null;
  const name = `${at}:${CONFIG_FILE}`;
  if (batch) {
    const object = await batch.read(name);
    return object && object.type === 'blob' ? object.content.toString('utf8') : null;
  }
  const result = await runGit(['cat-file', 'blob', name], { cwd: repo.root, env: repo.env, okExitCodes: [128] });
  return result.exitCode === 0 ? result.stdout.toString('utf8') : null;
}

/**
 * The floor a committed config sets when it no longer validates as a whole
 * (written for another wf version, or committed past the hooks): every field
 * that is well-formed on its own still counts, and one that is not fails
 * closed (strict, the step on, manual reviews off, no excludes). Only text
 * that is not JSON at all falls back to the defaults: refusing every command
 * would leave no way to commit the fix.
 */
export function floorFromInvalidConfig(text: string, working: WfConfig): WfConfig {
  const d = DEFAULT_CONFIG;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ...structuredClone(d), reviewers: working.reviewers, test: working.test };
  }
  if (!isObject(doc)) return { ...structuredClone(d), reviewers: working.reviewers, test: working.test };
  const section = (key: string) => (isObject(doc[key]) ? doc[key] : {});
  const steps = section('steps');
  const review = section('review');
  const exclude = section('fingerprint').exclude;
  const allow = section('secrets').allow;
  const complexityExclude = section('complexity').exclude;
  const test = section('test');
  const reviewers: WfConfig['reviewers'] = {};
  for (const [name, entry] of Object.entries(section('reviewers'))) {
    // Each entry on its own: one malformed reviewer must not take the others with it.
    if (findConfigProblem({ reviewers: { [name]: entry } }) === null) Object.assign(reviewers, withConfigDefaults({ reviewers: { [name]: entry } }).reviewers);
  }
  return {
    ...structuredClone(d),
    mode: doc.mode === 'warn' ? 'warn' : 'strict',
    steps: { 'plan-review': steps['plan-review'] !== false, test: steps.test !== false, review: steps.review !== false },
    review: {
      minApprovals: Number.isSafeInteger(review.minApprovals) && (review.minApprovals as number) >= 1 ? (review.minApprovals as number) : d.review.minApprovals,
      allowManual: review.allowManual === undefined ? d.review.allowManual : review.allowManual === true,
    },
    reviewers,
    // The committed command where it is well-formed; else the working tree's, as for reviewers from text that is not
    // JSON: the default (npm test) may not run here at all, and then no test could pass to commit the fix.
    test: {
      ...working.test,
      command: findConfigProblem({ test: { command: test.command } }) === null && test.command !== undefined ? (test.command as WfConfig['test']['command']) : working.test.command,
      cwd: test.cwd !== undefined && findConfigProblem({ test: { cwd: test.cwd } }) === null ? (test.cwd as string) : working.test.cwd,
    },
    fingerprint: { exclude: Array.isArray(exclude) && exclude.every((g) => typeof g === 'string' && g !== '') ? (exclude as string[]) : [] },
    // Absent means the default lock files; anything malformed excludes nothing (every file counts).
    complexity: {
      ...working.complexity,
      exclude:
        complexityExclude === undefined
          ? [...d.complexity.exclude]
          : Array.isArray(complexityExclude) && complexityExclude.every((g) => typeof g === 'string' && g !== '')
            ? (complexityExclude as string[])
            : [],
    },
    secrets: { allow: Array.isArray(allow) && allow.every((g) => typeof g === 'string' && g !== '') ? (allow as string[]) : [] },
    // No fixer and suggestion mode: nothing an unreadable config could have meant is pushed.
    fixers: {},
    fix: structuredClone(d.fix),
  };
}

/**
 * The config the gates and reviews run under: the working tree's, with the
 * trust settings of HEAD's (or of commit `at`: `wf hash --commit` judges a
 * commit by its parent's config, as the hooks did when it was made).
 */
export async function configAtCommit(repo: Repo, commit: string, working: WfConfig = structuredClone(DEFAULT_CONFIG)): Promise<WfConfig | null> {
  const text = await readCommittedConfigText(repo, undefined, commit);
  if (text === null) return null;
  try {
    return parseConfigText(text, `${CONFIG_FILE} as committed at ${commit.slice(0, 12)}`);
  } catch (err) {
    if (!isWfError(err) || err.exitCode !== ExitCode.Usage) throw err;
    return floorFromInvalidConfig(text, { ...working, reviewers: {} });
  }
}

export async function effectiveConfig(repo: Repo, config: WfConfig, batch?: CatFileBatch, at?: string | null): Promise<WfConfig> {
  const commit = at === undefined ? repo.headAtOpen : at;
  const text = await readCommittedConfigText(repo, batch, commit);
  if (text === null) return config;
  let committed: WfConfig;
  try {
    committed = parseConfigText(text, `${CONFIG_FILE} as committed at ${commit!.slice(0, 12)}`);
  } catch (err) {
    if (!isWfError(err) || err.exitCode !== ExitCode.Usage) throw err;
    committed = floorFromInvalidConfig(text, config);
  }
  return withCommittedFloor(config, committed);
}

/** JSON with sorted keys: the zod and the fast reader fill in defaults in different key orders. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Reviewer names whose working-tree entry differs from the one in force, to say why an edit has no effect yet. */
export function uncommittedReviewerChanges(working: WfConfig, inForce: WfConfig): string[] {
  const names = new Set([...Object.keys(working.reviewers), ...Object.keys(inForce.reviewers)]);
  return [...names].filter((name) => canonical(working.reviewers[name]) !== canonical(inForce.reviewers[name])).sort();
}

/**
 * The trust settings in which `candidate` is looser than `floor`, by name: what a pull request's own
 * config would loosen against its base's. wf fix refuses to run the gates under such a config.
 */
export function configLoosenings(candidate: WfConfig, floor: WfConfig): string[] {
  const out: string[] = [];
  if (candidate.mode === 'warn' && floor.mode === 'strict') out.push('mode');
  for (const step of ['plan-review', 'test', 'review'] as const) if (floor.steps[step] && !candidate.steps[step]) out.push(`steps.${step}`);
  if (candidate.review.minApprovals < floor.review.minApprovals) out.push('review.minApprovals');
  if (candidate.review.allowManual && !floor.review.allowManual) out.push('review.allowManual');
  if (canonical(candidate.reviewers) !== canonical(floor.reviewers)) out.push('reviewers');
  if (canonical(candidate.test.command) !== canonical(floor.test.command)) out.push('test.command');
  if (canonical(candidate.fingerprint) !== canonical(floor.fingerprint)) out.push('fingerprint.exclude');
  if (candidate.complexity.exclude.some((g) => !floor.complexity.exclude.includes(g))) out.push('complexity.exclude');
  if (canonical(candidate.secrets) !== canonical(floor.secrets)) out.push('secrets.allow');
  return out;
}
