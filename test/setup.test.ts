/**
 * The README's `npm test` works on a fresh machine: scripts/setup.sh --for-tests (which `npm
 * test` runs) ensures every system package any test needs, and CI does nothing more than that
 * command. Every program a test starts is found by scanning the test files and mapped to its
 * Debian package; each must be in `setup.sh --list --for-tests` (or be part of every Debian
 * system, or be Node itself). A test that starts a new program fails here until setup installs it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const SELF = 'setup.test.ts';

/** Programs on every Debian system (essential or required packages), or Node itself. */
const BASE = new Set(['bash', 'sh', 'dd', 'sudo', 'node', 'npx', 'npm', 'kill', 'cat', 'true', 'false']);

/** Programs (or scripts) tests start, and the Debian packages they come from. */
const PACKAGES: Record<string, string[]> = {
  Rscript: ['r-base-core'],
  python3: ['python3-pandas'], // every python3 a test runs imports pandas (checked below)
  mount: ['mount'],
  umount: ['mount'],
  'slurm-local.sh': ['slurmctld', 'slurmd', 'slurm-client', 'munge'],
  'slurm-wait.sh': ['slurm-client'],
  sbatch: ['slurm-client'],
  squeue: ['slurm-client'],
  scontrol: ['slurm-client'],
};

function setupList(forTests: boolean): string[] {
  const r = spawnSync('bash', ['scripts/setup.sh', '--list', ...(forTests ? ['--for-tests'] : [])], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n');
}

/** The programs each test file starts: literal first arguments of spawn-like calls, scripts it runs, and python. */
function programsOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/\b(?:spawnSync|spawn|execFileSync|execFile|execSync|sh|run)\(\s*'([^']+)'/gu)) found.add(m[1].split(' ')[0]);
  for (const m of text.matchAll(/\?\s*'([A-Za-z0-9_.-]+)'\s*:\s*'sudo'/gu)) found.add(m[1]); // asRoot ? 'umount' : 'sudo'
  for (const m of text.matchAll(/scripts\/([a-z-]+\.sh)/gu)) if (m[1] !== 'setup.sh') found.add(m[1]);
  if (/['/]python3?'/u.test(text)) found.add('python3');
  for (const tool of ['sbatch', 'squeue', 'scontrol']) if (new RegExp(`'${tool}'`, 'u').test(text)) found.add(tool);
  return found;
}

describe('scripts/setup.sh --for-tests', () => {
  const tests = readdirSync(join(root, 'test')).filter((f) => f.endsWith('.ts') && f !== SELF);

  it('lists every system package a test needs', () => {
    const listed = new Set(setupList(true));
    const problems: string[] = [];
    for (const file of tests) {
      const text = readFileSync(join(root, 'test', file), 'utf8');
      for (const program of programsOf(text)) {
        if (BASE.has(program) || program.startsWith('/') && BASE.has(program.split('/').pop()!)) continue;
        const packages = PACKAGES[program.split('/').pop()!];
        if (!packages) problems.push(`${file} starts '${program}': map it to its Debian package here and add that to scripts/setup.sh`);
        else for (const p of packages) if (!listed.has(p)) problems.push(`${file} starts '${program}' (package ${p}), which scripts/setup.sh --for-tests does not install`);
      }
      if (programsOf(text).has('python3')) expect(text, `${file} runs python3 for pandas`).toMatch(/pandas/u);
    }
    expect(problems).toEqual([]);
  });

  it('finds the programs the known tests start (the scan works)', () => {
    const all = new Set(tests.flatMap((f) => [...programsOf(readFileSync(join(root, 'test', f), 'utf8'))]));
    for (const program of ['Rscript', 'python3', 'mount', 'slurm-local.sh']) expect(all.has(program), program).toBe(true);
  });

  it('npm start sets up without the test-only packages; npm test with them; CI runs only npm test', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.test).toMatch(/^bash scripts\/setup\.sh --for-tests && vitest run$/u);
    expect(scripts.start).not.toContain('--for-tests');
    const plain = new Set(setupList(false));
    for (const p of ['python3-pandas', 'r-base-core', 'slurmctld']) expect(plain.has(p), p).toBe(false);
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8').split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
    expect(ci.filter((line) => /\bapt-get\b|\bdpkg\b|\bpip3?\b|slurm/u.test(line))).toEqual([]);
    expect(ci.at(-1)?.trim()).toBe('npm test');
  });
});
