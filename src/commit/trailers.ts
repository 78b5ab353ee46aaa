/**
 * The commit trailers wf writes and checks. `Review-Hash:` carries the
 * fingerprint of the committed change; one `Review-Id: <reviewer>:<id>` per
 * approving reviewer names the review session behind it.
 */
export const REVIEW_HASH = 'Review-Hash';
export const REVIEW_ID = 'Review-Id';
const SCISSORS = /^# -+ >8 -+$/;

export interface ReviewTrailers {
  hashes: string[];
  ids: Array<{ reviewer: string; continuationId: string; raw: string }>;
}

/** Message lines git will keep: no comment lines, nothing below the scissors line of `commit -v`. */
export function messageBody(message: string): string[] {
  const lines: string[] = [];
  for (const line of message.split('\n')) {
    if (SCISSORS.test(line)) break;
    if (!line.startsWith('#')) lines.push(line);
  }
  return lines;
}

export function parseReviewTrailers(message: string): ReviewTrailers {
  const result: ReviewTrailers = { hashes: [], ids: [] };
  for (const line of messageBody(message)) {
    const m = /^([A-Za-z-]+):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    if (key === REVIEW_HASH.toLowerCase()) result.hashes.push(m[2]!);
    else if (key === REVIEW_ID.toLowerCase()) {
      const raw = m[2]!;
      const colon = raw.indexOf(':');
      result.ids.push({ reviewer: colon > 0 ? raw.slice(0, colon) : '', continuationId: colon > 0 ? raw.slice(colon + 1) : raw, raw });
    }
  }
  return result;
}

export const isWellFormedHash = (value: string) => /^[0-9a-f]{64}$/.test(value);

export function trailerLines(fingerprint: string, approvals: ReadonlyArray<{ reviewer: string; continuationId: string }>): string[] {
  return [`${REVIEW_HASH}: ${fingerprint}`, ...approvals.map((a) => `${REVIEW_ID}: ${a.reviewer}:${a.continuationId}`)];
}
