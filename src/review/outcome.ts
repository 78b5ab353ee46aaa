import type { ReviewStatus, ReviewStep } from '../state/index.js';

/** What `wf review run` reports per reviewer and for the whole run. */

export type ReviewerFailure = 'could-not-start' | 'timed-out' | 'crashed' | 'no-verdict' | 'no-continuation-id' | 'change-moved' | 'not-recorded' | 'interrupted';

export type ReviewerOutcome =
  | {
      reviewer: string;
      outcome: 'recorded';
      status: ReviewStatus;
      continuationId: string;
      resumedFrom: string | null;
      taskStep: string;
      auditHash: string;
      durationMs: number;
      notes: string;
    }
  | {
      reviewer: string;
      outcome: 'failed';
      failure: ReviewerFailure;
      message: string;
      hint: string;
      exitCode: number | null;
      durationMs: number;
      stderrTail: string;
      stdoutTail: string;
    }
  | { reviewer: string; outcome: 'skipped'; message: string };

export interface ReviewRunRequest {
  taskId?: string | undefined;
  step?: ReviewStep | undefined;
  /** Names from `reviewers` in the config; empty or absent means all of them, in config order. */
  reviewers?: string[] | undefined;
  resume?: boolean | undefined;
  cwd?: string | undefined;
  /** Progress lines (which reviewer is running); the command sends them to stderr. */
  onProgress?: ((line: string) => void) | undefined;
}

export interface ReviewRunReport {
  taskId: string;
  step: ReviewStep;
  fingerprint: string;
  /** The task's step after the run. */
  taskStep: string;
  reviewers: ReviewerOutcome[];
}
