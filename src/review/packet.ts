import type { ReviewRecord, ReviewStep } from '../state/index.js';

/** The review packet: the one text a reviewer is shown, with the exact evidence its verdict is recorded against. */

export interface PacketInput {
  taskId: string;
  title: string;
  step: ReviewStep;
  fingerprint: string;
  plan: { path: string; text: string | null } | null;
  /** The diff, for a code review. */
  diff: string | null;
  /** Its heading: the staged diff locally, a commit's diff in CI. */
  diffTitle?: string | undefined;
  previous: ReviewRecord | null;
}

/** A fence longer than any backtick run inside, so a diff of Markdown cannot close it early. */
function fenced(text: string, lang = ''): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text.endsWith('\n') ? text : `${text}\n`}${fence}`;
}

export function buildReviewPacket(p: PacketInput): string {
  const code = p.step === 'review';
  const parts = [
    '# Review request from wf',
    '',
    `Task: ${p.taskId} — ${p.title}`,
    `Step: ${p.step} (${code ? 'review exactly the staged code change below' : 'review the plan below before any code is written'})`,
    `Fingerprint: ${p.fingerprint}`,
    code
      ? '(SHA-256 of the staged change; `wf hash` prints the same value. Your verdict is recorded against exactly this code.)'
      : "(SHA-256 of the plan file's bytes. Your verdict is recorded against exactly this text.)",
    '',
    '## What to do',
    '',
    code
      ? 'Check that the change does what the plan says, is correct, handles its error paths, is tested, and introduces no security problem. Do not modify any file: a change to the staged code while you review voids the review.'
      : 'Check that the plan is concrete, complete, testable and safe: goal, approach, error paths, tests. Do not modify any file.',
    'List each finding with the file and what to change. Every byte of the change is shown as committed; a binary file is listed with its size and SHA-256 and shown with control bytes escaped, except one too large to show: if such a file could be code, answer NEEDS_REVISION.',
    '',
    `## The plan${p.plan ? ` (${p.plan.path})` : ''}`,
    '',
    p.plan?.text ? fenced(p.plan.text, 'markdown') : '(no plan is registered for this task)',
  ];
  if (code) {
    parts.push('', `## ${p.diffTitle ?? 'The staged diff'}`, '', p.diff ? fenced(p.diff, 'diff') : '(the diff is empty: only modes or excluded files changed)');
  }
  if (p.previous) {
    parts.push(
      '',
      `## Findings of the previous ${p.step} (${p.previous.reviewer}, ${p.previous.status}, ${p.previous.at})`,
      '',
      p.previous.notes ? fenced(p.previous.notes) : '(none were recorded)',
      '',
      'Check whether these findings are resolved.',
    );
  }
  parts.push(
    '',
    '## Verdict',
    '',
    'End your answer with exactly one of these two lines, on a line of its own:',
    '',
    'VERDICT: APPROVED',
    'VERDICT: NEEDS_REVISION',
    '',
  );
  return parts.join('\n');
}
