import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, createHash, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SSHSIG_NAMESPACE,
  armorSignature,
  dearmorSignature,
  loadOpenSshPrivateKey,
  parsePublicKey,
  parseSshSignature,
  verifySshSignature,
} from '../../src/attestation/index.js';
import { ExitCode, WfError } from '../../src/errors/index.js';

// The real ssh-keygen on both sides: agreement with it is the whole point.
function sshKeygen(args: string[], input?: Buffer | string) {
  const result = spawnSync('ssh-keygen', args, { input, env: { ...process.env, TZ: 'UTC' } });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function mustKeygen(args: string[], input?: Buffer | string) {
  const result = sshKeygen(args, input);
  if (result.status !== 0) throw new Error(`ssh-keygen ${args.join(' ')} failed: ${result.stderr}`);
  return result;
}

function sshString(value: Buffer | string): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/** An SSHSIG blob assembled field by field, to reach shapes ssh-keygen never writes. */
function buildBlob(fields: {
  magic?: string;
  version?: number;
  key: Buffer;
  namespace?: string;
  reserved?: string;
  hash?: string;
  sigType?: string;
  sig: Buffer;
  trailing?: Buffer;
}): Buffer {
  return Buffer.concat([
    Buffer.from(fields.magic ?? 'SSHSIG'),
    uint32(fields.version ?? 1),
    sshString(fields.key),
    sshString(fields.namespace ?? SSHSIG_NAMESPACE),
    sshString(fields.reserved ?? ''),
    sshString(fields.hash ?? 'sha512'),
    sshString(Buffer.concat([sshString(fields.sigType ?? 'ssh-ed25519'), sshString(fields.sig)])),
    fields.trailing ?? Buffer.alloc(0),
  ]);
}

/** A small deterministic PRNG, so a failing mutation can be reproduced. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function flip(buf: Buffer, at: number, bits: number): void {
  buf.writeUInt8(buf.readUInt8(at) ^ bits, at);
}

function thrown(fn: () => unknown): WfError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WfError) return err;
    throw new Error(`expected a WfError, got ${String(err)}`);
  }
  throw new Error('expected a WfError, nothing was thrown');
}

let dir: string;
const path = (name: string) => join(dir, name);
const message = Buffer.from('review attestation for commit 0123456789abcdef\n');
const PRINCIPAL = 'wf-ci@example.com';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-sshsig-'));
  writeFileSync(path('msg'), message);
  mustKeygen(['-q', '-t', 'ed25519', '-N', '', '-C', 'wf-ci test key', '-f', path('key')]);
  mustKeygen(['-q', '-t', 'ed25519', '-N', '', '-C', 'another', '-f', path('other')]);
  mustKeygen(['-q', '-t', 'ecdsa', '-N', '', '-f', path('ecdsa')]);
  mustKeygen(['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', path('rsa')]);
  mustKeygen(['-q', '-t', 'ed25519', '-N', 'secret', '-f', path('encrypted')]);
  mustKeygen(['-Y', 'sign', '-f', path('key'), '-n', SSHSIG_NAMESPACE, path('msg')]);
  writeFileSync(path('allowed_signers'), `${PRINCIPAL} ${readFileSync(path('key.pub'), 'utf8')}`);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const keyText = () => readFileSync(path('key'), 'utf8');
const sshKeygenSig = () => readFileSync(path('msg.sig'), 'utf8');

describe('signatures made by ssh-keygen', () => {
  it('verify, and parse as ssh-keygen wrote them', () => {
    const blob = dearmorSignature(sshKeygenSig());
    const verdict = verifySshSignature(blob, message, SSHSIG_NAMESPACE);
    expect(verdict).toMatchObject({ ok: true });
    const pub = readFileSync(path('key.pub'), 'utf8').split(' ');
    if (verdict.ok) expect(verdict.publicKey.line).toBe(`${pub[0]} ${pub[1]}`);

    const parsed = parseSshSignature(blob);
    expect(parsed.namespace).toBe(SSHSIG_NAMESPACE);
    expect(parsed.hashAlgorithm).toBe('sha512');
    expect(parsed.signatureType).toBe('ssh-ed25519');
    expect(parsed.signature).toHaveLength(64);
    expect(parsed.publicKey.blob.equals(parsePublicKey(readFileSync(path('key.pub'), 'utf8')).blob)).toBe(true);
  });

  it('dearmor and armor back to the same bytes', () => {
    expect(armorSignature(dearmorSignature(sshKeygenSig()))).toBe(sshKeygenSig());
  });

  it('dearmor with CRLF line endings and surrounding whitespace', () => {
    const crlf = `\n  ${sshKeygenSig().replace(/\n/g, '\r\n')}  \n`;
    expect(dearmorSignature(crlf).equals(dearmorSignature(sshKeygenSig()))).toBe(true);
  });

  it('verify with sha256 as well as sha512 (ssh-keygen reads both)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const keyBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(raw)]);
    const signed = Buffer.concat([
      Buffer.from('SSHSIG'),
      sshString(SSHSIG_NAMESPACE),
      sshString(''),
      sshString('sha256'),
      sshString(createHash('sha256').update(message).digest()),
    ]);
    const blob = buildBlob({ key: keyBlob, hash: 'sha256', sig: cryptoSign(null, signed, privateKey) });
    expect(verifySshSignature(blob, message, SSHSIG_NAMESPACE).ok).toBe(true);
    writeFileSync(path('sha256.sig'), armorSignature(blob));
    expect(sshKeygen(['-Y', 'check-novalidate', '-n', SSHSIG_NAMESPACE, '-s', path('sha256.sig')], message).status).toBe(0);
    expect(verifySshSignature(blob, Buffer.from('other'), SSHSIG_NAMESPACE).ok).toBe(false);
  });
});

describe('signatures made by wf', () => {
  it('are what ssh-keygen -Y sign writes, byte for byte (Ed25519 is deterministic)', () => {
    const signer = loadOpenSshPrivateKey(keyText(), path('key'));
    expect(armorSignature(signer.sign(message, SSHSIG_NAMESPACE))).toBe(sshKeygenSig());
  });

  it('pass ssh-keygen -Y verify, check-novalidate and find-principals', () => {
    const signer = loadOpenSshPrivateKey(keyText(), path('key'));
    const other = Buffer.from('a different message, signed by wf\n');
    writeFileSync(path('ours.sig'), armorSignature(signer.sign(other, SSHSIG_NAMESPACE)));
    const sig = path('ours.sig');
    const verify = sshKeygen(['-Y', 'verify', '-f', path('allowed_signers'), '-I', PRINCIPAL, '-n', SSHSIG_NAMESPACE, '-s', sig], other);
    expect(verify.status, verify.stderr).toBe(0);
    expect(sshKeygen(['-Y', 'check-novalidate', '-n', SSHSIG_NAMESPACE, '-s', sig], other).status).toBe(0);
    const find = sshKeygen(['-Y', 'find-principals', '-s', sig, '-f', path('allowed_signers')]);
    expect(find.status, find.stderr).toBe(0);
    expect(find.stdout.trim()).toBe(PRINCIPAL);
    // And ssh-keygen refuses it for another message or namespace, so the check above means something.
    expect(sshKeygen(['-Y', 'verify', '-f', path('allowed_signers'), '-I', PRINCIPAL, '-n', SSHSIG_NAMESPACE, '-s', sig], message).status).not.toBe(0);
    expect(sshKeygen(['-Y', 'verify', '-f', path('allowed_signers'), '-I', PRINCIPAL, '-n', 'git', '-s', sig], other).status).not.toBe(0);
  });

  it('verify with our own verifier', () => {
    const signer = loadOpenSshPrivateKey(keyText(), path('key'));
    const verdict = verifySshSignature(signer.sign(message, 'file'), message, 'file');
    expect(verdict).toMatchObject({ ok: true });
    if (verdict.ok) expect(verdict.publicKey.fingerprint).toBe(signer.publicKey.fingerprint);
  });

  it('refuse an empty namespace, as ssh-keygen does', () => {
    const signer = loadOpenSshPrivateKey(keyText(), path('key'));
    expect(thrown(() => signer.sign(message, '')).exitCode).toBe(ExitCode.Usage);
  });
});

describe('public keys', () => {
  it('have the fingerprint ssh-keygen -l prints', () => {
    const printed = mustKeygen(['-l', '-E', 'sha256', '-f', path('key.pub')]).stdout.split(' ')[1];
    expect(parsePublicKey(readFileSync(path('key.pub'), 'utf8')).fingerprint).toBe(printed);
    expect(loadOpenSshPrivateKey(keyText(), path('key')).publicKey.fingerprint).toBe(printed);
  });

  it('from the private key equal the .pub file', () => {
    const fromPub = parsePublicKey(readFileSync(path('key.pub'), 'utf8'));
    const signer = loadOpenSshPrivateKey(keyText(), path('key'));
    expect(signer.publicKey).toEqual(fromPub);
    expect(fromPub.line).toBe(readFileSync(path('key.pub'), 'utf8').split(' ').slice(0, 2).join(' '));
    expect(fromPub.type).toBe('ssh-ed25519');
  });

  it.each([
    ['an RSA key', () => readFileSync(path('rsa.pub'), 'utf8'), /ssh-rsa/],
    ['an ECDSA key', () => readFileSync(path('ecdsa.pub'), 'utf8'), /ecdsa-sha2-nistp256/],
    ['an empty line', () => '', /empty/],
    ['a missing key', () => 'ssh-ed25519', /missing/],
    ['bad base64', () => 'ssh-ed25519 AAAA*AAA', /base64/],
    ['a blob of another type under the ed25519 name', () => `ssh-ed25519 ${readFileSync(path('rsa.pub'), 'utf8').split(' ')[1]}`, /ssh-rsa/],
    ['a truncated blob', () => `ssh-ed25519 ${readFileSync(path('key.pub'), 'utf8').split(' ')[1]!.slice(0, 40)}`, /truncated|base64/],
    ['two lines', () => `${readFileSync(path('key.pub'), 'utf8')}${readFileSync(path('other.pub'), 'utf8')}`, /one line/],
  ])('refuse %s with a usage error', (_name, text, pattern) => {
    const err = thrown(() => parsePublicKey(text()));
    expect(err.exitCode).toBe(ExitCode.Usage);
    expect(err.message).toMatch(pattern);
    expect(err.hint).toBeTruthy();
  });
});

describe('loading the private key', () => {
  it('tolerates CRLF, surrounding whitespace and literal \\n escapes', () => {
    const expected = loadOpenSshPrivateKey(keyText(), 'key').publicKey.fingerprint;
    const variants = [
      keyText().replace(/\n/g, '\r\n'),
      `\n\n   ${keyText()}\n\t  \n`,
      keyText().trim().replace(/\n/g, '\\n'),
      keyText().trim().replace(/\n/g, '\\r\\n'),
      keyText().replace(/\n/g, '\n    '),
    ];
    for (const text of variants) expect(loadOpenSshPrivateKey(text, 'secret WF_SIGNING_KEY').publicKey.fingerprint).toBe(expected);
  });

  /** The key file's base64 and decoded body, to corrupt one field at a time. */
  function keyBody(): Buffer {
    const base64 = keyText().replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    return Buffer.from(base64, 'base64');
  }
  function rewrap(body: Buffer): string {
    const lines = body.toString('base64').match(/.{1,70}/g)!;
    return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
  }
  // openssh-key-v1: magic(15) "none"(8) "none"(8) ""(4) nkeys(4) pubblob(4+51) section length(4), then the section.
  const SECTION = 15 + 8 + 8 + 4 + 4 + 55 + 4;
  const PRIVATE_PK = SECTION + 8 + 15 + 4;
  const SEED = PRIVATE_PK + 32 + 4;

  /** No run of 12 characters of the key's base64 (or of its seed's) may reach a message. */
  function expectNoKeyMaterial(err: WfError, texts: string[]) {
    const said = [err.message, err.hint ?? '', err.where ?? '', String(err.cause ?? '')].join('\n');
    for (const text of texts) {
      for (let i = 0; i + 12 <= text.length; i += 4) expect(said).not.toContain(text.slice(i, i + 12));
    }
  }

  it('round-trips the test helpers (sanity check of the offsets below)', () => {
    const body = keyBody();
    expect(body.subarray(SEED + 32, SEED + 64).equals(body.subarray(PRIVATE_PK, PRIVATE_PK + 32))).toBe(true);
    expect(loadOpenSshPrivateKey(rewrap(body), 'k').publicKey.fingerprint).toBe(loadOpenSshPrivateKey(keyText(), 'k').publicKey.fingerprint);
  });

  it.each([
    ['check ints that differ', (b: Buffer) => { flip(b, SECTION, 1); }, /check ints/],
    ['a private-section public key that differs', (b: Buffer) => { flip(b, PRIVATE_PK, 1); }, /differs from the public key/],
    ['a seed that does not belong to the public key', (b: Buffer) => { flip(b, SEED, 1); }, /does not belong/],
    ['a corrupt magic', (b: Buffer) => { flip(b, 0, 1); }, /openssh-key-v1/],
    ['two keys', (b: Buffer) => { b.writeUInt32BE(2, 15 + 8 + 8 + 4); }, /2 keys/],
    ['a huge length', (b: Buffer) => { b.writeUInt32BE(0xffffffff, SECTION - 4); }, /truncated/],
    ['bad padding', (b: Buffer) => { flip(b, b.length - 1, 0x40); }, /padding/],
  ])('refuses %s (exit 3, no key material)', (_name, corrupt, pattern) => {
    const body = keyBody();
    corrupt(body);
    const err = thrown(() => loadOpenSshPrivateKey(rewrap(body), 'secret WF_SIGNING_KEY'));
    expect(err.exitCode).toBe(ExitCode.Environment);
    expect(err.message).toMatch(pattern);
    expect(err.where).toBe('secret WF_SIGNING_KEY');
    expectNoKeyMaterial(err, [rewrap(keyBody()).replace(/-----[A-Z ]+-----|\s/g, ''), keyBody().subarray(SEED, SEED + 32).toString('base64')]);
  });

  it('refuses a truncated key', () => {
    const text = keyText();
    for (const cut of [40, 100, 200, text.length - 40]) {
      const err = thrown(() => loadOpenSshPrivateKey(text.slice(0, cut), 'k'));
      expect(err.exitCode).toBe(ExitCode.Environment);
    }
    const body = keyBody();
    for (const length of [10, 50, SECTION, SEED + 10, body.length - 8]) {
      const err = thrown(() => loadOpenSshPrivateKey(rewrap(body.subarray(0, length)), 'k'));
      expect(err.exitCode).toBe(ExitCode.Environment);
    }
  });

  it('refuses garbage and the wrong kind of file', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['hello', /does not start/],
      [readFileSync(path('key.pub'), 'utf8'), /public key/],
      ['-----BEGIN OPENSSH PRIVATE KEY-----\n!!!!\n-----END OPENSSH PRIVATE KEY-----\n', /base64/],
      [`${keyText()}trailing`, /after/],
    ];
    for (const [text, pattern] of cases) {
      const err = thrown(() => loadOpenSshPrivateKey(text, 'k'));
      expect(err.exitCode).toBe(ExitCode.Environment);
      expect(err.message).toMatch(pattern);
    }
  });

  it('refuses an encrypted key, telling how to remove the passphrase, without key material', () => {
    const text = readFileSync(path('encrypted'), 'utf8');
    const err = thrown(() => loadOpenSshPrivateKey(text, path('encrypted')));
    expect(err.exitCode).toBe(ExitCode.Environment);
    expect(err.message).toMatch(/passphrase/);
    expect(err.message).toMatch(/unencrypted/);
    expect(err.hint).toContain("ssh-keygen -p -N ''");
    expectNoKeyMaterial(err, [text.replace(/-----[A-Z ]+-----|\s/g, '')]);
  });

  it('refuses an RSA or ECDSA key clearly', () => {
    for (const name of ['rsa', 'ecdsa']) {
      const text = readFileSync(path(name), 'utf8');
      const err = thrown(() => loadOpenSshPrivateKey(text, path(name)));
      expect(err.exitCode).toBe(ExitCode.Environment);
      expect(err.message).toMatch(name === 'rsa' ? /ssh-rsa key; wf signs with Ed25519 keys only/ : /ecdsa-sha2-nistp256 key/);
      expectNoKeyMaterial(err, [text.replace(/-----[A-Z ]+-----|\s/g, '')]);
    }
  });

  it('refuses a PEM RSA key clearly', () => {
    mustKeygen(['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', path('rsa-pem')]);
    const err = thrown(() => loadOpenSshPrivateKey(readFileSync(path('rsa-pem'), 'utf8'), 'k'));
    expect(err.exitCode).toBe(ExitCode.Environment);
    expect(err.message).toMatch(/PEM/);
  });

  it('does not expose the private key on the signer', () => {
    const signer = loadOpenSshPrivateKey(keyText(), 'k');
    const seed = keyBody().subarray(SEED, SEED + 32);
    const shown = JSON.stringify(signer) + String(Object.values(signer));
    expect(shown).not.toContain(seed.toString('base64'));
    expect(shown).not.toContain(seed.toString('base64url'));
    expect(shown).not.toContain(seed.toString('hex'));
  });
});

describe('verification refuses', () => {
  const good = () => dearmorSignature(sshKeygenSig());

  it('a tampered message', () => {
    const tampered = Buffer.from(message);
    flip(tampered, 0, 1);
    expect(verifySshSignature(good(), tampered, SSHSIG_NAMESPACE)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
    expect(verifySshSignature(good(), Buffer.concat([message, Buffer.from('x')]), SSHSIG_NAMESPACE).ok).toBe(false);
  });

  it('another namespace', () => {
    expect(verifySshSignature(good(), message, 'git')).toMatchObject({ ok: false, reason: expect.stringMatching(/namespace/) });
    writeFileSync(path('msg-git'), message);
    mustKeygen(['-Y', 'sign', '-f', path('key'), '-n', 'git', path('msg-git')]);
    const gitSig = dearmorSignature(readFileSync(path('msg-git.sig'), 'utf8'));
    expect(verifySshSignature(gitSig, message, SSHSIG_NAMESPACE).ok).toBe(false);
    expect(verifySshSignature(gitSig, message, 'git').ok).toBe(true);
  });

  it("another key's signature under this key", () => {
    const theirs = loadOpenSshPrivateKey(readFileSync(path('other'), 'utf8'), 'other');
    const ours = parsePublicKey(readFileSync(path('key.pub'), 'utf8'));
    const spliced = buildBlob({ key: ours.blob, sig: parseSshSignature(theirs.sign(message, SSHSIG_NAMESPACE)).signature });
    expect(verifySshSignature(spliced, message, SSHSIG_NAMESPACE)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
    expect(verifySshSignature(theirs.sign(message, SSHSIG_NAMESPACE), message, SSHSIG_NAMESPACE)).toMatchObject({
      ok: true,
      publicKey: { fingerprint: theirs.publicKey.fingerprint },
    });
  });

  it('a flipped bit at every position of the blob', () => {
    const blob = good();
    for (let i = 0; i < blob.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const flipped = Buffer.from(blob);
        flip(flipped, i, bit);
        expect(verifySshSignature(flipped, message, SSHSIG_NAMESPACE).ok, `byte ${i} bit ${bit}`).toBe(false);
      }
    }
  });

  it('every truncation of the blob', () => {
    const blob = good();
    for (let length = 0; length < blob.length; length++) {
      expect(verifySshSignature(blob.subarray(0, length), message, SSHSIG_NAMESPACE).ok).toBe(false);
      expect(thrown(() => parseSshSignature(blob.subarray(0, length))).exitCode).toBe(ExitCode.Usage);
    }
  });

  it('garbage', () => {
    for (const garbage of [Buffer.alloc(0), Buffer.from('SSHSIG'), Buffer.from('not a signature at all'), Buffer.alloc(300, 0xff)]) {
      expect(verifySshSignature(garbage, message, SSHSIG_NAMESPACE).ok).toBe(false);
    }
  });

  it('ECDSA and RSA signatures made by ssh-keygen, without throwing', () => {
    for (const name of ['ecdsa', 'rsa']) {
      writeFileSync(path(`msg-${name}`), message);
      mustKeygen(['-Y', 'sign', '-f', path(name), '-n', SSHSIG_NAMESPACE, path(`msg-${name}`)]);
      const blob = dearmorSignature(readFileSync(path(`msg-${name}.sig`), 'utf8'));
      const verdict = verifySshSignature(blob, message, SSHSIG_NAMESPACE);
      expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/only ssh-ed25519/) });
      expect(thrown(() => parseSshSignature(blob)).exitCode).toBe(ExitCode.Usage);
    }
  });

  it('malformed envelopes that parseSshSignature names', () => {
    const parsed = parseSshSignature(good());
    const base = { key: parsed.publicKey.blob, sig: parsed.signature };
    const cases: [string, Buffer, RegExp][] = [
      ['bad magic', buildBlob({ ...base, magic: 'SSHSIH' }), /SSHSIG/],
      ['version 2', buildBlob({ ...base, version: 2 }), /version 2/],
      ['version 0', buildBlob({ ...base, version: 0 }), /version 0/],
      ['trailing bytes', buildBlob({ ...base, trailing: Buffer.from([0]) }), /trailing/],
      ['sha1', buildBlob({ ...base, hash: 'sha1' }), /unknown hash algorithm "sha1"/],
      ['a NUL in the namespace', buildBlob({ ...base, namespace: 'wf-review\0x' }), /NUL/],
      ['a short key', buildBlob({ ...base, key: Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.alloc(31))]) }), /31 bytes/],
      ['trailing bytes in the key', buildBlob({ ...base, key: Buffer.concat([parsed.publicKey.blob, Buffer.from([1])]) }), /trailing/],
    ];
    for (const [name, blob, pattern] of cases) {
      expect(thrown(() => parseSshSignature(blob)).message, name).toMatch(pattern);
      expect(verifySshSignature(blob, message, SSHSIG_NAMESPACE).ok, name).toBe(false);
    }
  });

  it('a wrong signature type or length without throwing, and ignores the reserved field as OpenSSH does', () => {
    const parsed = parseSshSignature(good());
    const base = { key: parsed.publicKey.blob, sig: parsed.signature };
    expect(verifySshSignature(buildBlob({ ...base, sigType: 'ssh-rsa' }), message, SSHSIG_NAMESPACE)).toMatchObject({ ok: false, reason: expect.stringMatching(/ssh-rsa/) });
    expect(verifySshSignature(buildBlob({ ...base, sig: parsed.signature.subarray(0, 63) }), message, SSHSIG_NAMESPACE)).toMatchObject({ ok: false, reason: expect.stringMatching(/63 bytes/) });
    expect(verifySshSignature(buildBlob({ ...base, sig: Buffer.alloc(64) }), message, SSHSIG_NAMESPACE).ok).toBe(false);
    // PROTOCOL.sshsig: a non-empty reserved field is ignored, and signed data always carries an empty one.
    const reserved = buildBlob({ ...base, reserved: 'future' });
    expect(verifySshSignature(reserved, message, SSHSIG_NAMESPACE).ok).toBe(true);
    writeFileSync(path('reserved.sig'), armorSignature(reserved));
    expect(sshKeygen(['-Y', 'check-novalidate', '-n', SSHSIG_NAMESPACE, '-s', path('reserved.sig')], message).status).toBe(0);
  });

  it('2,000 random mutations without ever throwing', () => {
    const blob = good();
    const random = prng(20261202);
    const int = (n: number) => Math.floor(random() * n);
    for (let round = 0; round < 2000; round++) {
      let mutated = Buffer.from(blob);
      const edits = 1 + int(4);
      for (let e = 0; e < edits; e++) {
        const at = int(mutated.length + 1);
        switch (int(6)) {
          case 0:
            if (at < mutated.length) mutated[at] = int(256);
            break;
          case 1:
            mutated = Buffer.concat([mutated.subarray(0, at), Buffer.from([int(256)]), mutated.subarray(at)]);
            break;
          case 2:
            mutated = Buffer.concat([mutated.subarray(0, at), mutated.subarray(at + 1 + int(8))]);
            break;
          case 3:
            mutated = mutated.subarray(0, at);
            break;
          case 4:
            if (at + 4 <= mutated.length) mutated.writeUInt32BE([0, 1, 0x7fffffff, 0xffffffff, int(0x10000)][int(5)]!, at);
            break;
          default:
            mutated = Buffer.concat([mutated, Buffer.from(Array.from({ length: 1 + int(16) }, () => int(256)))]);
        }
      }
      const verdict = verifySshSignature(mutated, message, SSHSIG_NAMESPACE);
      if (!mutated.equals(blob)) expect(verdict.ok, mutated.toString('hex')).toBe(false);
    }
  });
});

describe('armor', () => {
  it('wraps at 70 columns with a trailing newline', () => {
    const text = armorSignature(Buffer.alloc(200, 7));
    const lines = text.split('\n');
    expect(lines[0]).toBe('-----BEGIN SSH SIGNATURE-----');
    expect(lines.slice(1, -2).every((line) => line.length <= 70)).toBe(true);
    expect(lines[1]).toHaveLength(70);
    expect(text.endsWith('\n-----END SSH SIGNATURE-----\n')).toBe(true);
    expect(dearmorSignature(text).equals(Buffer.alloc(200, 7))).toBe(true);
  });

  it.each([
    ['no BEGIN line', 'AAAA\n-----END SSH SIGNATURE-----\n'],
    ['no END line', '-----BEGIN SSH SIGNATURE-----\nAAAA\n'],
    ['bad base64', '-----BEGIN SSH SIGNATURE-----\nAA*A\n-----END SSH SIGNATURE-----\n'],
    ['non-canonical base64', '-----BEGIN SSH SIGNATURE-----\nAB==\n-----END SSH SIGNATURE-----\n'],
    ['an empty body', '-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n'],
    ['text after the END line', '-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\nmore'],
    ['another armor', '-----BEGIN PGP SIGNATURE-----\nAAAA\n-----END PGP SIGNATURE-----\n'],
  ])('refuses %s with a usage error', (_name, text) => {
    const err = thrown(() => dearmorSignature(text));
    expect(err.exitCode).toBe(ExitCode.Usage);
    expect(err.hint).toBeTruthy();
  });
});
