import { isWfError, refused, WfError } from '../errors/index.js';
import { openRepo, currentBranch } from '../git/index.js';
import { readConfig, type WfConfig } from '../config/index.js';
import { readStateFile, type Task } from '../state/index.js';
import { resolveTask } from '../tasks/index.js';
import { startStagedCollection, gateInputsFor, gatesFor, refusedGates, renderGateChecklist, type GateResult } from '../gates/index.js';
import type { ChalkInstance } from 'chalk';
import { nextFromEvidence } from '../ship/index.js';
import { reconcileBeforeReading } from './reconcile-on-read.js';
import { plural } from '../text/index.js';
import { missingHooks, type HookHealth } from '../setup/index.js';

/** What `wf status` shows, shared by the oclif command and the fast path of `wf status --json`. */
export interface StatusReport {
  task: Task;
  rule: string;
  config: WfConfig;
  fingerprint: string;
  gates: GateResult[];
  wouldCommit: boolean;
  next: string | null;
  action: ReturnType<typeof nextFromEvidence>;
  /** wf's git hooks that git will not run (a fresh clone before npm install, hooks never installed). */
  hooks: HookHealth[];
  /** The --json form. */
  data: unknown;
}

export async function statusReport(taskId: string | undefined): Promise<StatusReport> {
  const repo = await openRepo();
  // git starts before the state is parsed: see startStagedCollection.
  const collection = startStagedCollection(repo, readConfig(repo.root));
  const hooks = missingHooks(repo);
  let staged;
  let resolution;
  let config;
  try {
    let state = readStateFile(repo.root);
    if (await reconcileBeforeReading(repo, state, await collection.config)) state = readStateFile(repo.root);
    resolution = resolveTask(state, { explicit: taskId, env: process.env.WF_TASK_ID, branch: currentBranch(repo) });
    staged = await collection.staged;
    config = await collection.config;
  } catch (err) {
    // A fresh clone has no task yet, and no hooks either: the first thing it needs is both.
    throw withHooksHint(err, await hooks);
  } finally {
    await collection.close();
  }
  const { task, rule } = resolution;
  const missing = await hooks;
  // A finished task has nothing left to pass: its gates judged the commits it made, and showing them
  // again against whatever is staged now would list failures nobody has to fix.
  const finished = task.status === 'finished';
  const gates = finished ? [] : gatesFor(gateInputsFor(repo, config, task, staged));
  const wouldCommit = !finished && refusedGates(gates).length === 0;
  const action = nextFromEvidence({ root: repo.root, task, config, staged, gates });
  const next = finished ? null : (action.command ?? action.reason);
  const data = {
    task: { id: task.id, title: task.title, step: task.step, status: task.status, progress: task.progress, parentId: task.parentId, childIds: task.childIds },
    pickedBy: rule,
    mode: config.mode,
    fingerprint: staged.fingerprint,
    gates,
    commitAllowed: wouldCommit,
    next,
    nextAction: action,
    ...(missing.length > 0 ? { hooksMissing: missing.map(({ hook, path, problem, fix }) => ({ hook, path, problem, fix: fix ?? HOOKS_FIX })) } : {}),
  };
  return { task, rule, config, fingerprint: staged.fingerprint, gates, wouldCommit, next, action, hooks: missing, data };
}

const HOOKS_FIX = 'wf hooks install';

function hooksLine(missing: HookHealth[]): string {
  const fixes = [...new Set(missing.map((h) => h.fix ?? HOOKS_FIX))];
  return `git hooks: wf's ${missing.map((h) => `${h.hook} hook (${h.path}: ${h.problem})`).join(', ')} will not run, so git commit checks no gate; run: ${fixes.join(' and ')}`;
}

function withHooksHint(err: unknown, missing: HookHealth[]): unknown {
  if (missing.length === 0 || !isWfError(err)) return err;
  const fixes = [...new Set(missing.map((h) => h.fix ?? HOOKS_FIX))].join(' and ');
  return new WfError(err.exitCode, `${err.message}; and wf's git hooks are not installed here (${missing.map((h) => `${h.hook}: ${h.problem}`).join(', ')})`, {
    ...(err.where ? { where: err.where } : {}),
    hint: err.hint ? `${fixes}, then: ${err.hint}` : fixes,
    reported: err.reported,
    cause: err,
  });
}

/** `--check`: exit 1 when a commit would be refused now (a finished task has nothing to commit). */
export function checkStatus(report: StatusReport): void {
  const { task, gates, wouldCommit, next } = report;
  if (!wouldCommit && task.status !== 'finished') {
    throw refused(`a commit of task ${task.id} would be refused: ${refusedGates(gates).map((g) => g.id).join(', ')}`, { hint: next ?? 'wf status', reported: true });
  }
}

/** The human rendering. */
export function renderStatus(report: StatusReport, s: ChalkInstance): string {
  const { task, rule, config, gates, wouldCommit, next, action } = report;
  const mark = (status: string) => (status === 'pass' ? s.green('✓') : status === 'fail' ? s.red('✗') : status === 'warn' ? s.yellow('!') : s.dim('-'));
  return [
    `${s.bold(`task ${task.id}`)}: ${task.title}   (picked by ${rule})`,
    `step: ${s.cyan(task.step)}   status: ${task.status}   progress: ${Math.round(task.progress * 100)}%   mode: ${config.mode}`,
    `staged fingerprint: ${report.fingerprint}`,
    ...(task.status === 'finished'
      ? [`finished with ${plural(task.commits.length, 'commit')}; nothing is left to do here (next task: wf task start <id>)`]
      : ['gates:', renderGateChecklist(gates, mark), wouldCommit ? s.green('a commit would be allowed: wf commit -m "<message>"') : `a commit would be refused`]),
    report.hooks.length > 0 ? s.yellow(hooksLine(report.hooks)) : '',
    next ? `next: ${next}${action.command ? `   (${action.reason})` : ''}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
