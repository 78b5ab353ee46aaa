import { accessSync, constants } from 'node:fs';
import { delimiter, join, relative, sep } from 'node:path';

/**
 * How the user started wf, so a hint is a command they can paste back: `npx wf status --help`
 * after `npx wf status --bogus`, plain `wf …` otherwise. npx (and `npm exec`) runs its command as
 * the lifecycle event "npx", with the command, shell-quoted, as npm_lifecycle_script. Both must
 * name wf: `npx vitest` exports the same event to everything it starts, and a wf run by those
 * tests, or by a package.json script, was not typed as npx wf.
 */
export function invocationPrefix(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  if (env.npm_lifecycle_event !== 'npx') return 'wf';
  const first = (env.npm_lifecycle_script ?? '').trim().split(/\s+/)[0]!.replace(/^'(.*)'$/, '$1');
  if (first !== 'wf' && first !== 'wf-gate') return 'wf';
  // `npx --prefix packages/app wf` (from a monorepo's root) sets both prefixes to the package; without --prefix the
  // global prefix differs from the local one, which npx finds by itself from anywhere inside the package.
  const prefix = env.npm_config_prefix;
  const rel = prefix && prefix === env.npm_config_local_prefix ? relative(cwd, prefix).split(sep).join('/') : '';
  return rel ? `npx --prefix ${shellWord(rel)} ${first}` : `npx ${first}`;
}

const shellWord = (word: string) => (/^[\w./-]+$/.test(word) ? word : JSON.stringify(word));

/**
 * The form of wf a hook's message names. Nobody typed wf there: git ran the
 * hook script, Claude Code ran the settings command, both at the repository
 * root. So: npx when the user's own command was (`npx wf commit` runs
 * git), plain wf when one is on PATH, else npx for the project wf is installed
 * in (`at`, relative to the root; undefined when wf is not installed in a
 * project there), which from the root of a monorepo is
 * `npx --prefix packages/app wf`. Only asked when a message is written, so
 * PATH is searched then.
 */
export function hookInvocationFor(env: NodeJS.ProcessEnv, at: string | undefined): string {
  const typed = invocationPrefix(env);
  if (typed !== 'wf') return typed;
  if (onPath(env.PATH ?? '', 'wf')) return 'wf';
  // Not run from a project's node_modules (a global install, a checkout of wf): npx would not find this wf.
  if (at === undefined) return 'wf';
  return at === '' ? 'npx wf' : `npx --prefix ${shellWord(at)} wf`;
}

function onPath(path: string, name: string): boolean {
  return path.split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** wf's top-level commands: only `wf <one of these>` in a message is a command to rewrite (not "wf adds it"). test/unit/invocation.test.ts holds it to the manifest. */
export const WF_COMMANDS = ['attest', 'audit', 'commit', 'context', 'demo', 'docs', 'doctor', 'fix', 'hash', 'help', 'hook', 'hooks', 'init', 'next', 'plan', 'record-review', 'review', 'rollup', 'schema', 'ship', 'status', 'subtask', 'task', 'test', 'todo', 'verify', 'version'] as const;

// After a quote it is text quoted as written (a package.json script), not a command to paste; nor is
// `wf hook …`, which only hook scripts and hook managers' configs run (and a snippet of one is pasted as written).
const COMMAND_IN_TEXT = new RegExp(`(?<![\\w./@$"'-])(?<!npx )(?<!--no-install )(?<!--prefix \\S+ )wf (?=(?:${WF_COMMANDS.filter((c) => c !== 'hook').join('|')})(?![\\w-]))`, 'g');

/**
 * A message with each wf command written in the form `wf` (the result of
 * invocationPrefix or hookInvocation): messages are written once, as `wf …`,
 * and rewritten where they are printed.
 */
export function inInvocationForm(text: string, wf: string): string {
  return wf === 'wf' ? text : text.replace(COMMAND_IN_TEXT, `${wf} `);
}
