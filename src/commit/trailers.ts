/**
 * The commit trailers wf writes and checks. `Review-Hash:` carries the
 * fingerprint of the committed change; one `Review-Id: <reviewer>:<id>` per
 * approving reviewer names the review session behind it.
 */
export const REVIEW_HASH = 'Review-Hash';
export const REVIEW_ID = 'Review-Id';

export interface ReviewTrailers {
  hashes: string[];
  ids: Array<{ reviewer: string; continuationId: string; raw: string }>;
}

/** The characters `core.commentChar=auto` picks from, in git's order. */
const COMMENT_CANDIDATES = '#;@!$%^&|:';
// Only a comment character git could have picked: git cuts at its own, so a line such as `X ---- >8 ----` is text.
const SCISSORS = /^([#;@!$%^&|:]) -{24} >8 -{24}$/;

export interface MessageOptions {
  /** false: git keeps every line (`--cleanup=whitespace`, as `wf commit` runs it), so none is a comment. */
  comments?: boolean;
}

/**
 * A commit message as git will keep it, split where wf may write: `content` is what stays after
 * git's cleanup (comment lines and everything from the scissors line of `commit -v` on are gone),
 * `tail` is git's own comment block and the scissors part, kept verbatim below the content. The
 * comment character is told from the file, as the hook has it: the one before the scissors line,
 * else the one that starts the trailing block of comment lines git wrote (with
 * `core.commentChar=auto` it need not be `#`).
 */
export function splitMessage(message: string, options: MessageOptions = {}): { content: string[]; tail: string[]; commentChar: string | null } {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let end = lines.length;
  let commentChar: string | null = null;
  if (options.comments === false) {
    const content = lines.slice();
    while (content.length > 0 && content.at(-1)!.trim() === '') content.pop();
    while (content.length > 0 && content[0]!.trim() === '') content.shift();
    return { content, tail: [], commentChar: null };
  }
  const cut = lines.findIndex((l) => SCISSORS.test(l));
  if (cut >= 0) {
    end = cut;
    commentChar = SCISSORS.exec(lines[cut]!)![1]!;
  }
  // The trailing comment block: lines starting with one candidate (and a space, or nothing), after the last content line.
  let start = end;
  for (let i = end - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.trim() === '') {
      continue;
    }
    const c = line[0]!;
    const isComment = COMMENT_CANDIDATES.includes(c) && (line.length === 1 || line[1] === ' ' || line[1] === '\t') && (commentChar === null || c === commentChar);
    if (!isComment) break;
    commentChar ??= c;
    start = i;
  }
  if (cut < 0 && commentChar !== null && commentChar !== '#' && !autoWouldPick(commentChar, lines.slice(0, start))) {
    // Not git's comment block but the message's own last lines (`$ npm test`, `@ alice`): git keeps them.
    start = end;
    commentChar = null;
  }
  const content = lines.slice(0, start).filter((l) => commentChar === null || !l.startsWith(commentChar));
  while (content.length > 0 && content.at(-1)!.trim() === '') content.pop();
  while (content.length > 0 && content[0]!.trim() === '') content.shift();
  return { content, tail: lines.slice(start), commentChar };
}

/**
 * Whether `core.commentChar=auto` would pick `c` for a message whose own lines are `lines`: git takes the
 * first candidate that starts none of them (builtin/commit.c, adjust_comment_line_char). Any other character
 * is git's only if set explicitly, which the hook cannot see without starting git; reading its lines as text
 * then leaves them above the trailers, where git's cleanup drops them and the trailers stay the last paragraph.
 */
function autoWouldPick(c: string, lines: readonly string[]): boolean {
  const leading = new Set(lines.map((l) => l[0]));
  for (const candidate of COMMENT_CANDIDATES) {
    if (candidate === c) return true;
    if (!leading.has(candidate)) return false;
  }
  return false;
}

/** git's own prefixes that make a mixed paragraph a trailer block (trailer.c). */
const GIT_GENERATED = ['Signed-off-by: ', '(cherry picked from commit '];
const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:(.*)$/;

export interface Trailer {
  key: string;
  value: string;
}

/**
 * The trailers git reads from a cleaned message (`git log --format=%(trailers)`, which knows no
 * `---` divider): only the last paragraph, never the first (the subject), and only when it is a
 * trailer block, i.e. all its lines are `Key: value` or their continuation lines, or one of git's
 * generated lines is there and at least a quarter are trailers. `Key : value` is `Key: value`.
 * `start` is the block's first line in `content`, -1 when there is none.
 */
export function readTrailers(content: readonly string[]): { trailers: Trailer[]; start: number } {
  const none = { trailers: [] as Trailer[], start: -1 };
  const titleEnd = content.findIndex((l) => l.trim() === '');
  if (titleEnd < 0) return none;
  let start = content.length;
  while (start > titleEnd && content[start - 1]!.trim() !== '') start--;
  if (start <= titleEnd || start >= content.length) return none;
  const block = content.slice(start);
  const trailers: Trailer[] = [];
  let trailerLines = 0;
  let otherLines = 0;
  let recognized = false;
  let last: Trailer | null = null;
  for (const line of block) {
    if (/^[ \t]/.test(line) && last !== null) {
      last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    if (GIT_GENERATED.some((p) => line.startsWith(p))) recognized = true;
    const m = TRAILER_LINE.exec(line);
    if (m) {
      trailerLines++;
      last = { key: m[1]!, value: m[2]!.trim() };
      trailers.push(last);
    } else {
      otherLines++;
      last = null;
    }
  }
  const isBlock = (trailerLines > 0 && otherLines === 0) || (recognized && trailerLines * 3 >= otherLines);
  return isBlock ? { trailers, start } : none;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** wf's trailers as git reads them, and any Review-Hash/Review-Id line elsewhere in the message (which git does not read as one). */
export function parseReviewTrailers(message: string, options: MessageOptions = {}): ReviewTrailers & { strays: string[] } {
  const { content } = splitMessage(message, options);
  const { trailers, start } = readTrailers(content);
  const result: ReviewTrailers & { strays: string[] } = { hashes: [], ids: [], strays: [] };
  for (const t of trailers) {
    if (same(t.key, REVIEW_HASH)) result.hashes.push(t.value);
    else if (same(t.key, REVIEW_ID)) {
      const colon = t.value.indexOf(':');
      result.ids.push({ reviewer: colon > 0 ? t.value.slice(0, colon) : '', continuationId: colon > 0 ? t.value.slice(colon + 1) : t.value, raw: t.value });
    }
  }
  const outside = start < 0 ? content : content.slice(0, start);
  for (const line of outside) if (/^\s*review-(hash|id)\s*:/i.test(line)) result.strays.push(line.trim());
  return result;
}

/**
 * The message with wf's trailers added where git reads them: into the last paragraph when it is a
 * trailer block, else as a new paragraph; a line already there (same key and value) is not doubled.
 * git's comment block and scissors part stay below. Null when the message has no text, so the
 * trailers would become the subject (git reads none there).
 */
export function withTrailers(message: string, lines: readonly string[], options: MessageOptions = {}): string | null {
  const { content, tail } = splitMessage(message, options);
  if (content.length === 0) return null;
  const { trailers, start } = readTrailers(content);
  const have = new Set(trailers.map((t) => `${t.key.toLowerCase()}:${t.value}`));
  const add = lines.filter((line) => {
    const m = TRAILER_LINE.exec(line)!;
    return !have.has(`${m[1]!.toLowerCase()}:${m[2]!.trim()}`);
  });
  const body = start >= 0 || add.length === 0 ? [...content, ...add] : [...content, '', ...add];
  return `${[...body, ...(tail.length > 0 ? ['', ...tail] : [])].join('\n')}\n`;
}

export const isWellFormedHash = (value: string) => /^[0-9a-f]{64}$/.test(value);

export function trailerLines(fingerprint: string, approvals: ReadonlyArray<{ reviewer: string; continuationId: string }>): string[] {
  return [`${REVIEW_HASH}: ${fingerprint}`, ...approvals.map((a) => `${REVIEW_ID}: ${a.reviewer}:${a.continuationId}`)];
}
