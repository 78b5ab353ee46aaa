import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { declaringWorkspace, projectHolding } from '../../src/installation/index.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'wf-installation-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the project that installed wf', () => {
  it('npm: the folder whose node_modules holds wf-gate, at the root or in a package', () => {
    expect(projectHolding(join(base, 'npm/node_modules/wf-gate'), join(base, 'npm'))).toBe(join(base, 'npm'));
    expect(projectHolding(join(base, 'npm/packages/app/node_modules/wf-gate'), join(base, 'npm'))).toBe(join(base, 'npm/packages/app'));
    // A checkout of wf itself, or a global install outside any node_modules: none.
    expect(projectHolding(join(base, 'wf-checkout'), base)).toBeUndefined();
  });

  it('pnpm: the package is in the store; the project is the one folder that links it, the same from wherever wf runs', () => {
    const root = join(base, 'pnpm');
    const real = join(root, 'node_modules/.pnpm/wf-gate@0.1.0/node_modules/wf-gate');
    mkdirSync(real, { recursive: true });
    mkdirSync(join(root, 'packages/app/node_modules'), { recursive: true });
    mkdirSync(join(root, 'packages/app/src'), { recursive: true });
    mkdirSync(join(root, 'packages/lib'), { recursive: true });
    symlinkSync(real, join(root, 'packages/app/node_modules/wf-gate'));
    for (const from of ['packages/app/src', 'packages/app', 'packages/lib', '.']) expect(projectHolding(real, join(root, from))).toBe(join(root, 'packages/app'));
    // Never the store's own folder, whose node_modules/.bin/wf does not exist.
    expect(projectHolding(real, root)).not.toContain('.pnpm');
    // Two packages link it: the nearest one from where wf runs, else the root.
    mkdirSync(join(root, 'packages/lib/node_modules'), { recursive: true });
    symlinkSync(real, join(root, 'packages/lib/node_modules/wf-gate'));
    expect(projectHolding(real, join(root, 'packages/lib'))).toBe(join(root, 'packages/lib'));
    expect(projectHolding(real, join(root, 'packages/app/src'))).toBe(join(root, 'packages/app'));
    expect(projectHolding(real, root)).toBe(root);
  });

  it('npm workspaces: the one workspace that declares wf-gate, negated patterns and the root’s own declaration honoured', () => {
    const root = join(base, 'workspace');
    const write = (rel: string, json: unknown) => {
      mkdirSync(join(root, rel), { recursive: true });
      writeFileSync(join(root, rel, 'package.json'), JSON.stringify(json));
    };
    write('.', { private: true, workspaces: ['packages/*', '!packages/legacy'] });
    write('packages/app', { devDependencies: { 'wf-gate': '^0.1.0' } });
    write('packages/lib', { dependencies: { lodash: '*' } });
    write('packages/legacy', { devDependencies: { 'wf-gate': '^0.0.1' } });
    expect(declaringWorkspace(root)).toBe('packages/app');
    write('packages/other', { devDependencies: { 'wf-gate': '^0.1.0' } });
    expect(declaringWorkspace(root)).toBeUndefined();
    write('.', { private: true, workspaces: { packages: ['packages/app'] }, devDependencies: { 'wf-gate': '^0.1.0' } });
    expect(declaringWorkspace(root)).toBeUndefined();
    write('.', { private: true, workspaces: { packages: ['packages/app'] } });
    expect(declaringWorkspace(root)).toBe('packages/app');
  });
});
