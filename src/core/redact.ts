/**
 * Removes credentials from free text (review notes, test output, reviewer
 * output) before it is written to the audit log or sent to a reviewer. Every
 * pattern is linear (no nested quantifiers), so a megabyte of output is
 * cheap. Idempotent: the replacement text matches none of the patterns.
 */
interface Rule {
  kind: string;
  pattern: RegExp;
  /** Replace the whole match, or keep group 1 (a label like `Bearer `) and redact the rest. */
  keepPrefix?: boolean;
}

const RULES: readonly Rule[] = [
  { kind: 'private-key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g },
  { kind: 'github-token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
  { kind: 'github-token', pattern: /\bgithub_pat_[A-Za-z0-9_]{20,255}/g },
  { kind: 'api-key', pattern: /\bsk-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_-]{20,}/g },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g },
  { kind: 'aws-secret-key', pattern: /(aws_secret_access_key\s*[=:]\s*["']?)[A-Za-z0-9/+=]{40}/gi, keepPrefix: true },
  { kind: 'slack-token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { kind: 'bearer', pattern: /(\bBearer\s+)[A-Za-z0-9\-._~+/]{16,}=*/g, keepPrefix: true },
  {
    kind: 'secret-assignment',
    pattern: /(\b(?:password|passwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)\s*[=:]\s*["']?)[^\s"'[\]]{8,}/gi,
    keepPrefix: true,
  },
];

export const REDACTION_KINDS: readonly string[] = [...new Set(RULES.map((r) => r.kind))];

export function redactSecrets(text: string): string {
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (match: string, prefix: unknown) =>
      rule.keepPrefix && typeof prefix === 'string' ? `${prefix}[REDACTED:${rule.kind}]` : `[REDACTED:${rule.kind}]`,
    );
  }
  return out;
}
