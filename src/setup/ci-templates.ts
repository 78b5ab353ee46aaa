/**
 * The CI templates as `wf init --ci` writes them. They pin wf by the lock file
 * of the project wf is installed in, which in a monorepo is a package
 * (`packages/app/package-lock.json`), not the root. The templates read it as
 * `./package-lock.json` (git's `<rev>:./path` is relative to the current
 * folder), so the one change for a package is where those steps run: a
 * `working-directory:` on each GitHub step that reads the lock file (not on
 * the job: a step before the checkout would have no such folder), a `cd` before
 * the GitLab line that does. Every other step runs at the root as before.
 */
export function ciTemplateText(text: string, kind: 'github' | 'gitlab', installedAt: string | undefined): string {
  if (!installedAt) return text;
  const dir = /^[\w./-]+$/.test(installedAt) ? installedAt : JSON.stringify(installedAt);
  const lines = text.split('\n');
  return (kind === 'github' ? githubSteps(lines, dir) : gitlabScript(lines, dir)).join('\n');
}

const READS_LOCK = /package-lock\.json/;

function githubSteps(lines: string[], dir: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const start = /^(\s*)- (?:name|uses|id):/.exec(lines[i]!);
    if (!start) {
      out.push(lines[i++]!);
      continue;
    }
    const indent = start[1]!.length;
    let end = i + 1;
    // The step's lines: everything more indented than its dash (blank lines included) up to the next step or key.
    while (end < lines.length && (lines[end]!.trim() === '' || lines[end]!.search(/\S/) > indent)) end++;
    const step = lines.slice(i, end);
    const key = ' '.repeat(indent + 2);
    const runs = step.some((l) => l.startsWith(`${key}run:`));
    const reads = step.some((l) => !/^\s*#/.test(l) && READS_LOCK.test(l));
    out.push(step[0]!);
    if (runs && reads && !step.some((l) => l.startsWith(`${key}working-directory:`))) out.push(`${key}working-directory: ${dir}`);
    out.push(...step.slice(1));
    i = end;
  }
  return out;
}

function gitlabScript(lines: string[], dir: string): string[] {
  const at = lines.findIndex((l) => /^\s+- /.test(l) && READS_LOCK.test(l));
  if (at < 0) return lines;
  const indent = /^(\s+)- /.exec(lines[at]!)![1]!;
  return [...lines.slice(0, at), `${indent}# wf is installed in ${dir}: its lock file pins the version, and wf verify works from any folder of the repository.`, `${indent}- cd ${dir}`, ...lines.slice(at)];
}
