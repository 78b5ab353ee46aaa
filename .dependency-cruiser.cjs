// The boundaries ARCHITECTURE.md describes, checked by `npm test` (npm run lint).
// Type-only imports count for the layering (a type cycle is still two concerns
// that need each other) but not for what loads at run time.
const DOMAIN = '^src/(?!cli/|commands/)[^/]+/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Folders form layers; a cycle means two concerns need each other and one of them is in the wrong room.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'only-through-the-entry',
      severity: 'error',
      comment: "Another folder's modules are private to it: import its index.ts.",
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/cli/'] },
    },
    {
      name: 'cli-only-from-commands',
      severity: 'error',
      comment: 'src/cli is the command layer\'s own helpers (parsing, rendering); the domain never reaches up into it.',
      from: { path: DOMAIN },
      to: { path: '^src/(cli|commands)/' },
    },
    {
      name: 'no-ui-in-the-domain',
      severity: 'error',
      comment: 'Only commands parse and render: no oclif, chalk or prompts below them.',
      from: { path: DOMAIN },
      to: { path: 'node_modules/(@oclif|chalk|@inquirer|inquirer)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'fast-path-stays-light',
      severity: 'error',
      comment: 'git and agent hooks pay for every import on every commit and tool call (a test traces what they load at run time).',
      from: { path: '^src/(hooks|guard)/' },
      to: { path: 'node_modules/(@oclif|zod|execa|@inquirer|inquirer|chalk|proper-lockfile)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'one-git-adapter',
      severity: 'error',
      comment: 'Processes start in src/git (git itself), src/review and src/gates (execa: reviewers, the test command), src/setup/doctor (the installed hook commands), src/setup/keygen (ssh-keygen) and the demo (a user at a terminal).',
      from: { path: '^src/', pathNot: ['^src/git/', '^src/demo/', '^src/setup/doctor\\.ts$', '^src/setup/keygen\\.ts$'] },
      to: { path: '^child_process$|^node:child_process$', dependencyTypes: ['core'] },
    },
    {
      name: 'execa-only-for-tools',
      severity: 'error',
      comment: 'execa runs the configured reviewer and test commands; git goes through src/git.',
      from: { path: '^src/', pathNot: ['^src/review/', '^src/gates/test-run\\.ts$'] },
      to: { path: 'node_modules/execa/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    moduleSystems: ['es6'],
    exclude: { path: '^dist/' },
  },
};
