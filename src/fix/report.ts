import type { FixOutcome } from './history.js';
import type { FixMode } from './policy.js';

/** What `wf fix` did, for the command to render and for `--json`. */

export type AttemptOutcome = 'committed' | 'no-change' | 'refused' | 'tests-failed' | 'needs-revision' | 'fixer-failed' | 'gate-failed';

export interface FixAttempt {
  number: number;
  outcome: AttemptOutcome;
  detail: string;
  costUsd: number;
  durationMs: number;
  /** Each step the fix went through: tests, review, commit. */
  stages: Array<{ stage: string; status: string; detail: string }>;
}

export type FixRunOutcome = 'ignored' | 'capped' | 'dry-run' | Exclude<FixOutcome, 'committed' | 'refused'> | 'refused';

export interface FixReport {
  event: string;
  /** The trigger's key (`comment-123`), null when the event asks nothing. */
  trigger: string | null;
  outcome: FixRunOutcome;
  reason: string;
  mode: FixMode | null;
  attempts: FixAttempt[];
  commit: string | null;
  fingerprint: string | null;
  posted: { kind: 'review' | 'comment'; url: string } | null;
  pushed: { ref: string; commit: string } | null;
  pullRequest: { number: number; url: string } | null;
  /** --dry-run: the packet the fixer would get and what would be done with its fix. */
  packet: string | null;
  wouldDo: string[];
  /** 0: done, or nothing to do; 1: the fix was refused or given up. */
  exitCode: 0 | 1;
}

export function emptyReport(event: string, trigger: string | null, outcome: FixRunOutcome, reason: string): FixReport {
  return { event, trigger, outcome, reason, mode: null, attempts: [], commit: null, fingerprint: null, posted: null, pushed: null, pullRequest: null, packet: null, wouldDo: [], exitCode: 0 };
}
