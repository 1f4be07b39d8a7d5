#!/usr/bin/env node
// `pixpool`: the command line (convert, presets, serve, worker).
require('./run-built.cjs')('server/cli/start.cjs', 'pixpool', 2);
