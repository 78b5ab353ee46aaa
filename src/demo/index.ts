import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { wfBinPath } from '../installation/index.js';
import { plural } from '../text/index.js';

/**
 * `wf demo`: a throwaway repository walked through all six steps with the
 * real commands and the real git hooks, then the refusals. Every step states
 * the exit code it expects, so the demo fails loudly if wf's behaviour drifts.
 */
const WF = wfBinPath();

interface Step {
  title: string;
  argv: string[];
  expect: number;
  /** Text the output must contain, so a refusal is the right refusal. */
  mustSay?: string;
}

/**
 * The demo's reviewer: approves a plan that has a Tests section and a diff
 * that adds nothing named "sneaky"; its session id is new for every run.
 */
const DEMO_REVIEWER = `import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
const packet = readFileSync(0, 'utf8');
const code = packet.includes('## The staged diff');
const findings = [];
if (!code && !packet.includes('## Tests')) findings.push('the plan says nothing about tests');
if (code && /^\\+.*sneaky/m.test(packet)) findings.push('src/add.mjs: sneaky() is not in the plan; remove it');
const verdict = findings.length === 0 ? 'APPROVED' : 'NEEDS_REVISION';
const text = (findings.length === 0 ? 'Looks right: matches the plan and is tested.' : findings.join('\\n')) + '\\nVERDICT: ' + verdict;
console.log(JSON.stringify({ session_id: 'ses_' + randomUUID().replaceAll('-', ''), response: text }));
`;

function configure(dir: string, change: (config: Record<string, unknown>) => void): void {
  const file = join(dir, '.claude', 'wf.config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(config);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

export interface DemoOptions {
  keep: boolean;
  style: ChalkInstance;
  out: (text: string) => void;
}

export async function runDemo({ keep, style: s, out }: DemoOptions): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-demo-'));
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' };
  delete env.WF_TASK_ID;
  delete env.GIT_INDEX_FILE;
  delete env.GIT_DIR;
  // stdout and stderr share one file, so the output reads in the order it was written.
  const outputFile = join(mkdtempSync(join(tmpdir(), 'wf-demo-out-')), 'output');
  const exec = (argv: string[]) => {
    const [cmd, ...args] = argv[0] === 'wf' ? [process.execPath, WF, ...argv.slice(1)] : argv;
    const fd = openSync(outputFile, 'w');
    let status: number | null;
    try {
      status = spawnSync(cmd!, args, { cwd: dir, env, stdio: ['ignore', fd, fd] }).status;
    } finally {
      closeSync(fd);
    }
    return { code: status ?? 1, text: readFileSync(outputFile, 'utf8').trimEnd() };
  };
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  let failures = 0;
  const step = ({ title, argv, expect, mustSay }: Step) => {
    out(`\n${s.bold.cyan(`▸ ${title}`)}\n${s.dim(`$ ${argv.join(' ')}`)}`);
    const { code, text } = exec(argv);
    if (text) out(text.split('\n').map((l) => `  ${l}`).join('\n'));
    const ok = code === expect && (!mustSay || text.includes(mustSay));
    out(ok ? s.green(`  ✓ exit ${code}${expect !== 0 ? ' (refused, as it should be)' : ''}`) : s.red(`  ✗ exit ${code}, expected ${expect}${mustSay ? ` saying "${mustSay}"` : ''}`));
    if (!ok) failures++;
  };

  try {
    out(s.bold(`wf demo: a throwaway repository in ${dir}`));
    for (const argv of [
      ['git', 'init', '-q', '-b', 'main'],
      ['git', 'config', 'user.name', 'Demo Agent'],
      ['git', 'config', 'user.email', 'agent@example.invalid'],
      ['git', 'config', 'commit.gpgsign', 'false'],
      ['git', 'config', 'maintenance.auto', 'false'],
      ['git', 'config', 'gc.auto', '0'],
    ]) exec(argv);
    write('test.mjs', "import { add } from './src/add.mjs';\nif (add(2, 3) !== 5) { console.error('add is wrong'); process.exit(1); }\nconsole.log('1 passed, 0 failed');\n");
    write('src/add.mjs', 'export const add = (a, b) => a + b;\n');

    step({ title: 'Set wf up: config, state, hooks', argv: ['wf', 'init', '--yes'], expect: 0 });
    // A scripted reviewer stands in for a Gemini or Codex CLI: it reads the packet wf sends on stdin and
    // prints its verdict and a session id as JSON, the way those CLIs do.
    write('demo-reviewer.mjs', DEMO_REVIEWER);
    appendFileSync(join(dir, '.git', 'info', 'exclude'), 'demo-reviewer.mjs\n');
    configure(dir, (c) => {
      c.test = { ...(c.test as object), command: 'node test.mjs' };
      c.reviewers = {
        'demo-reviewer': {
          command: [process.execPath, 'demo-reviewer.mjs'],
          verdict: { jsonPath: 'response', regex: '^VERDICT:\\s*(\\w+)\\s*$' },
          continuationId: { jsonPath: 'session_id' },
          timeoutSeconds: 60,
        },
      };
    });
    step({ title: 'Start a task', argv: ['wf', 'task', 'start', 'DEMO-1', '--title', 'Add an adder'], expect: 0 });
    step({ title: '1. plan: create the plan file from the template', argv: ['wf', 'plan'], expect: 0 });
    step({ title: '   the untouched template is not a plan', argv: ['wf', 'plan'], expect: 1, mustSay: 'untouched template' });
    write(
      '.claude/subtasks/DEMO-1/plan.md',
      '# Plan\n\n## Goal\nShip an add(a, b) function in src/add.mjs that returns the sum of two numbers, with a test that runs under node.\n\n## Approach\nOne component: write the function, then a test script that imports it and exits non-zero when the sum is wrong.\n\n## Tests\ntest.mjs checks add(2, 3) is 5.\n',
    );
    step({ title: '   register the written plan', argv: ['wf', 'plan'], expect: 0 });
    step({ title: '2. plan-review: wf runs the reviewer on the plan and records its verdict', argv: ['wf', 'review', 'run'], expect: 0, mustSay: 'APPROVED' });
    step({ title: '3. implement: stage the code', argv: ['git', 'add', '-A'], expect: 0 });
    step({ title: '4. test: wf runs the tests itself and binds the result to the fingerprint', argv: ['wf', 'test'], expect: 0 });
    step({ title: '5. review: the reviewer sees the staged diff; its approval is bound to exactly this code', argv: ['wf', 'review', 'run'], expect: 0, mustSay: 'APPROVED' });
    step({ title: '   every gate, with what satisfies it', argv: ['wf', 'status'], expect: 0 });
    step({ title: '6. commit: gates, then git commit with the trailers', argv: ['wf', 'commit', '-m', 'Add an adder'], expect: 0 });
    const root = exec(['git', 'rev-parse', 'HEAD']).text;

    out(`\n${s.bold('Now the refusals.')}`);
    const reviewed = 'export const add = (a, b) => a + b;\nexport const sub = (a, b) => a - b;\n';
    write('src/add.mjs', reviewed);
    exec(['git', 'add', '-A']);
    step({ title: 'Next component: test it', argv: ['wf', 'test'], expect: 0 });
    step({ title: 'Review it', argv: ['wf', 'review', 'run'], expect: 0, mustSay: 'APPROVED' });
    write('src/add.mjs', `${reviewed}export const sneaky = () => "unreviewed";\n`);
    exec(['git', 'add', '-A']);
    step({ title: 'Refused: the code was edited after review (the gate names the file)', argv: ['wf', 'commit', '-m', 'Add sub'], expect: 1, mustSay: 'src/add.mjs' });
    step({ title: 'Refused: a direct git commit of unreviewed code (the pre-commit hook)', argv: ['git', 'commit', '-m', 'sneak it in'], expect: 1, mustSay: 'commit refused' });
    step({ title: 'Refused: a review typed in by hand with a placeholder id (exit 2, nothing written)', argv: ['wf', 'record-review', '--reviewer', 'demo-reviewer', '--continuation-id', 'test-123', '--status', 'approved'], expect: 2, mustSay: 'placeholder' });
    step({ title: 'The edit passes the tests…', argv: ['wf', 'test'], expect: 0 });
    step({ title: '…but the reviewer asks for a revision, and the task goes back to implement', argv: ['wf', 'review', 'run'], expect: 0, mustSay: 'NEEDS REVISION' });
    write('src/add.mjs', reviewed);
    exec(['git', 'add', '-A']);
    step({ title: 'Revise (drop the unreviewed function), test again', argv: ['wf', 'test'], expect: 0 });
    step({ title: '   review again: the findings travel in the packet', argv: ['wf', 'review', 'run'], expect: 0, mustSay: 'APPROVED' });
    step({ title: '   commit', argv: ['wf', 'commit', '-m', 'Add sub'], expect: 0 });

    out(`\n${s.bold('One command per component: wf ship, and an agent that cannot stop halfway.')}`);
    configure(dir, (c) => {
      c.agent = { stopGate: true, maxStopBlocks: 3 };
    });
    write('src/add.mjs', `${reviewed}export const mul = (a, b) => a * b;\n`);
    exec(['git', 'add', '-A']);
    step({ title: 'The Stop hook holds an agent that tries to stop with ungated changes, and says what to do', argv: ['wf', 'hook', 'stop'], expect: 0, mustSay: '"decision":"block"' });
    step({ title: 'The one next action', argv: ['wf', 'next'], expect: 0, mustSay: 'wf ship' });
    step({ title: 'wf ship: tests, the reviewer, then the commit, in one command', argv: ['wf', 'ship', '-m', 'Add mul'], expect: 0, mustSay: 'committed' });
    step({ title: 'Nothing open: the agent may stop', argv: ['wf', 'hook', 'stop'], expect: 0 });
    step({ title: 'Finish the task', argv: ['wf', 'task', 'finish'], expect: 0 });
    step({ title: 'The history carries the trailers', argv: ['git', 'log', '--format=%h %s%n%(trailers:key=Review-Hash,key=Review-Id)'], expect: 0, mustSay: 'Review-Hash:' });
    step({ title: 'Anyone can recompute a trailer from the commit', argv: ['wf', 'hash', '--commit', 'HEAD'], expect: 0 });
    step({ title: 'The audit log verifies', argv: ['wf', 'audit', 'verify'], expect: 0, mustSay: 'chain intact' });

    out(`\n${s.bold('CI: wf verify re-checks every commit of a pull request.')}`);
    step({ title: 'The reviewed history passes', argv: ['wf', 'verify', '--base', root], expect: 0 });
    write('src/add.mjs', `${reviewed}export const mul = (a, b) => a * b;\nexport const div = (a, b) => a / b;\n`);
    exec(['git', 'add', '-A']);
    step({ title: 'Skip the local hooks with --no-verify…', argv: ['git', 'commit', '--no-verify', '-q', '-m', 'Skip the hooks'], expect: 0 });
    step({ title: '…and CI names the commit (exit 1)', argv: ['wf', 'verify', '--base', root], expect: 1, mustSay: 'Skip the hooks' });
    out(failures === 0 ? s.green.bold('\ndemo complete: every step behaved as expected') : s.red.bold(`\ndemo: ${plural(failures, 'step')} did not behave as expected`));
    return failures === 0 ? 0 : 1;
  } finally {
    if (keep) out(s.dim(`kept ${dir}`));
    else rmSync(dir, { recursive: true, force: true });
    rmSync(join(outputFile, '..'), { recursive: true, force: true });
  }
}
