import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * git tells a hook nothing about --amend, yet an amended commit is
 * fingerprinted against HEAD's parent, not HEAD. On Linux the git process
 * that runs the hook is an ancestor of this one, and its command line says.
 * Elsewhere this answers false and the commit-msg hook's trailer check
 * fails closed (a kept trailer will not match HEAD → index).
 */
export function isAmendInProgress(): boolean {
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      return false;
    }
    if (argv.length > 0 && /^git(\.exe)?$/.test(basename(argv[0]!))) {
      const commitAt = argv.indexOf('commit');
      if (commitAt >= 0) {
        // git takes any unique prefix of a long option (`--am` is `--amend`; `--a` is ambiguous, so git refuses it), and `--` ends the options.
        const args = argv.slice(commitAt + 1);
        const end = args.indexOf('--');
        return (end >= 0 ? args.slice(0, end) : args).some((a) => /^--am(e(nd?)?)?$/.test(a));
      }
    }
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name may contain spaces or parentheses: the ppid is the second field after the last ')'.
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return false;
    }
  }
  return false;
}
