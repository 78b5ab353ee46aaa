import { ExitCode } from '../errors/index.js';
import { inInvocationForm, invocationPrefix } from '../installation/index.js';
import { parseFastLine } from './fast-args.js';
import { writeFailure } from './failure-output.js';
import { renderRollup, runRollup } from './rollup-run.js';

/**
 * `wf rollup` without oclif: on a big tree the command's own work is a few node start-ups, and
 * oclif's start-up would be as many again. It runs the same code as its oclif command
 * (rollup-run.ts), and reads exactly its flags (fast-args.ts says what goes to oclif instead).
 */
const OPTIONS = { json: { type: 'boolean' }, 'task-id': { type: 'string' } } as const;

/** The exit code, or null when the line is not one this path reads (oclif then runs it). */
export async function runFastRollup(argv: readonly string[]): Promise<number | null> {
  if (argv[0] !== 'rollup') return null;
  const values = parseFastLine(argv.slice(1), OPTIONS);
  if (!values) return null;
  const taskId = values['task-id'] as string | undefined;
  try {
    const value = await runRollup(taskId);
    process.stdout.write(values.json ? `${JSON.stringify(value, null, 2)}\n` : `${inInvocationForm(renderRollup(value, taskId), invocationPrefix(process.env))}\n`);
    return ExitCode.Ok;
  } catch (err) {
    return writeFailure(err, values.json === true);
  }
}
