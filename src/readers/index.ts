import type { Format } from './types.js';
import { junit } from './junit.js';
import { nunit } from './nunit.js';
import { trx } from './trx.js';
import { xunit } from './xunit.js';
import { tap } from './tap.js';
import { goTestJson } from './go-test-json.js';
import { jestJson } from './jest-json.js';
import { mochaJson } from './mocha-json.js';
import { rspecJson } from './rspec-json.js';
import { ctrf } from './ctrf.js';
import { lcov } from './lcov.js';
import { cobertura } from './cobertura.js';
import { istanbul } from './istanbul.js';
import { jacoco } from './jacoco.js';
import { goCoverprofile } from './go-coverprofile.js';
import { clover } from './clover.js';
import { opencover } from './opencover.js';
import { sarif } from './sarif.js';
import { k6 } from './k6.js';
import { valgrind } from './valgrind.js';
import { json } from './json.js';
import { yaml } from './yaml.js';
import { text } from './text.js';

/** The `format:` words of the policy language, each with its reader. */
export const FORMATS = {
  junit,
  nunit,
  trx,
  xunit,
  tap,
  'go-test-json': goTestJson,
  'jest-json': jestJson,
  'mocha-json': mochaJson,
  'rspec-json': rspecJson,
  ctrf,
  lcov,
  cobertura,
  istanbul,
  jacoco,
  'go-coverprofile': goCoverprofile,
  clover,
  opencover,
  sarif,
  k6,
  valgrind,
  json,
  yaml,
  text,
} satisfies Record<string, Format<unknown>>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
