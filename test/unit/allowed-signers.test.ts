import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SSHSIG_NAMESPACE,
  dearmorSignature,
  findAllowedSigner,
  matchPrincipalPattern,
  parseAllowedSigners,
  parsePublicKey,
  parseSshSignature,
  renderAllowedSignerLine,
} from '../../src/attestation/index.js';
import type { AllowedSigner, SshPublicKey } from '../../src/attestation/index.js';
import { ExitCode, WfError } from '../../src/errors/index.js';

function sshKeygen(args: string[], input?: Buffer | string) {
  const result = spawnSync('ssh-keygen', args, { input, env: { ...process.env, TZ: 'UTC' } });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function mustKeygen(args: string[]) {
  const result = sshKeygen(args);
  if (result.status !== 0) throw new Error(`ssh-keygen ${args.join(' ')} failed: ${result.stderr}`);
  return result;
}

/** A well-formed Ed25519 public key line from fixed bytes; parsing never needs the private half. */
function fixedKey(fill: number): SshPublicKey {
  const string = (body: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
  const blob = Buffer.concat([string(Buffer.from('ssh-ed25519')), string(Buffer.alloc(32, fill))]);
  return parsePublicKey(`ssh-ed25519 ${blob.toString('base64')}`);
}

const KEY = fixedKey(1);
const OTHER = fixedKey(2);
const utc = (text: string) => new Date(text);

describe('parseAllowedSigners reads', () => {
  const cases: {
    name: string;
    line: string;
    principals: string[];
    namespaces?: string[] | null;
    validAfter?: Date | null;
    validBefore?: Date | null;
  }[] = [
    { name: 'one principal', line: `a@example.com ${KEY.line}`, principals: ['a@example.com'] },
    { name: 'a trailing comment', line: `a@example.com ${KEY.line} laptop key, 2026`, principals: ['a@example.com'] },
    { name: 'a principal list with patterns', line: `a@x,b@y,*@z.org,!evil@z.org ${KEY.line}`, principals: ['a@x', 'b@y', '*@z.org', '!evil@z.org'] },
    { name: 'quoted principals with a space', line: `"a@x,b y@z" ${KEY.line}`, principals: ['a@x', 'b y@z'] },
    { name: 'a quote inside the principals (as strdelimw reads it)', line: `a@x,"b y@z" ${KEY.line}`, principals: ['a@x', 'b y@z'] },
    { name: 'leading blanks and tabs between fields', line: `  \t a@x \t ${KEY.line.replace(' ', '\t')}`, principals: ['a@x'] },
    { name: 'namespaces', line: `a@x namespaces="wf-review,git" ${KEY.line}`, principals: ['a@x'], namespaces: ['wf-review', 'git'] },
    {
      name: 'several options',
      line: `a@x namespaces="wf-review",valid-after="20260101Z",valid-before="20270101Z" ${KEY.line} c`,
      principals: ['a@x'],
      namespaces: ['wf-review'],
      validAfter: utc('2026-01-01T00:00:00Z'),
      validBefore: utc('2027-01-01T00:00:00Z'),
    },
    {
      name: 'option names in any case',
      line: `a@x NAMESPACES="wf-review",Valid-After="20260101Z",VALID-before="20270101Z" ${KEY.line}`,
      principals: ['a@x'],
      namespaces: ['wf-review'],
      validAfter: utc('2026-01-01T00:00:00Z'),
      validBefore: utc('2027-01-01T00:00:00Z'),
    },
    { name: 'YYYYMMDDZ', line: `a@x valid-after="20261202Z" ${KEY.line}`, principals: ['a@x'], validAfter: utc('2026-12-02T00:00:00Z') },
    { name: 'YYYYMMDDHHMMZ', line: `a@x valid-after="202612021530Z" ${KEY.line}`, principals: ['a@x'], validAfter: utc('2026-12-02T15:30:00Z') },
    { name: 'YYYYMMDDHHMMSSZ', line: `a@x valid-after="20261202153045Z" ${KEY.line}`, principals: ['a@x'], validAfter: utc('2026-12-02T15:30:45Z') },
    { name: 'a lower-case z', line: `a@x valid-before="20261202153045z" ${KEY.line}`, principals: ['a@x'], validBefore: utc('2026-12-02T15:30:45Z') },
    { name: 'a UTC suffix', line: `a@x valid-before="20261202UTC" ${KEY.line}`, principals: ['a@x'], validBefore: utc('2026-12-02T00:00:00Z') },
    // Without Z ssh-keygen reads local time, and so does wf: the expectation is built in this process's time zone.
    { name: 'YYYYMMDD (local)', line: `a@x valid-after="20261202" ${KEY.line}`, principals: ['a@x'], validAfter: new Date(2026, 11, 2) },
    { name: 'YYYYMMDDHHMM (local)', line: `a@x valid-after="202612021530" ${KEY.line}`, principals: ['a@x'], validAfter: new Date(2026, 11, 2, 15, 30) },
    {
      name: 'YYYYMMDDHHMMSS (local)',
      line: `a@x valid-after="20261202153045" ${KEY.line}`,
      principals: ['a@x'],
      validAfter: new Date(2026, 11, 2, 15, 30, 45),
    },
    { name: 'a leap day', line: `a@x valid-after="20280229Z" ${KEY.line}`, principals: ['a@x'], validAfter: utc('2028-02-29T00:00:00Z') },
  ];

  it.each(cases)('$name', ({ line, principals, namespaces = null, validAfter = null, validBefore = null }) => {
    const { signers, problems } = parseAllowedSigners(`${line}\n`, 'allowed_signers');
    expect(problems).toEqual([]);
    expect(signers).toHaveLength(1);
    const signer = signers[0]!;
    expect(signer).toMatchObject({ line: 1, principals, namespaces, validAfter, validBefore });
    expect(signer.publicKey.blob.equals(KEY.blob)).toBe(true);
  });
});

describe('parseAllowedSigners reports as a problem', () => {
  const cases: { name: string; line: string; problem: RegExp }[] = [
    { name: 'bad base64', line: 'a@x ssh-ed25519 AAAA!!!!', problem: /base64/ },
    { name: 'a truncated key', line: `a@x ssh-ed25519 ${KEY.base64.slice(0, 40)}`, problem: /truncated|base64/ },
    { name: 'an unknown option', line: `a@x no-touch-required ${KEY.line}`, problem: /unknown option "no-touch-required"/ },
    { name: 'an unknown option after a known one', line: `a@x namespaces="x",colour="red" ${KEY.line}`, problem: /unknown option "colour"/ },
    { name: 'a missing key', line: 'a@x', problem: /key is missing/ },
    { name: 'a missing key after options', line: 'a@x namespaces="wf-review"', problem: /key is missing after the options/ },
    { name: 'a key type without its key', line: 'a@x ssh-ed25519', problem: /missing/ },
    { name: 'cert-authority', line: `*@example.com cert-authority ${KEY.line}`, problem: /certificate authorities are not supported/ },
    { name: 'cert-authority in capitals', line: `*@example.com namespaces="x",CERT-AUTHORITY ${KEY.line}`, problem: /certificate authorities are not supported/ },
    { name: 'an RSA key', line: 'a@x ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ comment', problem: /"ssh-rsa" keys are not supported/ },
    { name: 'an ECDSA key', line: 'a@x ecdsa-sha2-nistp256 AAAAE2VjZHNh', problem: /"ecdsa-sha2-nistp256" keys are not supported/ },
    { name: 'a key of another type under the ed25519 name', line: 'a@x ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAAAAQE=', problem: /ssh-rsa/ },
    { name: 'an unquoted value', line: `a@x namespaces=wf-review ${KEY.line}`, problem: /double quotes/ },
    { name: 'an unterminated quote in the options', line: `a@x namespaces="wf-review ${KEY.line}`, problem: /unterminated quote|closing quote/ },
    { name: 'an unterminated quoted principal', line: `"a@x ${KEY.line}`, problem: /closing quote/ },
    { name: 'namespaces twice', line: `a@x namespaces="a",namespaces="b" ${KEY.line}`, problem: /twice/ },
    { name: 'valid-after twice', line: `a@x valid-after="20260101Z",valid-after="20260102Z" ${KEY.line}`, problem: /twice/ },
    { name: 'a month 13', line: `a@x valid-after="20261301Z" ${KEY.line}`, problem: /valid-after="20261301Z" is not a time/ },
    { name: 'a 31 February', line: `a@x valid-after="20260231Z" ${KEY.line}`, problem: /not a time/ },
    { name: 'a time of the wrong length', line: `a@x valid-before="2026010112Z" ${KEY.line}`, problem: /not a time/ },
    { name: 'a time with letters', line: `a@x valid-before="2026O101Z" ${KEY.line}`, problem: /not a time/ },
    { name: 'an ISO time', line: `a@x valid-before="2026-01-01" ${KEY.line}`, problem: /not a time/ },
    { name: 'hour 24', line: `a@x valid-before="202601012400Z" ${KEY.line}`, problem: /not a time/ },
    { name: 'valid-before not after valid-after', line: `a@x valid-after="20260102Z",valid-before="20260101Z" ${KEY.line}`, problem: /not after/ },
    { name: 'a trailing comma in the options', line: `a@x namespaces="a", ${KEY.line}`, problem: /end with a comma/ },
    { name: 'text glued to a quoted principal', line: `"a b@x",c@y ${KEY.line}`, problem: /unknown option ",c@y"/ },
  ];

  it.each(cases)('$name', ({ line, problem }) => {
    const { signers, problems } = parseAllowedSigners(`${line}\n`, 'repo/.wf/allowed_signers');
    expect(signers).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBe(1);
    expect(problems[0]!.message).toMatch(/^repo\/\.wf\/allowed_signers:1: /);
    expect(problems[0]!.message).toMatch(problem);
  });
});

describe('parseAllowedSigners over a whole file', () => {
  it('skips comments and blank lines, numbers problems by line, and keeps the good lines', () => {
    const text = [
      '# wf allowed signers',
      '',
      `alice@example.com ${KEY.line} alice`,
      '   # indented comment',
      `bob@example.com bogus-option ${OTHER.line}`,
      '\t',
      `ci@example.com namespaces="wf-review" ${OTHER.line}`,
      `*@example.com cert-authority ${KEY.line}`,
      '',
    ].join('\n');
    const { signers, problems } = parseAllowedSigners(text, 'allowed_signers');
    expect(signers.map((s) => [s.line, s.principals])).toEqual([
      [3, ['alice@example.com']],
      [7, ['ci@example.com']],
    ]);
    expect(problems.map((p) => p.line)).toEqual([5, 8]);
    expect(problems[1]!.message).toMatch(/certificate authorities are not supported/);
  });

  it('handles a UTF-8 BOM and CRLF line endings', () => {
    const text = `\uFEFFalice@example.com ${KEY.line}\r\n# c\r\nbob@example.com namespaces="wf-review" ${OTHER.line}\r\n`;
    const { signers, problems } = parseAllowedSigners(text, 'allowed_signers');
    expect(problems).toEqual([]);
    expect(signers.map((s) => s.principals[0])).toEqual(['alice@example.com', 'bob@example.com']);
    expect(signers[1]!.namespaces).toEqual(['wf-review']);
    expect(signers[0]!.line).toBe(1);
    expect(signers[1]!.line).toBe(3);
  });

  it('reads an empty file as no signers and no problems', () => {
    expect(parseAllowedSigners('', 'f')).toEqual({ signers: [], problems: [] });
    expect(parseAllowedSigners('\uFEFF\n\n# nothing\n', 'f')).toEqual({ signers: [], problems: [] });
  });
});

describe('matchPrincipalPattern', () => {
  it.each([
    ['*', 'anyone@x', true],
    ['a@x', 'a@x', true],
    ['a@x', 'A@x', false],
    ['a@x', 'a@xx', false],
    ['?@x', 'a@x', true],
    ['?@x', 'ab@x', false],
    ['*@example.com', 'a@example.com', true],
    ['*@example.com', 'a@example.com.evil', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['a@x,b@x', 'b@x', true],
    ['*@example.com,!evil@example.com', 'evil@example.com', false],
    ['!evil@example.com,*@example.com', 'evil@example.com', false],
    ['*@example.com,!evil@example.com', 'good@example.com', true],
    ['!evil@example.com', 'good@example.com', false],
    ['', '', false],
    ['a,', '', false],
    ['a,,b', '', true],
    ['**', '', true],
    ['*a', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', false],
  ])('%j against %j is %s', (patterns, name, expected) => {
    expect(matchPrincipalPattern(patterns, name)).toBe(expected);
  });

  it('stays fast on a hostile pattern', () => {
    const started = Date.now();
    expect(matchPrincipalPattern('*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(500))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('findAllowedSigner', () => {
  const signer = (line: number, fields: Partial<AllowedSigner>): AllowedSigner => ({
    line,
    principals: ['a@x'],
    namespaces: null,
    validAfter: null,
    validBefore: null,
    publicKey: KEY,
    ...fields,
  });
  const at = utc('2026-06-01T00:00:00Z');

  it('finds a listed key and gives its principals', () => {
    const result = findAllowedSigner([signer(1, { publicKey: OTHER }), signer(2, { principals: ['a@x', 'b@x'] })], KEY, SSHSIG_NAMESPACE, at);
    expect(result).toMatchObject({ ok: true, principals: ['a@x', 'b@x'], signer: { line: 2 } });
  });

  it('refuses a key that is not listed', () => {
    expect(findAllowedSigner([signer(1, { publicKey: OTHER })], KEY, SSHSIG_NAMESPACE, at)).toMatchObject({
      ok: false,
      reason: 'signer-not-allowed',
      message: expect.stringContaining(KEY.fingerprint),
    });
    expect(findAllowedSigner([], KEY, SSHSIG_NAMESPACE, at)).toMatchObject({ ok: false, reason: 'signer-not-allowed' });
  });

  it('allows any namespace when the line names none, and matches namespace patterns', () => {
    expect(findAllowedSigner([signer(1, {})], KEY, 'anything', at).ok).toBe(true);
    expect(findAllowedSigner([signer(1, { namespaces: ['wf-*'] })], KEY, SSHSIG_NAMESPACE, at).ok).toBe(true);
    expect(findAllowedSigner([signer(1, { namespaces: ['git'] })], KEY, SSHSIG_NAMESPACE, at)).toMatchObject({
      ok: false,
      reason: 'namespace-not-allowed',
      message: expect.stringContaining('"git"'),
    });
  });

  it('checks the validity window, both ends inclusive like ssh-keygen, in whole seconds', () => {
    const window = signer(1, { validAfter: utc('2026-01-01T00:00:00Z'), validBefore: utc('2026-12-31T00:00:00Z') });
    const check = (time: string) => findAllowedSigner([window], KEY, SSHSIG_NAMESPACE, utc(time));
    expect(check('2025-12-31T23:59:59.999Z')).toMatchObject({ ok: false, reason: 'key-not-yet-valid' });
    expect(check('2026-01-01T00:00:00Z').ok).toBe(true);
    expect(check('2026-12-31T00:00:00.999Z').ok).toBe(true);
    expect(check('2026-12-31T00:00:01Z')).toMatchObject({ ok: false, reason: 'key-expired' });
  });

  it('lets any one line that allows the key win', () => {
    const lines = [
      signer(1, { validBefore: utc('2026-01-01T00:00:00Z') }),
      signer(2, { namespaces: ['git'] }),
      signer(3, { principals: ['new@x'], validAfter: utc('2026-05-01T00:00:00Z') }),
    ];
    expect(findAllowedSigner(lines, KEY, SSHSIG_NAMESPACE, at)).toMatchObject({ ok: true, signer: { line: 3 }, principals: ['new@x'] });
  });

  it('reports the most specific reason when no line allows the key', () => {
    const expired = signer(1, { validBefore: utc('2026-01-01T00:00:00Z') });
    const otherNamespace = signer(2, { namespaces: ['git'] });
    const notYet = signer(3, { validAfter: utc('2027-01-01T00:00:00Z') });
    const otherKey = signer(4, { publicKey: OTHER });
    expect(findAllowedSigner([otherKey, otherNamespace, expired], KEY, SSHSIG_NAMESPACE, at)).toMatchObject({ reason: 'key-expired' });
    expect(findAllowedSigner([expired, otherNamespace], KEY, SSHSIG_NAMESPACE, at)).toMatchObject({ reason: 'key-expired' });
    expect(findAllowedSigner([otherNamespace, notYet], KEY, SSHSIG_NAMESPACE, at)).toMatchObject({ reason: 'key-not-yet-valid' });
    expect(findAllowedSigner([otherKey, otherNamespace], KEY, SSHSIG_NAMESPACE, at)).toMatchObject({ reason: 'namespace-not-allowed' });
  });
});

describe('renderAllowedSignerLine', () => {
  it('writes the line wf attest keygen prints', () => {
    const line = renderAllowedSignerLine({
      principal: 'wf-ci@example',
      publicKey: KEY,
      namespaces: [SSHSIG_NAMESPACE],
      validAfter: utc('2026-12-02T00:00:00Z'),
      comment: 'wf ci key',
    });
    expect(line).toBe(`wf-ci@example namespaces="wf-review",valid-after="20261202Z" ${KEY.line} wf ci key`);
  });

  it('writes the shortest exact time and no options when there are none', () => {
    expect(renderAllowedSignerLine({ principal: 'a@x', publicKey: KEY, namespaces: null })).toBe(`a@x ${KEY.line}`);
    expect(
      renderAllowedSignerLine({
        principal: 'a@x',
        publicKey: KEY,
        namespaces: [],
        validAfter: utc('2026-12-02T15:30:00Z'),
        validBefore: utc('2027-12-02T15:30:45Z'),
      }),
    ).toBe(`a@x valid-after="202612021530Z",valid-before="20271202153045Z" ${KEY.line}`);
  });

  it('reads back as it was given', () => {
    const input = {
      principal: 'ci bot@example.com',
      publicKey: KEY,
      namespaces: ['wf-review', 'git'],
      validAfter: utc('2026-12-02T00:00:00Z'),
      validBefore: utc('2027-01-01T12:00:00Z'),
    };
    const { signers, problems } = parseAllowedSigners(renderAllowedSignerLine(input), 'f');
    expect(problems).toEqual([]);
    expect(signers[0]).toMatchObject({
      principals: ['ci bot@example.com'],
      namespaces: ['wf-review', 'git'],
      validAfter: input.validAfter,
      validBefore: input.validBefore,
    });
    expect(signers[0]!.publicKey.blob.equals(KEY.blob)).toBe(true);
  });

  it.each([
    ['an empty principal', { principal: '' }],
    ['a quote in the principal', { principal: 'a"b' }],
    ['a newline in the principal', { principal: 'a\nb' }],
    ['a comma in a namespace', { namespaces: ['a,b'] }],
    ['an empty namespace', { namespaces: [''] }],
    ['a window that ends before it starts', { validAfter: utc('2027-01-01T00:00:00Z'), validBefore: utc('2026-01-01T00:00:00Z') }],
    ['an invalid date', { validAfter: new Date('nope') }],
    ['a newline in the comment', { comment: 'a\nb' }],
  ])('refuses %s', (_name, fields) => {
    let error: unknown;
    try {
      renderAllowedSignerLine({ principal: 'a@x', publicKey: KEY, namespaces: null, ...fields });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WfError);
    expect((error as WfError).exitCode).toBe(ExitCode.Usage);
  });
});

describe('agreement with ssh-keygen -Y verify', () => {
  let dir: string;
  let key: SshPublicKey;
  let sig: string;
  const message = Buffer.from('attested review\n');
  const path = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wf-allowed-signers-'));
    mustKeygen(['-q', '-t', 'ed25519', '-N', '', '-C', 'k', '-f', path('key')]);
    writeFileSync(path('msg'), message);
    mustKeygen(['-Y', 'sign', '-f', path('key'), '-n', SSHSIG_NAMESPACE, path('msg')]);
    key = parsePublicKey(readFileSync(path('key.pub'), 'utf8'));
    sig = path('msg.sig');
    // The key in the signature is the key we compare against, as wf's verifier will.
    expect(parseSshSignature(dearmorSignature(readFileSync(sig, 'utf8'))).publicKey.blob.equals(key.blob)).toBe(true);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** ssh-keygen's verdict for one allowed_signers text, principal and time (YYYYMMDDHHMMSS, read in UTC). */
  function sshKeygenAllows(text: string, principal: string, time: string, namespace = SSHSIG_NAMESPACE): boolean {
    writeFileSync(path('allowed_signers'), text);
    const args = ['-Y', 'verify', '-f', path('allowed_signers'), '-I', principal, '-n', namespace, '-s', sig, `-Overify-time=${time}`];
    return sshKeygen(args, message).status === 0;
  }

  /** wf's verdict for the same: the line parses, the principal matches, and findAllowedSigner allows the key. */
  function wfAllows(text: string, principal: string, time: string, namespace = SSHSIG_NAMESPACE): boolean {
    const { signers } = parseAllowedSigners(text, 'allowed_signers');
    const candidates = signers.filter((s) => matchPrincipalPattern(s.principals.join(','), principal));
    const at = new Date(`${time.slice(0, 4)}-${time.slice(4, 6)}-${time.slice(6, 8)}T${time.slice(8, 10)}:${time.slice(10, 12)}:${time.slice(12, 14)}Z`);
    return findAllowedSigner(candidates, key, namespace, at).ok;
  }

  const windows = [
    ['valid-after="20260101000000Z",valid-before="20260102000000Z"', ['20251231235959', '20260101000000', '20260101120000', '20260102000000', '20260102000001']],
    ['valid-after="202601011230Z",valid-before="202601011231Z"', ['20260101122959', '20260101123000', '20260101123059', '20260101123100', '20260101123101']],
    ['valid-after="20260101Z",valid-before="20260103Z"', ['20251231235959', '20260101000000', '20260102235959', '20260103000000', '20260103000001']],
    ['valid-after="20260101z"', ['20251231235959', '20260101000000', '20990101000000']],
    ['valid-before="20260101UTC"', ['20000101000000', '20260101000000', '20260101000001']],
    ['NAMESPACES="wf-review",Valid-Before="20260101Z"', ['20251231235959', '20260101000001']],
  ] as const;

  it.each(windows)('on validity: %s', (options, times) => {
    const text = `ci@example.com ${options} ${key.line}\n`;
    for (const time of times) {
      expect(wfAllows(text, 'ci@example.com', time), `${options} at ${time}`).toBe(sshKeygenAllows(text, 'ci@example.com', time));
    }
    // Both verdicts occur, so the agreement is not two tools refusing everything.
    const verdicts = new Set(times.map((time) => wfAllows(text, 'ci@example.com', time)));
    expect(verdicts.size).toBe(2);
  });

  it.each([
    ['namespaces="wf-review"', true],
    ['namespaces="git"', false],
    ['namespaces="git,wf-*"', true],
    ['namespaces="*,!wf-review"', false],
    ['namespaces=""', false],
  ])('on namespaces: %s', (options, expected) => {
    const text = `ci@example.com ${options} ${key.line}\n`;
    expect(sshKeygenAllows(text, 'ci@example.com', '20260601000000')).toBe(expected);
    expect(wfAllows(text, 'ci@example.com', '20260601000000')).toBe(expected);
  });

  it.each([
    ['*@example.com', 'ci@example.com', true],
    ['*@example.com,!ci@example.com', 'ci@example.com', false],
    ['?i@example.com', 'ci@example.com', true],
    ['"ci bot@example.com"', 'ci bot@example.com', true],
    ['other@example.com', 'ci@example.com', false],
    ['CI@example.com', 'ci@example.com', false],
  ])('on principals: %s for %s', (principals, name, expected) => {
    const text = `${principals} ${key.line}\n`;
    expect(sshKeygenAllows(text, name, '20260601000000')).toBe(expected);
    expect(wfAllows(text, name, '20260601000000')).toBe(expected);
  });

  it('refuses the lines wf reports as problems', () => {
    const lines = [
      `ci@example.com no-touch-required ${key.line}`,
      `ci@example.com namespaces=wf-review ${key.line}`,
      `ci@example.com namespaces="wf-review", ${key.line}`,
      `ci@example.com valid-after="20261301Z" ${key.line}`,
      `ci@example.com valid-after="2026010112Z" ${key.line}`,
      `ci@example.com valid-after="20260102Z",valid-before="20260101Z" ${key.line}`,
      `ci@example.com namespaces="a",namespaces="wf-review" ${key.line}`,
      `ci@example.com cert-authority ${key.line}`,
      `"ci@example.com",x@y ${key.line}`,
      `ci@example.com ssh-ed25519 ${key.base64.slice(0, -8)}`,
    ];
    for (const line of lines) {
      const { problems } = parseAllowedSigners(line, 'f');
      expect(problems, line).toHaveLength(1);
      expect(sshKeygenAllows(`${line}\n`, 'ci@example.com', '20260601000000'), line).toBe(false);
    }
  });

  it('accepts the lines renderAllowedSignerLine writes', () => {
    const line = renderAllowedSignerLine({
      principal: 'wf-ci@example.com',
      publicKey: key,
      namespaces: [SSHSIG_NAMESPACE],
      validAfter: utc('2026-12-02T00:00:00Z'),
      validBefore: utc('2027-12-02T15:30:45Z'),
      comment: 'wf attest keygen',
    });
    for (const time of ['20261201235959', '20261202000000', '20271202153045', '20271202153046']) {
      expect(wfAllows(line, 'wf-ci@example.com', time), time).toBe(sshKeygenAllows(`${line}\n`, 'wf-ci@example.com', time));
    }
    expect(sshKeygenAllows(`${line}\n`, 'wf-ci@example.com', '20270101000000')).toBe(true);
    const find = sshKeygen(['-Y', 'find-principals', '-s', sig, '-f', path('allowed_signers'), '-Overify-time=20270101000000']);
    expect(find.stdout.trim()).toBe('wf-ci@example.com');
  });
});
