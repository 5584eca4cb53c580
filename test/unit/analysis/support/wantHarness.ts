import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GoAnalyzer } from '../../../../src/core/analysis/goAnalyzer';
import { applyEdits } from '../../../../src/core/analysis/goEdits';
import type { GoRule } from '../../../../src/core/analysis/goRule';
import { findGoModuleRoot, moduleFactsForRoot, readGoModuleInfo } from '../../../../src/core/analysis/moduleFacts';
import type { Fix, StaticFinding } from '../../../../src/core/analysis/types';
import { TreeSitter } from '../../../../src/core/source/treeSitter';

/** The repo root (tests run from out/test/..., fixtures stay in the source tree). */
export const REPO_ROOT = path.resolve(__dirname, '../../../../..');
export const FIXTURE_MODULE = path.join(REPO_ROOT, 'test/fixtures/analysis/gomod');
export const FIXTURE_MODULE_GO120 = path.join(REPO_ROOT, 'test/fixtures/analysis/gomod120');

let sharedTreeSitter: TreeSitter | undefined;
export function treeSitter(): TreeSitter {
  return (sharedTreeSitter ??= new TreeSitter());
}

export interface WantMarker {
  file: string;
  line: number;
  code: string;
}

/** `// want "SL201"` or `// want "SL201" "SL204"` at the end of a line: the findings expected on that line. */
export function readWantMarkers(file: string, text: string): WantMarker[] {
  const markers: WantMarker[] = [];
  text.split('\n').forEach((lineText, index) => {
    const match = /\/\/\s*want\s+((?:"[^"]+"\s*)+)$/.exec(lineText);
    if (!match) return;
    for (const quoted of match[1].matchAll(/"([^"]+)"/g)) markers.push({ file, line: index + 1, code: quoted[1] });
  });
  return markers;
}

/** Runs the analyzer on one file with its go.mod and the facts of its whole module. */
export async function analyzeFile(file: string, options: { rules?: GoRule[]; text?: string } = {}): Promise<StaticFinding[]> {
  const text = options.text ?? fs.readFileSync(file, 'utf8');
  const root = findGoModuleRoot(file);
  const facts = root ? moduleFactsForRoot(root) : undefined;
  const analyzer = new GoAnalyzer(treeSitter(), { rules: options.rules });
  return analyzer.analyze(file, text, readGoModuleInfo(file), facts);
}

export interface PackageCheck {
  findings: StaticFinding[];
  markers: WantMarker[];
  /** Human-readable mismatches: empty when findings and markers agree exactly (code + line). */
  problems: string[];
}

/** Analyzes every .go file of a package directory and compares the findings with its `// want` markers. */
export async function checkPackage(pkgDir: string, options: { rules?: GoRule[] } = {}): Promise<PackageCheck> {
  const files = fs.readdirSync(pkgDir).filter((f) => f.endsWith('.go')).sort().map((f) => path.join(pkgDir, f));
  const findings: StaticFinding[] = [];
  const markers: WantMarker[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    findings.push(...(await analyzeFile(file, { rules: options.rules, text })));
    markers.push(...readWantMarkers(file, text));
  }
  const problems: string[] = [];
  const remaining = [...markers];
  for (const finding of findings) {
    const index = remaining.findIndex((m) => m.file === finding.file && m.line === finding.line && m.code === finding.code);
    if (index >= 0) remaining.splice(index, 1);
    else problems.push(`unexpected ${finding.code} at ${path.basename(finding.file)}:${finding.line}:${finding.column}: ${finding.message}`);
  }
  for (const marker of remaining) problems.push(`missing ${marker.code} at ${path.basename(marker.file)}:${marker.line}`);
  return { findings, markers, problems };
}

export interface BuildResult {
  ok: boolean;
  /** The edited file's new text. */
  text: string;
  /** `gofmt -l` output for the edited file: empty when it is formatted. */
  gofmt: string;
  build: string;
  vet: string;
  /** Where the copy was made (removed afterwards unless KEEP_FIX_COPIES is set). */
  dir: string;
}

/**
 * Copies the module holding `file` to a temp dir, applies the fix's edits to the copy of `file`, and runs
 * `gofmt -l` on it, then `go build ./...` and `go vet ./...` in the copy.
 */
export async function applyFixAndBuild(file: string, fix: Fix): Promise<BuildResult> {
  const moduleRoot = findGoModuleRoot(file);
  if (!moduleRoot) throw new Error(`no go.mod above ${file}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-fix-'));
  try {
    fs.cpSync(moduleRoot, dir, { recursive: true });
    const copied = path.join(dir, path.relative(moduleRoot, file));
    const text = applyEdits(fs.readFileSync(copied, 'utf8'), fix.edits);
    fs.writeFileSync(copied, text);
    const gofmt = await run('gofmt', ['-l', copied], dir);
    const build = await run('go', ['build', './...'], dir);
    const vet = build.code === 0 ? await run('go', ['vet', './...'], dir) : { code: 1, output: '(not run: build failed)' };
    const gofmtOutput = gofmt.code === 0 ? gofmt.output.trim() : `gofmt failed: ${gofmt.output}`;
    return { ok: gofmtOutput === '' && build.code === 0 && vet.code === 0, text, gofmt: gofmtOutput, build: build.output, vet: vet.output, dir };
  } finally {
    if (!process.env.KEEP_FIX_COPIES) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Many fixes, each on its own copy, at most `concurrency` builds at a time (the machine has 2 cores). */
export async function applyFixesAndBuild(jobs: Array<{ file: string; fix: Fix }>, concurrency = 2): Promise<BuildResult[]> {
  const results: BuildResult[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await applyFixAndBuild(jobs[index].file, jobs[index].fix);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return results;
}

/** Every fix of every finding, ready for `applyFixesAndBuild`. */
export function fixJobs(findings: StaticFinding[]): Array<{ file: string; fix: Fix; finding: StaticFinding }> {
  return findings.flatMap((finding) => finding.fixes.map((fix) => ({ file: finding.file, fix, finding })));
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
