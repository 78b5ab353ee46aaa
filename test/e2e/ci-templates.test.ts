import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/repo.js';
import { ciTemplateText } from '../../src/setup/ci-templates.js';

/**
 * The GitHub templates' own steps, run as a script against a pull request
 * whose package.json has a hostile postinstall: the steps are the ones in
 * templates/github/*.yml (read from the files, not copied here), npm installs
 * the packed wf-gate, and the pull request's tree is never installed or run.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

/** The `run:` scripts of a workflow's steps, in order, by step name, and the working-directory of those that set one. */
function stepScripts(text: string): Map<string, string> & { dirs: Map<string, string> } {
  const lines = text.split('\n');
  const steps = Object.assign(new Map<string, string>(), { dirs: new Map<string, string>() });
  let name = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const named = /^\s+- name: (.+)$/.exec(line);
    if (named) name = named[1]!.trim();
    const dir = /^\s+working-directory: (.+)$/.exec(line);
    if (dir) steps.dirs.set(name, dir[1]!.trim());
    const run = /^(\s+)run: (.*)$/.exec(line);
    if (!run) continue;
    if (run[2] === '|') {
      const body: string[] = [];
      const indent = run[1]!.length;
      while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || lines[i + 1]!.search(/\S/) > indent)) body.push(lines[++i]!.slice(indent + 2));
      steps.set(name, body.join('\n'));
    } else steps.set(name, run[2]!.replace(/^'(.*)'$/, '$1').replace(/''/g, "'"));
  }
  return steps;
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

describe('templates/github: a pull request cannot change what judges it', () => {
  // '' is wf installed at the root; packages/app a monorepo package, as wf init --ci github writes the template for it.
  it.each(['', 'packages/app'])('wf-verify.yml (wf installed in "%s"): a hostile postinstall never runs, the verifier is the one the base pins, and the forgery is refused', (at) => {
    const work = temp('wf-tpl-');
    const home = join(work, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.gitconfig'), '');
    const env = { ...cleanEnv(home), GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e.invalid', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e.invalid' };

    // The packed wf-gate (already built), as the registry would serve it.
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false' } });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(work, pack.stdout.trim().split('\n').at(-1)!);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

    // The base: wf pinned in its lock file, attestations not required (so the trailer check is what judges).
    const origin = join(work, 'origin.git');
    git(work, ['init', '-q', '--bare', '-b', 'main', origin], env);
    // As GitHub does: a commit reachable from a ref may be fetched by its id.
    git(origin, ['config', 'uploadpack.allowReachableSHA1InWant', 'true'], env);
    const dev = join(work, 'dev');
    git(work, ['clone', '-q', origin, dev], env);
    const pkg = join(dev, at);
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'consumer', private: true, devDependencies: { 'wf-gate': version } }, null, 2));
    writeFileSync(join(pkg, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, packages: { '': { devDependencies: { 'wf-gate': version } }, 'node_modules/wf-gate': { version } } }, null, 2));
    mkdirSync(join(dev, '.claude'));
    writeFileSync(join(dev, '.claude/wf.config.json'), JSON.stringify({ version: 1, review: { minApprovals: 1, allowManual: true } }, null, 2));
    git(dev, ['add', '-A'], env);
    git(dev, ['commit', '-q', '-m', 'base'], env);
    git(dev, ['push', '-q', 'origin', 'main'], env);
    const base = git(dev, ['rev-parse', 'HEAD'], env);

    // The pull request: unreviewed code, a postinstall that would replace the verifier, and a lock pinning another wf.
    const pwned = join(work, 'pwned');
    writeFileSync(join(dev, 'evil.js'), 'evil()\n');
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'consumer', private: true, scripts: { postinstall: `echo ran > ${pwned}; mkdir -p node_modules/wf-gate/bin; printf 'process.exit(0)\\n' > node_modules/wf-gate/bin/wf.js` }, devDependencies: { 'wf-gate': '0.0.1-evil' } }, null, 2));
    writeFileSync(join(pkg, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, packages: { 'node_modules/wf-gate': { version: '0.0.1-evil' } } }, null, 2));
    git(dev, ['add', '-A'], env);
    git(dev, ['commit', '-q', '-m', 'feature', '-m', 'Review-Hash: 0000000000000000000000000000000000000000000000000000000000000000'], env);
    git(dev, ['push', '-q', 'origin', 'HEAD:refs/pull/7/head'], env);
    const prHead = git(dev, ['rev-parse', 'HEAD'], env);

    // The runner: actions/checkout of the base, then the template's steps. npm is real, but serves the packed
    // tarball for wf-gate@<version> (and records what it was asked for).
    const runner = join(work, 'runner');
    git(work, ['clone', '-q', origin, runner], env);
    const shims = join(work, 'shims');
    mkdirSync(shims);
    const realNpm = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(
      join(shims, 'npm'),
      `#!/bin/sh\necho "$@" >> ${join(work, 'npm-args')}\nargs=""\nfor a in "$@"; do case "$a" in wf-gate@${version}) args="$args ${tarball}" ;; wf-gate@*) echo "asked for $a" >&2; exit 1 ;; *) args="$args $a" ;; esac; done\nexec ${realNpm} $args --prefer-offline\n`,
    );
    chmodSync(join(shims, 'npm'), 0o755);
    const runnerTemp = join(work, 'runner-temp');
    mkdirSync(runnerTemp);
    const output = join(work, 'github-output');
    writeFileSync(output, '');
    const steps = stepScripts(ciTemplateText(readFileSync(join(ROOT, 'templates/github/wf-verify.yml'), 'utf8'), 'github', at));
    expect(steps.dirs.get('Install wf as pinned by the base')).toBe(at || undefined);
    const stepEnv = {
      ...env,
      PATH: `${shims}:${process.env.PATH}`,
      RUNNER_TEMP: runnerTemp,
      GITHUB_OUTPUT: output,
      GITHUB_SHA: base,
      EVENT: 'pull_request_target',
      PR_HEAD: prHead,
      PR_BASE: base,
      TOKEN: '',
      GITHUB_SERVER_URL: 'https://github.com',
    };
    // As the runner does: a step's working-directory is relative to the checkout.
    const run = (name: string, extra: NodeJS.ProcessEnv = {}) => spawnSync('bash', ['-eo', 'pipefail', '-c', steps.get(name)!], { cwd: join(runner, steps.dirs.get(name) ?? ''), env: { ...stepEnv, ...extra }, encoding: 'utf8' });

    expect([...steps.keys()]).toEqual(['Range to verify', 'Install wf as pinned by the base', 'wf verify']);
    const range = run('Range to verify');
    expect(range.status, range.stderr).toBe(0);
    const outBase = /^base=(.+)$/m.exec(readFileSync(output, 'utf8'))![1]!;
    expect(outBase).toBe(base);
    const install = run('Install wf as pinned by the base', { BASE: outBase });
    expect(install.status, install.stderr + install.stdout).toBe(0);
    expect(readFileSync(join(work, 'npm-args'), 'utf8')).toContain('--ignore-scripts');
    const verify = run('wf verify', { BASE: outBase });
    expect(verify.status, verify.stdout + verify.stderr).toBe(1);
    expect(verify.stdout + verify.stderr).toMatch(/Review-Hash does not match the commit/);

    // Nothing of the pull request ran or was installed: no postinstall marker, no PR file in the checkout.
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(join(runner, 'evil.js'))).toBe(false);
    expect(existsSync(join(runner, at, 'node_modules'))).toBe(false);
  }, 180_000);
});
