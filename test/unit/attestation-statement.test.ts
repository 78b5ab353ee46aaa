import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOpenSshPrivateKey, parseAllowedSigners, renderAllowedSignerLine } from '../../src/attestation/index.js';
import { checkAttestation, preAuthEncoding, reviewStatement, signStatement, type ReviewPredicate } from '../../src/attestation/statement.js';

const dir = mkdtempSync(join(tmpdir(), 'wf-stmt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = (name: string) => {
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
  return loadOpenSshPrivateKey(readFileSync(join(dir, name), 'utf8'), name);
};
const ci = key('ci');
const other = key('other');
const FP = 'a'.repeat(64);
const predicate: ReviewPredicate = {
  reviewer: 'gemini',
  sessionId: '3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13',
  verdict: 'approved',
  step: 'review',
  time: '2026-06-01T12:00:00.000Z',
  repository: 'o/r',
  headCommit: 'c'.repeat(40),
  baseCommit: 'b'.repeat(40),
  baseConfigDigest: { sha256: '1'.repeat(64) },
  reviewerCommandDigest: { sha256: '2'.repeat(64) },
  reviewTextDigest: { sha256: '3'.repeat(64) },
  wfVersion: '0.1.0',
};
const signers = (window = '') =>
  parseAllowedSigners(`${renderAllowedSignerLine({ principal: 'ci', publicKey: ci.publicKey, namespaces: ['wf-review'] })}`.replace('namespaces="wf-review"', `namespaces="wf-review"${window}`), 'attestors').signers;
const envelope = (p: ReviewPredicate = predicate, signer = ci) => JSON.stringify(signStatement(reviewStatement(FP, p), signer));

describe('checkAttestation', () => {
  it('accepts a statement signed by an allowed key for its fingerprint', () => {
    const r = checkAttestation(envelope(), signers(), FP);
    expect(r).toMatchObject({ ok: true, principals: ['ci'] });
  });

  it.each([
    ['not JSON', 'nope', 'malformed'],
    ['another payload type', JSON.stringify({ ...JSON.parse(envelope()), payloadType: 'text/plain' }), 'malformed'],
    ['base64 with junk', JSON.stringify({ ...JSON.parse(envelope()), payload: `${JSON.parse(envelope()).payload}!!` }), 'malformed'],
    ['no signatures', JSON.stringify({ ...JSON.parse(envelope()), signatures: [] }), 'malformed'],
    ['a signature by another key', envelope(predicate, other), 'signer-not-allowed'],
    ['a bit flipped in the signature', JSON.stringify({ ...JSON.parse(envelope()), signatures: [{ keyid: 'x', sig: Buffer.from(Buffer.from(JSON.parse(envelope()).signatures[0].sig, 'base64').map((b, i, a) => (i === a.length - 1 ? b ^ 1 : b))).toString('base64') }] }), 'bad-signature'],
    ['a predicate with no verdict', envelope({ ...predicate, verdict: 'lgtm' as never }), 'malformed'],
    ['a time that is no time', envelope({ ...predicate, time: 'yesterday' }), 'malformed'],
  ])('refuses %s', (_what, text, problem) => {
    expect(checkAttestation(text, signers(), FP)).toMatchObject({ ok: false, problem });
  });

  it('refuses a payload edited under its signature', () => {
    const e = JSON.parse(envelope());
    const statement = JSON.parse(Buffer.from(e.payload, 'base64').toString());
    statement.predicate.reviewer = 'codex';
    e.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    expect(checkAttestation(JSON.stringify(e), signers(), FP)).toMatchObject({ ok: false, problem: 'bad-signature' });
  });

  it('refuses another fingerprint, and a key outside its window at the statement time', () => {
    expect(checkAttestation(envelope(), signers(), 'b'.repeat(64))).toMatchObject({ ok: false, problem: 'other-fingerprint' });
    expect(checkAttestation(envelope(), signers(',valid-before="20260101Z"'), FP)).toMatchObject({ ok: false, problem: 'key-expired' });
    expect(checkAttestation(envelope(), signers(',valid-after="20270101Z"'), FP)).toMatchObject({ ok: false, problem: 'key-not-yet-valid' });
  });

  it('signs DSSE’s pre-authentication encoding', () => {
    expect(preAuthEncoding('t/x', Buffer.from('body')).toString()).toBe('DSSEv1 3 t/x 4 body');
  });
});
