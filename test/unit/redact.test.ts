import { describe, expect, it } from 'vitest';
import { REDACTION_KINDS, redactSecrets } from '../../src/redaction/index.js';

// Every fake secret is assembled at run time from a seeded generator and split prefixes, so no string in this file
// looks like a real credential to a push-protection scanner.
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64URL = `${B62}-_`;
const B64 = `${B62}+/`;
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

let seed = 20240601;
function fake(length: number, alphabet = B62): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out += alphabet[seed % alphabet.length];
  }
  // A generated value that happens to be one plain word would be left alone by design; make sure it is not.
  return /[0-9]/.test(out) ? out : `${out.slice(0, -1)}7`;
}

const gh = (type: string) => `gh${type}_${fake(36)}`;
const finePat = () => `github${'_pat_'}${fake(22)}_${fake(59)}`;
const openai = () => `sk-${fake(48)}`;
const openaiProject = () => `sk-${'proj-'}${fake(120, B64URL)}`;
const anthropic = () => `sk-${'ant-'}api03-${fake(93, B64URL)}`;
const awsKeyId = (prefix = 'AKIA') => `${prefix.slice(0, 2)}${prefix.slice(2)}${fake(16, UPPER_DIGITS)}`;
const awsSecret = () => fake(40, B64);
const slack = () => `xox${'b-'}${fake(12, '0123456789')}-${fake(24)}`;
const stripe = () => `s${'k_live_'}${fake(24)}`;
const google = () => `AI${'za'}${fake(35, B64URL)}`;
const npm = () => `np${'m_'}${fake(36)}`;
const jwt = () => `ey${'J'}${fake(30, B64URL)}.ey${'J'}${fake(60, B64URL)}.${fake(43, B64URL)}`;
const bearerToken = () => fake(40, `${B62}._~+/-`);
const basic = () => Buffer.from(`deploy:${fake(16)}`).toString('base64');

function pem(label: string, body = [fake(64, B64), fake(64, B64), fake(20, B64)]): string {
  const dashes = '-----';
  return [`${dashes}BEGIN ${label}${dashes}`, ...body, `${dashes}END ${label}${dashes}`].join('\n');
}

/** [name, input, exact expected output] */
const CASES: Array<[string, string, string]> = (() => {
  const rows: Array<[string, string, string]> = [];
  const whole = (name: string, secret: string, kind: string) =>
    rows.push([name, `before ${secret} after`, `before [REDACTED:${kind}] after`]);
  whole('github classic token', gh('p'), 'github-token');
  whole('github oauth token', gh('o'), 'github-token');
  whole('github server token', gh('s'), 'github-token');
  whole('github user token', gh('u'), 'github-token');
  whole('github refresh token', gh('r'), 'github-token');
  whole('github fine-grained token', finePat(), 'github-token');
  whole('openai key', openai(), 'api-key');
  whole('openai project key', openaiProject(), 'api-key');
  whole('anthropic key', anthropic(), 'api-key');
  for (const prefix of ['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'ANPA', 'ANVA', 'AIPA']) {
    whole(`aws access key ${prefix}`, awsKeyId(prefix), 'aws-access-key');
  }
  whole('slack token', slack(), 'slack-token');
  whole('stripe key', stripe(), 'stripe-key');
  whole('google api key', google(), 'google-api-key');
  whole('npm token', npm(), 'npm-token');
  whole('jwt', jwt(), 'jwt');
  whole('slack webhook', `https://hooks.slack.com/services/T${fake(8, UPPER_DIGITS)}/B${fake(8, UPPER_DIGITS)}/${fake(24)}`, 'slack-webhook');

  const secret = awsSecret();
  rows.push(['aws secret assignment', `aws_secret_access_key = ${secret}\nregion = eu-west-1`, 'aws_secret_access_key = [REDACTED:aws-secret-key]\nregion = eu-west-1']);
  rows.push(['aws secret in env form', `AWS_SECRET_ACCESS_KEY=${secret}`, 'AWS_SECRET_ACCESS_KEY=[REDACTED:aws-secret-key]']);
  rows.push(['aws secret in json', `{"SecretAccessKey": "${secret}"}`, '{"SecretAccessKey": "[REDACTED:aws-secret-key]"}']);
  rows.push(['bearer header', `Authorization: Bearer ${bearerToken()}\nAccept: */*`, 'Authorization: Bearer [REDACTED:bearer]\nAccept: */*']);
  rows.push(['bare bearer', `curl -H "bearer ${bearerToken()}" x`, 'curl -H "bearer [REDACTED:bearer]" x']);
  rows.push(['bearer jwt', `Authorization: Bearer ${jwt()}`, 'Authorization: Bearer [REDACTED:jwt]']);
  rows.push(['basic auth header', `Authorization: Basic ${basic()}`, 'Authorization: Basic [REDACTED:authorization]']);
  rows.push(['token auth header', `authorization: token ${fake(32)}`, 'authorization: token [REDACTED:authorization]']);
  rows.push(['url password', `git clone https://deploy:${fake(20)}@example.com/r.git`, 'git clone https://deploy:[REDACTED:url-password]@example.com/r.git']);
  rows.push(['password assignment', `password=${fake(14)} next`, 'password=[REDACTED:secret-assignment] next']);
  rows.push(['quoted password', `db.connect({ password: "${fake(12)}" })`, 'db.connect({ password: "[REDACTED:secret-assignment]" })']);
  rows.push(['an env-style password', `DB_PASSWORD=${fake(12)}`, 'DB_PASSWORD=[REDACTED:secret-assignment]']);
  rows.push(['a password of digits and dots that is no version', 'password=1.2.3.4.5.6', 'password=[REDACTED:secret-assignment]']);
  rows.push(['a token with dots that is no property path', `token=${fake(10)}.Z9-${fake(8)}`, 'token=[REDACTED:secret-assignment]']);
  rows.push(['a password that starts with $ but is no variable', `password=$${fake(6)}#${fake(6)}`, 'password=[REDACTED:secret-assignment]']);
  rows.push(['env token', `NPM_AUTH_TOKEN=${fake(24)}`, 'NPM_AUTH_TOKEN=[REDACTED:secret-assignment]']);
  rows.push(['api key header', `X-Api-Key: ${fake(32)}`, 'X-Api-Key: [REDACTED:secret-assignment]']);
  rows.push(['client secret yaml', `client_secret: '${fake(30)}'`, "client_secret: '[REDACTED:secret-assignment]'"]);
  rows.push(['secret at end of sentence', `the secret=${fake(10)}.`, 'the secret=[REDACTED:secret-assignment].']);
  rows.push(['env token holding a github token', `GITHUB_TOKEN=${gh('p')}`, 'GITHUB_TOKEN=[REDACTED:github-token]']);
  return rows;
})();

const PROSE = [
  'the token is checked before use',
  'Bearer of bad news',
  'Bearer tokens travel in the Authorization header',
  'ask-me-anything',
  'we use sk- prefixes for keys',
  'pip install sk-learn-compatible-estimators',
  'risk-assessment-for-the-whole-cluster-and-more',
  'password: see the vault',
  'password reset flow is broken',
  'interface Login { password: string; token: string }',
  'const password = readPassword();',
  'token: required',
  'the secret: keep commits small',
  'max_tokens=4096 token=1234',
  'Authorization: Basic auth is disabled',
  'ghp_ is the prefix of classic tokens',
  'AKIA followed by sixteen characters',
  'git@github.com:owner/repo.git and https://example.com:8080/path@v2',
  `${'-----'}BEGIN CERTIFICATE${'-----'}\nMIIBszCCAVmgAwIBAgIU\n${'-----'}END CERTIFICATE${'-----'}`,
  ' ✓ test/unit/foo.test.ts (12 tests) 34ms\n Tests  12 passed (12)',
  'commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  'id 3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13 and ULID 01HZX3K9Q7V8M2N4P6R8T0W2Y4',
  // Lock files and manifests: dependencies named like labels (every project with inquirer has the first).
  '        "@inquirer/password": "^4.0.23",',
  '    "node_modules/@inquirer/password": {',
  "  '@inquirer/password': 4.0.23",
  '"@inquirer/password@^4.0.23":',
  '    "secret": "^1.2.3",',
  '    "token": "~2.0.1-beta.1",',
  '    "api-key": ">=3.0.0",',
  'see config/password=file-on-disk-only',
  // Code that reads a secret from where it is kept, which is what it should do.
  'const token = process.env.GITHUB_TOKEN;',
  'password: process.env.DB_PASSWORD,',
  'POSTGRES_PASSWORD=$POSTGRES_PASSWORD',
  'set API_KEY=%API_KEY%',
  'token = os.environ["GITHUB_TOKEN"]',
  'password = settings.DATABASE_PASSWORD',
  'const accessToken = response.data.access_token;',
  'secret: env.SESSION_SECRET,',
  'apiKey: import.meta.env.VITE_API_KEY,',
  '',
];

describe('redactSecrets redacts each kind and keeps the text around it', () => {
  it.each(CASES)('%s', (_name, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('labels every redaction with a kind listed in REDACTION_KINDS', () => {
    for (const [, , expected] of CASES) {
      for (const [, kind] of expected.matchAll(/\[REDACTED:([a-z-]+)\]/g)) expect(REDACTION_KINDS).toContain(kind);
    }
  });

  it('leaves a github prefix with too short a body alone', () => {
    const short = `gh${'p_'}${fake(20)}`;
    expect(redactSecrets(short)).toBe(short);
  });
});

describe('redactSecrets leaves look-alike prose alone', () => {
  it.each(PROSE)('%j', (prose) => {
    expect(redactSecrets(prose)).toBe(prose);
  });
});

describe('redactSecrets on private keys', () => {
  it.each(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'PRIVATE KEY', 'DSA PRIVATE KEY', 'PGP PRIVATE KEY BLOCK'])(
    'redacts a multi-line %s block',
    (label) => {
      expect(redactSecrets(`key:\n${pem(label)}\nafter`)).toBe('key:\n[REDACTED:private-key]\nafter');
    },
  );

  it('redacts to the end of the text when the END line is missing', () => {
    const truncated = pem('OPENSSH PRIVATE KEY').split('\n').slice(0, -1).join('\n');
    expect(redactSecrets(`x\n${truncated}`)).toBe('x\n[REDACTED:private-key]');
  });

  it('redacts two keys and keeps what lies between them', () => {
    expect(redactSecrets(`a\n${pem('RSA PRIVATE KEY')}\nb\n${pem('EC PRIVATE KEY')}\nc`)).toBe(
      'a\n[REDACTED:private-key]\nb\n[REDACTED:private-key]\nc',
    );
  });

  it('copes with CRLF line endings and a public block before the key', () => {
    const cert = pem('CERTIFICATE').replaceAll('\n', '\r\n');
    const key = pem('PRIVATE KEY').replaceAll('\n', '\r\n');
    expect(redactSecrets(`${cert}\r\n${key}\r\n`)).toBe(`${cert}\r\n[REDACTED:private-key]\r\n`);
  });
});

describe('redactSecrets with several secrets', () => {
  it('redacts every secret in one text', () => {
    const text = [
      `notes: found ${gh('p')} in CI logs,`,
      `also ${awsKeyId()} and ${openai()};`,
      `curl -H 'Authorization: Bearer ${bearerToken()}' https://api.example.com`,
      `password=${fake(12)}`,
      pem('RSA PRIVATE KEY'),
      'end',
    ].join('\n');
    expect(redactSecrets(text)).toBe(
      [
        'notes: found [REDACTED:github-token] in CI logs,',
        'also [REDACTED:aws-access-key] and [REDACTED:api-key];',
        "curl -H 'Authorization: Bearer [REDACTED:bearer]' https://api.example.com",
        'password=[REDACTED:secret-assignment]',
        '[REDACTED:private-key]',
        'end',
      ].join('\n'),
    );
  });
});

describe('redactSecrets is idempotent', () => {
  it.each(CASES)('%s', (_name, input) => {
    const once = redactSecrets(input);
    expect(redactSecrets(once)).toBe(once);
  });

  it('on random mixtures of secrets, labels and separators', () => {
    const fragments = [
      gh('p'), finePat(), openai(), anthropic(), awsKeyId(), awsSecret(), slack(), jwt(), bearerToken(), stripe(), npm(),
      'Bearer', 'Bearer ', 'password=', 'token: ', 'api_key=', 'aws_secret_access_key=', 'Authorization: Basic ', 'https://u:',
      '@host', ' ', '\n', '_', '-', '.', '"', "'", ':', '=', '[REDACTED:bearer]', 'sk-', 'ghp_', '-----BEGIN ', 'PRIVATE KEY-----',
    ];
    let state = 7;
    const next = (n: number) => {
      state = (state * 48271) % 2147483647;
      return state % n;
    };
    for (let round = 0; round < 500; round++) {
      let text = '';
      const parts = 2 + next(10);
      for (let i = 0; i < parts; i++) text += fragments[next(fragments.length)];
      const once = redactSecrets(text);
      expect(redactSecrets(once), JSON.stringify(text)).toBe(once);
    }
  });
});

describe('redactSecrets on large input', () => {
  const MB = 1 << 20;

  it('handles a megabyte of output and still finds the secret at the end', () => {
    const big = `${'x'.repeat(1023)}\n`.repeat(1024) + gh('p');
    const out = redactSecrets(big);
    expect(out.endsWith('\n[REDACTED:github-token]')).toBe(true);
    expect(out.length).toBe(MB + '[REDACTED:github-token]'.length);
  });

  it('handles a megabyte of realistic log with secrets sprinkled in', () => {
    const line = (i: number) =>
      i % 1000 === 0 ? `step ${i}: token=${fake(24)} Bearer ${bearerToken()}\n` : `step ${i}: ok, 12 tests passed in 34ms (cache hit)\n`;
    let text = '';
    for (let i = 0; text.length < MB; i++) text += line(i);
    const out = redactSecrets(text);
    expect(out).not.toMatch(/token=[A-Za-z0-9]/);
    expect(out.match(/\[REDACTED:bearer\]/g)?.length).toBeGreaterThan(10);
  });

  // Inputs shaped to make a backtracking pattern restart inside its own run; they must finish, whatever the result.
  it.each([
    ['sk- repeated', 'sk-'],
    ['eyJ repeated', 'eyJ.'],
    ['ghp_ repeated', 'ghp_'],
    ['dotted words', 'a.'],
    ['password= repeated', 'password='],
    ['token: repeated', 'token: '],
    ['BEGIN without a key', '-----BEGIN '],
    ['BEGIN key without END', '-----BEGIN PRIVATE KEY-----\n-----END X-----\n'],
    ['Bearer repeated', 'Bearer '],
    ['url scheme repeated', '://a:'],
    ['AKIA repeated', 'AKIA'],
    ['xoxb repeated', 'xoxb-'],
    ['authorization repeated', 'Authorization: Basic '],
  ])('%s', (_name, unit) => {
    const text = unit.repeat(Math.ceil(MB / unit.length));
    const out = redactSecrets(text);
    expect(typeof out).toBe('string');
    expect(redactSecrets(out)).toBe(out);
  });
});
