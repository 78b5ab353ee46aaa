import { ExitCode } from '../errors/index.js';
import { hookInvocation, inInvocationForm } from '../installation/index.js';
import { findRoot, payloadCwd, readPayload } from './payload.js';

/**
 * Claude Code `Stop` hook. With `agent.stopGate` it keeps the agent working
 * while the current task has tracked changes that did not go through the
 * gates, an unaddressed NEEDS_REVISION, or failing tests on the staged
 * change, at most `agent.maxStopBlocks` times in a row; without it, it
 * reminds the agent once of a task left mid-step. Unlike the PreToolUse
 * guards it fails open: a stop gate that crashes must not trap the agent.
 */
export async function runStop(): Promise<number> {
  try {
    const payload = (await readPayload()) ?? {};
    const root = findRoot(payloadCwd(payload));
    if (!root) return ExitCode.Ok;
    const { stopVerdict } = await import('./task-checks.js');
    const verdict = await stopVerdict(root, { stopHookActive: payload.stop_hook_active === true, sessionId: typeof payload.session_id === 'string' ? payload.session_id : '' });
    if (verdict) process.stdout.write(`${inInvocationForm(JSON.stringify(verdict), hookInvocation(process.env, process.cwd()))}\n`);
  } catch (err) {
    process.stderr.write(`wf: the stop hook failed, so it lets the agent stop (${(err as Error)?.message ?? String(err)})\n`);
  }
  return ExitCode.Ok;
}
