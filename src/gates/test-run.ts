import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CONFIG_FILE, type WfConfig } from '../config/index.js';
import { declaringWorkspace, installedAt } from '../installation/index.js';
import { environmentError, refused, usageError } from '../errors/index.js';
import { runGit, type Repo } from '../git/index.js';
import { AUDIT_FILE } from '../audit/index.js';
import { describeCommand } from './command-text.js';
import { STATE_FILE } from '../state/index.js';

export interface TestOutcome {
  passed: boolean;
  exitCode: number | null;
  durationMs: number;
  command: string;
  /** Where it ran, relative to the repository root. */
  directory: string;
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
  // git diff does not look at files marked assume-unchanged, nor at skip-worktree files (a sparse
  // checkout's), so their working copies may be other bytes than the index holds and the tests read.
  const marked = await filesGitDoesNotCompare(repo);
  if (marked.length > 0) {
    const [first] = marked;
    throw refused(`${marked.length === 1 ? `${first!.path} is` : `${marked.length} files are (${marked.slice(0, 8).map((m) => m.path).join(', ')})`} marked ${first!.bit} in the index, so git does not compare ${marked.length === 1 ? 'it' : 'them'} with the working tree and the tests could run on other bytes than the staged ones`, {
      hint: `clear the mark: git update-index --no-${first!.bit} -- ${marked.slice(0, 8).map((m) => JSON.stringify(m.path)).join(' ')}, then: wf test`,
    });
  }
}

/** Index entries git's diff skips: assume-unchanged ones, and skip-worktree ones that exist in the working tree. */
async function filesGitDoesNotCompare(repo: Repo): Promise<Array<{ path: string; bit: 'assume-unchanged' | 'skip-worktree' }>> {
  const out = (await runGit(['ls-files', '-v', '-z'], { cwd: repo.root, env: repo.env })).stdout.toString('utf8');
  const marked: Array<{ path: string; bit: 'assume-unchanged' | 'skip-worktree' }> = [];
  for (const entry of out.split('\0')) {
    if (entry.length < 3) continue;
    const tag = entry[0]!;
    const path = entry.slice(2);
    if (path === STATE_FILE || path === AUDIT_FILE) continue;
    if (tag === 'S' || tag === 's') {
      if (existsSync(join(repo.root, path))) marked.push({ path, bit: 'skip-worktree' });
    } else if (tag >= 'a' && tag <= 'z') marked.push({ path, bit: 'assume-unchanged' });
  }
  return marked;
}

/** Where the test command runs, and why there: test.cwd, the project wf is installed in, or the root. */
export interface TestDirectory {
  /** Absolute. */
  dir: string;
  /** Relative to the repository root, `.` for the root. */
  rel: string;
  source: 'test.cwd' | 'installation' | 'workspace' | 'root';
}

export function testDirectory(repoRoot: string, config: WfConfig): TestDirectory {
  if (config.test.cwd !== undefined) {
    const rel = config.test.cwd.replace(/\/+$/, '') || '.';
    return { dir: resolve(repoRoot, rel), rel, source: 'test.cwd' };
  }
  // In a monorepo wf is installed in the package whose tests it gates (packages/app); its package.json has the test script.
  const installed = installedAt(repoRoot);
  if (installed) return { dir: resolve(repoRoot, installed), rel: installed, source: 'installation' };
  // Hoisted to the root of a workspace, wf was still declared by the package whose tests gate it.
  const workspace = installed === '' ? declaringWorkspace(repoRoot) : undefined;
  if (workspace) return { dir: resolve(repoRoot, workspace), rel: workspace, source: 'workspace' };
  return { dir: repoRoot, rel: '.', source: 'root' };
}

const where = (d: TestDirectory) => `${d.rel === '.' ? 'the repository root' : d.rel}${d.source === 'test.cwd' ? ' (test.cwd)' : d.source === 'installation' ? ' (where wf is installed)' : d.source === 'workspace' ? ' (the workspace that declares wf-gate)' : ''}`;
const CWD_HINT = (d: TestDirectory) =>
  `set test.cwd in ${CONFIG_FILE} to the folder (relative to the repository root) whose tests gate this code${d.source === 'test.cwd' ? '' : ', e.g. "packages/app"'}, commit it, then: wf test`;

/** The npm script a command runs (`npm test`, `npm run x`), to check it exists before blaming the code for npm's "Missing script". */
function npmScript(command: string | string[]): string | undefined {
  const words = Array.isArray(command) ? command : command.trim().split(/\s+/);
  if (words[0] !== 'npm') return undefined;
  const [verb, name] = [words[1], words[2]];
  if (verb === 'test' || verb === 't' || verb === 'tst') return 'test';
  if ((verb === 'run' || verb === 'run-script') && name && !name.startsWith('-')) return name;
  return undefined;
}

/**
 * A test command that cannot run where wf runs it is a setup problem (exit 3),
 * not a failing test: reported with the folder and the key that moves it,
 * instead of "fix the code".
 */
function assertTestCommandCanRun(repoRoot: string, d: TestDirectory, command: string | string[]): void {
  if (!existsSync(d.dir) || !statSync(d.dir).isDirectory()) {
    throw environmentError(`the tests run in ${where(d)}, which is not a folder in this repository`, { where: d.dir, hint: CWD_HINT(d) });
  }
  const script = npmScript(command);
  if (script === undefined) return;
  // npm runs the nearest package.json at or above its folder; above the repository it would be someone else's.
  let dir = d.dir;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      let scripts: unknown;
      try {
        scripts = (JSON.parse(readFileSync(file, 'utf8')) as { scripts?: unknown }).scripts;
      } catch {
        return; // npm reports a broken package.json better than wf can.
      }
      const has = typeof scripts === 'object' && scripts !== null && Object.hasOwn(scripts, script);
      if (!has) {
        throw environmentError(`the test command ${describeCommand(command)} runs the npm script "${script}", which ${join(relative(repoRoot, dir) || '.', 'package.json')} does not have (the tests run in ${where(d)})`, {
          where: file,
          hint: `add a "${script}" script there, or ${CWD_HINT(d)}`,
        });
      }
      return;
    }
    if (dir === repoRoot || dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  throw environmentError(`the test command ${describeCommand(command)} needs a package.json, and there is none in ${where(d)} or above it in the repository`, { where: d.dir, hint: CWD_HINT(d) });
}

/**
 * What `wf test -- <cmd>` ran counts only when it is the configured command:
 * otherwise anyone could prove the tests with `wf test -- true`.
 */
export function isConfiguredCommand(config: WfConfig, override: string[] | undefined): boolean {
  return !override || override.length === 0 || describeCommand(override) === describeCommand(config.test.command);
}


/**
 * Runs the test command with execa, streaming its output. A string command
 * (from the reviewed config) runs in a shell; an array, or what follows
 * `wf test --`, runs without one. Ctrl-C stops the tests and records nothing.
 */
export async function runTestCommand(repo: Repo, config: WfConfig, override: string[] | undefined, options: { onOutput?: (chunk: string) => void } = {}): Promise<TestOutcome> {
  const { execa } = await import('execa');
  const command = override && override.length > 0 && !isConfiguredCommand(config, override) ? override : config.test.command;
  const text = describeCommand(command);
  const directory = testDirectory(repo.root, config);
  assertTestCommandCanRun(repo.root, directory, command);
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
      cwd: directory.dir,
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
      throw environmentError(`the test command could not be started in ${where(directory)}: ${text} (command not found)`, {
        where: directory.dir,
        hint: `set test.command in ${CONFIG_FILE} (it runs in test.cwd, relative to the repository root), commit it, then: wf test`,
      });
    }
    return {
      directory: directory.rel,
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
