import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectHolding } from '../../src/installation/index.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'wf-installation-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the project that installed wf', () => {
  it('npm: the folder whose node_modules holds wf-gate, at the root or in a package', () => {
    expect(projectHolding(join(base, 'npm/node_modules/wf-gate'), join(base, 'npm'))).toBe(join(base, 'npm'));
    expect(projectHolding(join(base, 'npm/packages/app/node_modules/wf-gate'), join(base, 'npm'))).toBe(join(base, 'npm/packages/app'));
    // A checkout of wf itself, or a global install outside any node_modules: none.
    expect(projectHolding(join(base, 'wf-checkout'), base)).toBeUndefined();
  });

  it('pnpm: the package is in the store; the project is the nearest folder that links it, else the store’s root', () => {
    const root = join(base, 'pnpm');
    const real = join(root, 'node_modules/.pnpm/wf-gate@0.1.0/node_modules/wf-gate');
    mkdirSync(real, { recursive: true });
    mkdirSync(join(root, 'packages/app/node_modules'), { recursive: true });
    mkdirSync(join(root, 'packages/app/src'), { recursive: true });
    mkdirSync(join(root, 'packages/lib'), { recursive: true });
    symlinkSync(real, join(root, 'packages/app/node_modules/wf-gate'));
    expect(projectHolding(real, join(root, 'packages/app/src'))).toBe(join(root, 'packages/app'));
    expect(projectHolding(real, join(root, 'packages/app'))).toBe(join(root, 'packages/app'));
    // From elsewhere in the workspace, the store's root is all there is to go by.
    expect(projectHolding(real, join(root, 'packages/lib'))).toBe(root);
    expect(projectHolding(real, root)).toBe(root);
    // Never the store's own folder, whose node_modules/.bin/wf does not exist.
    expect(projectHolding(real, join(root, 'packages/app'))).not.toContain('.pnpm');
  });
});
