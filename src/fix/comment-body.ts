import { redactSecrets } from '../redaction/index.js';
import { TRIGGER_LABEL, type FixTrigger } from './event.js';
import { renderFixMarker, type FixRecord } from './history.js';
import type { FixAttempt } from './report.js';
import { plural } from '../text/index.js';

/** The Markdown wf fix posts. Always starts with the marker, so the next run reads what this one did. */

function diffBlock(diff: string): string {
  let fence = '```';
  while (diff.includes(fence)) fence += '`';
  return `${fence}diff\n${diff.trimEnd()}\n${fence}`;
}

function attemptsTable(attempts: readonly FixAttempt[]): string {
  if (attempts.length === 0) return '';
  const rows = attempts.map((a) => `| ${a.number} | ${a.outcome} | ${redactSecrets(a.detail).replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 300)} |`);
  return ['| attempt | outcome | detail |', '|---|---|---|', ...rows].join('\n');
}

function stagesOf(attempt: FixAttempt | undefined): string {
  if (!attempt || attempt.stages.length === 0) return '';
  return attempt.stages.map((s) => `- **${s.stage}**: ${s.status}, ${redactSecrets(s.detail).replace(/\n/g, ' ').slice(0, 300)}`).join('\n');
}

const about = (t: FixTrigger) => `${TRIGGER_LABEL[t.kind]} ${t.id}${t.sender.login ? ` by @${t.sender.login}` : ''}`;

export interface BodyInput {
  trigger: FixTrigger;
  marker: Pick<FixRecord, 'event' | 'root' | 'attempts' | 'outcome' | 'costUsd'>;
  attempts: readonly FixAttempt[];
  commit: string | null;
  fingerprint: string | null;
}

export function suggestionBody(input: BodyInput & { suggestions: number; remainder: string }): string {
  const last = input.attempts.at(-1);
  const parts = [
    renderFixMarker(input.marker),
    `**wf fix** for ${about(input.trigger)}: a fix that passed the tests and the reviewers${input.suggestions > 0 ? `, as ${plural(input.suggestions, 'suggestion')} below` : ''}. Nothing was pushed.`,
    '',
    stagesOf(last),
  ];
  if (input.remainder.trim() !== '') parts.push('', input.suggestions > 0 ? 'The rest of the fix, which GitHub cannot show as suggestions:' : 'The fix:', '', diffBlock(input.remainder));
  if (input.fingerprint) parts.push('', `<sub>Fingerprint ${input.fingerprint.slice(0, 16)}…, commit ${input.commit?.slice(0, 12) ?? '-'} (local to the job). Apply the suggestions, or ask again with fix.mode: push.</sub>`);
  return parts.join('\n');
}

export function pushedBody(input: BodyInput & { ref: string }): string {
  return [
    renderFixMarker(input.marker),
    `**wf fix** for ${about(input.trigger)}: pushed ${input.commit?.slice(0, 12)} to \`${input.ref}\` after the tests and the reviewers passed. CI reviews it on its own fingerprint.`,
    '',
    stagesOf(input.attempts.at(-1)),
  ].join('\n');
}

export function pullRequestBody(input: BodyInput & { branch: string }): string {
  return [
    renderFixMarker(input.marker),
    `**wf fix** for the failed run ${input.trigger.run?.url ? `[${input.trigger.id}](${input.trigger.run.url})` : input.trigger.id} of \`${input.trigger.run?.defaultBranch ?? 'the default branch'}\`: a fix that passed the tests and the reviewers, from \`${input.branch}\`.`,
    '',
    stagesOf(input.attempts.at(-1)),
  ].join('\n');
}

export function gaveUpBody(input: BodyInput & { reason: string }): string {
  return [
    renderFixMarker(input.marker),
    `**wf fix gave up** on ${about(input.trigger)}: ${redactSecrets(input.reason)}`,
    '',
    attemptsTable(input.attempts),
    '',
    'Nothing was pushed. Fix it by hand, or change the request and ask again.',
  ].join('\n');
}

export function cappedBody(input: BodyInput & { reason: string }): string {
  return [renderFixMarker(input.marker), `**wf fix** did not run for ${about(input.trigger)}: ${redactSecrets(input.reason)}.`].join('\n');
}
