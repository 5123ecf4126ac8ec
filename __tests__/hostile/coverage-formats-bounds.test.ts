/**
 * Bounds of the clover, opencover and go-coverprofile readers on the built CLI (`node dist/cli.js
 * check`, see runCliBounded): large reports of real shape end with the right numbers in memory
 * that does not follow the file's size, and shapes that would make a reader do unbounded work
 * (blocks or sequence points claiming millions of lines, cond lines claiming millions of
 * branches, a profile alternating between files on every line) end in bounded time and memory.
 * Inputs are generated at test time into a temp dir. Measured on a loaded 2-core machine: 44 MB of
 * -coverpkg profile in 1.6 s at 113 MB peak RSS (88 MB: 139 MB), 52 MB of Clover in 1.0-2.1 s at
 * 99 MB (105 MB: 104 MB), 66 MB of OpenCover in 1.2-3.2 s at 117 MB (172 MB: 126 MB; it was
 * 228 MB before files were folded as the report moves on).
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MB, runCliBounded, type BoundedRun } from '../helpers/bounded.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rg-cov-bounds-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Report {
  criteria: { id: string; status: string; reason?: string; metrics?: Record<string, number> }[];
}

async function check(format: string, file: string, expect: string, timeoutMs = 60_000): Promise<{ run: BoundedRun; report: Report; bytes: number }> {
  const policy = path.join(dir, 'policy.yml');
  await writeFile(policy, `version: 1\ncriteria:\n  - id: cov\n    evidence: { path: "${file}", format: ${format} }\n    expect: { ${expect} }\n`);
  const out = path.join(dir, 'report.json');
  const run = await runCliBounded(['check', '--policy', policy, '--evidence', path.join(dir, 'evidence'), '--json', out], { timeoutMs });
  const bytes = statSync(path.join(dir, 'evidence', file)).size;
  return { run, report: JSON.parse(await readFile(out, 'utf8')) as Report, bytes };
}

/** Writes `lines()` to evidence/name in batches (files of tens of MB never sit in memory). */
async function generate(name: string, lines: () => Iterable<string>): Promise<void> {
  await mkdir(path.join(dir, 'evidence'), { recursive: true });
  const fd = openSync(path.join(dir, 'evidence', name), 'w');
  try {
    let batch: string[] = [];
    for (const line of lines()) {
      batch.push(line);
      if (batch.length === 4096) {
        writeSync(fd, batch.join('\n') + '\n');
        batch = [];
      }
    }
    if (batch.length > 0) writeSync(fd, batch.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}

/**
 * Ended on its own, within the time, in memory below the file's size plus 100 MB (160 MB at the
 * least: the CLI alone takes about 72 MB); the unbounded readings took gigabytes.
 */
function expectBounded(run: BoundedRun, bytes: number, maxMs: number, floor = 160 * MB): void {
  expect(run.timedOut, `killed after ${Math.round(run.ms)} ms`).toBe(false);
  expect(run.ms).toBeLessThan(maxMs);
  expect(run.peakRss).toBeLessThan(Math.max(bytes + 100 * MB, floor));
}

describe('go-coverprofile bounds', () => {
  it('a 30 MB -coverpkg profile (3 test binaries listing every block) merges to the right count in flat memory', async () => {
    const files = 400;
    const blocks = 400;
    await generate('cover.out', function* () {
      yield 'mode: atomic';
      for (let bin = 0; bin < 3; bin++) {
        for (let f = 0; f < files; f++) {
          // block b has 1 + b % 3 statements and ran in binary b % 4 (never when b % 4 === 3)
          for (let b = 0; b < blocks; b++) yield `example.com/mod/internal/pkg${f % 40}/file${f}.go:${b * 3 + 1}.${(b % 50) + 2},${b * 3 + 2}.3 ${1 + (b % 3)} ${b % 4 === bin ? 1 + f : 0}`;
        }
      }
    });
    let total = 0;
    let covered = 0;
    for (let b = 0; b < blocks; b++) {
      total += 1 + (b % 3);
      if (b % 4 < 3) covered += 1 + (b % 3);
    }
    const { run, report, bytes } = await check('go-coverprofile', 'cover.out', 'statements: ">= 50%"');
    expect(bytes).toBeGreaterThan(25 * MB);
    expectBounded(run, bytes, 30_000);
    expect(report.criteria[0]!.metrics).toMatchObject({ 'statements.total': total * files, 'statements.covered': covered * files, 'lines.total': 2 * blocks * files });
  }, 90_000);

  it('a profile alternating between two files on every line is read in bounded time', async () => {
    await generate('cover.out', function* () {
      yield 'mode: set';
      for (let b = 0; b < 200_000; b++) yield `m/a${b % 2}.go:${b + 1}.2,${b + 1}.9 1 ${b % 3 === 0 ? 1 : 0}`;
    });
    const { run, report, bytes } = await check('go-coverprofile', 'cover.out', 'statements: ">= 1%"');
    expectBounded(run, bytes, 20_000);
    expect(report.criteria[0]!.metrics!['statements.total']).toBe(200_000);
  }, 60_000);

  it('blocks claiming 100,000 lines each are refused at 4,000,000 lines plus 16 a block, not expanded', async () => {
    await generate('cover.out', function* () {
      yield 'mode: set';
      for (let b = 0; b < 1_000; b++) yield `m/f${b % 7}.go:${b * 100_000 + 1}.1,${b * 100_000 + 99_999}.2 1 1`;
    });
    const { run, report, bytes } = await check('go-coverprofile', 'cover.out', 'statements: ">= 1%"');
    // the 4,000,000 lines allowed are expanded before the refusal: about 175 MB peak (230 MB at a
    // 20,000,000-line budget; 1,000 such blocks expanded in full would be 100,000,000 lines)
    expectBounded(run, bytes, 20_000, 250 * MB);
    expect(report.criteria[0]).toMatchObject({ status: 'missing' });
    expect(report.criteria[0]!.reason).toMatch(/blocks span more than 4000000 \+ 16 lines a block: not a real profile/);
  }, 60_000);
});

describe('clover bounds', () => {
  it('a 30 MB OpenClover report is read in flat memory', async () => {
    const files = 800;
    await generate('clover.xml', function* () {
      yield '<?xml version="1.0" encoding="UTF-8"?>\n<coverage generated="1" clover="4.3.1"><project timestamp="1">';
      for (let f = 0; f < files; f++) {
        yield `<package name="p${f}"><file path="src/p${f}/F.java" name="F.java"><class name="F"/>`;
        for (let l = 1; l <= 1000; l++) yield l % 10 === 0 ? `<line num="${l}" truecount="1" falsecount="0" type="cond"/>` : `<line num="${l}" count="${l % 2}" type="stmt"/>`;
        yield '</file></package>';
      }
      yield '</project></coverage>';
    });
    const { run, report, bytes } = await check('clover', 'clover.xml', 'lines: ">= 1%"');
    expect(bytes).toBeGreaterThan(25 * MB);
    expectBounded(run, bytes, 30_000);
    // per file: 900 statements (the 500 odd lines run), 100 conditions (true taken, false not), 1000 lines
    expect(report.criteria[0]!.metrics).toMatchObject({ 'statements.total': 900 * files, 'statements.covered': 500 * files, 'branches.total': 200 * files, 'branches.covered': 100 * files, 'lines.total': 1000 * files });
  }, 90_000);

  it('Istanbul cond lines claiming a thousand branches each are refused at 1,000,000 plus 16 a line (and more than 1024 on one line at once)', async () => {
    await generate('clover.xml', function* () {
      yield '<coverage clover="3.2.0"><project><file path="a.js">';
      for (let l = 1; l <= 5000; l++) yield `<line num="${l}" count="1" type="cond" truecount="500" falsecount="500"/>`;
      yield '</file></project></coverage>';
    });
    const { run, report, bytes } = await check('clover', 'clover.xml', 'lines: ">= 1%"');
    expectBounded(run, bytes, 20_000);
    expect(report.criteria[0]!.reason).toMatch(/claim more than 1000000 \+ 16 branches a line/);
    await generate('clover.xml', function* () {
      yield '<coverage clover="3.2.0"><project><file path="a.js"><line num="1" count="1" type="cond" truecount="1000000" falsecount="0"/></file></project></coverage>';
    });
    expect((await check('clover', 'clover.xml', 'lines: ">= 1%"')).report.criteria[0]!.reason).toMatch(/truecount \+ falsecount is above 1024 branches on one line/);
  }, 60_000);
});

describe('opencover bounds', () => {
  it('a 40 MB OpenCover report is read in flat memory', async () => {
    const files = 700;
    await generate('coverage.opencover.xml', function* () {
      yield '<?xml version="1.0" encoding="utf-8"?>\n<CoverageSession><Modules><Module hash="x"><ModuleName>App</ModuleName><Files>';
      for (let f = 1; f <= files; f++) yield `<File uid="${f}" fullPath="C:\\src\\F${f}.cs" />`;
      yield '</Files><Classes>';
      for (let f = 1; f <= files; f++) {
        yield `<Class><FullName>C${f}</FullName><Methods>`;
        for (let m = 0; m < 20; m++) {
          yield `<Method visited="false"><Name>System.Void C${f}::M${m}()</Name><FileRef uid="${f}" /><SequencePoints>`;
          for (let p = 0; p < 20; p++) yield `<SequencePoint vc="${p % 2}" uspid="${p}" ordinal="${p}" offset="${p * 4}" sl="${m * 25 + p + 1}" sc="9" el="${m * 25 + p + 1}" ec="40" bec="0" bev="0" fileid="${f}" />`;
          yield '</SequencePoints><BranchPoints>';
          for (let b = 0; b < 4; b++) yield `<BranchPoint vc="${b % 2}" uspid="${b}" ordinal="${b}" offset="${b * 8}" sl="${m * 25 + 2}" path="${b % 2}" offsetend="${b * 8 + 4}" fileid="${f}" />`;
          yield '</BranchPoints><MethodPoint vc="0" /></Method>';
        }
        yield '</Methods></Class>';
      }
      yield '</Classes></Module></Modules></CoverageSession>';
    });
    const { run, report, bytes } = await check('opencover', 'coverage.opencover.xml', 'lines: ">= 1%"');
    expect(bytes).toBeGreaterThan(30 * MB);
    expectBounded(run, bytes, 30_000);
    expect(report.criteria[0]!.metrics).toMatchObject({ 'lines.total': 400 * files, 'lines.covered': 200 * files, 'branches.total': 80 * files, 'branches.covered': 40 * files, 'functions.total': 20 * files });
  }, 90_000);

  it('sequence points claiming 100,000 lines each are refused at 4,000,000 lines plus 16 a point', async () => {
    await generate('coverage.opencover.xml', function* () {
      yield '<CoverageSession><Modules><Module><Files><File uid="1" fullPath="a.cs"/></Files><Classes><Class><Methods><Method><Name>M</Name><FileRef uid="1"/><SequencePoints>';
      for (let p = 0; p < 1_000; p++) yield `<SequencePoint vc="1" sl="${p * 100_000 + 1}" el="${p * 100_000 + 99_999}"/>`;
      yield '</SequencePoints></Method></Methods></Class></Classes></Module></Modules></CoverageSession>';
    });
    const { run, report, bytes } = await check('opencover', 'coverage.opencover.xml', 'lines: ">= 1%"');
    // as for Go: about 180 MB peak for the 4,000,000 lines expanded before the refusal (320 MB at 20,000,000)
    expectBounded(run, bytes, 20_000, 250 * MB);
    expect(report.criteria[0]!.reason).toMatch(/sequence points span more than 4000000 \+ 16 lines a point/);
  }, 60_000);
});
