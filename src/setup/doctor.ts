import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { claudeHookCommands, claudeWiring } from './agent-setup.js';
import { CONFIG_FILE, configPath, readConfig, type WfConfig, effectiveConfig, uncommittedReviewerChanges } from '../config/index.js';
import { isWfError } from '../errors/index.js';
import { checkHooks, WF_BIN } from './hook-install.js';
import { readStateFile } from '../state/index.js';
import { parseAllowedSigners } from '../attestation/index.js';
import { ATTESTORS_FILE } from '../ci/index.js';
import { reviewerLaunch } from '../review/index.js';
import type { Repo } from '../git/index.js';
import { GUARD_BLOCKED } from '../guard/index.js';
import { plural } from '../text/index.js';

/**
 * `wf doctor`: the installation checked end to end, including whether the
 * guard really blocks: it runs the hooks on synthetic payloads and expects a
 * refusal, because a guard that is wired but broken looks exactly like one
 * that works until the day it matters.
 */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'fail' | 'warn';
  detail: string;
  fix?: string;
}

/**
 * Runs a guard hook the way Claude Code will: the exact command string from `.claude/settings.json`
 * through the shell, in the project with CLAUDE_PROJECT_DIR set, so a path that does not exist there
 * (a monorepo layout) or a replaced binary shows here. Without wiring, wf's own binary.
 */
function runHook(repo: Repo, hook: string, payload: unknown, command: string | null): { code: number; stderr: string } {
  const [program, args] = command === null ? [process.execPath, [WF_BIN, 'hook', hook]] : ['/bin/sh', ['-c', command]];
  const r = spawnSync(program, args, {
    cwd: repo.root,
    input: typeof payload === 'string' ? payload : JSON.stringify(payload),
    encoding: 'utf8',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: '', CLAUDE_PROJECT_DIR: repo.root },
    timeout: 30_000,
  });
  return { code: r.status ?? -1, stderr: r.stderr ?? '' };
}

/** Blocked by wf itself: exit 2 alone is also what a wired `|| exit 2` gives when wf is not found at all. */
const blockedByWf = (r: { code: number; stderr: string }) => r.code === 2 && r.stderr.includes(GUARD_BLOCKED);

/** One check per configured reviewer (can wf review run start it?), or one that says reviews are typed in by hand. */
export function reviewerChecks(root: string, config: WfConfig): DoctorCheck[] {
  const names = Object.keys(config.reviewers);
  if (names.length === 0) {
    return [
      config.review.allowManual
        ? {
            name: 'reviewers',
            status: 'warn',
            detail: 'none configured: reviews are typed in with wf record-review, and whoever types one chooses its session id',
            fix: `configure reviewers in ${CONFIG_FILE} (README: "Reviews run by wf"), then set review.allowManual to false`,
          }
        : {
            name: 'reviewers',
            status: 'fail',
            detail: 'review.allowManual is false but no reviewer is configured, so no review can be recorded at all',
            fix: `configure reviewers in ${CONFIG_FILE} (README: "Reviews run by wf")`,
          },
    ];
  }
  return names.map((name) => {
    const program = config.reviewers[name]!.command[0]!;
    // The same resolution wf review run uses: absolute, or a name on the trusted part of PATH.
    const launch = reviewerLaunch(config.reviewers[name]!, { repoRoot: root, cwd: root });
    const where = isAbsolute(program) ? 'file' : program.includes('/') ? 'file outside the repository (a reviewer is a program from outside it)' : 'on PATH (its trusted part: absolute folders outside the repository)';
    return launch
      ? { name: `reviewer ${name}`, status: 'ok', detail: `${program} → ${launch.program}` }
      : {
          name: `reviewer ${name}`,
          status: 'fail',
          detail: `${program} is not an executable ${where}, so wf review run cannot start it`,
          fix: `install it, or fix reviewers.${name}.command in ${CONFIG_FILE}`,
        };
  });
}

/** The attestors file, as `wf verify` will read it once committed on the base. */
export function attestorChecks(root: string): DoctorCheck[] {
  const file = join(root, ATTESTORS_FILE);
  let required = false;
  try {
    required = readConfig(root).attestation.required;
  } catch {
    // Reported by the config check.
  }
  if (!existsSync(file)) {
    return required ? [{ name: 'attestors', status: 'fail', detail: `attestation.required is true but there is no ${ATTESTORS_FILE}, so no attestation can count`, fix: 'wf attest keygen' }] : [];
  }
  const { signers, problems } = parseAllowedSigners(readFileSync(file, 'utf8'), ATTESTORS_FILE);
  const checks: DoctorCheck[] = problems.map((p) => ({ name: 'attestors', status: 'fail' as const, detail: p.message, fix: `fix or remove line ${p.line} of ${ATTESTORS_FILE}` }));
  const now = new Date();
  const usable = signers.filter((s) => (s.namespaces === null || s.namespaces.includes('wf-review')) && (s.validBefore === null || s.validBefore >= now));
  if (usable.length === 0) checks.push({ name: 'attestors', status: 'fail', detail: `${ATTESTORS_FILE} lists no key valid now for the wf-review namespace`, fix: 'wf attest keygen' });
  else checks.push({ name: 'attestors', status: problems.length ? 'warn' : 'ok', detail: `${plural(usable.length, 'key')} may sign attestations: ${usable.map((s) => `${s.principals.join(',')} ${s.publicKey.fingerprint}`).join('; ')}` });
  return checks;
}

export async function runDoctor(repo: Repo): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const guard = (name: string, fn: () => Omit<DoctorCheck, 'name'>) => {
    try {
      checks.push({ name, ...fn() });
    } catch (err) {
      checks.push({ name, status: 'fail', detail: isWfError(err) ? err.message : String(err), ...(isWfError(err) && err.hint ? { fix: err.hint } : {}) });
    }
  };

  guard('config', () => {
    const exists = existsSync(configPath(repo.root));
    readConfig(repo.root);
    return exists ? { status: 'ok', detail: '.claude/wf.config.json is valid' } : { status: 'fail', detail: 'no .claude/wf.config.json', fix: 'wf init' };
  });
  try {
    const working = readConfig(repo.root);
    const inForce = await effectiveConfig(repo, working);
    checks.push(...reviewerChecks(repo.root, inForce));
    const pending = uncommittedReviewerChanges(working, inForce);
    if (pending.length > 0) {
      checks.push({
        name: 'uncommitted reviewer changes',
        status: 'warn',
        detail: `reviewers ${pending.join(', ')} differ from the committed config; wf review run uses the committed ones until the change is reviewed and committed`,
        fix: 'wf commit the config change',
      });
    }
  } catch {
    // A broken config is already reported by the config check above.
  }
  checks.push(...attestorChecks(repo.root));
  guard('state', () => {
    const state = readStateFile(repo.root);
    return { status: 'ok', detail: `.claude/task-state.json reads (${plural(Object.keys(state.tasks).length, 'task')})` };
  });
  try {
    for (const hook of await checkHooks(repo)) {
      checks.push(hook.ok ? { name: `git ${hook.hook} hook`, status: 'ok', detail: hook.path } : { name: `git ${hook.hook} hook`, status: 'fail', detail: `${hook.path}: ${hook.problem}`, fix: hook.fix ?? 'wf hooks install' });
    }
  } catch (err) {
    // A hook manager's config wf cannot read (lefthook.toml) is one failed check, not a crashed doctor.
    if (!isWfError(err)) throw err;
    checks.push({ name: 'git hooks', status: 'fail', detail: err.message, ...(err.hint ? { fix: err.hint } : {}) });
  }
  const local = join(repo.root, 'node_modules', '.bin', 'wf');
  checks.push(
    existsSync(local)
      ? { name: 'wf for hooks', status: 'ok', detail: 'node_modules/.bin/wf' }
      : { name: 'wf for hooks', status: 'warn', detail: 'no node_modules/.bin/wf: the hooks fall back to wf on PATH, then to the wf that installed them', fix: 'npm install --save-dev wf-gate' },
  );

  const wiring = claudeWiring(repo.root);
  const wired = wiring.bash && wiring.edit && wiring.stop;
  checks.push(
    wired
      ? { name: 'Claude Code guard wiring', status: 'ok', detail: '.claude/settings.json runs wf hook pre-bash, pre-edit and stop' }
      : {
          name: 'Claude Code guard wiring',
          status: 'warn',
          detail: `.claude/settings.json lacks: ${[!wiring.bash && 'pre-bash (Bash)', !wiring.edit && 'pre-edit (Edit|Write|NotebookEdit)', !wiring.stop && 'stop'].filter(Boolean).join(', ')}`,
          fix: 'wf init --agent claude',
        },
  );

  const commands = claudeHookCommands(repo.root);
  const bypass = runHook(repo, 'pre-bash', { tool_name: 'Bash', tool_input: { command: 'git commit --no-verify -m doctor' }, cwd: repo.root }, commands.bash);
  checks.push(
    blockedByWf(bypass)
      ? { name: 'guard blocks --no-verify', status: 'ok', detail: 'a synthetic git commit --no-verify payload was blocked (exit 2)' }
      : {
          name: 'guard blocks --no-verify',
          status: 'fail',
          detail: `a synthetic --no-verify payload exited ${bypass.code}, expected 2${commands.bash === null ? '' : ` (run as .claude/settings.json has it: ${commands.bash})`}: ${bypass.stderr.trim().slice(0, 200)}`,
          fix: commands.bash === null ? 'reinstall wf-gate, then: wf doctor' : 'wf init --agent claude   (rewrites the hook commands for where wf is installed), then: wf doctor',
        },
  );
  const edit = runHook(repo, 'pre-edit', { tool_name: 'Write', tool_input: { file_path: join(repo.root, '.claude/task-state.json') }, cwd: repo.root }, commands.edit);
  checks.push(
    blockedByWf(edit)
      ? { name: 'guard blocks state edits', status: 'ok', detail: 'a synthetic Write to .claude/task-state.json was blocked (exit 2)' }
      : { name: 'guard blocks state edits', status: 'fail', detail: `a synthetic Write payload exited ${edit.code}, expected wf's block (exit 2)${commands.edit === null ? '' : ` (run as .claude/settings.json has it: ${commands.edit})`}: ${edit.stderr.trim().slice(0, 200)}`, fix: commands.edit === null ? 'reinstall wf-gate, then: wf doctor' : 'wf init --agent claude, then: wf doctor' },
  );
  const garbage = runHook(repo, 'pre-bash', 'not a payload', commands.bash);
  checks.push(
    blockedByWf(garbage)
      ? { name: 'guard fails closed', status: 'ok', detail: 'an unreadable payload was blocked (exit 2)' }
      : { name: 'guard fails closed', status: 'fail', detail: `an unreadable payload exited ${garbage.code}, expected wf's block (exit 2): ${garbage.stderr.trim().slice(0, 200)}`, fix: 'reinstall wf-gate, then: wf doctor' },
  );
  return checks;
}
