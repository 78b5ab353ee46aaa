import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hookInvocationFor, inInvocationForm, invocationPrefix, WF_COMMANDS } from '../../src/installation/invocation.js';

describe('hints in the form wf was invoked', () => {
  it('knows every top-level command of the manifest', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as { commands: Record<string, unknown> };
    expect([...WF_COMMANDS].sort()).toEqual([...new Set(Object.keys(manifest.commands).map((id) => id.split(':')[0]!))].sort());
  });

  it('rewrites wf commands only, once', () => {
    const text = "next: wf status   (lists what is missing), then: wf review run --step plan-review\n→ wf test --task-id T-1; wf adds the trailers; wf's hooks; run `npx --no-install wf next`; ./node_modules/.bin/wf hook pre-commit; npx --prefix packages/app wf ship";
    expect(inInvocationForm(text, 'npx wf')).toBe(
      "next: npx wf status   (lists what is missing), then: npx wf review run --step plan-review\n→ npx wf test --task-id T-1; wf adds the trailers; wf's hooks; run `npx --no-install wf next`; ./node_modules/.bin/wf hook pre-commit; npx --prefix packages/app wf ship",
    );
    expect(inInvocationForm(text, 'wf')).toBe(text);
    expect(inInvocationForm('run: PATH="$PWD/node_modules/.bin:$PATH" wf hook pre-commit', 'npx wf')).toBe('run: PATH="$PWD/node_modules/.bin:$PATH" wf hook pre-commit');
    expect(inInvocationForm('add "prepare": "wf hooks install --if-repository", then: wf status', 'npx wf')).toBe('add "prepare": "wf hooks install --if-repository", then: npx wf status');
    expect(inInvocationForm('wf hooks install, then: wf task start <id>', 'npx --prefix packages/app wf')).toBe('npx --prefix packages/app wf hooks install, then: npx --prefix packages/app wf task start <id>');
  });

  it('a hook names npx when the user typed it, wf when one is on PATH, else npx for where wf is installed', () => {
    const npx = { npm_lifecycle_event: 'npx', npm_lifecycle_script: 'wf commit -m x', PATH: '' };
    expect(invocationPrefix(npx)).toBe('npx wf');
    // npx --prefix packages/app wf …, typed at the root of a monorepo, and plain npx inside the package.
    expect(invocationPrefix({ ...npx, npm_config_prefix: '/r/packages/app', npm_config_local_prefix: '/r/packages/app' }, '/r')).toBe('npx --prefix packages/app wf');
    expect(invocationPrefix({ ...npx, npm_config_prefix: '/usr', npm_config_local_prefix: '/r/packages/app' }, '/r/packages/app/src')).toBe('npx wf');
    expect(invocationPrefix({ ...npx, npm_lifecycle_script: 'vitest run' })).toBe('wf');
    expect(hookInvocationFor(npx, 'packages/app')).toBe('npx wf');
    expect(hookInvocationFor({ PATH: '/nonexistent' }, 'packages/app')).toBe('npx --prefix packages/app wf');
    expect(hookInvocationFor({ PATH: '/nonexistent' }, '')).toBe('npx wf');
    expect(hookInvocationFor({ PATH: '/nonexistent' }, undefined)).toBe('wf');
  });
});
