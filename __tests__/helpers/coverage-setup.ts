/**
 * Only when the suite runs under coverage (.ci/run): V8's block counters slow re2js's matching
 * loop about tenfold (`(a+)+$` over 1 MB: 1.3 s plain, 15 s instrumented), so the text reader's
 * CPU-time budget would refuse honest hostile-corpus logs that it reads in time in real use. The
 * in-process budget is scaled by the same factor, so these runs still measure the code and not the
 * instrumentation. The built CLI in child processes is not instrumented and keeps the real budget,
 * and the tests of the budget itself pass their own limits.
 */
import { MATCH_BUDGET } from '../../src/readers/text.js';

const COVERAGE_SLOWDOWN = 10;
MATCH_BUDGET.baseMs *= COVERAGE_SLOWDOWN;
MATCH_BUDGET.msPerMiB *= COVERAGE_SLOWDOWN;
MATCH_BUDGET.usPerLine *= COVERAGE_SLOWDOWN;
