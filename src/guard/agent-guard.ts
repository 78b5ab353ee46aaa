import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { ExitCode } from '../errors/index.js';
import { hookInvocation, inInvocationForm } from '../installation/index.js';
import { findingsForAll, isGatedCommit, protectedTarget, protectedThroughLinks, type Finding } from './rules.js';
import { parseShell, ShellParseError } from './shell-parse.js';

/** How every block starts: wf doctor tells wf's own block from a wiring's `|| exit 2` by it. */
export const GUARD_BLOCKED = 'wf guard blocked this:';
import { findRoot, payloadCwd, readPayload } from './payload.js';

/**
 * Claude Code `PreToolUse` guards (and any agent with pre-tool hooks): they
 * read the tool payload on stdin and answer exit 0 (run it) or exit 2 with
 * the reason on stderr (blocked; the agent reads the reason). Any crash or
 * payload wf cannot read is a block too: a guard that fails open guards
 * nothing.
 */
export const BLOCK = ExitCode.Usage; // Claude Code treats exit 2 as "blocked, tell the model why".

/** The path with every symlink on disk followed; the part that does not exist yet is kept as written. */
export function resolveOnDisk(absolute: string): string | null {
  const rest: string[] = [];
  for (let head = absolute; ; head = dirname(head)) {
    try {
      return join(realpathSync(head), ...rest.reverse());
    } catch {
      if (dirname(head) === head) return null;
      rest.push(basename(head));
    }
  }
}

/** The repository's git folder and, for a linked worktree, its common folder: read from `.git`, never guessed. */
export function gitFoldersOf(root: string): string[] | undefined {
  const dotGit = join(root, '.git');
  try {
    const text = readFileSync(dotGit, 'utf8');
    const pointer = /^gitdir: (.+?)\r?\n?$/.exec(text)?.[1];
    if (!pointer) return undefined;
    const gitDir = realpathSync(isAbsolute(pointer) ? pointer : join(root, pointer));
    const common = readIfExists(join(gitDir, 'commondir'))?.trim();
    return common ? [gitDir, realpathSync(isAbsolute(common) ? common : join(gitDir, common))] : [gitDir];
  } catch (err) {
    // A folder (EISDIR): the plain layout, with git's folder inside the work tree.
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') return [resolveOnDisk(dotGit) ?? dotGit];
    return undefined;
  }
}

function block(reasons: string[], next: string): number {
  // The commands it names in the form that runs where the agent's shell does (Claude Code starts the guard there).
  process.stderr.write(`${GUARD_BLOCKED}\n${inInvocationForm(`${reasons.map((r) => `- ${r}`).join('\n')}\nnext: ${next}`, hookInvocation(process.env, process.cwd()))}\n`);
  return BLOCK;
}

export async function runPreBash(): Promise<number> {
  const payload = await readPayload();
  if (!payload) return block(['the hook payload is not JSON (fail closed)'], 'check the hook wiring: wf doctor');
  if (typeof payload.tool_name === 'string' && payload.tool_name !== 'Bash') return ExitCode.Ok;
  const command = payload.tool_input?.command;
  if (typeof command !== 'string') return block(['the payload has no tool_input.command (fail closed)'], 'check the hook wiring: wf doctor');
  const cwd = payloadCwd(payload);
  const root = findRoot(cwd);
  let commands;
  try {
    commands = parseShell(command);
  } catch (err) {
    if (err instanceof ShellParseError) return block([`the command could not be read safely: ${err.message}`], 'write it as plain commands without unbalanced quotes');
    throw err;
  }
  const findings: Finding[] = findingsForAll(commands, { cwd, root, resolve: resolveOnDisk, cdpath: Boolean(process.env.CDPATH), ...(root ? { gitFolders: gitFoldersOf(root) } : {}) });
  if (findings.length > 0) return block([...new Set(findings.map((f) => f.reason))], 'follow the workflow instead: wf status shows what is missing');

  for (const cmd of commands) {
    const commit = isGatedCommit(cmd);
    if (!commit || commit.amend) continue;
    const dir = commit.dir ? (isAbsolute(commit.dir) ? commit.dir : join(cwd, commit.dir)) : cwd;
    const { gateVerdict } = await import('./task-checks.js');
    const verdict = await gateVerdict(dir);
    if (verdict) return block([verdict], 'wf status   (each missing gate lists the command that satisfies it)');
  }
  return ExitCode.Ok;
}

export async function runPreEdit(): Promise<number> {
  const payload = await readPayload();
  if (!payload) return block(['the hook payload is not JSON (fail closed)'], 'check the hook wiring: wf doctor');
  const input = payload.tool_input ?? {};
  const file = typeof input.file_path === 'string' ? input.file_path : typeof input.notebook_path === 'string' ? input.notebook_path : null;
  if (file === null) return block(['the payload names no file_path (fail closed)'], 'check the hook wiring: wf doctor');
  const cwd = payloadCwd(payload);
  const root = findRoot(cwd);
  const target = protectedTarget(file, cwd, root, false) ?? protectedThroughLinks(file, { cwd, root, resolve: resolveOnDisk }, false);
  if (target) {
    if (!target.startsWith('.claude/')) {
      return block([`${target} is git's own (it decides what git runs or what a branch is)`], "use git's own commands for refs and branches; git's config and hooks are a person's to change");
    }
    return block([`${target} may only be written by wf itself (it is wf's evidence, its hooks, or the agent's hook wiring)`], 'use the wf commands: wf status shows the next one');
  }
  return ExitCode.Ok;
}


/** Reads a file if it exists: for doctor's checks of settings. */
export function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
