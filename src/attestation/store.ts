import { environmentError } from '../errors/index.js';
import { CatFileBatch, GitCommandError, runGit, type Repo } from '../git/index.js';
import { MAX_ENVELOPE_BYTES, sha256Hex } from './statement.js';
import { plural } from '../text/index.js';

/**
 * Attestations live in git, on a ref CI pushes and clones can fetch, one file
 * per attestation under a folder named by the change fingerprint (not the
 * commit id: a rebase that keeps the change keeps its reviews). Lookups go
 * straight down the fan-out path, so 100,000 attestations cost what ten do.
 *
 * The ref is under refs/notes/ because forges accept and serve that
 * namespace, but it is not a `git notes` tree: everything sits below `v1/`,
 * where no notes command looks.
 */
export const ATTESTATIONS_REF = 'refs/notes/wf-attestations';
const ZERO = /^0+$/;
/** More files than this under one fingerprint are not read: nobody reviews a change that often, and a flood must not slow verify. */
const MAX_PER_FINGERPRINT = 64;

export const fetchAttestationsHint = (remote = 'origin') => `git fetch ${remote} +${ATTESTATIONS_REF}:${ATTESTATIONS_REF}`;

export function attestationDir(fingerprint: string): string {
  return `v1/${fingerprint.slice(0, 2)}/${fingerprint.slice(2, 4)}/${fingerprint}`;
}

/** Named by reviewer and content, so the same attestation written twice is one file and two different ones never collide. */
export function attestationPath(fingerprint: string, reviewer: string, envelope: string): string {
  return `${attestationDir(fingerprint)}/${reviewer}.${sha256Hex(envelope).slice(0, 20)}.json`;
}

export async function attestationsTip(repo: Repo): Promise<string | null> {
  const r = await runGit(['rev-parse', '-q', '--verify', `${ATTESTATIONS_REF}^{commit}`], { cwd: repo.root, env: repo.env, okExitCodes: [1] });
  const tip = r.stdout.toString('utf8').trim();
  return r.exitCode === 0 && tip ? tip : null;
}

export interface StoredAttestation {
  path: string;
  content: Buffer;
}

/** Entries of a git tree object: mode, name, object id. */
function treeEntries(content: Buffer, oidBytes: number): { mode: string; name: string; oid: string }[] {
  const entries: { mode: string; name: string; oid: string }[] = [];
  let pos = 0;
  while (pos < content.length) {
    const space = content.indexOf(0x20, pos);
    const nul = content.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + oidBytes > content.length) break;
    entries.push({ mode: content.toString('utf8', pos, space), name: content.toString('utf8', space + 1, nul), oid: content.subarray(nul + 1, nul + 1 + oidBytes).toString('hex') });
    pos = nul + 1 + oidBytes;
  }
  return entries;
}

/** Reads the attestations of fingerprints through one cat-file process, from one tip of the ref. */
export class AttestationReader {
  constructor(
    private readonly batch: CatFileBatch,
    readonly tip: string | null,
  ) {}

  async forFingerprint(fingerprint: string): Promise<StoredAttestation[]> {
    if (this.tip === null || !/^[0-9a-f]{64}$/.test(fingerprint)) return [];
    const dir = attestationDir(fingerprint);
    const tree = await this.batch.read(`${this.tip}:${dir}`);
    if (!tree || tree.type !== 'tree') return [];
    const files = treeEntries(tree.content, this.tip.length / 2).filter((e) => e.mode === '100644' && e.name.endsWith('.json')).slice(0, MAX_PER_FINGERPRINT);
    const out: StoredAttestation[] = [];
    for (const file of files) {
      const blob = await this.batch.read(file.oid);
      if (blob && blob.type === 'blob') out.push({ path: `${dir}/${file.name}`, content: blob.content.length > MAX_ENVELOPE_BYTES ? blob.content.subarray(0, MAX_ENVELOPE_BYTES + 1) : blob.content });
    }
    return out;
  }
}

export interface NewAttestation {
  fingerprint: string;
  reviewer: string;
  envelope: string;
}

export interface WriteResult {
  commit: string | null;
  written: string[];
  pushed: boolean;
  attempts: number;
}

const IDENTITY = { name: 'wf review ci', email: 'wf-review-ci@users.noreply.invalid' };

function fastImportStream(ref: string, tip: string | null, files: { path: string; content: string }[], now: Date): Buffer {
  const message = `wf: ${plural(files.length, 'review attestation')}\n`;
  const parts: (string | Buffer)[] = [
    `commit ${ref}\n`,
    `committer ${IDENTITY.name} <${IDENTITY.email}> ${Math.floor(now.getTime() / 1000)} +0000\n`,
    `data ${Buffer.byteLength(message)}\n${message}`,
  ];
  if (tip) parts.push(`from ${tip}\n`);
  for (const file of files) {
    const body = Buffer.from(file.content, 'utf8');
    parts.push(`M 100644 inline ${file.path}\n`, `data ${body.length}\n`, body, '\n');
  }
  parts.push('done\n');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

/** Brings the remote's attestations ref here; a remote without one yet is not an error. */
export async function fetchAttestations(repo: Repo, remote: string, networkEnv: NodeJS.ProcessEnv = repo.env): Promise<void> {
  const r = await runGit(['fetch', '--no-tags', '--quiet', remote, `+${ATTESTATIONS_REF}:${ATTESTATIONS_REF}`], { cwd: repo.root, env: networkEnv, okExitCodes: [128, 1] });
  if (r.exitCode === 0) return;
  // A remote that has no attestations yet is the normal first run.
  if (/couldn't find remote ref/i.test(r.stderr)) return;
  throw environmentError(`could not fetch ${ATTESTATIONS_REF} from ${remote}: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`}`, { hint: `check the remote and the job's permissions, then: ${fetchAttestationsHint(remote)}` });
}

/**
 * Adds attestations to the ref: fetch, add the files onto the tip with one
 * `git fast-import`, move the ref only if nobody moved it meanwhile, push
 * without force. A push that loses a race fetches the winner and applies the
 * same files again (file names come from their content, so nothing is lost
 * or doubled).
 */
/**
 * `networkEnv`: the environment of the git processes that talk to the remote (fetch, ls-remote, push); a token
 * goes there, through GIT_CONFIG_* variables, and nowhere else.
 */
export async function writeAttestations(repo: Repo, attestations: readonly NewAttestation[], options: { remote?: string | undefined; networkEnv?: NodeJS.ProcessEnv | undefined; maxAttempts?: number; now?: () => Date } = {}): Promise<WriteResult> {
  const networkEnv = options.networkEnv ?? repo.env;
  const wanted = attestations.map((a) => ({ path: attestationPath(a.fingerprint, a.reviewer, a.envelope), content: a.envelope }));
  const maxAttempts = options.maxAttempts ?? 6;
  const now = options.now ?? (() => new Date());
  for (let attempt = 1; ; attempt++) {
    if (options.remote) await fetchAttestations(repo, options.remote, networkEnv);
    const tip = await attestationsTip(repo);
    const missing: typeof wanted = [];
    const batch = new CatFileBatch(repo.root, repo.env);
    try {
      for (const file of wanted) {
        const exists = tip !== null && (await batch.read(`${tip}:${file.path}`)) !== null;
        if (!exists && !missing.some((m) => m.path === file.path)) missing.push(file);
      }
    } finally {
      await batch.close();
    }
    let commit = tip;
    if (missing.length > 0) {
      const scratch = `refs/wf/tmp/attestations-${process.pid}-${Date.now()}`;
      // fast-import writes a scratch ref; the real one moves below only if it still points where it did.
      await runGit(['fast-import', '--quiet', '--done'], { cwd: repo.root, env: repo.env, input: fastImportStream(scratch, tip, missing, now()) });
      commit = (await runGit(['rev-parse', '--verify', scratch], { cwd: repo.root, env: repo.env })).stdout.toString('utf8').trim();
      await runGit(['update-ref', '-d', scratch], { cwd: repo.root, env: repo.env });
      const moved = await runGit(['update-ref', ATTESTATIONS_REF, commit, tip ?? '0'.repeat(repo.objectFormat === 'sha256' ? 64 : 40)], { cwd: repo.root, env: repo.env, okExitCodes: [128] });
      if (moved.exitCode !== 0) {
        if (attempt >= maxAttempts) throw environmentError(`${ATTESTATIONS_REF} kept moving while wf wrote to it (${attempt} attempts)`, { hint: 'run the job again' });
        continue;
      }
    }
    if (!options.remote || commit === null || (missing.length === 0 && tip !== null && !(await remoteLacks(repo, options.remote, commit, networkEnv)))) {
      return { commit, written: missing.map((m) => m.path), pushed: false, attempts: attempt };
    }
    try {
      await runGit(['push', '--quiet', '--no-verify', options.remote, `${commit}:${ATTESTATIONS_REF}`], { cwd: repo.root, env: networkEnv });
      return { commit, written: missing.map((m) => m.path), pushed: true, attempts: attempt };
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
      const lostRace = /non-fast-forward|fetch first|rejected|stale info|cannot lock ref/i.test(err.stderr);
      if (!lostRace || attempt >= maxAttempts) {
        throw environmentError(`could not push ${ATTESTATIONS_REF} to ${options.remote}: ${err.stderr.trim().split('\n').at(-1) ?? `exit ${err.exitCode}`}`, {
          hint: lostRace ? 'run the job again' : "give the job permission to push (contents: write) and check the remote's URL",
        });
      }
      // Another job won: wait a little (spread, so two losers do not collide again) and apply onto its tip.
      await new Promise((r) => setTimeout(r, 100 * attempt + Math.floor(Math.random() * 200)));
    }
  }
}

/** Whether the remote's ref is missing or behind this commit (a previous push may have failed after the local update). */
async function remoteLacks(repo: Repo, remote: string, commit: string, networkEnv: NodeJS.ProcessEnv): Promise<boolean> {
  const r = await runGit(['ls-remote', remote, ATTESTATIONS_REF], { cwd: repo.root, env: networkEnv });
  const remoteTip = r.stdout.toString('utf8').split(/\s/)[0] ?? '';
  return remoteTip === '' || ZERO.test(remoteTip) || remoteTip !== commit;
}
