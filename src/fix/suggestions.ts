/**
 * A fix as GitHub suggestions: each hunk that replaces or deletes lines the pull request's diff
 * shows becomes a `suggestion` block on those lines, so the author applies it with one click;
 * everything else (new files, pure insertions, lines outside the diff, renames) goes into a
 * unified diff in the review's body. Pure: it reads two diffs git printed.
 */

export interface DiffHunk {
  path: string;
  /** The old version's first line and count (count 0: an insertion after oldStart). */
  oldStart: number;
  oldCount: number;
  newLines: string[];
  /** The hunk as git printed it, header included. */
  text: string;
}

export interface FileDiff {
  path: string;
  /** git's header lines (diff --git, index, ---/+++ or rename lines). */
  header: string[];
  hunks: DiffHunk[];
  /** Added, deleted, renamed or binary: never a suggestion. */
  wholeFile: boolean;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Parses `git diff` output (any -U). Paths come from the `+++ b/` line, or `--- a/` for a deletion; a quoted path (special characters) keeps its file out of suggestions. */
export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  let file: FileDiff | null = null;
  let hunk: DiffHunk | null = null;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      hunk = null;
      const m = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
      file = { path: m ? m[2]! : '', header: [line], hunks: [], wholeFile: m === null || m[1] !== m[2] };
      files.push(file);
      continue;
    }
    if (!file) continue;
    const h = HUNK.exec(line);
    if (h) {
      hunk = { path: file.path, oldStart: Number(h[1]), oldCount: h[2] === undefined ? 1 : Number(h[2]), newLines: [], text: line };
      file.hunks.push(hunk);
      continue;
    }
    if (hunk === null) {
      file.header.push(line);
      if (/^(new file|deleted file|rename from|rename to|Binary files|GIT binary patch|copy from)/.test(line) || line === '--- /dev/null' || line === '+++ /dev/null') file.wholeFile = true;
      continue;
    }
    hunk.text += `\n${line}`;
    if (line.startsWith('+')) hunk.newLines.push(line.slice(1));
  }
  return files;
}

/** The lines of each file's new version that the pull request's diff shows (where GitHub takes a comment). */
export function commentableLines(prDiff: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const file of parseUnifiedDiff(prDiff)) {
    const set = out.get(file.path) ?? new Set<number>();
    for (const hunk of file.hunks) {
      const h = HUNK.exec(hunk.text.split('\n')[0]!)!;
      const start = Number(h[3]);
      const count = h[4] === undefined ? 1 : Number(h[4]);
      for (let l = start; l < start + count; l++) set.add(l);
    }
    out.set(file.path, set);
  }
  return out;
}

export interface Suggestion {
  path: string;
  startLine: number;
  line: number;
  body: string;
}

export interface SuggestionPlan {
  suggestions: Suggestion[];
  /** The rest of the fix, as a unified diff (empty when every hunk became a suggestion). */
  remainder: string;
}

/** A code fence longer than any run of backticks in the text, so the suggestion cannot close it early. */
function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const l of lines) for (const m of l.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

export function planSuggestions(fixDiff: string, commentable: Map<string, Set<number>>): SuggestionPlan {
  const suggestions: Suggestion[] = [];
  const rest: string[] = [];
  for (const file of parseUnifiedDiff(fixDiff)) {
    const lines = commentable.get(file.path);
    const leftover: DiffHunk[] = [];
    for (const hunk of file.hunks) {
      const first = hunk.oldStart;
      const last = hunk.oldStart + hunk.oldCount - 1;
      let fits = !file.wholeFile && lines !== undefined && hunk.oldCount > 0 && !hunk.text.includes('\n\\ No newline');
      for (let l = first; fits && l <= last; l++) if (!lines!.has(l)) fits = false;
      if (!fits) {
        leftover.push(hunk);
        continue;
      }
      const fence = fenceFor(hunk.newLines);
      suggestions.push({ path: file.path, startLine: first, line: last, body: `${fence}suggestion\n${hunk.newLines.map((l) => `${l}\n`).join('')}${fence}` });
    }
    if (leftover.length > 0 || (file.wholeFile && file.hunks.length === 0)) rest.push([...file.header, ...leftover.map((h) => h.text)].join('\n'));
  }
  return { suggestions, remainder: rest.join('\n') };
}
