/**
 * Whether wf runs under a CI service. `CI=false` and `CI=0` are the usual way to say
 * "not CI" (create-react-app, ci-info), so they and an empty value do not count.
 */
export function runsInCi(env: NodeJS.ProcessEnv): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== 'false' && value !== '0';
}
