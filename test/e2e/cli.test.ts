import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, makeRepo, type TestRepo, WF_BIN } from '../helpers/repo.js';
import { expectCode, plannedRepo, testAndApprove } from '../helpers/workflow.js';

// The CLI's public surface outside any workflow: version, help, usage errors
// and their exit codes, the schemas, and the demo the README opens with.

const base = mkdtempSync(join(tmpdir(), 'wf-cli-'));
const home = join(base, 'home');
const outside = join(base, 'not-a-repo');
mkdirSync(home);
mkdirSync(outside);
afterAll(() => rmSync(base, { recursive: true, force: true }));

function wf(args: string[], env: NodeJS.ProcessEnv = {}) {
  // Not as the test runner was started (npx vitest): the hints name how wf itself was invoked.
  const { npm_lifecycle_event: _event, npm_lifecycle_script: _script, ...inherited } = cleanEnv(home);
  const r = spawnSync(process.execPath, [WF_BIN, ...args], { cwd: outside, env: { ...inherited, ...env }, encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as { commands: Record<string, unknown> };

describe('wf --version and help', () => {
  it('--version names the package and its version', () => {
    const r = wf(['--version']);
    expectCode(r, 0);
    expect(r.stdout).toMatch(new RegExp(`^${pkg.name}/${pkg.version.replaceAll('.', '\\.')} `));
  });

  it('--help lists every top-level command and topic, and each topic\'s help lists its commands', () => {
    const r = wf(['--help']);
    expectCode(r, 0);
    const ids = Object.keys(manifest.commands);
    expect(ids.length).toBeGreaterThan(25);
    const listed = (text: string, name: string) => new RegExp(`^  ${name}\\s`, 'm').test(text);
    const topics = new Map<string, string[]>();
    for (const id of ids) {
      const [topic, ...rest] = id.split(':');
      if (rest.length === 0) expect(listed(r.stdout, topic!), `wf --help lists ${id}`).toBe(true);
      else topics.set(topic!, [...(topics.get(topic!) ?? []), id.replaceAll(':', ' ')]);
    }
    for (const [topic, commands] of topics) {
      expect(listed(r.stdout, topic), `wf --help lists the ${topic} topic`).toBe(true);
      const help = wf(['help', topic]);
      expectCode(help, 0);
      for (const command of commands) expect(listed(help.stdout, command), `wf help ${topic} lists ${command}`).toBe(true);
    }
    expect(r.stdout).toContain('plan → plan-review → implement → test → review → commit');
  });

  it.each([
    [['help', 'review', 'run']],
    [['help', 'review:run']],
    [['review', 'run', '--help']],
  ])('%j shows the usage of wf review run', (args) => {
    const r = wf(args);
    expectCode(r, 0);
    expect(r.stdout).toContain('$ wf review run');
    expect(r.stdout).toContain('--reviewer');
    expect(r.stdout).toContain('--resume');
  });

  it('wf help <topic> lists the commands in it', () => {
    const r = wf(['help', 'task']);
    expectCode(r, 0);
    for (const sub of ['task start', 'task list', 'task finish', 'task tree']) expect(r.stdout).toContain(sub);
  });

  it('wf help for a command that does not exist is a usage error (exit 2)', () => {
    const r = wf(['help', 'no-such-command']);
    expectCode(r, 2);
    expect(r.stderr).toContain('no command "no-such-command"');
    expect(r.stderr).toContain('wf --help');
    const typo = wf(['help', 'stauts']);
    expectCode(typo, 2);
    expect(typo.stderr).toContain('next:  wf help status   (did you mean it?');
  });
});

describe('usage errors and the environment', () => {
  it('an unknown command is exit 2 with the next command to run', () => {
    const r = wf(['frobnicate']);
    expectCode(r, 2);
    expect(r.stderr).toContain('frobnicate');
    expect(r.stderr).toContain('next:');
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  it('an unknown flag is exit 2; with --json the error is JSON on stdout', () => {
    expectCode(wf(['status', '--bogus']), 2);
    const r = wf(['status', '--bogus', '--json']);
    expectCode(r, 2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { exitCode: 2 } });
  });

  it('a missing argument is exit 2', () => {
    const r = wf(['task', 'start']);
    expectCode(r, 2);
    expect(r.stderr).toContain('id');
  });

  it('an invalid task id is exit 2 before anything is touched', () => {
    const r = wf(['task', 'start', '../escape']);
    expectCode(r, 2);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('outside a git work tree a workflow command is exit 3 and says so', () => {
    const r = wf(['status']);
    expectCode(r, 3);
    expect(r.stderr).toMatch(/git work tree|git repository/);
    const json = wf(['status', '--json']);
    expectCode(json, 3);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { exitCode: 3 } });
  });
});

describe('wf schema', () => {
  it.each([
    ['state', ['version', 'tasks']],
    ['config', ['mode', 'steps', 'review', 'test', 'reviewers']],
  ])('wf schema %s prints a JSON Schema with the top-level keys', (doc, keys) => {
    const r = wf(['schema', doc]);
    expectCode(r, 0);
    const schema = JSON.parse(r.stdout) as { $schema?: string; properties: Record<string, unknown> };
    expect(schema.$schema).toMatch(/json-schema\.org/);
    for (const key of keys) expect(Object.keys(schema.properties)).toContain(key);
  });

  it('an unknown document is exit 2', () => {
    expectCode(wf(['schema', 'nonsense']), 2);
  });
});

describe('wf demo (npm run demo)', () => {
  it('walks a task through every step and every refusal, and removes its temporary files', () => {
    const temp = join(base, 'demo-tmp');
    mkdirSync(temp);
    const r = wf(['demo'], { TMPDIR: temp, CI: 'true' });
    expectCode(r, 0);
    expect(r.stdout).toContain('demo complete: every step behaved as expected');
    expect(r.stdout).not.toContain('✗ exit');
    for (const seen of ['wf review run', 'NEEDS REVISION', 'Review-Hash:', 'chain intact', 'Skip the hooks']) expect(r.stdout).toContain(seen);
    expect(readdirSync(temp)).toEqual([]);
  }, 120_000);
});

describe('CLI conventions', () => {
  it('-h on every command, -v and wf version', () => {
    for (const id of Object.keys(manifest.commands)) {
      const r = wf([...id.split(':'), '-h']);
      expect(r.code, `${id} -h: ${r.stderr}`).toBe(0);
      expect(r.stdout, id).toMatch(/USAGE/);
    }
    expect(wf(['-v']).stdout).toContain(`wf-gate/${pkg.version}`);
    const version = wf(['version', '--json']);
    expectCode(version, 0);
    expect(JSON.parse(version.stdout)).toMatchObject({ version: pkg.version });
  }, 120_000);

  it('a mistyped command names the closest one; a bad flag points at that command’s help', () => {
    const typo = wf(['stauts']);
    expectCode(typo, 2);
    expect(typo.stderr).toContain('next:  wf status');
    const topic = wf(['review', 'rn']);
    expectCode(topic, 2);
    expect(topic.stderr).toContain('next:  wf review run');
    const flag = wf(['review', 'run', '--bogus']);
    expectCode(flag, 2);
    expect(flag.stderr).toContain('next:  wf review run --help');
  });

  it('a closed pipe is not an error: wf --help | head -1 exits 0', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${WF_BIN}" --help | head -c 10 >/dev/null; echo "exit=\${PIPESTATUS:-x}"`], { cwd: outside, env: cleanEnv(home), encoding: 'utf8' });
    expect(r.status).toBe(0);
    const direct = spawnSync('bash', ['-c', `"${process.execPath}" "${WF_BIN}" --help | head -c 10 >/dev/null; exit \${PIPESTATUS[0]}`], { cwd: outside, env: cleanEnv(home), encoding: 'utf8' });
    expect(direct.status).toBe(0);
  });

  it('wf hook --help works', () => {
    const r = wf(['hook', '--help']);
    expectCode(r, 0);
    expect(r.stdout).toContain('USAGE');
  });
});

describe('Ctrl-C at a prompt', () => {
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  // `script` gives wf a terminal, so wf init asks its questions; Ctrl-C arrives two seconds in.
  it.skipIf(!hasScript)('wf init prints "aborted" and exits 130, without a stack trace', () => {
    const dir = mkdtempSync(join(base, 'tty-'));
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const r = spawnSync('sh', ['-c', `(sleep 2; printf '\\003') | script -qec '"${process.execPath}" "${WF_BIN}" init' /dev/null`], { cwd: dir, env: { ...cleanEnv(home), CI: '' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout).toContain('wf: aborted');
    expect(r.stdout).not.toContain('a bug in wf');
    expect(r.status).toBe(130);
  });
});

describe('CLI conventions: help, version, usage errors in the form wf was invoked', () => {
  it.each([[['hook', '--help']], [['hook', 'pre-commit', '-h']], [['next', '-h']], [['task', '-h']], [['review', '--help']], [['attest', '-h']], [['-h']]])('%j prints help and exits 0', (args) => {
    const r = wf(args);
    expectCode(r, 0);
    expect(r.stdout).toMatch(/USAGE/);
  });

  it('-v, --version and wf version all print the version', () => {
    for (const args of [['-v'], ['--version'], ['version']]) {
      const r = wf(args);
      expectCode(r, 0);
      expect(r.stdout, args.join(' ')).toContain(`wf-gate/${pkg.version}`);
    }
  });

  it('a mistyped command is named, never run, and exits 2', () => {
    // `wf verifyy` would fail differently if the guess ran (no base, or a report); only the hint appears.
    const r = wf(['verifyy', '--base', 'HEAD']);
    expectCode(r, 2);
    expect(r.stderr).toContain('next:  wf verify   (did you mean it?');
    expect(r.stdout).toBe('');
  });

  it('an unknown flag and a flag without its value exit 2 and point at the command\'s own help', () => {
    for (const args of [['status', '--bogus'], ['verify', '--base'], ['task', 'start', 'x', '--title']]) {
      const r = wf(args);
      expectCode(r, 2);
      const command = args.filter((a) => !a.startsWith('-') && a !== 'x').join(' ');
      expect(r.stderr, args.join(' ')).toContain(`next:  wf ${command} --help`);
      expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    }
  });

  it('run through npx, the hints say npx wf …', () => {
    // What npx exports to the command it runs (npm 7 and later): the event, and the command line shell-quoted.
    const npx = { npm_lifecycle_event: 'npx', npm_lifecycle_script: "'wf'", npm_command: 'exec' };
    const flag = wf(['status', '--bogus'], npx);
    expectCode(flag, 2);
    expect(flag.stderr).toContain('next:  npx wf status --help');
    const typo = wf(['stauts'], npx);
    expectCode(typo, 2);
    expect(typo.stderr).toContain('next:  npx wf status   (did you mean it?  all commands: npx wf --help)');
    // npx ran something else (npx vitest, whose tests run wf): the user did not type npx wf.
    expect(wf(['status', '--bogus'], { ...npx, npm_lifecycle_script: 'vitest run' }).stderr).toContain('next:  wf status --help');
  });
});

describe('CI checks that cannot run still report to GitHub', () => {
  it.each([
    [['verify', '--bogus'], 2, 'wf verify'],
    [['verify', '--base'], 2, 'wf verify'],
    [['verify', '--base', 'main'], 3, 'wf verify'],
    [['review', 'ci', '--bogus'], 2, 'wf review ci'],
    [['review', 'ci', '--base', 'main'], 3, 'wf review ci'],
  ])('%j (exit %i): an ::error annotation and a step-summary line', (args, code, check) => {
    const summary = join(mkdtempSync(join(base, 'summary-')), 'summary.md');
    const r = wf(args, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expectCode(r, code);
    expect(r.stdout).toMatch(new RegExp(`^::error title=${check}: could not run::`, 'm'));
    expect(readFileSync(summary, 'utf8')).toContain(`### ${check}: ❌ could not run`);
    // With --json the annotation goes to stderr (GitHub reads both), so stdout stays one JSON document.
    const json = wf([...args, '--json'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expectCode(json, code);
    expect(json.stderr).toMatch(new RegExp(`^::error title=${check}: could not run::`, 'm'));
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { exitCode: code } });
  });
});

describe('CLI conventions inside a repository', () => {
  const repos: TestRepo[] = [];
  afterAll(() => repos.forEach((r) => r.cleanup()));
  const started = () => {
    const repo = makeRepo();
    repos.push(repo);
    expectCode(repo.wf(['init', '--yes', '--no-hooks']), 0);
    expectCode(repo.wf(['task', 'start', 'T-1', '--title', 'colours']), 0);
    return repo;
  };

  it('a closed pipe is not an error: wf status --json | head -c1 exits 0', () => {
    const repo = started();
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${WF_BIN}" status --json | head -c1 >/dev/null; exit \${PIPESTATUS[0]}`], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('EPIPE');
  });

  it('FORCE_COLOR colours output into a pipe; NO_COLOR wins over it; a pipe alone gets none', () => {
    const repo = started();
    const ansi = /\u001b\[\d+m/;
    const { NO_COLOR: _drop, ...plain } = repo.env;
    expect(repo.wf(['status'], { env: { ...plain, NO_COLOR: undefined, FORCE_COLOR: '1' } }).stdout).toMatch(ansi);
    expect(repo.wf(['status'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toMatch(ansi);
    expect(repo.wf(['status'], { env: { NO_COLOR: undefined } }).stdout).not.toMatch(ansi);
  });

  it('wf init --ci gitlab prints the include: lines to paste into .gitlab-ci.yml', () => {
    const repo = makeRepo();
    repos.push(repo);
    const r = repo.wf(['init', '--yes', '--no-hooks', '--ci', 'gitlab']);
    expectCode(r, 0);
    expect(r.stdout).toContain('.gitlab-ci.yml');
    expect(r.stdout).toMatch(/^ {2}include:\n {4}- local: \.gitlab\/wf-verify\.gitlab-ci\.yml$/m);
    expect(r.stdout).toContain('wf-verify');
  });

  it('a finished task is shown as finished, not with failing gates; counts are plural only when they are', () => {
    const repo = plannedRepo({ hooks: false });
    repos.push(repo);
    repo.write('src/app.txt', 'changed\n');
    testAndApprove(repo);
    expectCode(repo.wf(['commit', '-m', 'A change']), 0);
    const finish = repo.wf(['task', 'finish', '--task-id', 'T-1']);
    expectCode(finish, 0);
    expect(finish.stdout).toContain('(1 commit)');
    repo.write('src/other.txt', 'staged after the task finished\n');
    repo.gitOk(['add', '-A']);
    const r = repo.wf(['status', '--task-id', 'T-1']);
    expectCode(r, 0);
    expect(r.stdout).toContain('status: finished');
    expect(r.stdout).not.toContain('✗');
    expect(r.stdout).not.toContain('a commit would be refused');
    expect(JSON.parse(repo.wf(['status', '--task-id', 'T-1', '--json']).stdout)).toMatchObject({ gates: [], next: null });
  });
});
