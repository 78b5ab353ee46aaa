/**
 * One detector for made-up reviewer continuation ids, used everywhere a
 * review is recorded or a Review-Id trailer is checked. The point of the id
 * is that it names a real reviewer session, so anything that looks typed in
 * to satisfy a form is refused. Dependency-free: the hook fast path uses it.
 */
export const PLACEHOLDER_WORDS = [
  'test', 'testing', 'fake', 'placeholder', 'dummy', 'example', 'sample', 'todo', 'tbd', 'xxx', 'xxxx', 'none', 'null', 'nil',
  'undefined', 'unknown', 'foo', 'bar', 'baz', 'qux', 'lorem', 'ipsum', 'changeme', 'mock', 'stub', 'fixme', 'temp', 'tmp',
  'asdf', 'qwerty', 'random', 'whatever', 'blah', 'default', 'replace', 'redacted',
] as const;

/** Words that say what the id is rather than being it; an id made of only these (and digits) is a label, not an id. */
const GENERIC_WORDS = new Set([
  'id', 'ids', 'session', 'sess', 'ses', 'thread', 'continuation', 'cont', 'conversation', 'conv', 'chat', 'review', 'reviewer',
  'here', 'your', 'my', 'the', 'insert', 'put', 'value', 'uuid', 'guid', 'ulid', 'key', 'token', 'run', 'resp', 'response', 'number', 'no',
]);

const WORDS = new Set<string>(PLACEHOLDER_WORDS);
const NIL_UUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isRun(text: string, alphabet: string): boolean {
  if (text.length < 4) return false;
  return alphabet.includes(text) || [...alphabet].reverse().join('').includes(text);
}

/** Splits on separators and camelCase / letter-digit boundaries: `fakeId_01` → fake, id, 01. */
function segments(id: string): string[] {
  return id
    .split(/[^A-Za-z0-9]+/)
    .flatMap((part) => part.split(/(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])/))
    .filter(Boolean)
    .map((s) => s.toLowerCase());
}

/**
 * A segment glued together from placeholder and label words (`foobar`,
 * `testid`, `fakesession`): returns the placeholder word in it, else null.
 */
function placeholderCompound(segment: string): string | null {
  if (segment.length > 32 || !/^[a-z]+$/.test(segment)) return null;
  // reach[i]: the segment's first i letters split into known words; the value is a placeholder word used, or '' if none yet.
  const reach: Array<string | undefined> = [''];
  for (let i = 0; i < segment.length; i++) {
    const sofar = reach[i];
    if (sofar === undefined) continue;
    for (let j = i + 1; j <= segment.length; j++) {
      const piece = segment.slice(i, j);
      const found = WORDS.has(piece) ? piece : GENERIC_WORDS.has(piece) ? sofar : undefined;
      if (found !== undefined && !reach[j]) reach[j] = found;
    }
  }
  return reach[segment.length] || null;
}

export function placeholderReason(id: string): string | null {
  const trimmed = id.trim();
  if (trimmed === '') return 'is empty';
  if (trimmed.length < 8) return 'is shorter than 8 characters';
  const marker = /<[^>]*>|\{\{?[^}]*\}\}?|\$\{[^}]*\}|\$[A-Z_]{2,}|%[sdif]/.exec(trimmed);
  if (marker) return `contains the template marker ${marker[0]}`;
  const lower = trimmed.toLowerCase();
  if (NIL_UUID.test(lower)) return 'is the nil UUID';
  if (UUID.test(lower) && new Set(lower.replaceAll('-', '')).size <= 2) return 'is a UUID made of one repeated digit';
  const compact = lower.replace(/[^a-z0-9]/g, '');
  if (new Set(trimmed).size === 1 || (compact.length > 0 && new Set(compact).size === 1)) return 'is one character repeated';
  if (/^[0-9]+$/.test(compact) && isRun(compact, '0123456789')) return 'is a run of consecutive digits';
  if (/^[a-z]+[0-9]*$/.test(compact) && (isRun(compact.replace(/[0-9]+$/, ''), 'abcdefghijklmnopqrstuvwxyz') && compact.replace(/[0-9]+$/, '').length >= 4)) {
    return 'is a run of consecutive letters';
  }
  const parts = segments(trimmed);
  const word = parts.find((p) => WORDS.has(p)) ?? parts.map(placeholderCompound).find((w) => w !== null);
  if (word) return `contains the placeholder word "${word}"`;
  // Whatever is left once labels and digits are removed must be something: `session-0001` is a label and a counter.
  const body = parts.filter((p) => !GENERIC_WORDS.has(p) && !/^[0-9]+$/.test(p));
  if (body.length === 0) return 'has no body beyond labels and a counter';
  if (compact.length >= 8 && /^[0-9]+$/.test(compact) && compact.length < 10) return 'is a short number, not a session id';
  // Low variety over a long id means typed, not generated (e.g. abababab12121212).
  if (compact.length >= 8 && new Set(compact).size <= 3) return 'has too little variety to be a generated id';
  return null;
}

export function isPlaceholderId(id: string): boolean {
  return placeholderReason(id) !== null;
}
