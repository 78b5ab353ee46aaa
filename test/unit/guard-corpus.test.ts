import { describe, expect, it } from 'vitest';
import { findingsForAll } from '../../src/guard/rules.js';
import { parseShell } from '../../src/guard/shell-parse.js';

/**
 * Command lines as coding agents write them in ordinary work (the shapes Claude Code, Codex and
 * Gemini CLI sessions use: heredoc commit messages, pipes, process substitution, inline scripts
 * that touch nothing of git's or wf's). The guard must read every one and block none: a seatbelt
 * that trips on everyday shell gets switched off.
 */
const ctx = { cwd: '/repo', root: '/repo' };
const reasons = (command: string) => findingsForAll(parseShell(command), ctx).map((f) => f.reason);

const CORPUS = [
  'git status',
  'git status --porcelain',
  'git diff',
  'git diff --stat HEAD~1',
  'git diff --cached -- src/',
  'git log --oneline -20',
  'git log -p -1 --format=%B',
  'git show HEAD:package.json | head -40',
  'git add -A',
  'git add src/ test/ && git status --short',
  "git commit -m \"$(cat <<'EOF'\nFix the user's login (again)\n\nThe session's token wasn't refreshed.\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nEOF\n)\"",
  "git commit -m \"$(cat <<'EOF'\nAdd a parser for (nested) lists\nEOF\n)\"",
  'git commit -m "Fix: handle the empty case" -m "It\'s rare, but happens."',
  "git commit -m 'Tidy up (no behaviour change)'",
  'git checkout -b feat/login',
  'git switch main && git pull --ff-only',
  'git stash && git stash pop',
  'git rebase -i HEAD~3',
  'git fetch origin && git rebase origin/main',
  'git push -u origin feat/login',
  'git branch -d old-branch',
  'git rev-parse --show-toplevel',
  'git blame -L 10,20 src/app.ts',
  'git grep -n "TODO" -- src',
  'git restore --staged src/app.ts',
  'git worktree add ../wt feature',
  'gh pr create --title "Add login" --body "$(cat <<\'EOF\'\n## Summary\n- adds login\n\n## Test plan\n- [x] npm test\nEOF\n)"',
  'gh pr view --json title,body',
  'npm test',
  'npm run build 2>&1 | tail -20',
  'npm install --save-dev vitest',
  'npx tsc --noEmit',
  'npx vitest run test/unit/app.test.ts',
  'pnpm -r test',
  'yarn lint --fix',
  'node scripts/gen.mjs > out.json',
  'node -e "console.log(process.version)"',
  'node -e "const p=require(\'./package.json\'); console.log(p.version)"',
  'python3 -c "import json,sys; print(json.load(sys.stdin)[\'name\'])" < package.json',
  'python3 -m pytest -q tests/',
  'python3 scripts/migrate.py --dry-run',
  'pip install -r requirements.txt',
  'cargo test 2>&1 | head -50',
  'go test ./...',
  'make -j2 && ./bin/app --help',
  'ls -la',
  'ls src/**/*.ts',
  'find . -name "*.ts" -not -path "./node_modules/*" | head',
  'find src -type f -name "*.test.ts" -exec grep -l "describe(" {} +',
  'find . -name "*.orig" -delete',
  'grep -rn "useEffect" src/ | wc -l',
  'rg -n "fn main" --type rust',
  "sed -n '1,80p' src/app.ts",
  "sed -i 's/foo/bar/g' src/app.ts",
  "awk '{print $1}' access.log | sort | uniq -c | sort -rn | head",
  'cat package.json | jq .scripts',
  'head -50 README.md',
  'tail -f /tmp/server.log',
  'wc -l src/*.ts',
  'mkdir -p src/components && touch src/components/index.ts',
  'cp .env.example .env',
  'mv src/old.ts src/new.ts',
  'rm -rf dist node_modules/.cache',
  'chmod +x scripts/run.sh && ./scripts/run.sh',
  'cat > src/config.ts <<EOF\nexport const port = 3000;\nEOF',
  'echo "export {}" >> src/index.ts',
  'diff <(git show HEAD:src/a.ts) src/a.ts',
  'comm -13 <(sort a.txt) <(sort b.txt)',
  'X=1',
  'OUT=$(git status --porcelain)',
  'for f in src/*.ts; do echo "$f"; done',
  'if [ -f package.json ]; then npm ci; fi',
  'while read -r line; do echo "$line"; done < list.txt',
  'export NODE_ENV=test && npm test',
  'PORT=4000 npm run dev &',
  'curl -s http://localhost:3000/health | jq .',
  'docker compose up -d db',
  'kill %1',
  'sleep 2 && curl localhost:3000',
  'tar -czf dist.tgz dist/',
  'echo $((2 + 3))',
  'printf "%s\\n" a b c | xargs -n1 echo',
  'time npm test',
  'timeout 60 npm test',
  'wf status',
  'wf test',
  'wf review run',
  'wf commit -m "Add login"',
  'npx wf next',
  'cat .claude/task-state.json | jq .tasks',
  'ls -la .git/hooks',
  'cat .git/config',
  'git config user.email',
  'git config --get core.hooksPath',
  'git -c color.ui=never log --oneline -3',
  'git merge --no-ff feature',
  'git merge -s ours old-release',
  'git cherry-pick abc123',
  'git tag -a v1.2.0 -m "Release 1.2.0"',
  'git clean -n',
  'echo "$(date +%F)" > build/stamp.txt',
  'npm pkg get version',
  'jq -r \'.dependencies | keys[]\' package.json',
  'git commit -m "$(printf \'%s\\n\\n%s\' "Subject" "Body with it\'s apostrophe")"',
  'cat <<\'EOF\' | node\nconsole.log(1)\nEOF',
];

describe('ordinary agent command lines pass the guard', () => {
  it('the corpus is a real one', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
  });

  it.each(CORPUS)('%s', (command) => {
    expect(() => parseShell(command)).not.toThrow();
    expect(reasons(command)).toEqual([]);
  });
});
