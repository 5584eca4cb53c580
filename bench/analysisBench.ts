/**
 * Static check figures: analysis time per 1,000 lines of Go, and a whole generated workspace of ~3,000 Go files
 * checked the way `spanlens check` and the editor's workspace check do it: cold (a new analyzer, every file read and
 * parsed) and warm (the same checker again over unchanged files: stat, cache hit, nothing parsed), plus a pass after
 * one file was edited. The Go is generated but realistic: gin and net/http handlers, spans started and ended, HTTP
 * clients, goroutines, error returns; some of it faulty, most of it not.
 *
 * Standalone: `node out/bench/analysisBench.js`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GoAnalyzer } from '../src/core/analysis';
import { TreeSitter } from '../src/core/source/treeSitter';
import { GoChecker } from '../src/core/analysis/goChecker';
import { listGoFiles } from '../src/core/analysis/goFiles';
import { BenchRow } from './benchTypes';

const WORKSPACE_PACKAGES = 60;
const FILES_PER_PACKAGE = 50;
const LINES_PER_1000_RUN = 20_000;
const PER_LINE_RUNS = 5;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** One chunk of a service: a handler, a traced function with a client call, and a helper; faults now and then. */
function unit(random: () => number, n: number): string {
  const faulty = random() < 0.15;
  const gin = random() < 0.5;
  const handler = gin
    ? `// Handle${n} serves GET /items/${n}.
func (s *Service) Handle${n}(c *gin.Context) {
	ctx, span := s.tracer.Start(c.Request.Context(), "Handle${n}")
	defer span.End()
	item, err := s.load${n}(ctx, c.Param("id"))
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
		return
	}
${faulty ? `	go s.audit${n}(context.Background(), item)\n` : `	go s.audit${n}(context.WithoutCancel(ctx), item)\n`}	c.JSON(http.StatusOK, item)
}
`
    : `// Handle${n} serves GET /items/${n}.
func (s *Service) Handle${n}(w http.ResponseWriter, r *http.Request) {
	ctx, span := s.tracer.Start(r.Context(), "Handle${n}")
	defer span.End()
	item, err := s.load${n}(ctx, r.URL.Query().Get("id"))
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(item)
}
`;
  const request = faulty && random() < 0.5 ? `http.NewRequest(http.MethodGet, url, nil)` : `http.NewRequestWithContext(ctx, http.MethodGet, url, nil)`;
  const client = faulty && random() < 0.5 ? 'http.DefaultClient' : 's.client';
  return `${handler}
// load${n} fetches item ${n} from the catalog service.
func (s *Service) load${n}(ctx context.Context, id string) (*Item, error) {
	ctx, span := s.tracer.Start(ctx, "load${n}", trace.WithAttributes(attribute.String("item.id", id)))
	defer span.End()
	url := fmt.Sprintf("%s/items/%s?v=${n}", s.baseURL, id)
	req, err := ${request}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		return nil, err
	}
	resp, err := ${client}.Do(req)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		return nil, fmt.Errorf("load${n}: %w", err)
	}
	defer resp.Body.Close()
	var item Item
	if err := json.NewDecoder(resp.Body).Decode(&item); err != nil {
		return nil, err
	}
	return &item, nil
}

// audit${n} records that item ${n} was read.
func (s *Service) audit${n}(ctx context.Context, item *Item) {
	_, span := s.tracer.Start(ctx, "audit${n}")
	defer span.End()
	for i := 0; i < ${1 + Math.floor(random() * 3)}; i++ {
		if item.Count > i*${n + 1} {
			span.AddEvent("over", trace.WithAttributes(attribute.Int("i", i)))
		}
	}
}

`;
}

function goFile(random: () => number, pkg: string, units: number, first: number): string {
  let text = `// Package ${pkg} is generated for the Span Lens analysis benchmark.
package ${pkg}

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Item is what the catalog answers.
type Item struct {
	ID    string \`json:"id"\`
	Count int    \`json:"count"\`
}

// Service holds the clients every handler uses.
type Service struct {
	tracer  trace.Tracer
	client  *http.Client
	baseURL string
}

var _ = gin.New

`;
  for (let i = 0; i < units; i++) text += unit(random, first + i);
  return text;
}

function lineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

async function perThousandLines(random: () => number): Promise<BenchRow> {
  const treeSitter = new TreeSitter();
  try {
    const analyzer = new GoAnalyzer(treeSitter);
    const text = goFile(random, 'svc', Math.ceil(LINES_PER_1000_RUN / 90), 0);
    const lines = lineCount(text);
    const module = { goVersion: '1.24.0', modulePath: 'example.com/bench' };
    await analyzer.analyze('/bench/svc/big.go', text, module); // loads the grammar, warms the JIT
    const times: number[] = [];
    for (let run = 0; run < PER_LINE_RUNS; run++) {
      const start = performance.now();
      analyzer.analyzeSync('/bench/svc/big.go', text, module);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    return { name: 'analysis per 1,000 lines', value: (median / lines) * 1000, unit: 'ms', note: `parse + all rules, median of ${PER_LINE_RUNS} over one ${lines.toLocaleString('en-US')}-line file` };
  } finally {
    treeSitter.dispose();
  }
}

function generateWorkspace(random: () => number): { dir: string; files: number; lines: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'spanlens-analysis-bench-'));
  writeFileSync(path.join(dir, 'go.mod'), 'module example.com/bench\n\ngo 1.24.0\n');
  let files = 0;
  let lines = 0;
  for (let p = 0; p < WORKSPACE_PACKAGES; p++) {
    const pkg = `svc${p}`;
    mkdirSync(path.join(dir, 'internal', pkg), { recursive: true });
    for (let f = 0; f < FILES_PER_PACKAGE; f++) {
      const text = goFile(random, pkg, 1 + Math.floor(random() * 2), f * 10);
      writeFileSync(path.join(dir, 'internal', pkg, `file${f}.go`), text);
      files++;
      lines += lineCount(text);
    }
  }
  return { dir, files, lines };
}

async function workspace(random: () => number): Promise<BenchRow[]> {
  const { dir, files: fileCount, lines } = generateWorkspace(random);
  const treeSitter = new TreeSitter();
  try {
    const coldStart = performance.now();
    const checker = new GoChecker(new GoAnalyzer(treeSitter));
    const files = await listGoFiles([dir], dir);
    const cold = await checker.check(files);
    const coldMs = performance.now() - coldStart;
    const coldStats = checker.lastStats;

    const warmStart = performance.now();
    const warm = await checker.check(await listGoFiles([dir], dir));
    const warmMs = performance.now() - warmStart;
    const warmStats = checker.lastStats;

    const edited = files[Math.floor(files.length / 2)];
    writeFileSync(edited, goFile(random, path.basename(path.dirname(edited)), 2, 9000));
    const editStart = performance.now();
    await checker.check(await listGoFiles([dir], dir));
    const editMs = performance.now() - editStart;
    const editStats = checker.lastStats;

    const size = `${fileCount.toLocaleString('en-US')} files, ${lines.toLocaleString('en-US')} lines`;
    return [
      { name: 'workspace check, cold', value: coldMs, unit: 'ms', note: `${size}; new analyzer, every file read and parsed (${coldStats.analyzed} analysed, ${cold.length} findings)` },
      { name: 'workspace check, warm', value: warmMs, unit: 'ms', note: `same files unchanged: listed and stat'ed, results from the content-hash cache (${warmStats.analyzed} analysed, ${warm.length} findings)` },
      { name: 'workspace check, 1 file edited', value: editMs, unit: 'ms', note: `warm cache, one file rewritten (${editStats.analyzed} analysed)` },
    ];
  } finally {
    treeSitter.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runAnalysisBench(): Promise<BenchRow[]> {
  const random = seeded(20_250_404);
  return [await perThousandLines(random), ...(await workspace(random))];
}

if (require.main === module) {
  void runAnalysisBench().then((rows) => {
    for (const row of rows) console.log(`${row.name.padEnd(32)} ${row.value.toFixed(2).padStart(10)} ${row.unit}  ${row.note ?? ''}`);
  });
}
