import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The judge measures edits; an editing model trained against it would learn to fool it and the
 * measurement would mean nothing. So no training code may import it: every .ts file under
 * libs/trainer/src (except the judge itself, the judge CLIs and evaluation code — files whose name
 * contains "eval") and under libs/face-pipeline/src is scanned for imports that reach the judge.
 */
const here = dirname(fileURLToPath(import.meta.url));
const judgeDir = here;
const trainerSrc = resolve(here, '..');
const pipelineSrc = resolve(here, '../../../face-pipeline/src');
const trainerIndex = join(trainerSrc, 'index.ts');

/** Names the judge folder exports (from any of its files), to catch imports through the lib's index. */
function judgeExportNames(): Set<string> {
  const names = new Set<string>();
  for (const f of readdirSync(judgeDir)) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
    const src = readFileSync(join(judgeDir, f), 'utf8');
    for (const m of src.matchAll(/export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:const|let|function\*?|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
  }
  return names;
}

interface ImportSite {
  specifier: string;
  /** Imported binding names; '*' for namespace / side-effect / dynamic imports. */
  names: string[];
}

/** Static imports, re-exports, dynamic import() and require() of a source text. */
function importsOf(src: string): ImportSite[] {
  const out: ImportSite[] = [];
  const noComments = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  for (const m of noComments.matchAll(/\b(?:import|export)\s+(type\s+)?([\s\S]*?)\s+from\s*['"]([^'"]+)['"]/g)) {
    const clause = m[2]!;
    const braces = /\{([\s\S]*)\}/.exec(clause);
    const names: string[] = [];
    if (braces !== null) {
      for (const part of braces[1]!.split(',')) {
        const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim();
        if (name !== '') names.push(name);
      }
    }
    if (/\*/.test(clause) || /^[A-Za-z_$][\w$]*\s*(,|$)/.test(clause.trim())) names.push('*');
    out.push({ specifier: m[3]!, names });
  }
  for (const m of noComments.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) out.push({ specifier: m[1]!, names: ['*'] });
  for (const m of noComments.matchAll(/\b(?:import|require)\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g)) out.push({ specifier: m[1]!, names: ['*'] });
  return out;
}

/** Why `file`'s imports reach the judge, or [] when they do not. */
function judgeImports(file: string, src: string, judgeNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const imp of importsOf(src)) {
    const s = imp.specifier;
    const target = s.startsWith('.') ? resolve(dirname(file), s) : null;
    const intoJudge = target !== null && (target === judgeDir || target.startsWith(`${judgeDir}/`) || target.startsWith(`${judgeDir}.`));
    const viaIndex = s === '@lfe/trainer' || (target !== null && (target === trainerSrc || target === trainerIndex.replace(/\.ts$/, '') || target === trainerIndex));
    if (intoJudge || /(^|\/)judge(\/|$|\.)/.test(s)) problems.push(`imports "${s}"`);
    else if (viaIndex) {
      const bad = imp.names.filter((n) => n === '*' || judgeNames.has(n));
      if (bad.length > 0) problems.push(`imports ${bad.join(', ')} from "${s}"`);
    }
  }
  return problems;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (e.endsWith('.ts')) out.push(p);
  }
  return out;
}

function exempt(file: string): boolean {
  const rel = relative(trainerSrc, file);
  if (rel.startsWith('..')) return false; // face-pipeline: nothing is exempt
  const name = basename(file);
  // The lib's index only re-exports (the judge is public for evaluation); files that import judge
  // names through it are still caught by the name check above.
  return rel === 'index.ts' || rel.startsWith('judge/') || (rel.startsWith('cli/') && name.includes('judge')) || name.includes('eval');
}

describe('judge isolation', () => {
  const names = judgeExportNames();

  it('knows the judge exports it guards', () => {
    for (const n of ['Judge', 'frechetDistance', 'fdRealReal', 'evaluateJudge', 'JudgeTrainer']) expect(names.has(n)).toBe(true);
  });

  it('detects every way of importing the judge (scanner self-check)', () => {
    const f = join(trainerSrc, 'gan', 'x.ts');
    const cases = [
      "import { Judge } from '../judge/judge';",
      "import type { JudgeVerdict } from '../judge/judge';",
      "export { frechetDistance } from '../judge/frechet';",
      "import * as j from '../judge';",
      "const j = await import('../judge/judge');",
      "import {\n  GanTrainer,\n  Judge as J,\n} from '../index';",
      "import { fdRealReal } from '@lfe/trainer';",
      "import * as trainer from '@lfe/trainer';",
      "import '../judge/judge';",
    ];
    for (const c of cases) expect(judgeImports(f, c, names), c).not.toEqual([]);
    const fine = ["import { GanTrainer } from '../index';", "import { render } from '@lfe/face-synth';", "// import { Judge } from '../judge/judge';", "import { stepSeed } from '../util/seeds';"];
    for (const c of fine) expect(judgeImports(f, c, names), c).toEqual([]);
  });

  it('no editing-model training code (trainer outside judge/eval, face-pipeline) imports the judge', () => {
    const files = [...tsFiles(trainerSrc), ...tsFiles(pipelineSrc)].filter((f) => !exempt(f));
    expect(files.length).toBeGreaterThan(5);
    expect(files.some((f) => f.includes('/gan/'))).toBe(true);
    expect(files.some((f) => f.startsWith(pipelineSrc))).toBe(true);
    const violations: string[] = [];
    for (const f of files) {
      for (const p of judgeImports(f, readFileSync(f, 'utf8'), names)) violations.push(`${relative(resolve(trainerSrc, '../../..'), f)}: ${p}`);
    }
    expect(violations).toEqual([]);
  });
});
