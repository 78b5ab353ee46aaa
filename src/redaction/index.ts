/**
 * Removes credentials from free text (review notes, test output tails,
 * reviewer output) before it is written to the audit log. Each secret becomes
 * `[REDACTED:<kind>]`; labels around it (`Bearer `, `password=`) are kept so
 * the log still says what was there.
 *
 * Linear time on large input matters more than cleverness: test output can be
 * megabytes. Every pattern starts at a literal or behind a one-character
 * lookbehind that stops it from restarting inside the run it just scanned,
 * and private keys are found with indexOf rather than a lazy `[\s\S]*?`.
 *
 * Dependency-free: the hook fast path imports it.
 */

export const REDACTION_KINDS: readonly string[] = [
  'private-key',
  'url-password',
  'github-token',
  'api-key',
  'stripe-key',
  'slack-token',
  'slack-webhook',
  'google-api-key',
  'npm-token',
  'aws-access-key',
  'aws-secret-key',
  'jwt',
  'authorization',
  'bearer',
  'secret-assignment',
];

const mark = (kind: string): string => `[REDACTED:${kind}]`;

type Rule = (text: string) => string;

/** A rule that replaces the whole match. `accept` can veto a match that only looks like a secret. */
function whole(kind: string, pattern: RegExp, accept?: (match: string) => boolean): Rule {
  return (text) => text.replace(pattern, (match: string) => (accept === undefined || accept(match) ? mark(kind) : match));
}

/** A rule whose pattern is (label)(secret): the label stays, the secret goes. */
function labelled(kind: string, pattern: RegExp): Rule {
  return (text) => text.replace(pattern, (_match: string, label: string) => `${label}${mark(kind)}`);
}

/**
 * `-----BEGIN ... PRIVATE KEY-----` through the matching END line, or to the
 * end of the text when the END is missing (a truncated output tail still must
 * not leak the part it has).
 */
function redactPrivateKeys(text: string): string {
  const BEGIN = '-----BEGIN ';
  const END = '-----END ';
  const header = /-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----/y;
  const footer = /-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----/y;
  let out = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, from);
    if (begin === -1) break;
    header.lastIndex = begin;
    if (!header.test(text)) {
      from = begin + BEGIN.length;
      continue;
    }
    let end = text.length;
    for (let search = header.lastIndex; ; ) {
      const at = text.indexOf(END, search);
      if (at === -1) break;
      footer.lastIndex = at;
      if (footer.test(text)) {
        end = footer.lastIndex;
        break;
      }
      search = at + END.length;
    }
    out += text.slice(copied, begin) + mark('private-key');
    copied = end;
    from = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * `sk-learn-compatible-estimators` is prose; real `sk-` keys have upper case,
 * digits or underscores. Project/admin prefixes are keys whatever follows.
 */
function looksLikeSkKey(match: string): boolean {
  if (/^sk-(?:proj|ant|svcacct|admin)-/.test(match)) return true;
  return !/^sk-[a-z]+(?:-[a-z]+)+$/.test(match);
}

/** Values that follow `password:` in code and prose without being a password. */
const NOT_SECRET_VALUES: ReadonlySet<string> = new Set([
  'string', 'number', 'boolean', 'bool', 'null', 'nil', 'none', 'undefined', 'true', 'false', 'required', 'optional',
  'redacted', 'hidden', 'masked', 'unset', 'empty', 'secret', 'password', 'token', 'example', 'placeholder',
]);

// Not after a `/`: a package path (`"@inquirer/password": "^4.0.23"` sits in every lock file that
// pulls in inquirer) or a file path is a name, not a label.
const ASSIGNMENT =
  /(?<![A-Za-z0-9/])((?:passphrase|password|passwd|secret[_-]?key|client[_-]?secret|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?token|access[_-]?token|token)["'`]?[ \t]*(?:=>|:=|[:=])[ \t]*["'`]?)(?!\[REDACTED:)([A-Za-z0-9!#$%*+\-./:=?@^_~]+)/gi;

/** A dependency named like a label, pinned to a version range (`"secret": "^1.2.3"`, `token: ~2.0.1`). */
const isVersionRange = (value: string): boolean => /^(?:[\^~]|>=?|<=?)?v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]*)?$/.test(value);

/**
 * Where the secret comes from rather than the secret: a variable (`$DB_PASSWORD`, `%API_KEY%`) or a
 * property path (`process.env.GITHUB_TOKEN`, `settings.DATABASE_PASSWORD`, `response.data.access_token`).
 * Reading a secret from the environment is what code should do; refusing it would refuse the fix.
 */
const isReference = (value: string): boolean =>
  /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value) || /^%[A-Za-z_][A-Za-z0-9_]*%$/.test(value) || /^[a-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+$/.test(value);

/**
 * `password=…`, `secret: …`, `api_key = …`. Prose and code use the same
 * shapes (`password: string`, `token: required`, `secret: see the vault`), so
 * a value is redacted only if it is long enough and not a plain word: it has
 * a digit or symbol, mixed case, or 16+ characters. A value followed by `(`
 * is a function call. Trailing sentence punctuation stays outside.
 */
function redactAssignments(text: string): string {
  return text.replace(ASSIGNMENT, (match: string, label: string, raw: string, offset: number, input: string) => {
    const value = raw.replace(/[.:!?]+$/, '');
    const tail = raw.slice(value.length);
    const minLength = /^pass/i.test(label) ? 6 : 8;
    const wordLike = /^(?:[A-Za-z][a-z]*|[A-Z]+)$/.test(value) && value.length < 16;
    const call = tail === '' && input[offset + match.length] === '(';
    if (value.length < minLength || wordLike || call || isVersionRange(value) || isReference(value) || NOT_SECRET_VALUES.has(value.toLowerCase())) return match;
    return `${label}${mark('secret-assignment')}${tail}`;
  });
}

/**
 * Order matters only for the label a secret gets: specific shapes run before
 * the generic `Bearer` and `key=value` rules, and those skip a value that is
 * already `[REDACTED:…]`.
 */
const RULES: readonly Rule[] = [
  redactPrivateKeys,
  labelled('url-password', /(:\/\/[^\s:@/]{1,256}:)(?!\[REDACTED:)[^\s@/]{1,256}(?=@)/g),
  whole('github-token', /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{20,})/g),
  whole('api-key', /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g, looksLikeSkKey),
  whole('stripe-key', /(?<![A-Za-z0-9_])[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g),
  whole('slack-token', /(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}/g),
  whole('slack-webhook', /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/-]{16,}/g),
  whole('google-api-key', /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g),
  whole('npm-token', /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g),
  whole('aws-access-key', /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g),
  labelled(
    'aws-secret-key',
    /(?<![A-Za-z0-9])((?:aws_?)?secret_?access_?key["'`]?[ \t]*(?:=>|:=|[:=])[ \t]*["'`]?)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi,
  ),
  whole('jwt', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g),
  labelled(
    'authorization',
    /(?<![A-Za-z0-9-])((?:proxy-)?authorization["'`]?[ \t]*[:=][ \t]*["'`]?(?:basic|token)[ \t]+)(?!\[REDACTED:)[A-Za-z0-9+/=._~-]{8,}/gi,
  ),
  // "Bearer of bad news" stays: the token must be 16+ characters of token charset.
  labelled('bearer', /(?<![A-Za-z0-9_-])(bearer[ \t]+)(?!\[REDACTED:)[A-Za-z0-9._~+/-]{16,}=*/gi),
  redactAssignments,
];

function redactOnce(text: string): string {
  let out = text;
  for (const rule of RULES) out = rule(out);
  return out;
}

/**
 * Idempotent by construction: the rules run until nothing changes (the
 * replacement text matches no rule, so that is one pass when there is
 * nothing to redact and two when there is). Re-running guards against a
 * later rule exposing a boundary an earlier rule needed.
 */
export function redactSecrets(text: string): string {
  let current = text;
  for (let pass = 0; pass < 4; pass++) {
    const next = redactOnce(current);
    if (next === current) return current;
    current = next;
  }
  return current;
}

export interface SecretFinding {
  /** 1-based line of the text. */
  line: number;
  kinds: string[];
}

/**
 * The lines of a text that hold something shaped like a secret, by the same
 * rules as redactSecrets. For code under review: a reviewer must see every
 * byte, so a secret there is refused as a finding, never hidden.
 */
export function findSecretLines(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const redacted = redactSecrets(line);
    if (redacted === line) continue;
    const kinds = [...new Set([...redacted.matchAll(/\[REDACTED:([a-z0-9-]+)\]/g)].map((m) => m[1]!))];
    findings.push({ line: i + 1, kinds });
  }
  return findings;
}
