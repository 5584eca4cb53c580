/** The one output channel Span Lens logs to ("Span Lens" in the Output panel, with log levels). */
import * as vscode from 'vscode';

export type Logger = vscode.LogOutputChannel;

export function createLogger(): Logger {
  return vscode.window.createOutputChannel('Span Lens', { log: true });
}
