#!/usr/bin/env node
// The one test command (`npm test`): gets what the tests need that npm cannot install
// (Debian's Chromium and unzip), then type-checks, checks formatting, runs the unit tests,
// builds the app and runs the end-to-end tests against the build. Stops at the first failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
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
  if (!existsSync('/usr/bin/unzip')) missing.push('unzip');
  if (missing.length === 0) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    must('apt-get', ['update', '-qq']);
    must('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      DEBIAN_FRONTEND: 'noninteractive',
    });
    return;
  }
  console.error(
    `Missing ${missing.join(' and ')}. Install with \`sudo apt-get install ${missing.join(' ')}\`` +
      ` (Debian/Ubuntu), or point CHROMIUM_PATH at any Chromium or Chrome binary.`,
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
if (unitStatus === 0) {
  must('npm', ['run', 'build']);
  e2eStatus = run('npx', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/e2e.json`,
  });
  e2e = count(`${out}/e2e.json`, (j) => ({
    passed: j.stats.expected,
    failed: j.stats.unexpected + j.stats.flaky,
  }));
}
console.log(`\nunit: ${unit.passed} passed, ${unit.failed} failed`);
console.log(`e2e: ${e2e.passed} passed, ${e2e.failed} failed`);
console.log(`tests: ${unit.passed + e2e.passed} passed, ${unit.failed + e2e.failed} failed`);
process.exit(unitStatus || e2eStatus);
