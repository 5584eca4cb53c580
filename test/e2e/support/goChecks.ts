/** What a Go programmer runs after an edit: gofmt on the edited file, then `go build ./...` and `go vet ./...`. */
import { GoRun, runGo } from './shopCopy';

export interface GoChecks {
  /** Files `gofmt -l` names: empty when the edited file is formatted. */
  unformatted: string[];
  gofmt: GoRun;
  build: GoRun;
  vet: GoRun;
}

/** file: relative to moduleDir. Build and vet run one after the other (vet reuses the build's cache). */
export async function runGoChecks(moduleDir: string, file: string): Promise<GoChecks> {
  const gofmt = await runGo(moduleDir, 'gofmt', ['-l', file]);
  const build = await runGo(moduleDir, 'go', ['build', './...']);
  const vet = await runGo(moduleDir, 'go', ['vet', './...']);
  const unformatted = gofmt.code === 0 ? gofmt.output.split('\n').filter((line) => line.trim() !== '') : [];
  return { unformatted, gofmt, build, vet };
}
