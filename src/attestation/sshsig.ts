/**
 * SSH signatures (OpenSSH's PROTOCOL.sshsig) with Ed25519 keys, in process.
 *
 * wf signs and verifies review attestations without spawning ssh-keygen, so CI
 * needs no OpenSSH install and no key file on disk; the blobs are the ones
 * `ssh-keygen -Y sign` writes and `ssh-keygen -Y verify` reads, so either side
 * may be replaced by ssh-keygen at any time.
 *
 * Everything read here may be hostile (a signature travels inside a commit, a
 * key inside a CI secret), so every length is checked before it is used and a
 * malformed input is a WfError, never a RangeError.
 */
import { Buffer } from 'node:buffer';
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { environmentError, usageError, WfError } from '../errors/index.js';

/** The namespace wf signs review attestations in; a signature made for another purpose (git commits, files) does not count. */
export const SSHSIG_NAMESPACE = 'wf-review';

export interface SshPublicKey {
  type: 'ssh-ed25519';
  /** SSH wire format: string("ssh-ed25519") + string(32-byte key). */
  blob: Buffer;
  base64: string;
  /** "ssh-ed25519 AAAA…", without a comment. */
  line: string;
  /** "SHA256:<unpadded base64>", as `ssh-keygen -l -E sha256` prints it. */
  fingerprint: string;
}

export interface Ed25519Signer {
  publicKey: SshPublicKey;
  /** The binary SSHSIG blob (armor it with armorSignature for a .sig file). */
  sign(message: Buffer, namespace: string): Buffer;
}

export interface ParsedSshSignature {
  publicKey: SshPublicKey;
  namespace: string;
  hashAlgorithm: 'sha256' | 'sha512';
  signatureType: string;
  signature: Buffer;
}

export type SshSignatureVerdict = { ok: true; publicKey: SshPublicKey } | { ok: false; reason: string };

const KEY_TYPE = 'ssh-ed25519';
const SIG_MAGIC = Buffer.from('SSHSIG', 'latin1');
const SIG_VERSION = 1;
// What `ssh-keygen -Y sign` uses; sha256 is only ever verified.
const SIGN_HASH = 'sha512';
const KEY_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
// The block size of the "none" cipher: an unencrypted private section is padded to it.
const PLAIN_BLOCK_SIZE = 8;
const ARMOR_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const ARMOR_END = '-----END SSH SIGNATURE-----';
// sshbuf_dtob64 wraps at 70 columns; matching it keeps our .sig files byte-identical to ssh-keygen's.
const ARMOR_WIDTH = 70;
const KEY_BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const KEY_END = '-----END OPENSSH PRIVATE KEY-----';
const NEW_KEY_HINT = "make an unencrypted Ed25519 key: ssh-keygen -t ed25519 -N '' -C wf-ci -f <file>";

/**
 * A bounds-checked reader over SSH wire data (RFC 4251 uint32 and string).
 * `fail` decides which WfError a short or malformed field becomes, so the same
 * reader serves the private key (an environment problem) and a signature
 * (bad input).
 */
class WireReader {
  private offset = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly fail: (message: string) => never,
  ) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  bytes(length: number, field: string): Buffer {
    if (length > this.remaining) this.fail(`${field} is truncated (needs ${length} bytes, ${this.remaining} left)`);
    const out = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  uint32(field: string): number {
    return this.bytes(4, field).readUInt32BE(0);
  }

  string(field: string): Buffer {
    return this.bytes(this.uint32(`the length of ${field}`), field);
  }

  /** A string that must be text: UTF-8 without NUL, as OpenSSH's sshbuf_get_cstring insists. */
  text(field: string): string {
    const raw = this.string(field);
    if (raw.includes(0)) this.fail(`${field} contains a NUL byte`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return this.fail(`${field} is not valid UTF-8`);
    }
  }

  end(what: string): void {
    if (this.remaining !== 0) this.fail(`${what} has ${this.remaining} unexpected trailing bytes`);
  }
}

function sshString(value: Buffer | string): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  return Buffer.concat([length, body]);
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value, 0);
  return out;
}

/**
 * Node's base64 decoder skips characters it does not know, which would let a
 * typo'd key decode to different bytes; this one refuses anything that is not
 * canonical base64 (padding optional, as OpenSSH's decoder allows).
 */
function decodeBase64Strict(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return null;
  if (text.length !== unpadded.length && text.length % 4 !== 0) return null;
  const out = Buffer.from(unpadded, 'base64');
  // Non-zero bits in the last character's unused low bits mean the text is not what we would encode.
  if (out.toString('base64').replace(/=+$/, '') !== unpadded) return null;
  return out;
}

function publicKeyFromRaw(raw: Buffer): SshPublicKey {
  const blob = Buffer.concat([sshString(KEY_TYPE), sshString(raw)]);
  const base64 = blob.toString('base64');
  return {
    type: KEY_TYPE,
    blob,
    base64,
    line: `${KEY_TYPE} ${base64}`,
    fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
  };
}

/** The 32 raw key bytes inside a public key blob; `fail` says what a wrong type or size is. */
function rawFromBlob(blob: Buffer, fail: (message: string) => never, what: string): Buffer {
  const reader = new WireReader(blob, fail);
  const type = reader.text(`the key type of ${what}`);
  if (type !== KEY_TYPE) fail(`${what} is an ${type} key; only ${KEY_TYPE} is supported`);
  const raw = reader.string(`the Ed25519 key of ${what}`);
  if (raw.length !== 32) fail(`the Ed25519 key of ${what} is ${raw.length} bytes, not 32`);
  reader.end(what);
  return raw;
}

function base64url(raw: Buffer): string {
  return raw.toString('base64url');
}

function ed25519PublicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url(raw) }, format: 'jwk' });
}

/** A line like "ssh-ed25519 AAAA… comment" (an id_ed25519.pub file). */
export function parsePublicKey(text: string): SshPublicKey {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const fail = (message: string): never => {
    throw usageError(`not a usable SSH public key: ${message}`, {
      hint: 'give one line of an Ed25519 .pub file, "ssh-ed25519 AAAA… comment" (ssh-keygen -y -f <private key> prints it)',
    });
  };
  if (trimmed === '') fail('the text is empty');
  if (/[\r\n]/.test(trimmed)) fail('expected one line, got several');
  const [type = '', base64 = ''] = trimmed.split(/[ \t]+/);
  if (type !== KEY_TYPE) fail(`"${type.slice(0, 40)}" keys are not supported; only ${KEY_TYPE} is`);
  if (base64 === '') fail('the base64 key after "ssh-ed25519" is missing');
  const blob = decodeBase64Strict(base64);
  if (blob === null) fail('the key is not valid base64');
  return publicKeyFromRaw(rawFromBlob(blob!, fail, 'the key'));
}

/**
 * The data an SSHSIG signature covers. The reserved field is always empty
 * here, whatever a blob carries, exactly as OpenSSH computes it.
 */
function signedData(namespace: string, hashAlgorithm: 'sha256' | 'sha512', message: Buffer): Buffer {
  return Buffer.concat([
    SIG_MAGIC,
    sshString(namespace),
    sshString(''),
    sshString(hashAlgorithm),
    sshString(createHash(hashAlgorithm).update(message).digest()),
  ]);
}

/**
 * CI secrets arrive in every shape: CRLF from a Windows editor, indentation
 * from YAML, or the whole key on one line with literal "\n" escapes. None of
 * these characters can occur in base64, so normalising them is safe.
 */
function privateKeyBody(text: string, where: string): Buffer {
  const normalized = text
    .replace(/^\uFEFF/, '')
    .replace(/\\r\\n|\\n|\\r/g, '\n')
    .replace(/\r\n?/g, '\n')
    .trim();
  const fail = (message: string, hint = NEW_KEY_HINT): never => {
    throw environmentError(message, { where, hint });
  };
  if (!normalized.startsWith(KEY_BEGIN)) {
    if (normalized === '') fail('the signing key is empty');
    if (/^-----BEGIN (RSA|EC|DSA|ENCRYPTED)? ?PRIVATE KEY-----/.test(normalized)) {
      fail('the signing key is a PEM/PKCS#8 key, not an OpenSSH Ed25519 key');
    }
    if (/^(ssh-|ecdsa-|sk-)/.test(normalized)) {
      fail('the signing key is a public key; wf needs the private key', 'give the private key file, the one without .pub');
    }
    fail(`the signing key does not start with "${KEY_BEGIN}"`);
  }
  const end = normalized.indexOf(KEY_END);
  if (end < 0) fail(`the signing key is truncated: "${KEY_END}" is missing`);
  if (normalized.slice(end + KEY_END.length).trim() !== '') fail(`the signing key has text after "${KEY_END}"`);
  const base64 = normalized.slice(KEY_BEGIN.length, end).replace(/\s+/g, '');
  const body = decodeBase64Strict(base64);
  if (body === null || body.length === 0) fail('the signing key is not valid base64 between its BEGIN and END lines');
  return body!;
}

/** An unencrypted openssh-key-v1 Ed25519 private key, as `ssh-keygen -t ed25519 -N ''` writes it. */
export function loadOpenSshPrivateKey(text: string, where: string): Ed25519Signer {
  const body = privateKeyBody(text, where);
  const fail = (message: string, hint = NEW_KEY_HINT): never => {
    throw environmentError(`the signing key is not a usable OpenSSH Ed25519 key: ${message}`, { where, hint });
  };
  const reader = new WireReader(body, (message) => fail(`malformed key (${message})`));
  try {
    if (!reader.bytes(KEY_MAGIC.length, 'the openssh-key-v1 header').equals(KEY_MAGIC)) {
      fail('it does not begin with "openssh-key-v1"');
    }
    const cipher = reader.text('the cipher name');
    const kdf = reader.text('the KDF name');
    const kdfOptions = reader.string('the KDF options');
    if (cipher !== 'none') {
      // The passphrase check comes first: it is the one mistake people make, and it has a one-line fix.
      throw environmentError('the signing key is protected by a passphrase; CI signing keys must be unencrypted', {
        where,
        hint: "remove the passphrase from a copy of the key and store that copy: ssh-keygen -p -N '' -f <file>",
      });
    }
    if (kdf !== 'none' || kdfOptions.length !== 0) fail(`cipher "none" with KDF "${kdf.slice(0, 40)}"`);
    const count = reader.uint32('the number of keys');
    if (count !== 1) fail(`the file holds ${count} keys; wf needs exactly one`);
    const publicBlob = reader.string('the public key');
    const publicType = new WireReader(publicBlob, (message) => fail(`malformed public key (${message})`)).text('its type');
    if (publicType !== KEY_TYPE) {
      fail(`it is an ${publicType.slice(0, 60)} key; wf signs with Ed25519 keys only`);
    }
    const pk = rawFromBlob(publicBlob, (message) => fail(`malformed public key (${message})`), 'the public key');
    const section = reader.string('the private section');
    reader.end('the key');
    if (section.length % PLAIN_BLOCK_SIZE !== 0) fail(`the private section is not padded to ${PLAIN_BLOCK_SIZE} bytes`);

    const priv = new WireReader(section, (message) => fail(`malformed private section (${message})`));
    try {
      // Equal check ints are how OpenSSH tells a right passphrase from a wrong one; unencrypted, they catch corruption.
      if (priv.uint32('the first check int') !== priv.uint32('the second check int')) {
        fail('its check ints differ (the file is corrupt)');
      }
      // Nothing read from here on is echoed into a message: a corrupt file could put key bytes anywhere.
      if (priv.text('the private key type') !== KEY_TYPE) fail('the private section holds another key type than the public key');
      const pkAgain = priv.string('the private section public key');
      if (!pkAgain.equals(pk)) fail('the public key in the private section differs from the public key blob');
      const sk = priv.string('the Ed25519 private key');
      if (sk.length !== 64) fail(`the Ed25519 private key is ${sk.length} bytes, not 64`);
      if (!sk.subarray(32).equals(pk)) fail('the private key does not end with its public key');
      priv.string('the comment');
      const padding = priv.bytes(priv.remaining, 'the padding');
      padding.forEach((byte, i) => {
        if (byte !== ((i + 1) & 0xff)) fail('its padding is not 1, 2, 3, …');
      });

      const keyObject = createPrivateKey({
        key: { kty: 'OKP', crv: 'Ed25519', d: base64url(sk.subarray(0, 32)), x: base64url(pk) },
        format: 'jwk',
      });
      // Node derives the public half from d and ignores x, so a seed that does not match pk would sign unverifiably.
      const derived = createPublicKey(keyObject).export({ format: 'jwk' }).x;
      if (derived !== base64url(pk)) fail('the private key does not belong to its public key');

      const publicKey = publicKeyFromRaw(pk);
      return {
        publicKey,
        sign(message: Buffer, namespace: string): Buffer {
          if (namespace === '' || namespace.includes('\0')) {
            throw usageError('an SSH signature needs a non-empty namespace without NUL bytes', { hint: `sign in "${SSHSIG_NAMESPACE}"` });
          }
          const signature = cryptoSign(null, signedData(namespace, SIGN_HASH, message), keyObject);
          return Buffer.concat([
            SIG_MAGIC,
            uint32(SIG_VERSION),
            sshString(publicKey.blob),
            sshString(namespace),
            sshString(''),
            sshString(SIGN_HASH),
            sshString(Buffer.concat([sshString(KEY_TYPE), sshString(signature)])),
          ]);
        },
      };
    } finally {
      // The KeyObject holds its own copy; don't leave the seed lying in a buffer the GC may keep for a while.
      section.fill(0);
    }
  } finally {
    body.fill(0);
  }
}

/** The armored form `ssh-keygen -Y sign` writes to a .sig file, byte for byte. */
export function armorSignature(blob: Buffer): string {
  const base64 = blob.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += ARMOR_WIDTH) lines.push(base64.slice(i, i + ARMOR_WIDTH));
  return `${ARMOR_BEGIN}\n${lines.join('\n')}\n${ARMOR_END}\n`;
}

export function dearmorSignature(text: string): Buffer {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trim();
  const fail = (message: string): never => {
    throw usageError(`not an armored SSH signature: ${message}`, {
      hint: `give the text of a .sig file, from "${ARMOR_BEGIN}" to "${ARMOR_END}"`,
    });
  };
  if (!normalized.startsWith(ARMOR_BEGIN)) fail(`it does not start with "${ARMOR_BEGIN}"`);
  const end = normalized.indexOf(ARMOR_END);
  if (end < 0) fail(`"${ARMOR_END}" is missing`);
  if (normalized.slice(end + ARMOR_END.length).trim() !== '') fail(`there is text after "${ARMOR_END}"`);
  const blob = decodeBase64Strict(normalized.slice(ARMOR_BEGIN.length, end).replace(/\s+/g, ''));
  if (blob === null) fail('the text between the BEGIN and END lines is not valid base64');
  if (blob!.length === 0) fail('there is nothing between the BEGIN and END lines');
  return blob!;
}

/** The parsed blob and the raw key bytes verification needs, so they are not dug out of the blob twice. */
function parseSignatureBlob(blob: Buffer): ParsedSshSignature & { rawKey: Buffer } {
  const fail = (message: string): never => {
    throw usageError(`malformed SSH signature: ${message}`, {
      hint: `sign again: ssh-keygen -Y sign -f <key> -n ${SSHSIG_NAMESPACE} <file>`,
    });
  };
  const reader = new WireReader(blob, fail);
  if (!reader.bytes(SIG_MAGIC.length, 'the SSHSIG magic').equals(SIG_MAGIC)) fail('it does not begin with "SSHSIG"');
  const version = reader.uint32('the version');
  if (version !== SIG_VERSION) fail(`version ${version} is not ${SIG_VERSION}`);
  const keyBlob = reader.string('the public key');
  const namespace = reader.text('the namespace');
  // PROTOCOL.sshsig: implementations ignore a non-empty reserved field.
  reader.string('the reserved field');
  const hashAlgorithm = reader.text('the hash algorithm');
  const wrapped = reader.string('the signature');
  reader.end('the signature blob');
  if (hashAlgorithm !== 'sha256' && hashAlgorithm !== 'sha512') fail(`unknown hash algorithm "${hashAlgorithm.slice(0, 40)}"`);
  const keyType = new WireReader(keyBlob, fail).text('the key type');
  if (keyType !== KEY_TYPE) {
    throw usageError(`unsupported SSH signature: it was made with an ${keyType.slice(0, 60)} key; wf verifies only ${KEY_TYPE} signatures`, {
      hint: `sign with an Ed25519 key: ssh-keygen -t ed25519 -N '' -f <file>, then ssh-keygen -Y sign -f <file> -n ${SSHSIG_NAMESPACE} <message>`,
    });
  }
  const rawKey = Buffer.from(rawFromBlob(keyBlob, fail, 'the signing key'));
  const inner = new WireReader(wrapped, fail);
  const signatureType = inner.text('the signature type');
  const signature = Buffer.from(inner.string('the signature bytes'));
  inner.end('the signature');
  return {
    publicKey: publicKeyFromRaw(rawKey),
    namespace,
    hashAlgorithm: hashAlgorithm as 'sha256' | 'sha512',
    signatureType,
    signature,
    rawKey,
  };
}

export function parseSshSignature(blob: Buffer): ParsedSshSignature {
  const { rawKey: _rawKey, ...parsed } = parseSignatureBlob(blob);
  return parsed;
}

/** Never throws on hostile input: a malformed blob is a reason, like a bad signature. */
export function verifySshSignature(blob: Buffer, message: Buffer, namespace: string): SshSignatureVerdict {
  let parsed: ReturnType<typeof parseSignatureBlob>;
  try {
    parsed = parseSignatureBlob(blob);
  } catch (err) {
    if (err instanceof WfError) return { ok: false, reason: err.message };
    throw err;
  }
  if (parsed.namespace !== namespace) {
    return { ok: false, reason: `the signature is for namespace "${parsed.namespace.slice(0, 80)}", not "${namespace}"` };
  }
  if (parsed.signatureType !== KEY_TYPE) {
    return { ok: false, reason: `the signature type is "${parsed.signatureType.slice(0, 80)}", not "${KEY_TYPE}"` };
  }
  if (parsed.signature.length !== 64) {
    return { ok: false, reason: `the Ed25519 signature is ${parsed.signature.length} bytes, not 64` };
  }
  try {
    // The namespace signed over is the one expected, not the one in the blob, as OpenSSH does.
    const data = signedData(namespace, parsed.hashAlgorithm, message);
    const good = cryptoVerify(null, data, ed25519PublicKeyObject(parsed.rawKey), parsed.signature);
    return good ? { ok: true, publicKey: parsed.publicKey } : { ok: false, reason: 'the signature does not match the message and key' };
  } catch (err) {
    // OpenSSL refusing a hostile key or signature is a bad signature, not a crash.
    return { ok: false, reason: `the signature could not be checked (${err instanceof Error ? err.message : String(err)})` };
  }
}
