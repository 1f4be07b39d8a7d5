#!/usr/bin/env node
// The one test command (`npm test`): gets what the tests need that npm cannot install
// (Debian's Chromium, Firefox ESR, unzip, redis-server and libjxl-devtools: butteraugli_main and
// ssimulacra_main, the references the metric ports are checked against), then type-checks,
// checks formatting, runs the unit tests, builds the app and runs the end-to-end tests against
// the build: Playwright in Chromium, then the Firefox smoke suite (puppeteer-core). Stops at the
// first failure before the end-to-end tests; both browser suites run and count.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const firefox = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const redis = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
const out = 'test-results';
mkdirSync(out, { recursive: true });

function run(cmd, args, env = {}) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function must(cmd, args, env) {
  const status = run(cmd, args, env);
  if (status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(' ')} failed (exit ${status})`);
    process.exit(status);
  }
}

function ensureSystemPackages() {
  const missing = [];
  if (!existsSync(chromium)) missing.push('chromium');
  if (!existsSync(firefox)) missing.push('firefox-esr');
  if (!existsSync('/usr/bin/unzip')) missing.push('unzip');
  // Distributed mode's tests start their own Redis (test/integration/distributed/redis.ts).
  if (!existsSync(redis)) missing.push('redis-server');
  // butteraugli_main and ssimulacra_main: the references the metric ports are checked against.
  if (!existsSync('/usr/bin/butteraugli_main') || !existsSync('/usr/bin/ssimulacra_main')) {
    missing.push('libjxl-devtools');
  }
  if (missing.length === 0) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    must('apt-get', ['update', '-qq']);
    must('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      DEBIAN_FRONTEND: 'noninteractive',
    });
    return;
  }
  console.error(
    `Missing ${missing.join(', ')}. Install with \`sudo apt-get install ${missing.join(' ')}\`` +
      ` (Debian/Ubuntu), or point CHROMIUM_PATH at any Chromium or Chrome binary and` +
      ` FIREFOX_PATH at any Firefox.`,
  );
  process.exit(1);
}

function count(file, read) {
  try {
    return read(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { passed: 0, failed: 0 };
  }
}

ensureSystemPackages();
must('npm', ['run', 'check']);
must('npm', ['run', 'lint']);
const unitStatus = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}/unit.json`,
]);
const unit = count(`${out}/unit.json`, (j) => ({
  passed: j.numPassedTests,
  failed: j.numFailedTests,
}));
let e2e = { passed: 0, failed: 0 };
let e2eStatus = 0;
let ff = { passed: 0, failed: 0 };
let ffStatus = 0;
if (unitStatus === 0) {
  must('npm', ['run', 'build']);
  e2eStatus = run('npx', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/e2e.json`,
  });
  e2e = count(`${out}/e2e.json`, (j) => ({
    passed: j.stats.expected,
    failed: j.stats.unexpected + j.stats.flaky,
  }));
  // The same build in Firefox ESR, served on the port after Playwright's (FIREFOX_PORT).
  rmSync(`${out}/firefox.json`, { force: true });
  ffStatus = run('npx', [
    'vitest',
    'run',
    '--config',
    'test/firefox/vitest.config.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}/firefox.json`,
  ]);
  ff = count(`${out}/firefox.json`, (j) => ({
    passed: j.numPassedTests,
    failed: j.numFailedTests,
  }));
  // A run that died before reporting (no Firefox, a taken port) still counts as a failure.
  if (ffStatus !== 0 && ff.failed === 0) ff.failed = 1;
}
console.log(`\nunit: ${unit.passed} passed, ${unit.failed} failed`);
console.log(`e2e: ${e2e.passed} passed, ${e2e.failed} failed`);
console.log(`firefox: ${ff.passed} passed, ${ff.failed} failed`);
const passed = unit.passed + e2e.passed + ff.passed;
const failed = unit.failed + e2e.failed + ff.failed;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(unitStatus || e2eStatus || ffStatus);
