import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentError, usageError } from '../errors/index.js';
import type { EnabledSteps } from '../workflow/index.js';

/**
 * `.claude/wf.config.json`. The zod schema in config-schema.ts is the public
 * definition (used by every oclif command and exported as JSON Schema); this
 * file holds the defaults and a dependency-free reader for the git-hook fast
 * path, which may not import zod. test/unit/config.test.ts checks that both
 * accept and refuse the same documents.
 */
export const CONFIG_FILE = '.claude/wf.config.json';

/** How `wf review run` finds one value in a reviewer's stdout: a dotted path into its JSON, a regex's first capture group, or the regex applied to the value at the path. */
export interface ReviewerExtractor {
  jsonPath?: string | undefined;
  regex?: string | undefined;
}

/** A reviewer `wf review run` starts itself, so the verdict and session id come from the reviewer, not from whoever types a command. */
export interface ReviewerConfig {
  /** Program and arguments, run without a shell. */
  command: string[];
  /** `stdin`: the packet is piped in; `file`: written to a temp file named by `{file}` in the arguments (appended when no argument has it). */
  prompt: 'stdin' | 'file';
  timeoutSeconds: number;
  verdict: ReviewerExtractor;
  continuationId: ReviewerExtractor;
  /** Arguments appended for `--resume`; `{id}` becomes the reviewer's last continuation id. */
  resumeArgs?: string[] | undefined;
  /** Environment variables passed through to the reviewer (its API key, say), on top of the basics a CLI needs; nothing else of wf's environment reaches it. */
  env?: string[] | undefined;
}

/** A program `wf fix` starts to change the code: configured like a reviewer, but what it leaves in the work tree is its answer. */
export interface FixerConfig {
  /** Program and arguments, run without a shell. */
  command: string[];
  prompt: 'stdin' | 'file';
  timeoutSeconds: number;
  /** Environment variables passed through (its API key), on top of the basics a CLI needs. */
  env?: string[] | undefined;
  /** Where the fixer reports what the run cost in US dollars (for fix.maxCostUsd), when it does. */
  cost?: ReviewerExtractor | undefined;
}

/** `wf fix`: read from the base branch (never from the pull request), like the reviewers. */
export interface FixSettings {
  /** The fixer to run (a key of `fixers`); unset: the only one configured. */
  fixer?: string | undefined;
  /** A comment asks for a fix when a line starts with this phrase. */
  trigger: string;
  /** suggest: post suggestions, push nothing; push: commit to the pull request's branch (same repository only). */
  mode: 'suggest' | 'push';
  maxLines: number;
  maxAttempts: number;
  maxPerHour: number;
  /** Stop when the fixer reports more than this in total over one pull request; unset: no cost ceiling. */
  maxCostUsd?: number | undefined;
  /** The identity of fix commits. */
  bot: { name: string; email: string };
}

export interface WfConfig {
  version: 1;
  /** strict refuses; warn reports every gate but lets the commit through (for rolling out). */
  mode: 'strict' | 'warn';
  steps: EnabledSteps;
  /** allowManual false: only verdicts wf review run read from a reviewer count; wf record-review is refused. */
  review: { minApprovals: number; allowManual: boolean };
  /** cwd: where the test command runs, relative to the repository root; unset: the project wf is installed in (a monorepo package), else the root. */
  test: { command: string | string[]; timeoutSeconds: number; cwd?: string | undefined };
  plan: { minWords: number };
  /** exclude: globs of generated files (lock files) that still are fingerprinted and reviewed but do not make a change complex. */
  complexity: { maxFiles: number; maxLines: number; exclude: string[] };
  context: { warnAt: number; blockAt: number };
  fingerprint: { exclude: string[] };
  reviewers: Record<string, ReviewerConfig>;
  /** Read from the base branch by `wf verify`: required means every reviewed commit needs signed attestations from CI (`wf review ci`); trailers optional lets a commit with valid attestations but no trailers pass. */
  attestation: { required: boolean; trailers: 'required' | 'optional' };
  /** The secrets gate: findings in these paths (globs), or with these SHA-256 digests of the matched text, are known false positives. */
  secrets: { allow: string[] };
  /** stopGate: the agent's Stop hook keeps it working while the task has ungated changes, unaddressed findings or failing tests; at most maxStopBlocks times in a row. */
  agent: { stopGate: boolean; maxStopBlocks: number };
  fixers: Record<string, FixerConfig>;
  fix: FixSettings;
}

/**
 * Lock files of npm, yarn (v1 and berry), pnpm and bun, at any depth: a dependency bump rewrites
 * thousands of their lines, which says nothing about how complex the change is to review.
 */
export const DEFAULT_COMPLEXITY_EXCLUDE: readonly string[] = ['**/package-lock.json', '**/npm-shrinkwrap.json', '**/yarn.lock', '**/pnpm-lock.yaml', '**/bun.lock', '**/bun.lockb'];

export const DEFAULT_CONFIG: WfConfig = {
  version: 1,
  mode: 'strict',
  steps: { 'plan-review': true, test: true, review: true },
  review: { minApprovals: 1, allowManual: true },
  test: { command: 'npm test', timeoutSeconds: 900 },
  plan: { minWords: 30 },
  complexity: { maxFiles: 8, maxLines: 400, exclude: [...DEFAULT_COMPLEXITY_EXCLUDE] },
  context: { warnAt: 0.7, blockAt: 0.9 },
  fingerprint: { exclude: [] },
  reviewers: {},
  attestation: { required: false, trailers: 'required' },
  secrets: { allow: [] },
  agent: { stopGate: false, maxStopBlocks: 3 },
  fixers: {},
  fix: {
    trigger: '@wf fix',
    mode: 'suggest',
    maxLines: 500,
    maxAttempts: 3,
    maxPerHour: 5,
    bot: { name: 'wf-fix[bot]', email: 'wf-fix[bot]@users.noreply.github.com' },
  },
};

/** What a fixer entry gets when it leaves these out. */
export const FIXER_DEFAULTS = { prompt: 'stdin', timeoutSeconds: 1800 } as const satisfies Partial<FixerConfig>;

/** What a reviewer entry gets when it leaves these out. The default verdict regex matches the last line the review packet asks for. */
export const REVIEWER_DEFAULTS = {
  prompt: 'stdin',
  timeoutSeconds: 600,
  // A line of its own (markdown emphasis or a quote marker allowed), never a mention inside a sentence.
  // Spaces and tabs only, never \s: a class that also eats newlines makes the regex quadratic on long output.
  verdict: { regex: '^[ \\t>#*_]*VERDICT[ \\t]*:[ \\t]*[*_]*([A-Za-z]+(?:[_-][A-Za-z]+)*)[*_. \\t\\r]*$' },
} as const satisfies Partial<ReviewerConfig>;

/** What a reviewer may be called: it ends up in `Review-Id: <name>:<id>` trailers and audit entries. */
export const REVIEWER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

const JSON_PATH = /^[^.]+(?:\.[^.]+)*$/;

/** Why a reviewer regex is unusable (it must compile and have a capture group to read), or null. Shared with the zod schema. */
export function reviewerRegexProblem(source: string): string | null {
  let groups: number;
  try {
    // An empty alternative always matches, so the match array's length counts the pattern's groups.
    groups = (new RegExp(`${source}|`).exec('')?.length ?? 1) - 1;
  } catch (err) {
    return `is not a valid regular expression (${(err as Error).message})`;
  }
  return groups >= 1 ? null : 'needs a capture group around the value, for example "VERDICT:\\s*(\\w+)"';
}

export function reviewerJsonPathProblem(path: string): string | null {
  return JSON_PATH.test(path) ? null : 'must be a dotted path such as "result.session_id"';
}

export function configPath(root: string): string {
  return join(root, CONFIG_FILE);
}

type Check = (value: unknown, at: string) => string | null;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bool: Check = (v, at) => (typeof v === 'boolean' ? null : `${at} must be true or false`);
// Safe integers only: zod's int() refuses 1e16, and so must this reader.
const intAtLeast =
  (min: number): Check =>
  (v, at) =>
    Number.isSafeInteger(v) && (v as number) >= min ? null : `${at} must be a whole number >= ${min}`;
/** Node's timers hold at most 2^31-1 ms; a longer timeout would fire at once. A day is more than any test run or review needs. */
export const MAX_TIMEOUT_SECONDS = 86_400;
const timeoutSeconds: Check = (v, at) =>
  Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= MAX_TIMEOUT_SECONDS ? null : `${at} must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`;
// Own keys only: "valueOf" or "__proto__" in a config file must be an unknown key, not a crash.
const lookup = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);
const fraction: Check = (v, at) =>
  typeof v === 'number' && v > 0 && v <= 1 ? null : `${at} must be a number in (0, 1]`;
const oneOf =
  (...values: string[]): Check =>
  (v, at) =>
    typeof v === 'string' && values.includes(v) ? null : `${at} must be one of ${values.join(', ')}`;
const commandCheck: Check = (v, at) =>
  (typeof v === 'string' && v.trim() !== '') ||
  (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== ''))
    ? null
    : `${at} must be a non-empty string or a non-empty array of strings`;
/** A folder inside the repository, relative to its root: where the test command runs. */
export function repoRelativeDirProblem(v: unknown): string | null {
  if (typeof v !== 'string' || v.trim() === '') return 'must be a non-empty path relative to the repository root';
  if (v.startsWith('/') || /^[A-Za-z]:[\\/]/.test(v) || v.startsWith('\\')) return 'must be relative to the repository root, not absolute';
  if (v.split(/[\\/]/).includes('..')) return 'must stay inside the repository (no "..")';
  return null;
}
const repoDir: Check = (v, at) => {
  const problem = repoRelativeDirProblem(v);
  return problem ? `${at} ${problem}` : null;
};
const stringList: Check = (v, at) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '') ? null : `${at} must be an array of non-empty strings`;

const extractorCheck: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object with jsonPath or regex`;
  for (const key of Object.keys(v)) if (key !== 'jsonPath' && key !== 'regex') return `unknown key "${at}.${key}"`;
  if (v.jsonPath === undefined && v.regex === undefined) return `${at} needs jsonPath or regex`;
  if (v.jsonPath !== undefined) {
    if (typeof v.jsonPath !== 'string') return `${at}.jsonPath must be a string`;
    const problem = reviewerJsonPathProblem(v.jsonPath);
    if (problem) return `${at}.jsonPath ${problem}`;
  }
  if (v.regex !== undefined) {
    if (typeof v.regex !== 'string' || v.regex === '') return `${at}.regex must be a non-empty string`;
    const problem = reviewerRegexProblem(v.regex);
    if (problem) return `${at}.regex ${problem}`;
  }
  return null;
};
const argList: Check = (v, at) =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '') ? null : `${at} must be a non-empty array of non-empty strings`;

/**
 * Variables that may never be handed to a reviewer, whatever the config says:
 * the attestation key and forge tokens (a reviewer is a program from outside),
 * and what changes how a program loads or runs (preloads, node options, git's
 * own configuration) rather than what it is told.
 */
const NEVER_PASSED = /^(WF_ATTESTATION_KEY|WF_.*TOKEN|GITHUB_TOKEN|GH_TOKEN|GITLAB_TOKEN|CI_JOB_TOKEN|ACTIONS_.*|NODE_OPTIONS|NODE_PATH|NODE_EXTRA_CA_CERTS|LD_.*|DYLD_.*|GIT_.*|BASH_ENV|ENV|PATH|HOME|PYTHONSTARTUP|PYTHONPATH|PERL5OPT|RUBYOPT|SSH_AUTH_SOCK)$/;

export function reviewerEnvNameProblem(name: string): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) return `${JSON.stringify(name)} is not an environment variable name`;
  if (NEVER_PASSED.test(name)) return `${name} is never passed to a reviewer (keys, tokens, and variables that change how programs load are kept from it)`;
  return null;
}

const envNames: Check = (v, at) => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return `${at} must be an array of environment variable names`;
  for (const name of v as string[]) {
    const problem = reviewerEnvNameProblem(name);
    if (problem) return `${at}: ${problem}`;
  }
  return null;
};

const REVIEWER_SHAPE: Record<string, Check> = {
  env: envNames,
  command: argList,
  prompt: oneOf('stdin', 'file'),
  timeoutSeconds,
  verdict: extractorCheck,
  continuationId: extractorCheck,
  resumeArgs: (v, at) => argList(v, at) ?? ((v as string[]).some((a) => a.includes('{id}')) ? null : `${at} must contain {id} where the continuation id goes`),
};

const reviewersCheck: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object of named reviewers`;
  for (const [name, reviewer] of Object.entries(v)) {
    if (!REVIEWER_NAME_PATTERN.test(name)) return `${at}: invalid reviewer name ${JSON.stringify(name)} (1-64 characters from A-Z a-z 0-9 . _ @ + -)`;
    const where = `${at}.${name}`;
    if (!isObject(reviewer)) return `${where} must be an object`;
    for (const [key, value] of Object.entries(reviewer)) {
      const check = lookup(REVIEWER_SHAPE, key);
      if (!check) return `unknown key "${where}.${key}"`;
      const problem = check(value, `${where}.${key}`);
      if (problem) return problem;
    }
    if (reviewer.command === undefined) return `${where}.command is required`;
    if (reviewer.continuationId === undefined) return `${where}.continuationId is required`;
    if (reviewer.prompt !== 'file' && (reviewer.command as string[]).some((a) => a.includes('{file}'))) {
      return `${where}.command uses {file} but prompt is not "file"`;
    }
  }
  return null;
};

const FIXER_SHAPE: Record<string, Check> = {
  env: envNames,
  command: argList,
  prompt: oneOf('stdin', 'file'),
  timeoutSeconds,
  cost: extractorCheck,
};

const fixersCheck: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object of named fixers`;
  for (const [name, fixer] of Object.entries(v)) {
    if (!REVIEWER_NAME_PATTERN.test(name)) return `${at}: invalid fixer name ${JSON.stringify(name)} (1-64 characters from A-Z a-z 0-9 . _ @ + -)`;
    const where = `${at}.${name}`;
    if (!isObject(fixer)) return `${where} must be an object`;
    for (const [key, value] of Object.entries(fixer)) {
      const check = lookup(FIXER_SHAPE, key);
      if (!check) return `unknown key "${where}.${key}"`;
      const problem = check(value, `${where}.${key}`);
      if (problem) return problem;
    }
    if (fixer.command === undefined) return `${where}.command is required`;
    if (fixer.prompt !== 'file' && (fixer.command as string[]).some((a) => a.includes('{file}'))) return `${where}.command uses {file} but prompt is not "file"`;
  }
  return null;
};

/** A trigger phrase: something a person types at the start of a line, never blank or multi-line. */
export const FIX_TRIGGER_PATTERN = /^\S[^\n\r]{0,63}$/;
const intRange =
  (min: number, max: number): Check =>
  (v, at) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? null : `${at} must be a whole number from ${min} to ${max}`;
/** A git identity: no angle brackets or newlines, which would break the author line. */
const identityPart: Check = (v, at) => (typeof v === 'string' && /^[^<>\n\r]{1,100}$/.test(v) && v.trim() === v ? null : `${at} must be 1-100 characters without <, > or line breaks, and no surrounding spaces`);

const fixCheck: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object`;
  const shape: Record<string, Check> = {
    fixer: (x, a) => (typeof x === 'string' && REVIEWER_NAME_PATTERN.test(x) ? null : `${a} must be the name of a fixer`),
    trigger: (x, a) => (typeof x === 'string' && FIX_TRIGGER_PATTERN.test(x) ? null : `${a} must be a phrase of 1-64 characters on one line, not starting with a space`),
    mode: oneOf('suggest', 'push'),
    maxLines: intRange(1, 100_000),
    maxAttempts: intRange(1, 20),
    maxPerHour: intRange(1, 100),
    maxCostUsd: (x, a) => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? null : `${a} must be a positive number of US dollars`),
    bot: (x, a) => {
      if (!isObject(x)) return `${a} must be an object with name and email`;
      for (const key of Object.keys(x)) if (key !== 'name' && key !== 'email') return `unknown key "${a}.${key}"`;
      return (x.name === undefined ? null : identityPart(x.name, `${a}.name`)) ?? (x.email === undefined ? null : identityPart(x.email, `${a}.email`));
    },
  };
  for (const [key, value] of Object.entries(v)) {
    const check = lookup(shape, key);
    if (!check) return `unknown key "${at}.${key}"`;
    const problem = check(value, `${at}.${key}`);
    if (problem) return problem;
  }
  return null;
};

const SHAPE: Record<string, Check | Record<string, Check>> = {
  $schema: (v, at) => (typeof v === 'string' ? null : `${at} must be a string`),
  version: (v, at) => (v === 1 ? null : `${at} must be 1`),
  mode: oneOf('strict', 'warn'),
  steps: { 'plan-review': bool, test: bool, review: bool },
  review: { minApprovals: intAtLeast(1), allowManual: bool },
  test: { command: commandCheck, timeoutSeconds, cwd: repoDir },
  plan: { minWords: intAtLeast(0) },
  complexity: { maxFiles: intAtLeast(1), maxLines: intAtLeast(1), exclude: stringList },
  context: { warnAt: fraction, blockAt: fraction },
  fingerprint: { exclude: stringList },
  reviewers: reviewersCheck,
  attestation: { required: bool, trailers: oneOf('required', 'optional') },
  secrets: { allow: stringList },
  agent: { stopGate: bool, maxStopBlocks: (v, at) => (Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 100 ? null : `${at} must be a whole number from 1 to 100`) },
  fixers: fixersCheck,
  fix: fixCheck,
};

/** The first problem in a parsed config document, or null. Unknown keys are problems: a typo must not silently loosen a gate. */
export function findConfigProblem(doc: unknown): string | null {
  if (!isObject(doc)) return 'the document must be a JSON object';
  for (const [key, value] of Object.entries(doc)) {
    const check = lookup(SHAPE, key);
    if (!check) return `unknown key "${key}"`;
    if (typeof check === 'function') {
      const problem = check(value, key);
      if (problem) return problem;
      continue;
    }
    if (!isObject(value)) return `${key} must be an object`;
    for (const [inner, innerValue] of Object.entries(value)) {
      const innerCheck = lookup(check, inner);
      if (!innerCheck) return `unknown key "${key}.${inner}"`;
      const problem = innerCheck(innerValue, `${key}.${inner}`);
      if (problem) return problem;
    }
  }
  const context = isObject(doc.context) ? doc.context : {};
  const warnAt = (context.warnAt as number | undefined) ?? DEFAULT_CONFIG.context.warnAt;
  const blockAt = (context.blockAt as number | undefined) ?? DEFAULT_CONFIG.context.blockAt;
  if (warnAt > blockAt) return 'context.warnAt must not be above context.blockAt';
  return null;
}

/** Fills in defaults; `doc` must already have passed findConfigProblem. */
export function withConfigDefaults(doc: Record<string, unknown>): WfConfig {
  const d = DEFAULT_CONFIG;
  const section = <K extends keyof WfConfig>(key: K): WfConfig[K] => {
    const value = doc[key];
    if (isObject(value) && isObject(d[key])) return { ...(d[key] as object), ...value } as WfConfig[K];
    return (value ?? d[key]) as WfConfig[K];
  };
  return {
    version: 1,
    mode: section('mode'),
    steps: section('steps'),
    review: section('review'),
    test: section('test'),
    plan: section('plan'),
    complexity: section('complexity'),
    context: section('context'),
    fingerprint: section('fingerprint'),
    reviewers: reviewersWithDefaults(doc.reviewers),
    attestation: section('attestation'),
    secrets: section('secrets'),
    agent: section('agent'),
    fixers: fixersWithDefaults(doc.fixers),
    fix: fixWithDefaults(doc.fix),
  };
}

function fixersWithDefaults(value: unknown): Record<string, FixerConfig> {
  if (!isObject(value)) return {};
  const out: Record<string, FixerConfig> = {};
  for (const [name, fixer] of Object.entries(value)) out[name] = { ...FIXER_DEFAULTS, ...(fixer as Partial<FixerConfig>) } as FixerConfig;
  return out;
}

function fixWithDefaults(value: unknown): FixSettings {
  const d = DEFAULT_CONFIG.fix;
  if (!isObject(value)) return structuredClone(d);
  const bot = isObject(value.bot) ? { ...d.bot, ...value.bot } : { ...d.bot };
  return { ...structuredClone(d), ...(value as Partial<FixSettings>), bot } as FixSettings;
}

function reviewersWithDefaults(value: unknown): Record<string, ReviewerConfig> {
  if (!isObject(value)) return {};
  const out: Record<string, ReviewerConfig> = {};
  for (const [name, reviewer] of Object.entries(value)) {
    out[name] = { prompt: REVIEWER_DEFAULTS.prompt, timeoutSeconds: REVIEWER_DEFAULTS.timeoutSeconds, verdict: { ...REVIEWER_DEFAULTS.verdict }, ...(reviewer as Partial<ReviewerConfig>) } as ReviewerConfig;
  }
  return out;
}

/** Parses config text; throws exit 2 naming the file and the first problem. */
export function parseConfigText(text: string, file: string): WfConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(withoutBom(text));
  } catch (err) {
    throw usageError(`the config file is not valid JSON: ${(err as Error).message}`, {
      where: file,
      hint: `fix the JSON by hand (wf never overwrites it), or delete it and run: wf init --yes`,
    });
  }
  const problem = findConfigProblem(doc);
  if (problem) {
    throw usageError(`the config file is invalid: ${problem}`, {
      where: file,
      hint: 'fix it by hand (see the Configuration section of the README), then run: wf status',
    });
  }
  return withConfigDefaults(doc as Record<string, unknown>);
}

/** The config file's text; null when there is none. Any other failure names the file (a folder there, no permission). */
export function readConfigFileText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw environmentError(`the config file cannot be read (${code ?? (err as Error).message}${code === 'EISDIR' ? ': it is a folder' : ''})`, { where: file, hint: `check ${CONFIG_FILE} is a readable file (ls -l ${CONFIG_FILE}), then run the command again` });
  }
}

/** JSON text as people save it: editors on Windows add a byte-order mark, which JSON.parse refuses and nobody sees. */
export const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** Reads the config; a missing file means the defaults. */
export function readConfig(root: string): WfConfig {
  const file = configPath(root);
  const text = readConfigFileText(file);
  return text === null ? structuredClone(DEFAULT_CONFIG) : parseConfigText(text, file);
}
