/**
 * How the user started wf, so a hint is a command they can paste back: `npx wf status --help`
 * after `npx wf status --bogus`, plain `wf …` otherwise. npx (and `npm exec`) runs its command as
 * the lifecycle event "npx", with the command, shell-quoted, as npm_lifecycle_script. Both must
 * name wf: `npx vitest` exports the same event to everything it starts, and a wf run by those
 * tests, or by a package.json script, was not typed as npx wf.
 */
export function invocationPrefix(env: NodeJS.ProcessEnv): string {
  if (env.npm_lifecycle_event !== 'npx') return 'wf';
  const first = (env.npm_lifecycle_script ?? '').trim().split(/\s+/)[0]!.replace(/^'(.*)'$/, '$1');
  return first === 'wf' || first === 'wf-gate' ? `npx ${first}` : 'wf';
}
