#!/usr/bin/env node
/* global require, process, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: it must run on any Node */
// `npm test` runs this first (the "pretest" script): on an older Node, vitest crashes with an
// error that names neither Node nor a version (`Map.groupBy is not a function`). Plain CommonJS
// and old syntax on purpose, so that it runs on any Node and says what is needed instead.
'use strict';

var path = require('path');
var fs = require('fs');

var pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
var range = pkg.engines && pkg.engines.node;
var need = /^>=\s*(\d+)$/.exec(range || '');
if (!need) {
  process.stderr.write('scripts/check-node.cjs: package.json engines.node is "' + range + '"; this check reads only ">=MAJOR"\n');
  process.exit(1);
}
var found = process.versions.node;
if (Number(found.split('.')[0]) < Number(need[1])) {
  process.stderr.write(
    'release-gate needs Node.js ' + need[1] + ' or newer (package.json engines: "' + range + '"); found Node.js ' + found +
      ' at ' + process.execPath + '. Install Node.js ' + need[1] + ' (e.g. `nvm install ' + need[1] + '`) and run again.\n',
  );
  process.exit(1);
}
