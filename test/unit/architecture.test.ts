import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const CONFIG = require(join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

async function cruiseViolations(root: string): Promise<Violation[]> {
  const { cruise } = await import('dependency-cruiser');
  const previous = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(['src'], { ...CONFIG.options, validate: true, ruleSet: { forbidden: CONFIG.forbidden } } as never);
    const output = result.output as { summary: { violations: Violation[] } };
    return output.summary.violations;
  } finally {
    process.chdir(previous);
  }
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** `console.x` and `process.exit`/`process.stdout`/`process.stderr` as code (the syntax tree), not inside strings or comments. */
function outputCalls(text: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const [object, name] = [node.expression.text, node.name.text];
      if (object === 'console') found.push(`console.${name}`);
      if (object === 'process' && /^(exit|stdout|stderr)$/.test(name)) found.push(`process.${name}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true));
  return found;
}

describe('the boundaries of src/', () => {
  const fixtures: string[] = [];
  afterAll(() => fixtures.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('hold in this tree', async () => {
    expect(await cruiseViolations(ROOT)).toEqual([]);
  }, 30_000);

  it('catch a private import, a cycle, the domain reaching into cli/, and a process started outside the adapter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-arch-'));
    fixtures.push(dir);
    const files: Record<string, string> = {
      'src/state/index.ts': "export { save } from './store.js';\n",
      'src/state/store.ts': "import { log } from '../audit/index.js';\nexport const save = () => log();\n",
      'src/audit/index.ts': "export { log } from './log.js';\n",
      // reaches into state's private module, and closes a cycle audit → state → audit
      'src/audit/log.ts': "import { save } from '../state/store.js';\nexport const log = () => typeof save;\n",
      'src/cli/style.ts': 'export const bold = (s: string) => s;\n',
      'src/tasks/index.ts': "import { bold } from '../cli/style.js';\nimport { spawnSync } from 'node:child_process';\nexport const t = () => bold(String(spawnSync));\n",
      'tsconfig.json': readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const rules = new Set((await cruiseViolations(dir)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`));
    expect(rules).toContain('only-through-the-entry: src/audit/log.ts → src/state/store.ts');
    expect([...rules].some((r) => r.startsWith('no-cycles:'))).toBe(true);
    expect(rules).toContain('cli-only-from-commands: src/tasks/index.ts → src/cli/style.ts');
    expect(rules).toContain('one-git-adapter: src/tasks/index.ts → child_process');
  }, 30_000);

  it('keep printing and exiting to the command layer and the hooks', () => {
    const writers = new Set(['commands', 'cli', 'hooks', 'guard']);
    const offenders: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const rel = relative(join(ROOT, 'src'), file);
      for (const call of outputCalls(readFileSync(file, 'utf8'))) {
        if (call === 'process.exit' || call.startsWith('console.') || !writers.has(rel.split('/')[0]!)) offenders.push(`${rel}: ${call}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('see output calls as code only', () => {
    expect(outputCalls("const s = 'console.log(1)'; // process.exit(1)\n")).toEqual([]);
    expect(outputCalls('const s = `x ${a} console.log(1)`;\nprocess.exit(2);\n')).toEqual(['process.exit']);
    expect(outputCalls('console.error("x")')).toEqual(['console.error']);
  });
});
