import type { FixSettings } from '../config/index.js';
import type { PullRequestInfo, RepositoryPermission } from '../forge/index.js';
import { type FixTrigger } from './event.js';
import type { HistorySummary } from './history.js';
import { plural } from '../text/index.js';

/**
 * Whether wf fix acts on a trigger, and how. Pure: every input was read from the payload, the
 * API or the branch. The order matters: who asked comes before what was asked, so a bot or a
 * reader never learns from the answer whether the caps were reached.
 */

export type FixMode = 'suggest' | 'push' | 'pull-request';

export type FixDecision =
  | { act: false; outcome: 'ignored' | 'capped'; reason: string }
  | { act: true; mode: FixMode; root: string; firstAttempt: number; attemptsLeft: number; reason: string };

export interface PolicyInput {
  trigger: FixTrigger;
  /** The pull request as the API reports it now; null for a run of a branch without one. */
  pull: PullRequestInfo | null;
  /** The sender's permission on the repository; null when the sender is not asked (a run wf's own fix started). */
  permission: RepositoryPermission | null;
  /** The root trigger named by the head commit's Fix-Of trailer, when the head is a fix commit. */
  headFixOf: string | null;
  history: HistorySummary;
  settings: FixSettings;
}

const WRITERS: ReadonlySet<RepositoryPermission> = new Set(['write', 'maintain', 'admin']);

/** Whether the sender must be asked for their permission: always, except for a run on a commit wf fix itself made. */
export function needsPermission(trigger: FixTrigger, headFixOf: string | null): boolean {
  return !(trigger.kind === 'run' && headFixOf !== null);
}

export function decideFix(input: PolicyInput): FixDecision {
  const { trigger, pull, settings, history } = input;
  const ignore = (reason: string): FixDecision => ({ act: false, outcome: 'ignored', reason });
  const who = trigger.sender.login || 'the sender';

  if (trigger.kind !== 'run' && trigger.sender.type !== 'User') return ignore(`${who} is a ${trigger.sender.type || 'sender of unknown type'}, not a User: wf fix answers people only (never a bot, never itself)`);
  if (trigger.kind === 'run' && input.headFixOf === null && trigger.sender.type !== 'User') return ignore(`the run was started by ${who} (${trigger.sender.type || 'unknown type'}) on a commit that is not a wf fix`);
  if (needsPermission(trigger, input.headFixOf)) {
    const permission = input.permission ?? 'none';
    if (!WRITERS.has(permission)) return ignore(`${who} has ${permission} permission on the repository; asking for a fix takes write, maintain or admin`);
  }
  if (history.delivered) return ignore(`event ${trigger.key} was answered already (a redelivery does nothing)`);

  let mode: FixMode = settings.mode === 'push' ? 'push' : 'suggest';
  if (pull === null) {
    const branch = trigger.run?.headBranch ?? '';
    if (branch !== trigger.run?.defaultBranch) return ignore(`branch ${branch} has no open pull request to fix`);
    if (settings.mode !== 'push') return ignore(`the default branch ${branch} is red, but suggestion mode has no pull request to post to (fix.mode: push opens one from wf-fix/${trigger.id})`);
    mode = 'pull-request';
  } else {
    if (pull.state !== 'open') return ignore(`pull request #${pull.number} is ${pull.state}`);
    if (pull.draft || trigger.draft) return ignore(`pull request #${pull.number} is a draft: mark it ready for review to ask for fixes`);
    if (pull.headRepo !== pull.baseRepo) {
      return ignore(`pull request #${pull.number} comes from ${pull.headRepo ?? 'a deleted fork'}: wf fix never runs a fork's code in a job that holds the fixer's key`);
    }
    if (trigger.kind === 'run' && trigger.run && trigger.run.headSha !== '' && trigger.run.headSha !== pull.headSha) {
      return ignore(`the run failed on ${trigger.run.headSha.slice(0, 12)}, but the pull request's head is ${pull.headSha.slice(0, 12)} now; the run of the new head decides`);
    }
  }

  const root = input.headFixOf ?? trigger.key;
  if (history.attemptsUsed >= settings.maxAttempts) {
    return { act: false, outcome: 'capped', reason: `${history.attemptsUsed} of ${settings.maxAttempts} attempts for ${root} are spent (fix.maxAttempts)` };
  }
  if (history.fixesLastHour >= settings.maxPerHour) {
    return { act: false, outcome: 'capped', reason: `${history.fixesLastHour} fixes in the last hour on this pull request reach fix.maxPerHour (${settings.maxPerHour})` };
  }
  if (settings.maxCostUsd !== undefined && history.costUsd >= settings.maxCostUsd) {
    return { act: false, outcome: 'capped', reason: `the fixer has cost $${history.costUsd.toFixed(2)} on this pull request, the ceiling is $${settings.maxCostUsd.toFixed(2)} (fix.maxCostUsd)` };
  }
  const attemptsLeft = settings.maxAttempts - history.attemptsUsed;
  const target = mode === 'pull-request' ? `a pull request from wf-fix/${trigger.id}` : mode === 'push' ? `a push to ${pull!.headRef}` : `suggestions on #${pull!.number}`;
  return { act: true, mode, root, firstAttempt: history.attemptsUsed + 1, attemptsLeft, reason: `${trigger.key} from ${who}: up to ${plural(attemptsLeft, 'attempt')}, then ${target}` };
}
