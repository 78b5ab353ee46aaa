import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic, mutateStore, STATE_FILE, statePath } from '../state/index.js';
import { CONFIG_FILE, DEFAULT_CONFIG, configPath, type WfConfig, loadConfig } from '../config/index.js';
import { checkHooksFolder, installHooks, type HookChange } from './hook-install.js';
import type { Repo } from '../git/index.js';
import { packageRoot } from '../installation/index.js';

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
}


/** The CI templates `wf init --ci` copies in: where from, and where to in the user's repository. */
export const CI_TEMPLATES = {
  github: [
    { from: 'templates/github/wf-verify.yml', to: '.github/workflows/wf-verify.yml' },
    { from: 'templates/github/wf-review.yml', to: '.github/workflows/wf-review.yml' },
  ],
  gitlab: [{ from: 'templates/gitlab/wf-verify.gitlab-ci.yml', to: '.gitlab/wf-verify.gitlab-ci.yml' }],
} as const;

export async function initRepository(repo: Repo, options: InitOptions): Promise<{ changes: InitChange[]; hooks: HookChange[] }> {
  const changes: InitChange[] = [];
  // A refusal of the hooks folder comes before any file is written, so a refused init leaves nothing behind.
  if (options.hooks) await checkHooksFolder(repo, { globalHooksPath: options.globalHooksPath ?? false });
  mkdirSync(join(repo.root, '.claude'), { recursive: true });

  const cfgPath = configPath(repo.root);
  if (existsSync(cfgPath)) {
    // Validates it: a broken config is reported (exit 2), never overwritten.
    loadConfig(repo.root);
    changes.push({ what: 'config', action: 'unchanged', path: CONFIG_FILE });
  } else {
    // With an agent wired in, the stop gate keeps it working until the component ships (agent.stopGate).
    const config = { ...structuredClone(DEFAULT_CONFIG), ...(options.agent ? { agent: { ...DEFAULT_CONFIG.agent, stopGate: true } } : {}), ...options.config };
    writeFileAtomic(cfgPath, `${JSON.stringify(config, null, 2)}\n`);
    changes.push({ what: 'config', action: 'created', path: CONFIG_FILE });
  }

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
        writeFileSync(target, readFileSync(join(packageRoot(), from)));
        changes.push({ what: `${options.ci} CI`, action: 'created', path: to });
      }
    }
  }

  if (options.agent === 'claude') {
    const { installClaudeAgent } = await import('./agent-setup.js');
    for (const c of installClaudeAgent(repo.root)) changes.push({ what: 'claude', action: c.action, path: c.path });
  }

  const hooks = options.hooks ? await installHooks(repo, { globalHooksPath: options.globalHooksPath ?? false }) : [];
  return { changes, hooks };
}
