import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic, mutateStore, STATE_FILE, statePath } from '../state/index.js';
import { CONFIG_FILE, DEFAULT_CONFIG, configPath, type WfConfig, readConfig } from '../config/index.js';
import { reviewersFromPresets, type ReviewerPresetName } from '../review/index.js';
import { checkHooksFolder, installHooks, type HookChange } from './hook-install.js';
import type { Repo } from '../git/index.js';
import { installedAt, installingProject, packageRoot } from '../installation/index.js';
import { ciTemplateText } from './ci-templates.js';

/**
 * What `wf init` adds to .gitignore. The state and the audit log change with
 * every wf command, including right after a commit, so tracking them would
 * leave every checkout dirty and make branches conflict line by line; they are
 * per-checkout by default. A team that wants the log in history removes its
 * line, and `wf verify` then checks that the log only grows.
 */
export const GITIGNORE_BLOCK = [
  '# wf-gate: per-checkout workflow state, locks and temp files',
  '.claude/task-state.json',
  '.claude/workflow-audit.log',
  '.claude/*.lock',
  '.claude/.*.tmp',
];

export interface InitChange {
  what: string;
  action: 'created' | 'unchanged' | 'updated';
  path: string;
}

export interface InitOptions {
  config?: Partial<Pick<WfConfig, 'mode' | 'test' | 'review'>>;
  hooks: boolean;
  ci?: 'github' | 'gitlab' | undefined;
  agent?: 'claude' | undefined;
  globalHooksPath?: boolean;
  /** Reviewer presets to configure (review/presets.ts): written into a new config, added to an existing one. */
  reviewers?: readonly ReviewerPresetName[] | undefined;
  /** Add PREPARE_SCRIPT to the package.json of the project wf is installed in. */
  prepare?: boolean;
}

export interface InitResult {
  changes: InitChange[];
  hooks: HookChange[];
  /** Problems init found but did not fix, each with what to do next. */
  warnings: string[];
}


/** The CI templates `wf init --ci` copies in: where from, and where to in the user's repository. */
export const CI_TEMPLATES = {
  github: [
    { from: 'templates/github/wf-verify.yml', to: '.github/workflows/wf-verify.yml' },
    { from: 'templates/github/wf-review.yml', to: '.github/workflows/wf-review.yml' },
  ],
  gitlab: [{ from: 'templates/gitlab/wf-verify.gitlab-ci.yml', to: '.gitlab/wf-verify.gitlab-ci.yml' }],
} as const;

export async function initRepository(repo: Repo, options: InitOptions): Promise<InitResult> {
  const changes: InitChange[] = [];
  const warnings: string[] = [];
  const presets = options.reviewers ?? [];
  // A refusal of the hooks folder comes before any file is written, so a refused init leaves nothing behind.
  if (options.hooks) await checkHooksFolder(repo, { globalHooksPath: options.globalHooksPath ?? false });
  mkdirSync(join(repo.root, '.claude'), { recursive: true });

  const cfgPath = configPath(repo.root);
  let config: WfConfig;
  if (existsSync(cfgPath)) {
    // Validates it: a broken config is reported (exit 2), never overwritten.
    config = readConfig(repo.root);
    const added = presets.filter((name) => !Object.hasOwn(config.reviewers, name));
    if (added.length > 0) {
      // Asked for by name, so added; everything else in the file is kept as written, and an entry of the same name is never replaced.
      const doc = JSON.parse(readFileSync(cfgPath, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
      doc.reviewers = { ...(doc.reviewers as Record<string, unknown> | undefined), ...reviewersFromPresets(added) };
      writeFileAtomic(cfgPath, `${JSON.stringify(doc, null, 2)}\n`);
      config = readConfig(repo.root);
      changes.push({ what: `reviewers ${added.join(', ')}`, action: 'updated', path: CONFIG_FILE });
    } else changes.push({ what: 'config', action: 'unchanged', path: CONFIG_FILE });
  } else {
    // With an agent wired in, the stop gate keeps it working until the component ships (agent.stopGate).
    const written = {
      ...structuredClone(DEFAULT_CONFIG),
      ...(options.agent ? { agent: { ...DEFAULT_CONFIG.agent, stopGate: true } } : {}),
      ...options.config,
      reviewers: reviewersFromPresets(presets),
    };
    writeFileAtomic(cfgPath, `${JSON.stringify(written, null, 2)}\n`);
    // Read back through the schema: what init writes must be a config wf accepts.
    config = readConfig(repo.root);
    changes.push({ what: 'config', action: 'created', path: CONFIG_FILE });
  }
  const placeholder = placeholderTestWarning(repo.root, config);
  if (placeholder) warnings.push(placeholder);

  const hadState = existsSync(statePath(repo.root));
  await mutateStore(repo.root, () => undefined);
  changes.push({ what: 'state', action: hadState ? 'unchanged' : 'created', path: STATE_FILE });

  const ignorePath = join(repo.root, '.gitignore');
  const ignore = existsSync(ignorePath) ? readFileSync(ignorePath, 'utf8') : '';
  const have = new Set(ignore.split('\n').map((l) => l.trim()));
  const missing = GITIGNORE_BLOCK.filter((l) => !have.has(l));
  if (missing.length > 0) {
    writeFileSync(ignorePath, `${ignore}${ignore === '' || ignore.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`);
    changes.push({ what: '.gitignore', action: ignore === '' ? 'created' : 'updated', path: '.gitignore' });
  } else changes.push({ what: '.gitignore', action: 'unchanged', path: '.gitignore' });

  if (options.ci) {
    for (const { from, to } of CI_TEMPLATES[options.ci]) {
      const target = join(repo.root, to);
      if (existsSync(target)) changes.push({ what: `${options.ci} CI`, action: 'unchanged', path: to });
      else {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, ciTemplateText(readFileSync(join(packageRoot(), from), 'utf8'), options.ci, installedAt(repo.root)));
        changes.push({ what: `${options.ci} CI`, action: 'created', path: to });
      }
    }
  }

  if (options.agent === 'claude') {
    const { installClaudeAgent } = await import('./agent-setup.js');
    for (const c of installClaudeAgent(repo.root)) changes.push({ what: 'claude', action: c.action, path: c.path });
  }

  if (options.prepare) {
    const prepared = addPrepareScript(repo.root);
    if (prepared.change) changes.push(prepared.change);
    if (prepared.warning) warnings.push(prepared.warning);
  }

  const hooks = options.hooks ? await installHooks(repo, { globalHooksPath: options.globalHooksPath ?? false }) : [];
  return { changes, hooks, warnings };
}

/**
 * What `wf init --prepare` adds to package.json's scripts.prepare, as husky's
 * `husky init` adds `husky`: npm runs it after every `npm install` and `npm ci`,
 * so a fresh clone gets wf's hooks with its dependencies. --if-repository,
 * because npm also runs it where there is no git work tree (a Docker build, a
 * packed tarball), and a failed prepare fails the whole install.
 */
export const PREPARE_SCRIPT = 'wf hooks install --if-repository';

/** The package.json wf is installed for (the package's, in a monorepo), with scripts.prepare running PREPARE_SCRIPT; an existing prepare is kept, with wf's appended. */
export function addPrepareScript(repoRoot: string): { change?: InitChange; warning?: string } {
  const dir = installingProject() ?? repoRoot;
  const path = join(dir, 'package.json');
  const shown = relative(repoRoot, path).split('\\').join('/') || 'package.json';
  let text: string;
  let doc: Record<string, unknown>;
  try {
    text = readFileSync(path, 'utf8');
    doc = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch {
    return { warning: `no readable ${shown}, so no prepare script was added; add "prepare": "${PREPARE_SCRIPT}" to the scripts of the package.json that installs wf-gate` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { warning: `${shown} does not hold a JSON object, so no prepare script was added` };
  const scripts = (doc.scripts ?? {}) as Record<string, unknown>;
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) return { warning: `${shown}: "scripts" is not an object, so no prepare script was added` };
  const current = scripts.prepare;
  if (typeof current === 'string' && /(?:^|[\s/;&|(])wf hooks install\b/.test(current)) return { change: { what: 'prepare script', action: 'unchanged', path: shown } };
  if (current !== undefined && typeof current !== 'string') return { warning: `${shown}: scripts.prepare is not a string, so wf left it; add ${PREPARE_SCRIPT} to it by hand` };
  const next = typeof current === 'string' && current.trim() !== '' ? `${current} && ${PREPARE_SCRIPT}` : PREPARE_SCRIPT;
  doc.scripts = { ...scripts, prepare: next };
  // Written back the way npm writes package.json: the file's own indentation, a final newline.
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  writeFileAtomic(path, `${JSON.stringify(doc, null, indent)}${text.endsWith('\n') ? '\n' : ''}`);
  return {
    change: { what: 'prepare script', action: current === undefined ? 'created' : 'updated', path: shown },
    ...(typeof current === 'string' && current.trim() !== '' ? { warning: `${shown}: scripts.prepare already ran "${current}"; "${PREPARE_SCRIPT}" now runs after it (joined with &&)` } : {}),
  };
}

/** npm's placeholder test script, as `npm init` writes it: it always fails. */
const NPM_PLACEHOLDER_TEST = /Error: no test specified/;
/** test.command forms that run package.json's scripts.test. */
const RUNS_NPM_TEST = /^npm(?:\s+(?:test|t|tst|run\s+test|run-script\s+test))(?:\s|$)/;

/**
 * Why wf test would fail on every change, or null: test.command runs npm's
 * test script and package.json still has the placeholder `npm init` wrote,
 * which prints "Error: no test specified" and exits 1. Found at init, not at
 * the first refused commit.
 */
export function placeholderTestWarning(root: string, config: Pick<WfConfig, 'test'>): string | null {
  const command = Array.isArray(config.test.command) ? config.test.command.join(' ') : config.test.command.trim();
  if (!RUNS_NPM_TEST.test(command)) return null;
  let script: unknown;
  try {
    script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: { test?: unknown } }).scripts?.test;
  } catch {
    // No package.json, or one npm itself could not read: npm test reports that better than a guess here.
    return null;
  }
  if (typeof script !== 'string' || !NPM_PLACEHOLDER_TEST.test(script)) return null;
  return (
    `test.command "${command}" runs package.json's placeholder test script (${script}), which always exits 1, so wf test fails on every change; ` +
    `put your real test command in package.json's scripts.test (for example "vitest run" or "node --test"), or set test.command in ${CONFIG_FILE}, then: wf test`
  );
}
