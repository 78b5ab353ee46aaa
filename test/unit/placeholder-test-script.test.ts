import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { placeholderTestWarning } from '../../src/setup/init.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const project = (packageJson: string | null): string => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-placeholder-'));
  dirs.push(dir);
  if (packageJson !== null) writeFileSync(join(dir, 'package.json'), packageJson);
  return dir;
};
const NPM_INIT = JSON.stringify({ name: 'app', version: '1.0.0', scripts: { test: 'echo "Error: no test specified" && exit 1' } });

describe("wf init's check for npm's placeholder test script", () => {
  it.each<[string, string | string[]]>([
    ['npm test', 'npm test'],
    ['npm t', 'npm t'],
    ['npm run test', 'npm run test'],
    ['npm test with arguments', 'npm test -- --watch=false'],
    ['an argv', ['npm', 'test']],
  ])('warns for %s over the placeholder', (_name, command) => {
    const warning = placeholderTestWarning(project(NPM_INIT), { test: { command, timeoutSeconds: 900 } });
    expect(warning).toContain('placeholder test script (echo "Error: no test specified" && exit 1)');
    expect(warning).toContain('then: wf test');
  });

  it.each<[string, string | null, string | string[]]>([
    ['a real test script', JSON.stringify({ scripts: { test: 'vitest run' } }), 'npm test'],
    ['a command that is not npm test', NPM_INIT, 'node --test'],
    ['npm run test:unit', NPM_INIT, 'npm run test:unit'],
    ['no package.json', null, 'npm test'],
    ['a package.json that is not JSON', '{ nope', 'npm test'],
    ['no scripts', '{}', 'npm test'],
  ])('says nothing for %s', (_name, packageJson, command) => {
    expect(placeholderTestWarning(project(packageJson), { test: { command, timeoutSeconds: 900 } })).toBeNull();
  });
});
