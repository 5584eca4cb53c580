/** The static-analysis model shared by the rules, the CLI (`spanlens check`) and the editor's diagnostics and quick-fixes. */

/** A replacement in one file's text: UTF-16 offsets into the string the rule was given (end exclusive). */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  /** What the light bulb says, e.g. "Use context.WithoutCancel(ctx)". */
  title: string;
  /** The obvious fix for the finding: applied by "fix all" and marked preferred in the editor. */
  preferred: boolean;
  /** Edits to the analysed file only (imports included), non-overlapping. */
  edits: TextEdit[];
}

export interface StaticFinding {
  /** Stable rule id, e.g. 'go/goroutine-background-context'. */
  rule: string;
  /** Stable diagnostic code, e.g. 'SL201'. */
  code: string;
  /** Absolute path of the analysed file. */
  file: string;
  /** The precise range of the fault: UTF-16 offsets. */
  start: number;
  end: number;
  /** 1-based line and column of `start` (column in UTF-16 code units, as editors count). */
  line: number;
  column: number;
  /** One sentence: what is wrong and why it breaks the trace. */
  message: string;
  fixes: Fix[];
}

/** What a rule sees of the module a file belongs to. */
export interface GoModuleInfo {
  /** The `go` directive of the nearest go.mod, e.g. '1.24.0'; undefined when there is none. */
  goVersion?: string;
  /** The module path of the nearest go.mod. */
  modulePath?: string;
}

/** A finding with the end of its range as a line and column too (1-based, UTF-16 columns, end exclusive). */
export interface CheckedFinding extends StaticFinding {
  endLine: number;
  endColumn: number;
}
