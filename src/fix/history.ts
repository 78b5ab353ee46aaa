import { keyFromFixOf } from './event.js';

/**
 * What wf fix did before on a pull request, read back from what it left where anyone can see it:
 * the hidden marker that starts each of its comments and reviews, and the `Fix-Of:` trailer of
 * each fix commit. Nothing is kept anywhere else, so a fresh CI job knows as much as the last one,
 * and a redelivered event finds its own marker.
 */

export type FixOutcome = 'pushed' | 'suggested' | 'opened' | 'gave-up' | 'refused' | 'committed';

export interface FixRecord {
  /** The event this record answers (`comment-123`). */
  event: string;
  /** The first trigger of the chain: a run failing on a fix commit counts against the comment that asked for it. */
  root: string;
  /** Fixer runs this record spent. */
  attempts: number;
  outcome: FixOutcome;
  costUsd: number;
  /** ISO time, from the forge or the committer date. */
  at: string;
  source: 'comment' | 'review' | 'commit';
}

const OUTCOMES: ReadonlySet<string> = new Set<FixOutcome>(['pushed', 'suggested', 'opened', 'gave-up', 'refused', 'committed']);
const KEY = /^(comment|review-comment|review|run)-\d+$/;

/** How every comment and review of wf fix begins its hidden marker. */
export const FIX_MARKER_PREFIX = '<!-- wf:fix';

export function renderFixMarker(record: Pick<FixRecord, 'event' | 'root' | 'attempts' | 'outcome' | 'costUsd'>): string {
  const cost = record.costUsd > 0 ? ` cost=${record.costUsd.toFixed(4)}` : '';
  return `${FIX_MARKER_PREFIX} event=${record.event} root=${record.root} attempts=${record.attempts} outcome=${record.outcome}${cost} -->`;
}

/** The marker's fields, or null when the text has none or a malformed one (which then counts for nothing). */
export function parseFixMarker(text: string): Pick<FixRecord, 'event' | 'root' | 'attempts' | 'outcome' | 'costUsd'> | null {
  const m = /<!-- wf:fix ([^>]*?) -->/.exec(text); // FIX_MARKER_PREFIX, then the fields
  if (!m) return null;
  const fields = new Map<string, string>();
  for (const part of m[1]!.split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const event = fields.get('event') ?? '';
  const root = fields.get('root') ?? event;
  const attempts = Number(fields.get('attempts') ?? '0');
  const outcome = fields.get('outcome') ?? '';
  const cost = Number(fields.get('cost') ?? '0');
  if (!KEY.test(event) || !KEY.test(root) || !Number.isSafeInteger(attempts) || attempts < 0 || attempts > 1000 || !OUTCOMES.has(outcome)) return null;
  return { event, root, attempts, outcome: outcome as FixOutcome, costUsd: Number.isFinite(cost) && cost > 0 ? cost : 0 };
}

export interface HistorySources {
  comments: ReadonlyArray<{ body: string; createdAt: string }>;
  reviews: ReadonlyArray<{ body: string; submittedAt: string | null }>;
  /** Commits of the branch that are not on the base, each with the values of its Fix-Of trailers. */
  commits: ReadonlyArray<{ fixOf: string[]; committedAt: string }>;
}

export function fixHistory(sources: HistorySources): FixRecord[] {
  const records: FixRecord[] = [];
  for (const c of sources.comments) {
    const marker = parseFixMarker(c.body);
    if (marker) records.push({ ...marker, at: c.createdAt, source: 'comment' });
  }
  for (const r of sources.reviews) {
    const marker = parseFixMarker(r.body);
    if (marker && r.submittedAt) records.push({ ...marker, at: r.submittedAt, source: 'review' });
  }
  for (const c of sources.commits) {
    for (const value of c.fixOf) {
      const key = keyFromFixOf(value);
      if (key) records.push({ event: key, root: key, attempts: 1, outcome: 'committed', costUsd: 0, at: c.committedAt, source: 'commit' });
    }
  }
  return records;
}

export interface HistorySummary {
  /** The event was answered before: a redelivery. */
  delivered: boolean;
  /** Fixer runs spent on the root so far. */
  attemptsUsed: number;
  /** Fixes (pushed, suggested, opened, committed) in the hour before `now`. */
  fixesLastHour: number;
  costUsd: number;
}

export function summarizeHistory(records: readonly FixRecord[], input: { event: string; root: string; now: Date }): HistorySummary {
  const delivered = records.some((r) => r.source !== 'commit' && r.event === input.event);
  const markers = records.filter((r) => r.source !== 'commit' && r.root === input.root);
  const fromMarkers = markers.reduce((sum, r) => sum + r.attempts, 0);
  // Each pushed fix is a commit on the branch and a marker; a fix commit without its marker (the marker was
  // posted where this job cannot read it, or the job died after the push) still spent an attempt.
  const pushedMarkers = markers.filter((r) => r.outcome === 'pushed' || r.outcome === 'opened').length;
  const commits = records.filter((r) => r.source === 'commit' && r.root === input.root).length;
  const hourAgo = input.now.getTime() - 3_600_000;
  const recent = new Set(
    records
      .filter((r) => ['pushed', 'suggested', 'opened', 'committed'].includes(r.outcome))
      .filter((r) => {
        const t = Date.parse(r.at);
        return Number.isFinite(t) && t > hourAgo && t <= input.now.getTime() + 60_000;
      })
      .map((r) => r.event),
  );
  const costUsd = records.filter((r) => r.source !== 'commit').reduce((sum, r) => sum + r.costUsd, 0);
  return { delivered, attemptsUsed: fromMarkers + Math.max(0, commits - pushedMarkers), fixesLastHour: recent.size, costUsd };
}
