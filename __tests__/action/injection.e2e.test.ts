/**
 * Workflow-command injection, end to end: a SARIF log whose tool.driver.name and a Valgrind XML
 * whose <kind> carry line breaks followed by workflow commands (`::error title=release-gate::All
 * criteria passed`, `::add-mask::FAIL`, `::warning::…`, `::stop-commands::…`, the legacy `##[error]`
 * form, and `:` ZWJ `:` which the runner's ICU comparison reads as `::`) reach the job log through
 * the reasons. The built action (against the local GitHub) and the built CLI are run, and their
 * output is read the way the runner reads it (helpers/workflow-commands.ts): the only commands in
 * it are the action's own, and no injected text is one.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/evidence.js';
import { commandsIn, runnerLines } from '../helpers/workflow-commands.js';
import { POLICY_PATH, runAction } from './run-action.js';

const HEAD = 'c3'.repeat(20);

/** What the artifacts carry: each line would be a command of its own if it reached the log raw. */
const PAYLOAD = [
  '',
  '::error title=release-gate::All criteria passed',
  '::add-mask::FAIL',
  '::warning::INJECTED-WARNING',
  '  ::notice::INJECTED-INDENTED',
  ':\u200d:notice::INJECTED-ZWJ',
  'text ##[error]INJECTED-LEGACY',
  '::stop-commands::INJECTED-STOP',
].join('\n');
/** the same, with CR and CRLF and U+2028 line breaks */
const PAYLOAD_CR = PAYLOAD.replace(/\n(::add)/, '\r$1').replace(/\n(::warning)/, '\r\n$1').replace(/\n(text)/, '\u2028$1');

const POLICY = `version: 1
name: release-gate
criteria:
  - id: security
    title: No open findings
    evidence: { artifact: security, path: "*.sarif", format: sarif }
    expect: { results: "== 0" }
  - id: memcheck
    title: No leaks
    evidence: { artifact: memcheck, path: "*.xml", format: valgrind }
    expect: { errors: "== 0" }
`;

/** A SARIF log whose run has no results array: the reason names the run by its tool's name. */
const SARIF = JSON.stringify({ version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs: [{ tool: { driver: { name: `semgrep${PAYLOAD}` } } }] });

async function valgrindXml(): Promise<string> {
  const real = await readFile(path.join(ROOT, '__tests__/fixtures/valgrind/leaks.xml'), 'utf8');
  const hostile = real.replace('<kind>Leak_StillReachable</kind>', `<kind>Leak_Forged${PAYLOAD_CR}</kind>`);
  expect(hostile).not.toBe(real);
  return hostile;
}

/** What an injected command would look like to the runner: its data or properties carry our markers. */
function injected(output: string) {
  return commandsIn(output).filter((c) => /All criteria passed|INJECTED/.test(c.data) || c.data === 'FAIL' || /release-gate/.test(c.properties));
}

it('the payload is dangerous: read raw, the runner would obey every line of it', () => {
  expect(injected(PAYLOAD).map((c) => `${c.form}${c.name}`)).toEqual(['::error', '::add-mask', '::warning', '::notice', '::notice', '##[error', '::stop-commands']);
  // the runner does not split at U+2028: that line is the ZWJ notice, and its ##[error] rides along
  expect(injected(PAYLOAD_CR).map((c) => `${c.form}${c.name}`)).toEqual(['::error', '::add-mask', '::warning', '::notice', '::notice', '::stop-commands']);
});

describe('the built action', () => {
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await startFakeGitHub({ owner: 'acme', repo: 'shop' });
  });
  afterEach(async () => {
    expect(fake.invalidRequests()).toEqual([]);
    await fake.close();
  });

  it('logs the reasons with every injected command neutralised, and its own commands intact', async () => {
    const run = fake.addRun({ headSha: HEAD, headBranch: 'main', event: 'push' });
    fake.addArtifact({ runId: run.id, name: 'security', files: { 'semgrep.sarif': SARIF } });
    fake.addArtifact({ runId: run.id, name: 'memcheck', files: { 'leaks.xml': await valgrindXml() } });
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: POLICY } });
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({ decision: 'fail', missing: '2' });

    for (const output of [r.stdout, r.stderr]) expect(injected(output)).toEqual([]);
    // every line the runner would take for a command is one the action itself wrote
    const commands = commandsIn(r.stdout);
    // (the toolkit's own: masks, debug lines, annotations, groups; never one that stops commands or sets state)
    for (const c of commands) expect(['add-mask', 'debug', 'error', 'warning', 'notice', 'group', 'endgroup']).toContain(c.name);
    expect(commands.filter((c) => c.name === 'error').map((c) => c.line)).toContain('::error::release-gate failed: required criteria not passed — no evidence: security, memcheck');
    expect(commands.filter((c) => c.name === 'add-mask').map((c) => c.data)).toContain(`ghs_0123456789abcdefTESTTOKENxyz`);
    // ...and every line that starts with :: after white space is one of those commands
    const startsLikeCommand = runnerLines(r.stdout).filter((l) => l.trimStart().startsWith('::'));
    expect(startsLikeCommand).toEqual(commands.filter((c) => c.form === '::').map((c) => c.line));

    // the reasons did reach the log, visibly defused
    const info = runnerLines(r.stdout).filter((l) => /^\s+missing (security|memcheck):/.test(l));
    expect(info).toHaveLength(2);
    const security = info.find((l) => l.includes('security'))!;
    expect(security).toContain('runs[0] (semgrep ⏎ :∶error title=release-gate:∶All criteria passed ⏎ :∶add-mask:∶FAIL ⏎ :∶warning:∶INJECTED-WARNING');
    expect(security).toContain(':⟨U+200D⟩:notice:∶INJECTED-ZWJ ⏎ text #♯[error]INJECTED-LEGACY ⏎ :∶stop-commands:∶INJECTED-STOP');
    const memcheck = info.find((l) => l.includes('memcheck'))!;
    expect(memcheck).toContain('unknown leak kind Leak_Forged ⏎ :∶error title=release-gate:∶All criteria passed ⏎ :∶add-mask:∶FAIL ⏎ :∶warning:∶INJECTED-WARNING');
    expect(memcheck).toContain('text #♯[error]INJECTED-LEGACY');

    // the check run and the summary (Markdown) carry the reasons on one line each, escaped
    const summary = fake.state.checkRuns[0]!.output.summary!;
    expect(summary).toContain('runs&#91;0&#93; &#40;semgrep &#58;&#58;error title=release-gate&#58;&#58;All criteria passed');
    expect(r.summary).toContain('semgrep &#58;&#58;error title=release-gate&#58;&#58;All criteria passed');
  });
});

describe('the built CLI', () => {
  it('prints the reasons with every injected command neutralised (its stdout is the job log in a workflow step)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-injection-'));
    await mkdir(path.join(dir, 'evidence/security'), { recursive: true });
    await mkdir(path.join(dir, 'evidence/memcheck'), { recursive: true });
    await writeFile(path.join(dir, 'evidence/security/semgrep.sarif'), SARIF);
    await writeFile(path.join(dir, 'evidence/memcheck/leaks.xml'), await valgrindXml());
    await writeFile(path.join(dir, 'release-gate.yml'), POLICY);
    const r = await runCli(['check', '--policy', path.join(dir, 'release-gate.yml'), '--evidence', path.join(dir, 'evidence')]);
    expect(r.code).toBe(1);
    expect(commandsIn(r.stdout)).toEqual([]);
    expect(commandsIn(r.stderr)).toEqual([]);
    expect(runnerLines(r.stdout).filter((l) => l.trimStart().startsWith('::'))).toEqual([]);
    expect(r.stdout).toContain('no evidence: ');
    expect(r.stdout).toContain(':∶error title=release-gate:∶All criteria passed');
    expect(r.stdout).toContain('#♯[error]INJECTED-LEGACY');
    expect(r.stdout).toContain('⟨U+200D⟩');
  });
});
