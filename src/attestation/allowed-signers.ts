/**
 * ssh-keygen's allowed_signers file (ssh-keygen(1), "ALLOWED SIGNERS"): who may
 * sign, in which namespaces, and when. The parsing follows OpenSSH's sshsig.c
 * and misc.c rather than the manual's prose where they differ, so a file means
 * the same to wf as to `ssh-keygen -Y verify`.
 *
 * One bad line must not hide the good ones (a typo in one maintainer's entry
 * should not lock everyone out), so a line that does not parse is a problem
 * with its line number, and parsing goes on.
 */
import { usageError, WfError } from '../errors/index.js';
import { parsePublicKey } from './sshsig.js';
import type { SshPublicKey } from './sshsig.js';

export interface AllowedSigner {
  line: number;
  principals: string[];
  /** null: every namespace. */
  namespaces: string[] | null;
  validAfter: Date | null;
  validBefore: Date | null;
  publicKey: SshPublicKey;
}

export interface AllowedSignersProblem {
  line: number;
  message: string;
}

export interface ParsedAllowedSigners {
  signers: AllowedSigner[];
  problems: AllowedSignersProblem[];
}

export type AllowedSignerRefusal = 'signer-not-allowed' | 'key-expired' | 'key-not-yet-valid' | 'namespace-not-allowed';

export type AllowedSignerMatch =
  | { ok: true; signer: AllowedSigner; principals: string[] }
  | { ok: false; reason: AllowedSignerRefusal; message: string };

export interface AllowedSignerLineInput {
  principal: string;
  publicKey: SshPublicKey;
  /** null or empty: every namespace (no namespaces= option). */
  namespaces: string[] | null;
  validAfter?: Date | null;
  validBefore?: Date | null;
  comment?: string;
}

/** A line that does not parse; caught per line and turned into a problem. */
class LineProblem extends Error {}

const WHITESPACE = /[ \t]/;
const MAX_PATTERN = 1023;
// What can start the key field: OpenSSH tries to read a key first and falls back to options, and no option name looks like these.
const KEY_TYPE_LIKE = /^(ssh-|ecdsa-|sk-|rsa-|x509v3-)/i;

/**
 * One glob, OpenSSH's match_pattern: `*` any run, `?` one character, no escapes.
 * Iterative with a single backtrack point, so a hostile pattern cannot make it exponential.
 */
function matchPattern(name: string, pattern: string): boolean {
  let n = 0;
  let p = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === name[n]))) {
      n++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starN = n;
    } else if (starP >= 0) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * ssh's pattern-list (ssh_config(5) PATTERNS), as OpenSSH's match_pattern_list
 * walks it: comma-separated globs, `!` before one negates it, and a matching
 * negated glob vetoes the whole list. Case-sensitive, like allowed_signers.
 */
export function matchPrincipalPattern(patternList: string, name: string): boolean {
  let positive = false;
  let i = 0;
  while (i < patternList.length) {
    const negated = patternList[i] === '!';
    if (negated) i++;
    const comma = patternList.indexOf(',', i);
    const end = comma < 0 ? patternList.length : comma;
    const pattern = patternList.slice(i, end);
    // OpenSSH copies each glob into a 1024-byte buffer and treats a longer one as no match at all.
    if (pattern.length >= MAX_PATTERN) return false;
    i = comma < 0 ? end : end + 1;
    if (!matchPattern(name, pattern)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}

/**
 * ssh-keygen's parse_absolute_time: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS,
 * UTC with a `Z` (or `UTC`) suffix, local time without. Unlike strptime and
 * mktime it refuses a day that does not exist instead of rolling it over, and
 * a local time in summer is read with the summer offset (OpenSSH 9.2 zeroes
 * tm_isdst and so reads it an hour off); write times with Z to mean one instant.
 */
function parseSshTime(text: string): Date | null {
  let digits = text;
  let utc = false;
  if (/z$/i.test(digits) && digits.length > 1) {
    utc = true;
    digits = digits.slice(0, -1);
  } else if (/utc$/i.test(digits) && digits.length > 3) {
    utc = true;
    digits = digits.slice(0, -3);
  }
  if (!/^\d+$/.test(digits) || ![8, 12, 14].includes(digits.length)) return null;
  const field = (start: number, length: number) => (digits.length >= start + length ? Number(digits.slice(start, start + length)) : 0);
  const [year, month, day, hour, minute, second] = [field(0, 4), field(4, 2), field(6, 2), field(8, 2), field(10, 2), field(12, 2)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const date = utc
    ? new Date(Date.UTC(year, month - 1, day, hour, minute, second))
    : new Date(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0–99 to 1900–1999; the check below catches that along with 31 February.
  const got = utc
    ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]
    : [date.getFullYear(), date.getMonth() + 1, date.getDate()];
  if (got[0] !== year || got[1] !== month || got[2] !== day) return null;
  // OpenSSH stores the time as an unsigned count of seconds and takes 0 to mean "no limit".
  if (date.getTime() <= 0) return null;
  return date;
}

/** The shortest ssh-keygen time that says exactly this second, in UTC. */
function formatSshTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw usageError('an allowed_signers validity time is not a valid date');
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const day = `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
  const [h, m, s] = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  if (h === 0 && m === 0 && s === 0) return `${day}Z`;
  if (s === 0) return `${day}${pad(h)}${pad(m)}Z`;
  return `${day}${pad(h)}${pad(m)}${pad(s)}Z`;
}

/**
 * The first field, as OpenSSH's strdelimw cuts it: up to a blank, except that
 * a double quote before any blank opens a quoted run (which may hold blanks)
 * and the field ends at its closing quote.
 */
function takePrincipals(rest: string): [string, string] {
  const stop = rest.search(/[ \t"]/);
  if (stop < 0) return [rest, ''];
  if (rest[stop] !== '"') return [rest.slice(0, stop), rest.slice(stop).trimStart()];
  const close = rest.indexOf('"', stop + 1);
  if (close < 0) throw new LineProblem('the quoted principals have no closing quote');
  return [rest.slice(0, stop) + rest.slice(stop + 1, close), rest.slice(close + 1).trimStart()];
}

/** sshkey_advance_past_options: up to the first blank outside double quotes (`\"` does not end a quote). */
function takeOptions(rest: string): [string, string] {
  let quoted = false;
  let i = 0;
  for (; i < rest.length && (quoted || !WHITESPACE.test(rest[i]!)); i++) {
    if (rest[i] === '\\' && rest[i + 1] === '"') i++;
    else if (rest[i] === '"') quoted = !quoted;
  }
  if (quoted) throw new LineProblem('the options have an unterminated quote');
  return [rest.slice(0, i), rest.slice(i).trimStart()];
}

interface SignerOptions {
  namespaces: string[] | null;
  validAfter: Date | null;
  validBefore: Date | null;
}

/** sshsigopt_parse: comma-separated, case-insensitive names, values always double-quoted, each at most once. */
function parseOptions(text: string): SignerOptions {
  const options: SignerOptions = { namespaces: null, validAfter: null, validBefore: null };
  let rest = text;
  const quotedValue = (name: string): string => {
    if (!rest.startsWith('"')) throw new LineProblem(`the value of ${name} must be in double quotes`);
    let value = '';
    let i = 1;
    for (; i < rest.length && rest[i] !== '"'; i++) {
      if (rest[i] === '\\' && rest[i + 1] === '"') i++;
      value += rest[i];
    }
    if (i >= rest.length) throw new LineProblem(`the value of ${name} has no closing quote`);
    rest = rest.slice(i + 1);
    return value;
  };
  const time = (name: string, seen: Date | null): Date => {
    if (seen !== null) throw new LineProblem(`${name} is given twice`);
    const value = quotedValue(name);
    const date = parseSshTime(value);
    if (date === null) {
      throw new LineProblem(`${name}="${value}" is not a time ssh-keygen reads (YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, Z for UTC)`);
    }
    return date;
  };
  while (rest !== '') {
    const lower = rest.toLowerCase();
    if (lower.startsWith('cert-authority')) {
      throw new LineProblem('certificate authorities are not supported (cert-authority); list each signing key instead');
    } else if (lower.startsWith('namespaces=')) {
      if (options.namespaces !== null) throw new LineProblem('namespaces is given twice');
      rest = rest.slice('namespaces='.length);
      options.namespaces = quotedValue('namespaces').split(',');
    } else if (lower.startsWith('valid-after=')) {
      rest = rest.slice('valid-after='.length);
      options.validAfter = time('valid-after', options.validAfter);
    } else if (lower.startsWith('valid-before=')) {
      rest = rest.slice('valid-before='.length);
      options.validBefore = time('valid-before', options.validBefore);
    } else {
      const name = /^[^=,]+/.exec(rest)?.[0] ?? rest;
      throw new LineProblem(`unknown option "${name.slice(0, 40)}"`);
    }
    if (rest === '') break;
    if (!rest.startsWith(',')) throw new LineProblem(`unexpected text after an option: "${rest.slice(0, 40)}"`);
    rest = rest.slice(1);
    if (rest === '') throw new LineProblem('the options end with a comma');
  }
  if (options.validAfter && options.validBefore && options.validBefore.getTime() <= options.validAfter.getTime()) {
    throw new LineProblem('valid-before is not after valid-after');
  }
  return options;
}

function parseLine(text: string, line: number): AllowedSigner | null {
  const content = text.trim();
  if (content === '' || content.startsWith('#')) return null;
  const [principalList, afterPrincipals] = takePrincipals(content);
  if (principalList === '') throw new LineProblem('the principals field is empty');
  if (afterPrincipals === '') throw new LineProblem('the key is missing after the principals');
  let options: SignerOptions = { namespaces: null, validAfter: null, validBefore: null };
  let keyText = afterPrincipals;
  const firstToken = afterPrincipals.split(WHITESPACE)[0]!;
  if (!KEY_TYPE_LIKE.test(firstToken)) {
    const [optionText, afterOptions] = takeOptions(afterPrincipals);
    options = parseOptions(optionText);
    if (afterOptions === '') throw new LineProblem('the key is missing after the options');
    keyText = afterOptions;
  }
  const [keyType = '', base64 = ''] = keyText.split(/[ \t]+/);
  if (keyType !== 'ssh-ed25519') throw new LineProblem(`"${keyType.slice(0, 60)}" keys are not supported; only ssh-ed25519 is`);
  if (base64 === '') throw new LineProblem('the base64 key after "ssh-ed25519" is missing');
  let publicKey: SshPublicKey;
  try {
    publicKey = parsePublicKey(`${keyType} ${base64}`);
  } catch (err) {
    if (err instanceof WfError) throw new LineProblem(err.message);
    throw err;
  }
  return { line, principals: principalList.split(','), ...options, publicKey };
}

export function parseAllowedSigners(text: string, file: string): ParsedAllowedSigners {
  const signers: AllowedSigner[] = [];
  const problems: AllowedSignersProblem[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((lineText, index) => {
      const line = index + 1;
      try {
        const signer = parseLine(lineText, line);
        if (signer) signers.push(signer);
      } catch (err) {
        if (!(err instanceof LineProblem)) throw err;
        problems.push({ line, message: `${file}:${line}: ${err.message}` });
      }
    });
  return { signers, problems };
}

// Which refusal says most about why a listed key was turned down: the closer a line came to allowing it, the more specific.
const SPECIFICITY: Record<AllowedSignerRefusal, number> = {
  'signer-not-allowed': 0,
  'namespace-not-allowed': 1,
  'key-not-yet-valid': 2,
  'key-expired': 3,
};

/**
 * Whether `key` may sign in `namespace` at `at`. Like ssh-keygen both ends of
 * the window are inclusive and compared in whole seconds (`-Overify-time`
 * has no finer resolution), so wf and ssh-keygen agree at the boundaries.
 */
export function findAllowedSigner(signers: AllowedSigner[], key: SshPublicKey, namespace: string, at: Date): AllowedSignerMatch {
  const second = seconds(at);
  let best: { reason: AllowedSignerRefusal; message: string } = {
    reason: 'signer-not-allowed',
    message: `the key ${key.fingerprint} is not listed in the allowed signers`,
  };
  const consider = (reason: AllowedSignerRefusal, message: string) => {
    if (SPECIFICITY[reason] > SPECIFICITY[best.reason]) best = { reason, message };
  };
  for (const signer of signers) {
    if (!signer.publicKey.blob.equals(key.blob)) continue;
    const where = `allowed signers line ${signer.line} (${signer.principals.join(',')})`;
    if (signer.namespaces !== null && !matchPrincipalPattern(signer.namespaces.join(','), namespace)) {
      consider('namespace-not-allowed', `${where} allows the key ${key.fingerprint} for namespaces "${signer.namespaces.join(',')}", not "${namespace}"`);
      continue;
    }
    if (signer.validAfter !== null && second < seconds(signer.validAfter)) {
      consider('key-not-yet-valid', `${where}: the key ${key.fingerprint} is valid only from ${signer.validAfter.toISOString()}, checked at ${at.toISOString()}`);
      continue;
    }
    if (signer.validBefore !== null && second > seconds(signer.validBefore)) {
      consider('key-expired', `${where}: the key ${key.fingerprint} expired at ${signer.validBefore.toISOString()}, checked at ${at.toISOString()}`);
      continue;
    }
    return { ok: true, signer, principals: signer.principals };
  }
  return { ok: false, ...best };
}

/** One allowed_signers line that ssh-keygen and parseAllowedSigners both read back as given. */
export function renderAllowedSignerLine(input: AllowedSignerLineInput): string {
  const { principal, publicKey, namespaces } = input;
  const bad = (message: string) => usageError(message, { hint: 'use a principal like wf-ci@example.com and namespaces like wf-review' });
  if (principal === '' || /["\r\n]/.test(principal)) throw bad('an allowed_signers principal must be non-empty, on one line, without double quotes');
  const options: string[] = [];
  if (namespaces && namespaces.length > 0) {
    for (const namespace of namespaces) {
      if (namespace === '' || /[",\s\\]/.test(namespace)) throw bad(`the namespace "${namespace}" cannot be written to allowed_signers`);
    }
    options.push(`namespaces="${namespaces.join(',')}"`);
  }
  if (input.validAfter) options.push(`valid-after="${formatSshTime(input.validAfter)}"`);
  if (input.validBefore) options.push(`valid-before="${formatSshTime(input.validBefore)}"`);
  if (input.validAfter && input.validBefore && seconds(input.validBefore) <= seconds(input.validAfter)) {
    throw bad('valid-before must be after valid-after');
  }
  if (input.comment !== undefined && /[\r\n]/.test(input.comment)) throw bad('an allowed_signers comment must be on one line');
  const fields = [/[ \t]/.test(principal) ? `"${principal}"` : principal];
  if (options.length > 0) fields.push(options.join(','));
  fields.push(publicKey.line);
  if (input.comment) fields.push(input.comment.trim());
  return fields.join(' ');
}

/** ssh-keygen keeps times in whole seconds. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
