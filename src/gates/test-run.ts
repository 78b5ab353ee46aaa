import type { WfConfig } from '../config/index.js';
import { environmentError, refused, usageError } from '../errors/index.js';
import { runGit, type Repo } from '../git/index.js';
import { AUDIT_FILE } from '../audit/index.js';
import { STATE_FILE } from '../state/index.js';

export interface TestOutcome {
  passed: boolean;
  exitCode: number | null;
  durationMs: number;
  command: string;
  timedOut: boolean;
  interrupted: boolean;
  /** The last lines of the output, when it was captured (onOutput given). */
  tail: string;
}

/**
 * Tests run on the working tree, but the fingerprint is of the index: when
 * tracked files differ between the two, a pass would prove nothing about the
 * staged code, so wf refuses to run instead of recording a misleading result.
 */
export async function assertWorkTreeMatchesIndex(repo: Repo): Promise<void> {
  const result = await runGit(
    ['diff', '--quiet', '--no-ext-diff', '--ignore-submodules=none', '--', '.', `:(exclude)${STATE_FILE}`, `:(exclude)${AUDIT_FILE}`],
    { cwd: repo.root, env: repo.env, okExitCodes: [1] },
  );
  if (result.exitCode === 1) {
    const names = (await runGit(['diff', '--name-only', '--', '.', `:(exclude)${STATE_FILE}`, `:(exclude)${AUDIT_FILE}`], { cwd: repo.root, env: repo.env })).stdout
      .toString('utf8')
      .trim()
      .split('\n')
      .slice(0, 8);
    throw refused(`tracked files have unstaged changes (${names.join(', ')}), so the tests would not run on the staged code`, {
      hint: 'stage them (git add -u) or set them aside (git stash --keep-index), then: wf test',
    });
  }
}

export function describeCommand(command: string | string[]): string {
  return Array.isArray(command) ? command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ') : command;
}

/**
 * Runs the test command with execa, streaming its output. A string command
 * (from the reviewed config) runs in a shell; an array, or what follows
 * `wf test --`, runs without one. Ctrl-C stops the tests and records nothing.
 */
export async function runTestCommand(repo: Repo, config: WfConfig, override: string[] | undefined, options: { onOutput?: (chunk: string) => void } = {}): Promise<TestOutcome> {
  const { execa } = await import('execa');
  const command = override && override.length > 0 ? override : config.test.command;
  const text = describeCommand(command);
  const timeout = config.test.timeoutSeconds * 1000;
  const started = performance.now();
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Captured (and forwarded) when the caller wants the tail, as wf ship does to show why tests failed; inherited otherwise.
    const capture = options.onOutput !== undefined;
    const execOptions = {
      cwd: repo.root,
      stdout: capture ? 'pipe' : 'inherit',
      stderr: capture ? 'pipe' : 'inherit',
      all: capture,
      buffer: false,
      stdin: 'ignore',
      reject: false,
      timeout,
      cancelSignal: controller.signal,
      forceKillAfterDelay: 5000,
      env: { WF_TEST_RUN: '1' },
    } as const;
    const subprocess = Array.isArray(command) ? execa(command[0]!, command.slice(1), execOptions) : execa(command, { ...execOptions, shell: true });
    let tail = '';
    if (capture && subprocess.all) {
      subprocess.all.setEncoding('utf8');
      subprocess.all.on('data', (chunk: string) => {
        options.onOutput!(chunk);
        tail = (tail + chunk).slice(-16_384);
      });
    }
    const result = await subprocess;
    const durationMs = performance.now() - started;
    const spawnCode = (result as { code?: string }).code;
    if (result.failed && (spawnCode === 'ENOENT' || (typeof command === 'string' && result.exitCode === 127))) {
      throw environmentError(`the test command could not be started: ${text} (command not found)`, {
        hint: 'set test.command in .claude/wf.config.json, or run: wf test -- <command> [args…]',
      });
    }
    return {
      passed: result.exitCode === 0 && !result.timedOut && !interrupted,
      exitCode: result.exitCode ?? null,
      durationMs,
      command: text,
      timedOut: result.timedOut === true,
      interrupted,
      tail: tail.trimEnd().split('\n').slice(-40).join('\n'),
    };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

export function assertTestCommandGiven(args: string[] | undefined, config: WfConfig): void {
  if ((!args || args.length === 0) && !config.test.command) {
    throw usageError('no test command is configured', { hint: 'set test.command in .claude/wf.config.json, or run: wf test -- <command>' });
  }
}
