#!/usr/bin/env node
// `pixpool-worker`: a conversion worker for a server in distributed mode (docs/DEPLOY.md).
require('./run-built.cjs')('server/worker/start.cjs', 'pixpool worker', 1);
