/**
 * One detector for made-up reviewer continuation ids, used everywhere a
 * review is recorded or a Review-Id trailer is checked. The id is worth
 * something only if it names a real reviewer session, so anything that looks
 * typed in to satisfy a form is refused.
 *
 * Two opposite mistakes matter: letting `test-123` through, and refusing a
 * real random id that happens to contain `bar` or `test`. Placeholder words
 * therefore count only as the whole letter run of a separator-delimited
 * segment (`session-test`, `dummy1234`, `fakeSessionId`) or of the whole id
 * once separators are removed (`CHANGE_ME`); never as a chance substring of a
 * random run (`01HZXBAR9Q...`). Sampled 100k random ids of each shape:
 * UUIDs, ULIDs, hex, base62 and prefixed ids of 12+ characters were never
 * refused; base64url ids, whose alphabet includes `-` and `_`, about once in
 * 50k (a segment that spells a word such as `_baz_`).
 *
 * Dependency-free and linear in the length of the id: the git hook fast path
 * imports it.
 */

/** Words that mark an id as made up. Exported so messages and docs can show the list. */
export const PLACEHOLDER_WORDS = [
  'test', 'testing', 'fake', 'placeholder', 'dummy', 'example', 'sample', 'demo', 'todo', 'tbd', 'fixme', 'xxx',
  'none', 'null', 'nil', 'undefined', 'unknown', 'empty', 'blank', 'invalid', 'default',
  'foo', 'bar', 'baz', 'qux', 'quux', 'lorem', 'ipsum', 'changeme', 'mock', 'stub', 'temp', 'tmp',
  'asdf', 'qwerty', 'random', 'whatever', 'blah', 'something', 'redacted', 'deadbeef', 'cafebabe',
] as const;

/**
 * Words that say what the id is rather than being it. They are dropped before
 * judging the rest, so `session-test` is judged as `test` and `your-id-here`
 * as nothing at all.
 */
const GENERIC_WORDS = [
  'id', 'ids', 'uuid', 'guid', 'ulid', 'session', 'sessions', 'sess', 'ses', 'thread', 'continuation', 'cont',
  'conversation', 'convo', 'conv', 'chat', 'review', 'reviewer', 'agent', 'codex', 'claude', 'gpt',
  'here', 'your', 'yours', 'my', 'me', 'the', 'this', 'that', 'some', 'insert', 'paste', 'put', 'goes', 'replace', 'with',
  'please', 'real', 'actual', 'value', 'string', 'key', 'token', 'ref', 'hash', 'name', 'number', 'num', 'no',
  'run', 'resp', 'response', 'req', 'request', 'msg', 'message', 'job', 'new', 'of', 'for', 'to',
] as const;

const PLACEHOLDER_SET: ReadonlySet<string> = new Set(PLACEHOLDER_WORDS);
const DICTIONARY: readonly string[] = [...PLACEHOLDER_WORDS, ...GENERIC_WORDS];

const MIN_LENGTH = 8;
/** What is left after separators and generic words must be at least this long to carry any randomness. */
const MIN_BODY = 6;
/** Longer letter runs are never made of dictionary words, and capping keeps the word split cheap. */
const MAX_WORD_RUN = 64;

const SEPARATORS = /[\s\-_.:/\\]+/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checked in order, first hit wins, so `${ID}` is reported whole rather than
 * as `{ID}`. Bounded repetition keeps each one linear. The `{...}` form only
 * counts with a letters-only body so a GUID in braces is still accepted.
 */
const TEMPLATE_MARKERS: readonly RegExp[] = [
  /\$\{[^{}\r\n]{0,64}\}/,
  /\{\{[^{}\r\n]{0,64}\}\}/,
  /\{\s*[A-Za-z_][A-Za-z_ .-]{0,63}\}/,
  /<[^<>\r\n]{0,64}>/,
  /\[[^[\]\r\n]{0,64}\]/,
  /\$[A-Za-z_][A-Za-z0-9_]*/,
  /%(?:\([A-Za-z_]\w{0,63}\))?[sdiv]/,
];

export function placeholderReason(id: string): string | null {
  const trimmed = id.trim();
  if (trimmed === '') return 'is empty';

  for (const marker of TEMPLATE_MARKERS) {
    const hit = marker.exec(trimmed);
    if (hit) return `contains the template marker ${hit[0]}`;
  }
  const ellipsis = /\.{3,}|…/.exec(trimmed);
  if (ellipsis) return `looks truncated (contains "${ellipsis[0]}")`;
  if (/\*{3,}/.test(trimmed)) return 'is masked with "***"';

  if (UUID.test(trimmed)) {
    const hex = trimmed.replaceAll('-', '').toLowerCase();
    if (/^0+$/.test(hex)) return 'is the nil UUID';
    if (isOneCharRepeated(hex)) return 'is a UUID of one repeated hex digit';
  }
  const lower = trimmed.toLowerCase();
  if (isPlaceholderWord(lower)) return `is the placeholder word "${placeholderLabel(lower)}"`;
  if (isOneCharRepeated(trimmed)) return 'is one character repeated';
  // Before the length check so `fake_id` gets the more useful reason. Joining across separators catches `CHANGE_ME`
  // and `place-holder`; requiring one letter run afterwards keeps `qu69u0x475` (quux by chance) out.
  const compact = /^[A-Za-z0-9\s\-_.:/\\]+$/.test(trimmed) ? lower.replace(/[^a-z0-9]/g, '') : '';
  const compactLetters = /^[0-9]*([a-z]+)[0-9]*$/.exec(compact)?.[1];
  if (compactLetters !== undefined) {
    const joined = splitIntoWords(compactLetters)?.find(isPlaceholderWord);
    if (joined !== undefined) return `contains the placeholder word "${placeholderLabel(joined)}"`;
  }
  if (/^[0-9]{3,}$/.test(trimmed) && isConsecutive(trimmed)) return 'is a run of consecutive digits';
  if (trimmed.length < MIN_LENGTH) return `is shorter than ${MIN_LENGTH} characters`;

  return judgeBody(trimmed);
}

export function isPlaceholderId(id: string): boolean {
  return placeholderReason(id) !== null;
}

/**
 * Drops separators and generic words, then judges what is left (the body):
 * placeholder words, nothing at all, too little, or too regular to have been
 * generated.
 */
function judgeBody(trimmed: string): string | null {
  let body = '';
  const generic: string[] = [];
  const segmentBodies: string[] = [];

  for (const segment of trimmed.split(SEPARATORS)) {
    if (segment === '') continue;
    const lowerSegment = segment.toLowerCase();
    let segmentBody = lowerSegment;
    // Words count only when they are the segment's whole letter run (digits allowed around it): a random segment such
    // as `Ses48wSE` or `lzmt9stub3` has word-shaped runs by chance, and judging those refused real ids.
    const letters = /^[0-9]*([a-z]+)[0-9]*$/.exec(lowerSegment)?.[1];
    const words = letters === undefined ? null : splitIntoWords(letters);
    if (words !== null) {
      const placeholder = words.find(isPlaceholderWord);
      if (placeholder !== undefined) return `contains the placeholder word "${placeholderLabel(placeholder)}"`;
      generic.push(...words);
      segmentBody = lowerSegment.replace(/[a-z]+/, '');
    }
    body += segmentBody;
    if (segmentBody !== '') segmentBodies.push(segmentBody);
  }

  if (body === '') return `is only generic words (${[...new Set(generic)].map((w) => `"${w}"`).join(', ')})`;
  if (isOneCharRepeated(body)) return 'is one character repeated';
  if (/^0+[0-9]{0,4}$/.test(body)) return 'is a zero-padded small number';

  const sequence = sequenceKind(body, 4);
  if (sequence !== null) return `is a run of consecutive ${sequence}`;
  // Two-letter words (`me`, `of`, `no`) turn up as whole segments of short base64url ids by chance, so only a longer
  // label such as `session-` makes a short remainder suspicious.
  if (generic.some((w) => w.length >= 3) && body.length < MIN_BODY) return `has only ${body.length} characters besides separators and generic words`;

  const period = shortestPeriod(body);
  if (period <= body.length / 2) return `repeats the pattern "${body.slice(0, period)}"`;

  const distinct = new Set(body).size;
  if ((body.length >= 8 && distinct <= 2) || (body.length >= 16 && distinct <= 3)) {
    return `uses only ${distinct} different characters`;
  }
  // 12345678-1234-1234-1234-123456789012: every part on its own is a run or a repeat.
  // Parts shorter than 3 are runs by chance too often (`GF_C4_e9`), so they keep the id from being judged this way.
  const trivial = (s: string): boolean => s.length >= 3 && (isOneCharRepeated(s) || sequenceKind(s, 3) !== null);
  if (segmentBodies.length >= 2 && segmentBodies.every(trivial)) {
    return 'is made of runs of consecutive or repeated characters';
  }
  // The positive rule: a real session id carries machine-made entropy somewhere. Words and a counter
  // (`gemini-iteration-2`, `final-approval-1`, `approved`) carry none, whatever the words are.
  if (!UUID.test(trimmed.replace(/^\{|\}$/g, '').replace(/^urn:uuid:/i, '')) && !trimmed.split(SEPARATORS).some(isRandomToken)) {
    return 'is made of words and numbers, not machine-made (a real id holds a UUID, a ULID or a long random token)';
  }
  return null;
}

/** Letter/digit switches: random tokens switch often, a word with a counter (`iteration2`) once. */
function classSwitches(token: string): number {
  let switches = 0;
  for (let i = 1; i < token.length; i++) if (/[0-9]/.test(token[i]!) !== /[0-9]/.test(token[i - 1]!)) switches++;
  return switches;
}

function isRandomToken(token: string): boolean {
  if (/^[0-9]{10,}$/.test(token)) return true; // timestamps, snowflake ids
  const letters = /[A-Za-z]/.test(token);
  const digits = /[0-9]/.test(token);
  if (letters && digits) return token.length >= 20 || (token.length >= 8 && classSwitches(token) >= 3);
  if (letters && token.length >= 16) {
    // base64 without a digit by chance: case switches often.
    let caseSwitches = 0;
    for (let i = 1; i < token.length; i++) if (/[A-Z]/.test(token[i]!) !== /[A-Z]/.test(token[i - 1]!)) caseSwitches++;
    return caseSwitches >= 4;
  }
  return false;
}

function isPlaceholderWord(word: string): boolean {
  return PLACEHOLDER_SET.has(word) || /^x{3,}$/.test(word);
}

function placeholderLabel(word: string): string {
  return /^x{3,}$/.test(word) ? 'xxx' : word;
}

function isOneCharRepeated(text: string): boolean {
  const chars = [...text];
  const first = chars[0];
  return first !== undefined && chars.every((c) => c === first);
}

/**
 * Splits a run of lowercase letters into dictionary words (`yoursessionidhere`
 * → your, session, id, here), or null if it cannot be. Dynamic programming
 * over positions, so cost is length × dictionary size.
 */
function splitIntoWords(run: string): string[] | null {
  if (run.length < 2 || run.length > MAX_WORD_RUN) return null;
  // start[j]: where the last word of a split of run[0, j) begins; -1 when run[0, j) cannot be split.
  const start = new Array<number>(run.length + 1).fill(-1);
  start[0] = 0;
  for (let i = 0; i < run.length; i++) {
    if (start[i] === -1) continue;
    for (const word of DICTIONARY) {
      const j = i + word.length;
      if (j <= run.length && start[j] === -1 && run.startsWith(word, i)) start[j] = i;
    }
    // Any run of three or more x is the xxx placeholder, whatever its length.
    if (run.startsWith('xxx', i)) {
      let j = i + 3;
      while (run[j] === 'x') j++;
      if (start[j] === -1) start[j] = i;
    }
  }
  if (start[run.length] === -1) return null;
  const words: string[] = [];
  for (let j = run.length; j > 0; ) {
    const i = start[j] ?? 0;
    words.unshift(run.slice(i, j));
    j = i;
  }
  return words;
}

/**
 * Each step +1 or each step -1 (digits wrap, so 1234567890 counts). A single
 * character is trivially a run; callers decide how long a run must be.
 */
function isConsecutive(text: string): boolean {
  if (text.length < 2) return true;
  const digits = /^[0-9]+$/.test(text);
  const step = (a: number, b: number): number => (digits ? (((b - a) % 10) + 10) % 10 : b - a);
  const first = step(text.charCodeAt(0), text.charCodeAt(1));
  const ok = digits ? first === 1 || first === 9 : first === 1 || first === -1;
  if (!ok) return false;
  for (let i = 2; i < text.length; i++) {
    if (step(text.charCodeAt(i - 1), text.charCodeAt(i)) !== first) return false;
  }
  return true;
}

/**
 * Whether the letters and the digits of `text` are each a run (`abcdefgh`,
 * `abc12345`, `a1b2c3d4`), with at least `minRun` characters in the longer of
 * the two; names what the run is made of, or null.
 */
function sequenceKind(text: string, minRun: number): string | null {
  if (!/^[a-z0-9]+$/.test(text)) return null;
  const letters = text.replace(/[0-9]/g, '');
  const digits = text.replace(/[a-z]/g, '');
  if (Math.max(letters.length, digits.length) < minRun) return null;
  if (!isConsecutive(letters) || !isConsecutive(digits)) return null;
  if (letters === '') return 'digits';
  if (digits === '') return 'letters';
  return 'letters and digits';
}

/** Smallest p such that text[i] === text[i - p] throughout (KMP failure function, linear). */
function shortestPeriod(text: string): number {
  const fail = new Array<number>(text.length).fill(0);
  for (let i = 1, k = 0; i < text.length; i++) {
    while (k > 0 && text[i] !== text[k]) k = fail[k - 1] ?? 0;
    if (text[i] === text[k]) k++;
    fail[i] = k;
  }
  return text.length - (fail[text.length - 1] ?? 0);
}
