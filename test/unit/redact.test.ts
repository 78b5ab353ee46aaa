import { describe, expect, it } from 'vitest';
import { REDACTION_KINDS, redactSecrets } from '../../src/core/redact.js';

// Built at run time so no realistic-looking secret sits in the source.
const gh = (p: string) => `${p}_${'aB3'.repeat(12)}`;
const CASES: Array<[string, string, string]> = [
  ['github classic', `token ${gh('ghp')} end`, 'github-token'],
  ['github oauth', `x ${gh('gho')}`, 'github-token'],
  ['github server', `${gh('ghs')}`, 'github-token'],
  ['github user', `${gh('ghu')}`, 'github-token'],
  ['github refresh', `${gh('ghr')}`, 'github-token'],
  ['github fine-grained', `pat ${'github_pat_'}${'11AB'.repeat(6)}_${'x9Y'.repeat(20)} done`, 'github-token'],
  ['openai', `key=${'sk-'}${'A1b2'.repeat(8)}`, 'api-key'],
  ['openai project', `${'sk-proj-'}${'Zz9_'.repeat(10)}`, 'api-key'],
  ['anthropic', `${'sk-ant-api03-'}${'Q'.repeat(40)}`, 'api-key'],
  ['aws access key', `id ${'AKIA'}${'ABCDEFGHIJKLMNOP'}`, 'aws-access-key'],
  ['aws secret', `aws_secret_access_key = ${'wJalrXUtnFEMI/K7MDENG/bPxRfiCY'}${'EXAMPLEKEY'}`, 'aws-secret-key'],
  ['bearer', `Authorization: Bearer ${'eyJhbGciOi'}${'JIUzI1NiJ9.abc.def'}`, 'bearer'],
  ['slack', `${'xoxb-'}${'123456789012-abcdefABCDEF'}`, 'slack-token'],
  ['password assignment', `password=${'hunter2hunter2'}`, 'secret-assignment'],
];

describe('redactSecrets', () => {
  it.each(CASES)('redacts a %s', (_name, text, kind) => {
    const out = redactSecrets(text);
    expect(out).toContain(`[REDACTED:${kind}]`);
    expect(REDACTION_KINDS).toContain(kind);
  });

  it('keeps the text around a secret', () => {
    expect(redactSecrets(`before ${gh('ghp')} after`)).toBe('before [REDACTED:github-token] after');
    expect(redactSecrets(`Authorization: Bearer ${'a'.repeat(30)}`)).toBe('Authorization: Bearer [REDACTED:bearer]');
  });

  it('redacts a multi-line PEM private key, and one whose END is missing', () => {
    const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEow'.repeat(10), 'abc'.repeat(10), '-----END RSA PRIVATE KEY-----'].join('\n');
    expect(redactSecrets(`key:\n${pem}\nafter`)).toBe('key:\n[REDACTED:private-key]\nafter');
    expect(redactSecrets(`x\n-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\nBBBB`)).toBe('x\n[REDACTED:private-key]');
  });

  it('leaves prose alone', () => {
    for (const prose of [
      'the token is checked before use',
      'Bearer of bad news',
      'ask-me-anything',
      'we use sk- prefixes for keys',
      'password: see the vault',
      'ghp_ is the prefix of classic tokens',
    ]) {
      expect(redactSecrets(prose)).toBe(prose);
    }
  });

  it('is idempotent and handles several secrets at once', () => {
    const text = `a ${gh('ghp')} b ${'AKIA'}${'QWERTYUIOPASDFGH'} c Bearer ${'z'.repeat(20)}`;
    const once = redactSecrets(text);
    expect(once.match(/\[REDACTED:/g)).toHaveLength(3);
    expect(redactSecrets(once)).toBe(once);
  });

  it('copes with a megabyte of output', () => {
    const big = `${'x'.repeat(1024)}\n`.repeat(1024) + gh('ghp');
    expect(redactSecrets(big).endsWith('[REDACTED:github-token]')).toBe(true);
  });
});
