import type { ReviewCiReport } from './review-ci.js';
import { plural } from '../text/index.js';

const escapeAnnotation = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** Marks wf's own review on a pull request, so a later run (and `wf fix`) can tell it from a person's. */
export const REVIEW_MARKER = '<!-- wf-review-ci -->';

/** `::error` workflow commands for GitHub Actions, one per commit that is not attested. */
export function reviewCiAnnotations(report: ReviewCiReport): string[] {
  return report.commits
    .filter((c) => c.status === 'needs-revision' || c.status === 'secrets' || c.status === 'reviewer-failed')
    .map((c) => `::error title=wf review ci: ${c.commit.slice(0, 12)} ${c.status}::${escapeAnnotation(`${c.subject}: ${c.findings.join('; ')}`)}`);
}

export function reviewCiSummaryMarkdown(report: ReviewCiReport): string {
  const icon = (s: string) => (s === 'attested' || s === 'already-attested' ? '✅' : s === 'not-reviewed' ? '⏸' : '❌');
  return [
    `### wf review ci: ${report.ok ? '✅ every commit is attested' : `❌ ${report.summary.needsRevision} need revision, ${report.summary.failed} failed`}`,
    '',
    `Base \`${report.base.slice(0, 12)}\`, head \`${report.head.slice(0, 12)}\`, minApprovals ${report.minApprovals} from the base's config; ${plural(report.attestationsWritten, 'attestation')} signed.`,
    '',
    '| commit | subject | result | attested by | findings |',
    '|---|---|---|---|---|',
    ...report.commits.map((c) => `| \`${c.commit.slice(0, 12)}\` | ${escapeCell(c.subject)} | ${icon(c.status)} ${c.status} | ${c.approvedBy.join(', ')} | ${escapeCell(c.findings.join('; ').slice(0, 500))} |`),
    '',
  ].join('\n');
}

/** The body of the pull-request review or merge-request note. */
export function reviewCiBody(report: ReviewCiReport): string {
  const lines = [REVIEW_MARKER, reviewCiSummaryMarkdown(report)];
  for (const c of report.commits.filter((x) => x.findings.length > 0 && x.status !== 'already-attested')) {
    lines.push(`#### ${c.commit.slice(0, 12)} ${c.subject}`, '', ...c.findings.map((f) => `- ${f.replace(/\n/g, '\n  ')}`), '');
  }
  return lines.join('\n');
}
