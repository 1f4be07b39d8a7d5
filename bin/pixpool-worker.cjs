#!/usr/bin/env node
// `pixpool-worker`: a conversion worker for a server in distributed mode (docs/DEPLOY.md).
// Runs the compiled worker; `npm run build:server` makes it.
const { existsSync } = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '../build/server/worker/start.cjs');
if (!existsSync(entry)) {
  console.error('pixpool worker: not built yet; run `npm run build:server` first');
  process.exit(1);
}
require(entry);
