import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { refused } from '../errors/index.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { openRepo, currentBranch } from '../git/index.js';
import { readConfig } from '../config/index.js';
import { readStateFile } from '../state/index.js';
import { resolveTask } from '../tasks/index.js';
import { startStagedCollection, gateInputsFor, gatesFor, refusedGates, renderGateChecklist } from '../gates/index.js';
import { nextFromEvidence } from '../ship/index.js';
import { makeStyle } from '../cli/style.js';
import { reconcileBeforeReading } from '../cli/reconcile-on-read.js';
import { plural } from '../text/index.js';

export default class Status extends WfCommand {
  static override summary = 'Show the task, its step, and a checklist of every gate with the command that satisfies each missing one.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --task-id PROJ-12 --json'];
  static override flags = {
    'task-id': taskIdFlag,
    check: Flags.boolean({ description: 'Exit 1 when a commit would be refused now (for scripts and agents).', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Status);
    const repo = await openRepo();
    // git starts before the state is parsed: see startStagedCollection.
    const collection = startStagedCollection(repo, readConfig(repo.root));
    let staged;
    let resolution;
    let config;
    try {
      let state = readStateFile(repo.root);
      if (await reconcileBeforeReading(repo, state, await collection.config)) state = readStateFile(repo.root);
      resolution = resolveTask(state, { explicit: flags['task-id'], env: process.env.WF_TASK_ID, branch: currentBranch(repo) });
      staged = await collection.staged;
      config = await collection.config;
    } finally {
      await collection.close();
    }
    const { task, rule } = resolution;
    // A finished task has nothing left to pass: its gates judged the commits it made, and showing them
    // again against whatever is staged now would list failures nobody has to fix.
    const finished = task.status === 'finished';
    const gates = finished ? [] : gatesFor(gateInputsFor(repo, config, task, staged));
    const wouldCommit = !finished && refusedGates(gates).length === 0;
    const action = nextFromEvidence({ root: repo.root, task, config, staged, gates });
    const next = finished ? null : (action.command ?? action.reason);
    this.report(
      flags.json,
      {
        task: { id: task.id, title: task.title, step: task.step, status: task.status, progress: task.progress, parentId: task.parentId, childIds: task.childIds },
        pickedBy: rule,
        mode: config.mode,
        fingerprint: staged.fingerprint,
        gates,
        commitAllowed: wouldCommit,
        next,
        nextAction: action,
      },
      () => {
        const s = makeStyle();
        const mark = (status: string) => (status === 'pass' ? s.green('✓') : status === 'fail' ? s.red('✗') : status === 'warn' ? s.yellow('!') : s.dim('-'));
        return [
          `${s.bold(`task ${task.id}`)}: ${task.title}   (picked by ${rule})`,
          `step: ${s.cyan(task.step)}   status: ${task.status}   progress: ${Math.round(task.progress * 100)}%   mode: ${config.mode}`,
          `staged fingerprint: ${staged.fingerprint}`,
          ...(finished
            ? [`finished with ${plural(task.commits.length, 'commit')}; nothing is left to do here (next task: wf task start <id>)`]
            : ['gates:', renderGateChecklist(gates, mark), wouldCommit ? s.green('a commit would be allowed: wf commit -m "<message>"') : `a commit would be refused`]),
          next ? `next: ${next}${action.command ? `   (${action.reason})` : ''}` : '',
        ]
          .filter(Boolean)
          .join('\n');
      },
    );
    if (flags.check && !wouldCommit && !finished) {
      throw refused(`a commit of task ${task.id} would be refused: ${refusedGates(gates).map((g) => g.id).join(', ')}`, { hint: next ?? 'wf status', reported: true });
    }
  }
}
