import type { Node } from 'web-tree-sitter';
import { ensureImport } from '../goImports';
import type { GoFile, GoRule } from '../goRule';
import type { Fix, StaticFinding } from '../types';
import { callParts } from './goSyntax';

const GRPC = 'google.golang.org/grpc';
const OTELGRPC = 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc';
/** Client constructors → how many arguments come before the options. */
const CLIENT_CONSTRUCTORS = new Map([
  ['NewClient', 1],
  ['Dial', 1],
  ['DialContext', 2],
]);

/**
 * SL214: a gRPC server or client built without the otelgrpc stats handler. Only when every option is a
 * `grpc.X(...)` call we can read: options from a variable or a spread may well carry the handler.
 */
export const grpcWithoutOtelgrpc: GoRule = {
  id: 'go/grpc-without-otelgrpc',
  code: 'SL214',
  title: 'gRPC server or client without otelgrpc',
  check(file: GoFile): StaticFinding[] {
    const grpc = file.imports.get(GRPC);
    if (grpc === undefined) return [];
    const findings: StaticFinding[] = [];
    for (const call of file.nodes('call_expression')) {
      const { operand, name, args } = callParts(call);
      if (operand?.type !== 'identifier' || operand.text !== grpc || name === undefined) continue;
      const server = name === 'NewServer';
      const before = server ? 0 : CLIENT_CONSTRUCTORS.get(name);
      if (before === undefined || args.length < before) continue;
      if (!readableOptions(call, args.slice(before), grpc)) continue;
      const callee = call.childForFieldName('function')!;
      const message = server
        ? `This gRPC server has no otelgrpc stats handler, so incoming calls get no server spans and their trace context is dropped.`
        : `This gRPC client has no otelgrpc stats handler, so outgoing calls get no client spans and carry no trace context.`;
      findings.push(file.finding(grpcWithoutOtelgrpc, callee, message, [statsHandlerFix(file, call, grpc, server, args, before)]));
    }
    return findings;
  },
};

function readableOptions(call: Node, options: Node[], grpc: string): boolean {
  if (call.childForFieldName('arguments')?.text.includes('...')) return false;
  return options.every((option) => {
    if (option.type !== 'call_expression' || option.text.includes('otelgrpc')) return false;
    const { operand } = callParts(option);
    return operand?.type === 'identifier' && operand.text === grpc;
  });
}

/** The handler as the first option: `grpc.StatsHandler(otelgrpc.NewServerHandler())` / `grpc.WithStatsHandler(otelgrpc.NewClientHandler())`. */
export function statsHandlerFix(file: GoFile, call: Node, grpc: string, server: boolean, args: Node[], before: number): Fix {
  const otelgrpc = ensureImport(file, OTELGRPC);
  const option = server ? `${grpc}.StatsHandler(${otelgrpc.name}.NewServerHandler())` : `${grpc}.WithStatsHandler(${otelgrpc.name}.NewClientHandler())`;
  let edit;
  const firstOption = args[before];
  if (firstOption) {
    // Same line as the option it precedes, or a line of its own when options are one per line.
    const separator = firstOption.startPosition.row > args[Math.max(0, before - 1)].endPosition.row || before === 0 && firstOption.startPosition.row > call.startPosition.row
      ? `,\n${file.text.slice(file.text.lastIndexOf('\n', firstOption.startIndex - 1) + 1, firstOption.startIndex)}`
      : ', ';
    edit = { start: firstOption.startIndex, end: firstOption.startIndex, newText: `${option}${separator}` };
  } else if (before === 0) {
    const list = call.childForFieldName('arguments')!;
    edit = { start: list.startIndex + 1, end: list.startIndex + 1, newText: option };
  } else {
    const last = args[before - 1];
    edit = { start: last.endIndex, end: last.endIndex, newText: `, ${option}` };
  }
  const title = server ? 'Add grpc.StatsHandler(otelgrpc.NewServerHandler())' : 'Add grpc.WithStatsHandler(otelgrpc.NewClientHandler())';
  return { title, preferred: true, edits: otelgrpc.edit ? [otelgrpc.edit, edit] : [edit] };
}
