import { ExitCode } from '../errors/index.js';
import { parseFastLine, type FastValues } from './fast-args.js';
import { writeFailure } from './failure-output.js';
import { hashReport } from './hash-report.js';
import { checkStatus, renderStatus, statusReport } from './status-report.js';
import { makeStyle } from './style.js';
import { inInvocationForm, invocationPrefix } from '../installation/index.js';

/**
 * `wf status` and `wf hash` without oclif: scripts and agents call
 * them in loops, and oclif's start-up alone is several node start-ups. They
 * run the same code as their oclif commands (status-report.ts,
 * hash-report.ts), and read exactly their flags (fast-args.ts says what
 * goes to oclif instead).
 */
const COMMANDS = {
  status: { json: { type: 'boolean' }, check: { type: 'boolean' }, 'task-id': { type: 'string' } },
  hash: { json: { type: 'boolean' }, commit: { type: 'string' } },
} as const;

type Parsed = { command: 'status' | 'hash'; values: FastValues };

function parse(argv: readonly string[]): Parsed | null {
  const [command, ...rest] = argv;
  if (command !== 'status' && command !== 'hash') return null;
  const values = parseFastLine(rest, COMMANDS[command]);
  return values ? { command, values } : null;
}

/** The exit code, or null when the line is not one this path reads (oclif then runs it). */
export async function runFastRead(argv: readonly string[]): Promise<number | null> {
  const parsed = parse(argv);
  if (!parsed) return null;
  const { command, values } = parsed;
  try {
    if (command === 'hash') {
      const report = await hashReport(values.commit as string | undefined);
      process.stdout.write(values.json ? `${JSON.stringify(report.data, null, 2)}\n` : `${report.fingerprint}\n`);
      return ExitCode.Ok;
    }
    const report = await statusReport(values['task-id'] as string | undefined);
    process.stdout.write(values.json ? `${JSON.stringify(report.data, null, 2)}\n` : `${inInvocationForm(renderStatus(report, makeStyle()), invocationPrefix(process.env))}\n`);
    if (values.check) checkStatus(report);
    return ExitCode.Ok;
  } catch (err) {
    return writeFailure(err, values.json === true);
  }
}
