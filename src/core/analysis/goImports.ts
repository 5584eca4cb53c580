import type { Node } from 'web-tree-sitter';
import { defaultImportName, type GoFile } from './goRule';
import type { TextEdit } from './types';

export interface ImportRequest {
  path: string;
  /** The name to use when the import must be added (an alias is written only if it differs from the package name). */
  preferredName?: string;
}

/**
 * Makes `importPath` usable in the file: reuses an existing import (and its alias), else adds one where
 * gofmt and goimports would put it. Returns the name to write in code and the edit, if one is needed.
 */
export function ensureImport(file: GoFile, importPath: string, preferredName?: string): { name: string; edit?: TextEdit } {
  const { names, edits } = ensureImports(file, [{ path: importPath, preferredName }]);
  return { name: names[0], edit: edits[0] };
}

/**
 * Several imports at once, as non-overlapping edits (one fix often needs two packages, and separate
 * `ensureImport` calls would each insert at the same place).
 */
export function ensureImports(file: GoFile, requests: ImportRequest[]): { names: string[]; edits: TextEdit[] } {
  const taken = new Set(file.importSpecs.map((spec) => spec.name));
  const names: string[] = [];
  const toAdd: Array<{ path: string; alias?: string }> = [];
  const added = new Map<string, string>();
  for (const request of requests) {
    const existing = file.imports.get(request.path) ?? added.get(request.path);
    if (existing !== undefined) {
      names.push(existing);
      continue;
    }
    const packageName = defaultImportName(request.path);
    let name = request.preferredName ?? packageName;
    // Another import already answers to that name: pick a free alias (otelhttp → otelhttp2 is ugly but never wrong).
    if (taken.has(name)) {
      const base = name === packageName ? `otel${packageName}` : name;
      name = base;
      for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    }
    taken.add(name);
    names.push(name);
    added.set(request.path, name);
    toAdd.push({ path: request.path, alias: name === packageName ? undefined : name });
  }
  return { names, edits: toAdd.length > 0 ? importEdits(file, toAdd) : [] };
}

function specText(spec: { path: string; alias?: string }): string {
  return `${spec.alias ? `${spec.alias} ` : ''}"${spec.path}"`;
}

function isStandardLibrary(importPath: string): boolean {
  return !importPath.split('/')[0].includes('.');
}

function importEdits(file: GoFile, toAdd: Array<{ path: string; alias?: string }>): TextEdit[] {
  const declarations = file.tree.namedChildren.filter((n): n is Node => n !== null && n.type === 'import_declaration');
  const block = declarations.map((d) => d.namedChildren.find((c) => c?.type === 'import_spec_list')).find((l): l is Node => !!l);
  if (block) return blockInsertions(file, block, toAdd);
  if (declarations.length === 1) {
    // `import "fmt"`: becomes a block with every import, grouped.
    const declaration = declarations[0];
    const spec = declaration.namedChildren.find((c) => c?.type === 'import_spec');
    if (spec) {
      const existing = file.importSpecs.find((s) => s.node.startIndex === spec.startIndex);
      const all = [{ path: existing?.path ?? '', text: spec.text }, ...toAdd.map((a) => ({ path: a.path, text: specText(a) }))];
      return [{ start: declaration.startIndex, end: declaration.endIndex, newText: `import (\n${renderGroups(all)})` }];
    }
  }
  const last = declarations[declarations.length - 1];
  if (last) {
    return [{ start: last.endIndex, end: last.endIndex, newText: toAdd.map((a) => `\nimport ${specText(a)}`).join('') }];
  }
  // No imports at all: a block right after the package clause.
  const packageClause = file.tree.namedChildren.find((n) => n?.type === 'package_clause');
  const at = packageClause ? packageClause.endIndex : 0;
  const all = toAdd.map((a) => ({ path: a.path, text: specText(a) }));
  const body = all.length === 1 ? `import ${all[0].text}` : `import (\n${renderGroups(all)})`;
  return [{ start: at, end: at, newText: `\n\n${body}` }];
}

/** Std-lib group first, then the rest, each sorted, tab-indented, one per line. */
function renderGroups(specs: Array<{ path: string; text: string }>): string {
  const sorted = [...specs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const std = sorted.filter((s) => isStandardLibrary(s.path));
  const other = sorted.filter((s) => !isStandardLibrary(s.path));
  const lines = (group: typeof specs) => group.map((s) => `\t${s.text}\n`).join('');
  return [std, other].filter((g) => g.length > 0).map(lines).join('\n');
}

interface SpecLine {
  path: string;
  /** Offset of the start of the spec's line, and of the line after it. */
  lineStart: number;
  nextLineStart: number;
}

/** Inserts into an `import ( ... )` block: into the std group or the last third-party group, in sorted place. */
function blockInsertions(file: GoFile, block: Node, toAdd: Array<{ path: string; alias?: string }>): TextEdit[] {
  const text = file.text;
  const specs: SpecLine[] = [];
  const groups: SpecLine[][] = [];
  let previous: SpecLine | undefined;
  for (const node of block.namedChildren) {
    if (node?.type !== 'import_spec') continue;
    const info = file.importSpecs.find((s) => s.node.startIndex === node.startIndex);
    if (!info) continue;
    const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
    const lineEnd = text.indexOf('\n', node.endIndex);
    const spec: SpecLine = { path: info.path, lineStart, nextLineStart: lineEnd === -1 ? text.length : lineEnd + 1 };
    // A blank line (or a comment line) between two specs starts a new gofmt group.
    const gap = previous ? text.slice(previous.nextLineStart, lineStart) : '';
    if (!previous || /\n\s*\n|^\s*\n/.test(gap) || gap.trim() !== '') groups.push([spec]);
    else groups[groups.length - 1].push(spec);
    specs.push(spec);
    previous = spec;
  }
  // At one offset: a new group that goes before existing specs, lines joining a group, a new group after.
  const inserts = new Map<number, { groupBefore: string[]; plain: string[]; groupAfter: string[] }>();
  const add = (offset: number, kind: 'groupBefore' | 'plain' | 'groupAfter', line: string) => {
    let entry = inserts.get(offset);
    if (!entry) inserts.set(offset, (entry = { groupBefore: [], plain: [], groupAfter: [] }));
    entry[kind].push(line);
  };
  const afterOpenLine = text.indexOf('\n', block.startIndex) + 1;
  for (const spec of [...toAdd].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const std = isStandardLibrary(spec.path);
    const line = `\t${specText(spec)}\n`;
    const group = std
      ? groups.find((g) => g.every((s) => isStandardLibrary(s.path)))
      : [...groups].reverse().find((g) => g.some((s) => !isStandardLibrary(s.path)));
    if (group) {
      const before = group.find((s) => s.path > spec.path);
      add(before ? before.lineStart : group[group.length - 1].nextLineStart, 'plain', line);
    } else if (specs.length === 0) {
      add(afterOpenLine, 'plain', line);
    } else if (std) {
      // Only third-party groups: the std group goes first.
      add(specs[0].lineStart, 'groupBefore', line);
    } else {
      // Only std groups: a new group after the last one.
      add(specs[specs.length - 1].nextLineStart, 'groupAfter', line);
    }
  }
  return [...inserts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([offset, { groupBefore, plain, groupAfter }]) => ({
      start: offset,
      end: offset,
      newText: (groupBefore.length ? `${groupBefore.join('')}\n` : '') + plain.join('') + (groupAfter.length ? `\n${groupAfter.join('')}` : ''),
    }));
}
