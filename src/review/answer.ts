import type { ReviewerConfig, ReviewerExtractor } from '../config/index.js';
import { placeholderReason } from '../session-id/index.js';
import type { ReviewStatus } from '../state/index.js';
import { allCaptures, firstMatching } from './regex-sandbox.js';

/**
 * Reading a reviewer's answer from its stdout: the verdict, the session id
 * and the review text, by the extractors in its config. Pure, unit-tested.
 */

const VERDICT_WORDS: ReadonlyMap<string, ReviewStatus> = new Map([
  ['APPROVED', 'approved'],
  ['APPROVE', 'approved'],
  ['NEEDS_REVISION', 'needs-revision'],
  ['NEEDS-REVISION', 'needs-revision'],
  ['REQUEST_CHANGES', 'needs-revision'],
  ['CHANGES_REQUESTED', 'needs-revision'],
]);

/** A verdict word in any case, or null: anything unrecognised must not be read as either verdict. */
export function normalizeVerdict(word: string): ReviewStatus | null {
  return VERDICT_WORDS.get(word.trim().toUpperCase()) ?? null;
}

/** The value at a dotted path (numeric parts index arrays), or undefined. Own properties only, so `constructor` finds nothing. */
export function valueAtPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(part)) return undefined;
      current = current[Number(part)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, part)) {
      current = (current as Record<string, unknown>)[part];
    } else {
      return undefined;
    }
  }
  return current;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Stdout as one JSON document, else as JSON Lines: the last line that parses
 * and has the path. Streaming reviewers print the session id in an early
 * event and the result in the last one, so "the last line that parses" alone
 * would miss one of the two.
 */
export function jsonValueAt(stdout: string, path: string): unknown {
  const whole = parseJson(stdout.trim());
  if (whole.ok) return valueAtPath(whole.value, path);
  const lines = stdout.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const parsed = parseJson(line);
    if (!parsed.ok) continue;
    const value = valueAtPath(parsed.value, path);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** The last match wins: a reviewer that quotes the instructions before answering must be judged by its answer. */
function lastCapture(text: string, source: string): string | null {
  return allCaptures(text, source).at(-1) ?? null;
}

/** One value from the reviewer's stdout: the string at jsonPath, the regex's capture, or the regex applied to the string at jsonPath. */
export function extractValue(stdout: string, extractor: ReviewerExtractor): string | null {
  let text = stdout;
  if (extractor.jsonPath !== undefined) {
    const value = jsonValueAt(stdout, extractor.jsonPath);
    if (typeof value === 'string') text = value;
    else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
    else return null;
  }
  return extractor.regex === undefined ? text : lastCapture(text, extractor.regex);
}

/** Why a continuation id cannot be recorded, or null. It ends up in a `Review-Id:` trailer, so it must be one token. */
export function continuationIdProblem(id: string): string | null {
  if (id === '') return 'printed no continuation id';
  if (id.length > 256) return 'printed a continuation id longer than 256 characters';
  if (/[\s\p{Cc}]/u.test(id)) return 'printed a continuation id with whitespace or control characters';
  // --resume hands it back as an argument, where it would read as an option.
  if (id.startsWith('-')) return `printed a continuation id that starts with "-" (${JSON.stringify(id.slice(0, 40))})`;
  const reason = placeholderReason(id);
  return reason === null ? null : `printed the placeholder continuation id ${JSON.stringify(id)} (${reason})`;
}

export interface ReviewerAnswer {
  verdict: ReviewStatus | null;
  /** What stood where the verdict goes, to say why it was not one. */
  verdictText: string | null;
  continuationId: string | null;
  continuationIdProblem: string | null;
}

/**
 * What stands where the verdict goes. A regex alone is applied to the review
 * text (the JSON string that holds a match, for reviewers that wrap their
 * answer in JSON), not to the raw JSON, so that its ^ and $ see the
 * reviewer's lines: the default regex accepts only a VERDICT line of its own,
 * and "once fixed I would give VERDICT: APPROVED" in a sentence is no verdict.
 */
export function verdictTextFrom(stdout: string, extractor: ReviewerExtractor): string | null {
  if (extractor.regex === undefined || extractor.jsonPath !== undefined) return extractValue(stdout, extractor);
  return lastCapture(reviewText(stdout, extractor), extractor.regex);
}

export function readReviewerAnswer(stdout: string, reviewer: Pick<ReviewerConfig, 'verdict' | 'continuationId'>): ReviewerAnswer {
  const verdictText = verdictTextFrom(stdout, reviewer.verdict);
  const rawId = extractValue(stdout, reviewer.continuationId)?.trim() ?? '';
  const problem = continuationIdProblem(rawId);
  return {
    verdict: verdictText === null ? null : normalizeVerdict(verdictText),
    verdictText,
    continuationId: problem === null ? rawId : null,
    continuationIdProblem: problem,
  };
}

/** Every string inside a JSON value, depth-first in document order. */
function stringsIn(value: unknown, out: string[], depth = 0): string[] {
  if (typeof value === 'string') out.push(value);
  else if (depth <= 32 && typeof value === 'object' && value !== null) {
    for (const child of Array.isArray(value) ? value : Object.values(value)) stringsIn(child, out, depth + 1);
  }
  return out;
}

/**
 * The review text the verdict came from, for the notes: the string at the
 * verdict's jsonPath, else the JSON string that holds the verdict (CLI
 * reviewers wrap the text in JSON), else stdout. JSON escapes and framing
 * would make the findings unreadable to the next reviewer.
 */
export function reviewText(stdout: string, verdict: ReviewerExtractor): string {
  if (verdict.jsonPath !== undefined) {
    const at = jsonValueAt(stdout, verdict.jsonPath);
    return typeof at === 'string' ? at : stdout;
  }
  if (verdict.regex === undefined) return stdout;
  const whole = parseJson(stdout.trim());
  const documents = whole.ok ? [whole.value] : stdout.split('\n').reverse().map((l) => parseJson(l.trim())).flatMap((r) => (r.ok ? [r.value] : []));
  // The last document first, and in each the last string first: the first candidate that matches wins.
  const candidates = documents.flatMap((doc) => stringsIn(doc, []).reverse());
  const index = firstMatching(candidates, verdict.regex);
  return index >= 0 ? candidates[index]! : stdout;
}
