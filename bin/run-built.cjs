// What the bin entries share: each runs a compiled CommonJS entry under build/ (one that sizes
// libuv's pool before anything starts it), or says how to build it.
const { existsSync } = require('node:fs');
const path = require('node:path');

/**
 * Runs `build/<entry>`; when it is not built, says so under `name` and exits with `code`
 * (the command's own code for a setup error).
 */
module.exports = function runBuilt(entry, name, code) {
  const file = path.join(__dirname, '../build', entry);
  if (!existsSync(file)) {
    console.error(`${name}: not built yet; run \`npm run build:server\` first`);
    process.exit(code);
  }
  require(file);
};
