/**
 * Counted nouns in messages: "1 commit", "2 commits", never "commit(s)". A leaf every
 * layer may use (hooks included: no dependencies), so each count reads as a person would write it.
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
