import vm from 'node:vm';

/**
 * Reviewer answers are read with regexes from the config over text from a
 * program wf does not control; this is where they run, in a separate V8
 * context under a time limit.
 */

/** How long one config regex may run over a reviewer's output. */
export const REGEX_TIME_LIMIT_MS = 2000;

/** A config regex that ran past REGEX_TIME_LIMIT_MS (nested quantifiers can backtrack for hours). */
export class RegexTimeLimitError extends Error {
  constructor(readonly source: string) {
    super(`the regular expression ${JSON.stringify(source)} ran longer than ${REGEX_TIME_LIMIT_MS / 1000} s on the reviewer's output`);
  }
}

let regexContext: vm.Context | undefined;
const CAPTURES = new vm.Script(
  "Array.from(text.matchAll(new RegExp(source, 'gm')), (m) => { for (let i = 1; i < m.length; i++) if (m[i] !== undefined) return m[i]; return null; })",
);

/**
 * Each match's first participating group, in order. The regex comes from the
 * config and the text from a program wf does not control, so it runs in a
 * separate V8 context under a time limit: V8 interrupts a backtracking regex
 * there, and nowhere else. Multiline, so ^ and $ are line anchors.
 */
export function allCaptures(text: string, source: string): string[] {
  regexContext ??= vm.createContext({});
  regexContext.text = text;
  regexContext.source = source;
  try {
    const found = CAPTURES.runInContext(regexContext, { timeout: REGEX_TIME_LIMIT_MS }) as unknown[];
    return Array.from(found).filter((g): g is string => typeof g === 'string');
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new RegexTimeLimitError(source);
    throw err;
  } finally {
    regexContext.text = '';
  }
}

const FIRST_MATCHING = new vm.Script("(() => { const re = new RegExp(source, 'm'); return strings.findIndex((s) => re.test(s)); })()");

/** The index of the first string the regex matches, or -1: one run under one time limit, however many strings. */
export function firstMatching(strings: readonly string[], source: string): number {
  if (strings.length === 0) return -1;
  regexContext ??= vm.createContext({});
  regexContext.strings = strings;
  regexContext.source = source;
  try {
    return FIRST_MATCHING.runInContext(regexContext, { timeout: REGEX_TIME_LIMIT_MS }) as number;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new RegexTimeLimitError(source);
    throw err;
  } finally {
    regexContext.strings = [];
  }
}
