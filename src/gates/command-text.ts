import type { TestRecord } from '../state/index.js';

/** A test command as recorded and compared: an argument array written the way a shell would read it back. */
export function describeCommand(command: string | string[]): string {
  return Array.isArray(command) ? command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ') : command;
}

/**
 * The latest run of the configured test command on exactly this fingerprint, the only kind that is
 * evidence: an ad-hoc `wf test -- <cmd>`, or a run recorded under another config, is not.
 */
export function latestConfiguredRun(tests: readonly TestRecord[], fingerprint: string, command: string | string[]): TestRecord | undefined {
  const configured = describeCommand(command);
  for (let i = tests.length - 1; i >= 0; i--) {
    const t = tests[i]!;
    if (t.fingerprint === fingerprint && t.command === configured) return t;
  }
  return undefined;
}
