import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_TIMEOUT, makeConsumer, type ConsumerProject } from '../helpers/consumer.js';

// A new user's project that installs the packed tarball from the registry's way in.
describe('the packed tarball in a consumer project', () => {
  let project: ConsumerProject;
  beforeAll(() => {
    project = makeConsumer();
  }, CONSUMER_TIMEOUT);
  afterAll(() => project?.cleanup());

  it('installs with no install script of its own and runs through npx', () => {
    const pkg = JSON.parse(project.read('node_modules/wf-gate/package.json')) as { scripts?: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts?.[hook]).toBeUndefined();
    const version = project.npx(['wf', '--version']);
    expect(version.stderr).toBe('');
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/0\.\d+\.\d+/);
  });

  it('runs oclif commands without warnings under NODE_ENV=development or test (no TypeScript lookup of its compiled bundles)', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const r = project.npx(['wf', 'task', 'list'], { env: { NODE_ENV } });
      expect(r.stderr, NODE_ENV).toBe('');
      expect(r.code, NODE_ENV).toBe(0);
    }
  });
});
