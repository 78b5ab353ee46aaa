import { OPTIONAL_STEPS, STEP_INFO, STEPS, TRANSITIONS } from './machine.js';

/**
 * The workflow as Markdown, generated from the one definition in
 * workflow.ts. `wf docs` prints it; the README's workflow section and
 * .claude/workflows/README.md hold this exact text, and a test fails when
 * they drift.
 */
export const GATE_DOCS: ReadonlyArray<{ id: string; rule: string }> = [
  { id: 'staged', rule: 'Something is staged (outside wf\'s own state files).' },
  { id: 'subtask', rule: 'A subtask has its folder `.claude/subtasks/<id>/`.' },
  { id: 'plan', rule: 'A real plan is registered: the file exists, is not the untouched template, and has at least `plan.minWords` words of its own.' },
  { id: 'plan-review', rule: 'An approving plan review whose digest equals the plan file as it is now.' },
  { id: 'todos', rule: 'A complex task (flagged `--complex`, or a staged change above `complexity.maxFiles` / `complexity.maxLines`, lock files and other `complexity.exclude` globs not counted) has at least one todo.' },
  { id: 'tests', rule: 'The latest `wf test` run on exactly the staged fingerprint passed.' },
  { id: 'review', rule: '`review.minApprovals` distinct reviewers approved exactly the staged fingerprint (a reviewer\'s later needs-revision withdraws their approval).' },
  { id: 'context', rule: 'The last recorded context use is not above `context.blockAt` (above `context.warnAt` it warns).' },
];

export const BEGIN_MARK = '<!-- BEGIN GENERATED: wf docs -->';
export const END_MARK = '<!-- END GENERATED: wf docs -->';

export function renderWorkflowMarkdown(): string {
  const lines: string[] = [];
  lines.push('### Steps', '');
  lines.push('| # | step | what happens | command |', '|---|---|---|---|');
  STEPS.forEach((step, i) => {
    const info = STEP_INFO[step];
    const optional = (OPTIONAL_STEPS as readonly string[]).includes(step) ? ' (can be switched off)' : '';
    lines.push(`| ${i + 1} | \`${step}\`${optional} | ${info.summary} | \`${info.command}\` |`);
  });
  lines.push('', '### Transitions', '');
  lines.push('| event | legal from | goes to | made by |', '|---|---|---|---|');
  for (const t of TRANSITIONS) {
    lines.push(`| ${t.event} | ${t.from.map((s) => `\`${s}\``).join(', ')} | \`${t.to}\` | \`${t.command}\` |`);
  }
  lines.push('', 'A step switched off in `steps` is skipped: an event leading to it goes on to the next step that is on.', '');
  lines.push('### Gates', '', 'Checked by `wf commit`, `wf status` and the `pre-commit` hook, from one implementation. In `mode: warn` they report but do not refuse.', '');
  for (const g of GATE_DOCS) lines.push(`- **${g.id}**: ${g.rule}`);
  lines.push('');
  return lines.join('\n');
}

/** Replaces the generated block between the markers; null when a file has no markers. */
export function spliceGenerated(text: string, generated: string): string | null {
  const start = text.indexOf(BEGIN_MARK);
  const end = text.indexOf(END_MARK);
  if (start < 0 || end < start) return null;
  return `${text.slice(0, start + BEGIN_MARK.length)}\n${generated}${END_MARK}${text.slice(end + END_MARK.length)}`;
}
