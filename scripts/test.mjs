#!/usr/bin/env node
// `npm test`: lint and typecheck every project (Nx), then every project's tests in one Vitest run.
// Ends with one line `N passed, N failed` (each lint/typecheck target counts as one check).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const extra = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

const nx = spawnSync('npx', ['nx', 'run-many', '-t', 'lint', 'typecheck', '--parallel=2', '--outputStyle=static'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
process.stdout.write(nx.stdout ?? '');
// Nx prints one line per failed task under "Failed tasks:"; count tasks from the project list.
const projects = JSON.parse(spawnSync('npx', ['nx', 'show', 'projects', '--json'], { encoding: 'utf8' }).stdout);
const checks = projects.length * 2;
const failedChecks = (nx.stdout.match(/^\s+- \S+:(lint|typecheck)\s*$/gm) ?? []).length || (nx.status === 0 ? 0 : 1);
passed += checks - failedChecks;
failed += failedChecks;

mkdirSync('test-output', { recursive: true });
const out = 'test-output/vitest.json';
if (existsSync(out)) rmSync(out);
const vt = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`, ...extra], {
  stdio: 'inherit',
});
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A file that fails to load has no tests but is still a failure.
  failed += r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} else {
  failed += 1;
}
if (vt.status !== 0 && failed === 0) failed = 1;

// The PyTorch trainer's tests (pytest). Where PyTorch is not installed they are reported as
// skipped with the reason (conftest.py), never counted as passed.
const junit = 'test-output/pytest.xml';
if (existsSync(junit)) rmSync(junit);
const py = spawnSync('bash', ['libs/trainer-torch/py.sh', 'test', '-q', `--junitxml=${process.cwd()}/${junit}`], { stdio: 'inherit' });
if (existsSync(junit)) {
  const xml = readFileSync(junit, 'utf8');
  const attr = (name) => Number((xml.match(new RegExp(`<testsuite [^>]*\\b${name}="(\\d+)"`)) ?? [])[1] ?? 0);
  const total = attr('tests');
  const bad = attr('failures') + attr('errors');
  skipped += attr('skipped');
  passed += total - bad - attr('skipped');
  failed += bad;
  if (py.status !== 0 && bad === 0) failed += 1;
} else if (py.status !== 0) {
  failed += 1;
} else {
  console.log('trainer-torch: pytest not available, its tests were not run (see the line above)');
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
