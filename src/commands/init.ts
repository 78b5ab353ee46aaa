import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { openRepo } from '../git/index.js';
import { initRepository } from '../setup/index.js';
import { existsSync } from 'node:fs';
import { CONFIG_FILE, configPath, DEFAULT_CONFIG } from '../config/index.js';
import { checkbox, confirm, input, select, number } from '@inquirer/prompts';
import { REVIEWER_PRESET_NAMES, REVIEWER_PRESETS, type ReviewerPresetName } from '../review/index.js';
import { runsInCi } from '../cli/ci-environment.js';

export default class Init extends WfCommand {
  static override summary = 'Set up wf in this repository: config, state, .gitignore entries and git hooks.';
  static override description =
    'Asks a few questions on a terminal; with --yes, CI=true or no TTY it takes the defaults and never waits for input. Running it again changes nothing and says so. --reviewer configures a reviewer preset (claude, codex, gemini) for wf review run, in a new config or added to an existing one.';
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --yes --no-hooks', '<%= config.bin %> init --yes --ci github', '<%= config.bin %> init --yes --agent claude', '<%= config.bin %> init --yes --reviewer claude --reviewer codex'];
  static override flags = {
    yes: Flags.boolean({ char: 'y', description: 'Take the defaults without asking.', default: false }),
    hooks: Flags.boolean({ description: 'Install the git hooks.', default: true, allowNo: true }),
    agent: Flags.string({ description: 'Wire the agent guard, slash commands and a CLAUDE.md section for this agent.', options: ['claude'] }),
    'global-hooks-path': Flags.boolean({ description: 'Install the hooks even into a hooks folder outside this repository (a global core.hooksPath), shared by every repository using it.', default: false }),
    ci: Flags.string({ description: 'Also add the CI workflow that runs wf verify on every pull/merge request.', options: ['github', 'gitlab'] }),
    prepare: Flags.boolean({
      description: 'Add "prepare": "wf hooks install --if-repository" to the package.json wf is installed in (appended with && to a prepare script that does not run it), so npm install in a fresh clone installs the hooks. Asked on a terminal; off otherwise unless given.',
      allowNo: true,
    }),
    reviewer: Flags.string({
      description: 'Configure this CLI as a reviewer wf review run starts, from its preset (repeatable; added to an existing config too).',
      options: [...REVIEWER_PRESET_NAMES],
      multiple: true,
      helpValue: '<cli>',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    const repo = await openRepo();
    const interactive = !flags.yes && !flags.json && process.stdin.isTTY === true && process.stdout.isTTY === true && !runsInCi(process.env);
    const fresh = !existsSync(configPath(repo.root));
    let config: { mode?: 'strict' | 'warn'; test?: { command: string; timeoutSeconds: number }; review?: { minApprovals: number; allowManual: boolean } } | undefined;
    if (interactive && fresh) {
      const command = await input({ message: 'Test command wf should run:', default: String(DEFAULT_CONFIG.test.command) });
      const minApprovals = (await number({ message: 'Distinct approving reviewers per commit:', default: 1, min: 1 })) ?? 1;
      const mode = await select({
        message: 'Mode:',
        choices: [
          { name: 'strict: refuse commits that miss a gate', value: 'strict' as const },
          { name: 'warn: report but allow (for rolling out to a team)', value: 'warn' as const },
        ],
      });
      config = { mode, test: { command, timeoutSeconds: DEFAULT_CONFIG.test.timeoutSeconds }, review: { ...DEFAULT_CONFIG.review, minApprovals } };
    }
    let reviewers = [...new Set((flags.reviewer ?? []) as ReviewerPresetName[])];
    if (interactive && fresh && reviewers.length === 0) {
      reviewers = await checkbox({
        message: 'Reviewers wf review run starts (space to pick, enter when done; none: record reviews by hand):',
        choices: REVIEWER_PRESET_NAMES.map((name) => ({ name: `${REVIEWER_PRESETS[name].title}: ${REVIEWER_PRESETS[name].reviewer.command.slice(0, 4).join(' ')} …`, value: name })),
      });
    }
    let prepare = flags.prepare;
    if (prepare === undefined && interactive && flags.hooks) {
      prepare = await confirm({ message: 'Add "prepare": "wf hooks install --if-repository" to package.json, so npm install in a fresh clone installs the hooks?', default: true });
    }
    const result = await initRepository(repo, { hooks: flags.hooks, prepare: prepare ?? false, config, ci: flags.ci as 'github' | 'gitlab' | undefined, agent: flags.agent as 'claude' | undefined, globalHooksPath: flags['global-hooks-path'], reviewers });
    const changed = result.changes.some((c) => c.action !== 'unchanged') || result.hooks.some((h) => h.action !== 'already installed' && h.action !== 'already in config');
    this.report(flags.json, { changed, ...result }, () => {
      const warnings = result.warnings.map((w) => `warning: ${w}`);
      if (!changed) return ['wf is already set up here: nothing to change', ...warnings].join('\n');
      const lines = result.changes.map((c) => `${c.action.padEnd(9)} ${c.path}`);
      for (const h of result.hooks) lines.push(`${h.action.padEnd(9)} ${h.hook} hook (${h.path})${h.note ? `\n          note: ${h.note}` : ''}`);
      if (flags.ci === 'gitlab' && result.changes.some((c) => c.path.startsWith('.gitlab/') && c.action === 'created')) {
        // GitLab runs only .gitlab-ci.yml, so the written file does nothing until it is included: say so with the lines to paste.
        lines.push('GitLab runs it once .gitlab-ci.yml includes it; add to .gitlab-ci.yml:', '  include:', '    - local: .gitlab/wf-verify.gitlab-ci.yml', 'then make the wf-verify job required: Settings → Merge requests → "Pipelines must succeed"');
      }
      if (flags.ci === 'github' && result.changes.some((c) => c.path.startsWith('.github/') && c.action === 'created')) {
        lines.push('GitHub: make "wf-verify" a required status check; for wf review, add the WF_ATTESTATION_KEY secret to an environment "wf-attest" (wf attest keygen)');
      }
      if (reviewers.length > 0) lines.push(`reviewers: ${reviewers.join(', ')} (each needs its CLI installed and logged in; once HEAD has a ${CONFIG_FILE}, reviewers come from it, so a change to them counts once committed)`);
      lines.push(...warnings);
      lines.push('next: wf task start <id> --title "<what you are doing>"');
      return lines.join('\n');
    });
  }
}
