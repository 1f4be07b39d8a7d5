#!/usr/bin/env node
// `pixpool`: the command line (convert, presets). Runs the compiled CLI; `npm run build:server`
// makes it.
const { existsSync } = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '../build/server/cli/start.cjs');
if (!existsSync(entry)) {
  console.error('pixpool: not built yet; run `npm run build:server` first');
  process.exit(2);
}
require(entry);
