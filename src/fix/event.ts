/**
 * What a CI event asks of `wf fix`, read from the webhook payload GitHub hands the job
 * (GITHUB_EVENT_PATH). Pure: no network, no git. Everything wf cannot vouch for from the
 * payload alone (the commenter's permission, a draft behind an issue comment, attempts
 * so far) is decided later, by the policy, from the API and the branch's history.
 */

export type TriggerKind = 'comment' | 'review-comment' | 'review' | 'run';

export interface FixTrigger {
  kind: TriggerKind;
  /** The comment, review or run id GitHub gave it. */
  id: number;
  /** `comment-123`: one per delivery of one thing; the idempotency key. */
  key: string;
  /** owner/name of the repository the event came from. */
  repository: string;
  /** null for a run of a branch that has no pull request (a red default branch). */
  pullNumber: number | null;
  sender: { login: string; type: string };
  /** What was asked: the comment after the trigger phrase, or the review body. Untrusted text. */
  request: string;
  /** Inline comments: where they sit in the pull request's new version. */
  path?: string | undefined;
  line?: number | undefined;
  startLine?: number | undefined;
  diffHunk?: string | undefined;
  /** Known from the payload when it carries the pull request (review and review comment events). */
  draft?: boolean | undefined;
  headRepository?: string | null | undefined;
  /** Runs: the failed run. */
  run?: { name: string; headBranch: string; headSha: string; headCommitMessage: string; defaultBranch: string; url: string } | undefined;
}

export type ParsedEvent = { handled: true; trigger: FixTrigger } | { handled: false; reason: string };

/** Put first in every comment and review wf fix posts: how it knows its own words, and what it did before. */
export const FIX_MARKER = '<!-- wf:fix';

export const TRIGGER_LABEL: Record<TriggerKind, string> = { comment: 'comment', 'review-comment': 'review comment', review: 'review', run: 'run' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const positive = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null);

/** The event's name, from GITHUB_EVENT_NAME when set, else from the payload's shape (for `--event <file>`). */
export function eventNameOf(payload: unknown, given: string | undefined): string {
  if (given && given.trim() !== '') return given.trim();
  const p = obj(payload);
  if (isObject(p.workflow_run)) return 'workflow_run';
  if (isObject(p.review)) return 'pull_request_review';
  if (isObject(p.comment) && isObject(p.issue)) return 'issue_comment';
  if (isObject(p.comment) && isObject(p.pull_request)) return 'pull_request_review_comment';
  return 'unknown';
}

/**
 * The request after the trigger phrase, when a line of the comment starts with it (spaces before
 * it allowed, any case; the phrase must end there or be followed by a space or punctuation, so
 * `@wf fixed` is not `@wf fix`). Lines in block quotes and code blocks never trigger: quoting an
 * earlier request must not ask again. Null when no line does.
 */
export function requestAfterTrigger(body: string, trigger: string): string | null {
  const phrase = trigger.toLowerCase();
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trimStart();
    if (/^(```|~~~)/.test(trimmed)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || trimmed.startsWith('>') || /^( {4}|\t)/.test(line)) continue;
    if (!trimmed.toLowerCase().startsWith(phrase)) continue;
    const after = trimmed.slice(phrase.length);
    if (after !== '' && !/^[\s.,:;!?)—-]/.test(after)) continue;
    const rest = [after.replace(/^[\s.,:;!?—-]+/, ''), ...lines.slice(i + 1)].join('\n').trim();
    const before = lines.slice(0, i).join('\n').trim();
    return [before, rest].filter((s) => s !== '').join('\n\n');
  }
  return null;
}

function senderOf(p: Json, fallback: unknown): { login: string; type: string } {
  const s = isObject(p.sender) ? p.sender : obj(fallback);
  return { login: str(s.login), type: str(s.type) };
}

function pullFields(pull: Json): Pick<FixTrigger, 'draft' | 'headRepository'> {
  const head = obj(pull.head);
  const repo = head.repo === null ? null : obj(head.repo);
  return { draft: pull.draft === true, headRepository: repo === null ? null : str(repo.full_name) || null };
}

/** Reads one event payload. Events and actions wf fix does not handle come back with the reason, never an error. */
export function parseFixEvent(name: string, payload: unknown, options: { trigger: string }): ParsedEvent {
  if (!isObject(payload)) return { handled: false, reason: 'the event payload is not a JSON object' };
  const repository = str(obj(payload.repository).full_name);
  const action = str(payload.action);
  const ignore = (reason: string): ParsedEvent => ({ handled: false, reason });

  switch (name) {
    case 'issue_comment':
    case 'pull_request_review_comment': {
      if (action !== 'created') return ignore(`a ${name} event with action "${action || 'none'}": only new comments ask for a fix (an edit or a deletion never does)`);
      const comment = obj(payload.comment);
      const id = positive(comment.id);
      if (id === null) return ignore('the comment has no id');
      const body = str(comment.body);
      if (body.includes(FIX_MARKER)) return ignore('the comment is wf fix\'s own');
      let pullNumber: number | null;
      let fields: Partial<FixTrigger> = {};
      if (name === 'issue_comment') {
        const issue = obj(payload.issue);
        if (!isObject(issue.pull_request)) return ignore('the comment is on an issue, not a pull request');
        pullNumber = positive(issue.number);
      } else {
        const pull = obj(payload.pull_request);
        pullNumber = positive(pull.number);
        fields = {
          ...pullFields(pull),
          path: str(comment.path) || undefined,
          line: positive(comment.line) ?? positive(comment.original_line) ?? undefined,
          startLine: positive(comment.start_line) ?? positive(comment.original_start_line) ?? undefined,
          diffHunk: str(comment.diff_hunk) || undefined,
        };
      }
      if (pullNumber === null) return ignore('the event names no pull request');
      const request = requestAfterTrigger(body, options.trigger);
      if (request === null) return ignore(`no line of the comment starts with the trigger phrase "${options.trigger}"`);
      const kind: TriggerKind = name === 'issue_comment' ? 'comment' : 'review-comment';
      return { handled: true, trigger: { kind, id, key: `${kind}-${id}`, repository, pullNumber, sender: senderOf(payload, comment.user), request, ...fields } };
    }
    case 'pull_request_review': {
      if (action !== 'submitted') return ignore(`a pull_request_review event with action "${action || 'none'}": only a submitted review asks for a fix`);
      const review = obj(payload.review);
      const state = str(review.state).toLowerCase();
      if (state !== 'changes_requested') return ignore(`the review's state is "${state || 'none'}": only "changes requested" asks for a fix`);
      const id = positive(review.id);
      if (id === null) return ignore('the review has no id');
      const body = str(review.body);
      if (body.includes(FIX_MARKER)) return ignore('the review is wf fix\'s own');
      const pull = obj(payload.pull_request);
      const pullNumber = positive(pull.number);
      if (pullNumber === null) return ignore('the event names no pull request');
      return {
        handled: true,
        trigger: { kind: 'review', id, key: `review-${id}`, repository, pullNumber, sender: senderOf(payload, review.user), request: body.trim(), ...pullFields(pull) },
      };
    }
    case 'workflow_run': {
      const run = obj(payload.workflow_run);
      if (action !== 'completed') return ignore(`a workflow_run event with action "${action || 'none'}": only a completed run is judged`);
      const conclusion = str(run.conclusion);
      if (conclusion !== 'failure') return ignore(`the run concluded "${conclusion || 'none'}": only a failed run asks for a fix`);
      const id = positive(run.id);
      if (id === null) return ignore('the run has no id');
      const headBranch = str(run.head_branch);
      const defaultBranch = str(obj(payload.repository).default_branch);
      const pulls = Array.isArray(run.pull_requests) ? run.pull_requests.map(obj) : [];
      const pullNumber = pulls.map((p) => positive(p.number)).find((n) => n !== null) ?? null;
      const headRepo = run.head_repository === null ? null : str(obj(run.head_repository).full_name) || null;
      if (pullNumber === null && !headBranch.startsWith('wf-fix/') && headBranch !== defaultBranch) {
        return ignore(`the run is of branch "${headBranch}", which has no pull request and is neither the default branch nor a wf-fix/ branch`);
      }
      return {
        handled: true,
        trigger: {
          kind: 'run',
          id,
          key: `run-${id}`,
          repository,
          pullNumber,
          sender: senderOf(payload, run.triggering_actor ?? run.actor),
          request: `The CI run "${str(run.name) || str(run.display_title) || id}" failed.`,
          headRepository: headRepo,
          run: { name: str(run.name), headBranch, headSha: str(run.head_sha), headCommitMessage: str(obj(run.head_commit).message), defaultBranch, url: str(run.html_url) },
        },
      };
    }
    default:
      return ignore(`wf fix does not handle "${name}" events (it handles issue_comment, pull_request_review_comment, pull_request_review and workflow_run)`);
  }
}

/** `Fix-Of: comment 123`: the trailer value of a trigger, and back. */
export function fixOfValue(key: string): string {
  const m = /^(comment|review-comment|review|run)-(\d+)$/.exec(key);
  return m ? `${m[1]} ${m[2]}` : key;
}

export function keyFromFixOf(value: string): string | null {
  const m = /^(comment|review-comment|review|run) (\d+)$/.exec(value.trim());
  return m ? `${m[1]}-${m[2]}` : null;
}
