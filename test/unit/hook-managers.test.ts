import { describe, expect, it } from 'vitest';
import { addToManagerConfig, managerSnippet, type HookManager } from '../../src/setup/hook-managers.js';

// wf installed in a monorepo package: the managers run commands at the root, so wf's commands put the package's bin first.
const WF = 'PATH="$PWD/packages/app/node_modules/.bin:$PATH" wf';
const lefthook: HookManager = { kind: 'lefthook', config: '/r/lefthook.yml', file: 'lefthook.yml', installCommand: 'npx lefthook install', scriptMark: 'call_lefthook', renamedSuffix: '.old', wf: WF };
const preCommit: HookManager = { ...lefthook, kind: 'pre-commit', config: '/r/.pre-commit-config.yaml', file: '.pre-commit-config.yaml', renamedSuffix: '.legacy' };

describe("hook managers' commands for wf installed in a package", () => {
  it('lefthook.yml runs the package bin for both hooks', () => {
    const text = addToManagerConfig(lefthook, 'pre-commit:\n  commands:\n    lint:\n      run: echo lint\n');
    expect(text).toContain(`      run: ${WF} hook pre-commit # added by wf-gate`);
    expect(text).toContain(`      run: ${WF} hook commit-msg {1} # added by wf-gate`);
    expect(managerSnippet(lefthook)).toContain(`run: ${WF} hook pre-commit`);
  });

  it('.pre-commit-config.yaml runs the package bin for both hooks', () => {
    const text = addToManagerConfig(preCommit, 'repos:\n-   repo: local\n    hooks: []\n');
    expect(text).toContain(`entry: sh -c '${WF} hook pre-commit'`);
    expect(text).toContain(`entry: sh -c '${WF} hook commit-msg "$1"' wf`);
  });
});
