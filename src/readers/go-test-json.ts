import { EvidenceError } from '../measure.js';
import { forEachLine } from './input.js';
import { TestTally, type FailingTest, type TestResults, TEST_RESULTS_FORMAT } from './test-results.js';
import type { Format } from './types.js';

/**
 * The `go test -json` stream (test2json events, one JSON object a line), read in one streaming pass.
 *
 * - Every test and every subtest (`TestA/sub`) with an outcome is one test, the parent included
 *   (as gotestsum and dorny/test-reporter count them): a failing subtest fails its parent too.
 * - `pass` passed, `skip` skipped, `fail` failed. A test that ran but has no outcome when its
 *   package ends (a panic, `-timeout`, `os.Exit`, a crash) is failed, whatever it printed.
 * - A package that fails with no failing test (build failure, `[setup failed]`, a panic in init
 *   or TestMain, a time-out after the tests passed) adds one errored test named after the package:
 *   tests that printed "--- PASS" never make a failed package pass. Go 1.24's `build-output` /
 *   `build-fail` events (keyed by ImportPath) give its message, through the `FailedBuild` field of
 *   the package's `fail` event; a `build-fail` no package event claims is an errored test too.
 * - A failing test's place and message come from its output: the first `    file.go:12: message`
 *   line (t.Error, t.Fatal), or for a panic its `panic:` line and the first stack frame in a
 *   `_test.go` file.
 * - Lines that are not JSON are tolerated only as the go command itself prints them when stderr
 *   is merged into the stream: a `# package` build-output block (its lines up to the next event),
 *   `go: …` lines, and `FAIL<TAB>package [build failed]` / `[setup failed]` (before Go 1.24, the
 *   only trace of a package that did not compile: an errored test). Anything else is not evidence.
 * - A package whose events end without its own pass/fail/skip (a truncated stream) is an errored
 *   test (its running tests failed ones), with a note. An event with an unknown Action is not
 *   evidence (a newer go: fail closed rather than guess what it means).
 * - `duration` is the sum of the packages' Elapsed.
 *
 * Memory: state per running test (its name and at most one place and message), never its output;
 * at most MAX_RUNNING_TESTS tests running at once (t.Parallel tests paused included).
 */

/** Tests running at once (started, no outcome yet) across the stream; more is refused. */
export const MAX_RUNNING_TESTS = 50_000;
/** Packages started and not ended, and build failures not yet claimed by a package. */
const MAX_RUNNING_PACKAGES = 50_000;

interface RunningTest {
  /** the first `file.go:N: message` line */
  file?: string;
  line?: number;
  message?: string;
  /** a `panic:` line, and the first _test.go frame after it */
  panic?: string;
  panicFile?: string;
  panicLine?: number;
}

interface RunningPackage {
  tests: Map<string, RunningTest>;
  failed: number;
  /** the package's own output: its first panic or build error */
  panic?: string;
  file?: string;
  line?: number;
  sawPanic: boolean;
}

interface BuildFailure {
  message?: string;
  file?: string;
  line?: number;
  failed: boolean;
}

interface Event {
  Action?: unknown;
  Package?: unknown;
  Test?: unknown;
  Output?: unknown;
  Elapsed?: unknown;
  ImportPath?: unknown;
  FailedBuild?: unknown;
}

const IGNORED_ACTIONS = new Set(['start', 'run', 'pause', 'cont', 'bench', 'attr', 'artifacts']);
/** `    foo_test.go:12: message` (t.Log/t.Error output, indented by subtest depth) */
const LOCATION = /^\s+([^\s:]+\.go):(\d+): ?(.*)$/;
/** a stack frame: `\t/path/foo_test.go:12 +0x2e` */
const TEST_FRAME = /^\t(\S+_test\.go):(\d+)(?:\s|$)/;
/** a compiler error: `./foo.go:12:3: undefined: x` */
const COMPILER_ERROR = /^(\S+\.go):(\d+)(?::\d+)?: (.*)$/;
const FAIL_NOT_BUILT = /^FAIL\s+(\S+)\s+\[(build failed|setup failed)\]\s*$/;

class GoTestJsonParser {
  readonly tally: TestTally;
  private readonly packages = new Map<string, RunningPackage>();
  private readonly builds = new Map<string, BuildFailure>();
  private running = 0;
  private lineNumber = 0;
  private elapsed = 0;
  private sawElapsed = false;
  /** inside a `# package` block of merged build output: the package it is about, for its message */
  private buildBlock: BuildFailure | undefined;

  constructor(
    private readonly file: string,
    identitiesCap: number,
  ) {
    this.tally = new TestTally(identitiesCap);
  }

  line(text: string): void {
    this.lineNumber++;
    let start = 0;
    while (start < text.length && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
    if (start === text.length) return;
    if (text.charCodeAt(start) !== 123 /* { */) {
      this.textLine(text);
      return;
    }
    this.buildBlock = undefined;
    let event: Event;
    try {
      event = JSON.parse(text) as Event;
    } catch {
      throw this.error('is not valid JSON: not a go test -json event');
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event) || typeof event.Action !== 'string') {
      throw this.error('is not a go test -json event (an object with an Action)');
    }
    this.event(event, event.Action);
  }

  private error(what: string): EvidenceError {
    return new EvidenceError(`${this.file} line ${this.lineNumber} ${what}`, { line: this.lineNumber });
  }

  /** A line that is not JSON: only what the go command prints on stderr is tolerated. */
  private textLine(text: string): void {
    const line = text.trimEnd();
    const notBuilt = FAIL_NOT_BUILT.exec(line);
    if (notBuilt) {
      const pkg = notBuilt[1]!;
      const build = this.builds.get(pkg);
      this.builds.delete(pkg);
      this.buildBlock = undefined;
      this.tally.record('error', { suite: pkg, name: pkg, file: build?.file, line: build?.line, message: build?.message ?? `the package did not compile (${notBuilt[2]})` });
      return;
    }
    if (line.startsWith('# ')) {
      // `# example.com/pkg [example.com/pkg.test]`: keyed by the package's path
      const pkg = line.slice(2).split(' ', 1)[0]!;
      let build = this.builds.get(pkg);
      if (build === undefined) {
        this.checkPackages();
        build = { failed: false };
        this.builds.set(pkg, build);
      }
      this.buildBlock = build;
      return;
    }
    if (this.buildBlock !== undefined) {
      if (this.buildBlock.message === undefined) buildMessage(this.buildBlock, line.trim());
      return;
    }
    if (line.startsWith('go: ')) return;
    throw this.error(`is not a go test -json event (${JSON.stringify(line.length > 80 ? `${line.slice(0, 79)}…` : line)}): write the stream of go test -json alone, or with stderr merged as go prints it`);
  }

  private event(e: Event, action: string): void {
    if (action === 'build-output' || action === 'build-fail') {
      const path = typeof e.ImportPath === 'string' ? e.ImportPath : '';
      let build = this.builds.get(path);
      if (build === undefined) {
        if (action === 'build-output' && this.builds.size >= MAX_RUNNING_PACKAGES) return; // only a message lost
        this.checkPackages();
        build = { failed: false };
        this.builds.set(path, build);
      }
      if (action === 'build-fail') build.failed = true;
      else if (build.message === undefined && typeof e.Output === 'string' && !e.Output.startsWith('#')) buildMessage(build, e.Output.trim());
      return;
    }
    const pkgName = typeof e.Package === 'string' ? e.Package : '';
    const test = typeof e.Test === 'string' ? e.Test : undefined;
    let pkg = this.packages.get(pkgName);
    if (pkg === undefined) {
      if (action === 'pass' || action === 'fail' || action === 'skip') {
        if (test === undefined) {
          // a package that ends with no other event of its own
          this.endPackage(pkgName, { tests: new Map(), failed: 0, sawPanic: false }, action, e);
          return;
        }
      }
      this.checkPackages();
      pkg = { tests: new Map(), failed: 0, sawPanic: false };
      this.packages.set(pkgName, pkg);
    }
    if (test === undefined) {
      if (action === 'output') packageOutput(pkg, e.Output);
      else if (action === 'pass' || action === 'fail' || action === 'skip') {
        this.packages.delete(pkgName);
        this.endPackage(pkgName, pkg, action, e);
      } else if (!IGNORED_ACTIONS.has(action)) throw this.error(`has an unknown Action ${JSON.stringify(action)}: a newer go whose events this release-gate cannot read`);
      return;
    }
    switch (action) {
      case 'run': {
        const earlier = pkg.tests.get(test);
        if (earlier !== undefined) this.noOutcome(pkgName, pkg, test, earlier);
        if (this.running >= MAX_RUNNING_TESTS) {
          throw this.error(`starts more than ${MAX_RUNNING_TESTS} tests running at once (MAX_RUNNING_TESTS): refused rather than held in memory`);
        }
        pkg.tests.set(test, {});
        this.running++;
        return;
      }
      case 'output': {
        const running = pkg.tests.get(test);
        if (running !== undefined) testOutput(running, e.Output);
        else packageOutput(pkg, e.Output); // after its outcome: a panic here fails the package
        return;
      }
      case 'pass':
      case 'skip':
      case 'fail': {
        const running = pkg.tests.get(test);
        if (running !== undefined) {
          pkg.tests.delete(test);
          this.running--;
        }
        if (action === 'fail') {
          pkg.failed++;
          this.tally.record('failed', () => failingTest(pkgName, test, running));
        } else {
          this.tally.record(action === 'pass' ? 'passed' : 'skipped');
          // a time-out's panic printed under a test that then passed: the package's failure
          if (running?.panic !== undefined && !pkg.sawPanic) {
            pkg.sawPanic = true;
            pkg.panic = running.panic;
            pkg.file = running.panicFile;
            pkg.line = running.panicLine;
          }
        }
        return;
      }
      default:
        if (!IGNORED_ACTIONS.has(action)) throw this.error(`has an unknown Action ${JSON.stringify(action)}: a newer go whose events this release-gate cannot read`);
    }
  }

  private checkPackages(): void {
    if (this.packages.size + this.builds.size >= MAX_RUNNING_PACKAGES) {
      throw this.error(`starts more than ${MAX_RUNNING_PACKAGES} packages or builds that have not ended: refused rather than held in memory`);
    }
  }

  /** A test that never got an outcome: failed (a panic, a time-out or an exit ended its binary). */
  private noOutcome(pkgName: string, pkg: RunningPackage, test: string, running: RunningTest): void {
    pkg.tests.delete(test);
    this.running--;
    pkg.failed++;
    this.tally.record('failed', () => {
      const f = failingTest(pkgName, test, running);
      f.message ??= 'the test has no result: its test binary ended before it did (panic, time-out or os.Exit)';
      return f;
    });
  }

  private endPackage(pkgName: string, pkg: RunningPackage, action: string, e: Event): void {
    if (typeof e.Elapsed === 'number' && Number.isFinite(e.Elapsed) && e.Elapsed >= 0) {
      this.elapsed += e.Elapsed;
      this.sawElapsed = true;
    }
    for (const [test, running] of [...pkg.tests]) this.noOutcome(pkgName, pkg, test, running);
    let build: BuildFailure | undefined;
    if (typeof e.FailedBuild === 'string') {
      build = this.builds.get(e.FailedBuild);
      this.builds.delete(e.FailedBuild);
    }
    if (action !== 'fail' || pkg.failed > 0) {
      if (action !== 'fail' && build !== undefined) this.tally.record('error', buildFailing(pkgName, build, 'the package passed, but its build failed'));
      return;
    }
    if (build !== undefined || typeof e.FailedBuild === 'string') {
      this.tally.record('error', buildFailing(pkgName, build ?? { failed: true }, `the package did not build (${String(e.FailedBuild)})`));
      return;
    }
    this.tally.record('error', {
      suite: pkgName,
      name: pkgName || 'package',
      identity: pkgName ? undefined : null,
      file: pkg.file,
      line: pkg.line,
      message: pkg.panic ?? 'the package failed with no failing test (a build failure, a panic in init or TestMain, a time-out or os.Exit)',
    });
  }

  end(): TestResults {
    // a truncated stream: tests still running are failed, and each package an errored test
    for (const [pkgName, pkg] of this.packages) {
      for (const [test, running] of [...pkg.tests]) this.noOutcome(pkgName, pkg, test, running);
      this.tally.record('error', { suite: pkgName, name: pkgName || 'package', identity: pkgName ? undefined : null, file: pkg.file, line: pkg.line, message: pkg.panic ?? 'the stream ends before the result of this package: the run was cut short' });
      this.tally.note(`${this.file}: the stream ends before the result of package ${JSON.stringify(pkgName)}`);
    }
    this.packages.clear();
    for (const [path, build] of this.builds) {
      if (build.failed) this.tally.record('error', buildFailing(path, build, 'the build failed'));
    }
    if (this.sawElapsed) this.tally.setDuration(this.elapsed);
    return this.tally.finish();
  }
}

function failingTest(pkg: string, test: string, running: RunningTest | undefined): FailingTest {
  const f: FailingTest = { suite: pkg, name: test };
  if (running?.panic !== undefined) {
    f.message = running.panic;
    f.file = running.panicFile ?? running.file;
    f.line = running.panicFile !== undefined ? running.panicLine : running.line;
  } else if (running !== undefined) {
    f.file = running.file;
    f.line = running.line;
    f.message = running.message;
  }
  return f;
}

function buildFailing(pkg: string, build: BuildFailure, fallback: string): FailingTest {
  return { suite: pkg, name: pkg, file: build.file, line: build.line, message: build.message ?? fallback };
}

function buildMessage(build: BuildFailure, line: string): void {
  if (line === '') return;
  const error = COMPILER_ERROR.exec(line);
  if (error) {
    build.file = error[1]!.replace(/^\.\//, '');
    build.line = Number(error[2]);
    build.message = error[3];
  } else build.message = line;
}

function testOutput(running: RunningTest, output: unknown): void {
  if (typeof output !== 'string') return;
  if (running.panic === undefined && output.startsWith('panic: ')) {
    running.panic = output.trim();
    return;
  }
  if (running.panic !== undefined) {
    if (running.panicFile === undefined) {
      const frame = TEST_FRAME.exec(output);
      if (frame) {
        running.panicFile = frame[1];
        running.panicLine = Number(frame[2]);
      }
    }
    return;
  }
  if (running.file === undefined) {
    const place = LOCATION.exec(output.trimEnd());
    if (place) {
      running.file = place[1];
      running.line = Number(place[2]);
      running.message = place[3];
    }
  }
}

function packageOutput(pkg: RunningPackage, output: unknown): void {
  if (typeof output !== 'string') return;
  if (!pkg.sawPanic && output.startsWith('panic: ')) {
    pkg.sawPanic = true;
    pkg.panic = output.trim();
    return;
  }
  if (pkg.sawPanic && pkg.file === undefined) {
    const frame = TEST_FRAME.exec(output);
    if (frame) {
      pkg.file = frame[1];
      pkg.line = Number(frame[2]);
    }
  }
}

export const goTestJson: Format<TestResults> = {
  name: 'go-test-json',
  ...TEST_RESULTS_FORMAT,

  async read(input, ctx) {
    const parser = new GoTestJsonParser(ctx.name, ctx.limits.failingIdentities);
    await forEachLine(input, (text, start, end) => parser.line(text.slice(start, end)), ctx.limits.lineBytes);
    return parser.end();
  },
};
