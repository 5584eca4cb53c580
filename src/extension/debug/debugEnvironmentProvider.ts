/**
 * Wires every launched debuggee to the receiver: for any debug type, fills in the OTEL_* environment its
 * OpenTelemetry SDK reads (what the user set wins), tags the configuration so the session's spans can be told
 * apart, and says in the log exactly what it set or why it did not.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Logger } from '../logger';
import { Settings } from '../settings';
import { DebugSessions, SESSION_TAG_KEY } from './debugSessions';
import { parseEnvFile } from './envFile';
import { DebugEnv, endpointOf, otelEnvironment } from './otelEnvironment';

export interface Injection {
  tag: string;
  /** The variables Span Lens set, with their values. */
  env: Record<string, string>;
}

export class DebugEnvironmentProvider implements vscode.DebugConfigurationProvider, vscode.Disposable {
  private readonly registration: vscode.Disposable;
  private last: Injection | undefined;

  /** `receiverAddress`: the receiver's `host:port` or `http://host:port` while it runs, undefined otherwise. */
  constructor(
    private readonly receiverAddress: () => string | undefined,
    private readonly settings: Settings,
    private readonly logger: Logger,
    private readonly sessions: DebugSessions,
  ) {
    this.registration = vscode.debug.registerDebugConfigurationProvider('*', this);
  }

  /** The last injection (for tests and the API). */
  lastInjection(): Injection | undefined {
    return this.last;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration> {
    try {
      await this.inject(folder, config);
    } catch (error) {
      // Never stand between the user and their debug session.
      this.logger.error(`Debug session "${config.name}": could not set the OpenTelemetry environment:`, error);
    }
    return config;
  }

  dispose(): void {
    this.registration.dispose();
  }

  private async inject(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<void> {
    const label = `Debug session "${config.name}"`;
    if (!this.settings.current.debug.injectEnvironment) {
      this.logger.info(`${label}: OpenTelemetry environment not set (spanLens.debug.injectEnvironment is off).`);
      return;
    }
    if (!vscode.workspace.isTrusted) {
      this.logger.info(`${label}: OpenTelemetry environment not set (the workspace is not trusted).`);
      return;
    }
    if (config.request !== 'launch') {
      this.logger.info(`${label}: OpenTelemetry environment not set (request "${String(config.request)}": only launched programs get it, an attached one already runs).`);
      return;
    }
    if (config.__pendingTargetId !== undefined) {
      // js-debug's child session for a process its parent session launched (with the environment already set): it
      // must keep the parent's tag, so its stops and continues mark the parent's session.
      this.logger.info(`${label}: OpenTelemetry environment not set (a js-debug child session: its parent launched the program).`);
      return;
    }
    const endpoint = endpointOf(this.receiverAddress());
    if (endpoint === undefined) {
      this.logger.info(`${label}: OpenTelemetry environment not set (the receiver is not running).`);
      return;
    }

    const tag = randomBytes(8).toString('hex');
    const result = otelEnvironment({
      type: String(config.type),
      request: String(config.request),
      env: config.env as DebugEnv | undefined,
      envFile: await readEnvFiles(config.envFile ?? defaultEnvFile(config.type, folder), folder, this.logger),
      inheritedEnv: process.env,
      program: stringOrUndefined(config.program),
      mainClass: stringOrUndefined(config.mainClass),
      module: stringOrUndefined(config.module),
      cwd: stringOrUndefined(config.cwd),
      name: stringOrUndefined(config.name),
      workspaceFolderName: folder?.name,
      endpoint,
      sessionTag: tag,
    });
    if (result.skippedReason !== undefined) {
      this.logger.info(`${label}: OpenTelemetry environment not set (${result.skippedReason}).`);
      return;
    }

    config.env = result.env;
    config[SESSION_TAG_KEY] = tag;
    const injected: Record<string, string> = {};
    for (const name of result.injected) {
      injected[name] = String(result.env[name]);
    }
    this.last = { tag, env: injected };
    this.sessions.expect(tag, String(config.name));
    const set = Object.entries(injected).map(([name, value]) => `${name}=${value}`);
    const kept = result.keptFromUser.length > 0 ? `; kept the configuration's ${result.keptFromUser.join(', ')}` : '';
    this.logger.info(`${label}: set ${set.join(', ')}${kept}.`);
  }
}

/** `envFile` is a path (Go also takes a list); relative paths are the folder's. Unreadable files are skipped. */
async function readEnvFiles(envFile: unknown, folder: vscode.WorkspaceFolder | undefined, logger: Logger): Promise<Record<string, string> | undefined> {
  const files = (Array.isArray(envFile) ? envFile : [envFile]).filter((file): file is string => typeof file === 'string' && file !== '');
  if (files.length === 0) {
    return undefined;
  }
  const vars: Record<string, string> = {};
  for (const file of files) {
    const absolute = path.isAbsolute(file) || !folder ? file : path.join(folder.uri.fsPath, file);
    try {
      Object.assign(vars, parseEnvFile(await readFile(absolute, 'utf8')));
    } catch (error) {
      logger.debug(`envFile ${absolute} not read:`, error);
    }
  }
  return vars;
}

/** The Python extension reads `${workspaceFolder}/.env` when a configuration names no envFile. */
function defaultEnvFile(type: unknown, folder: vscode.WorkspaceFolder | undefined): string | undefined {
  return (type === 'debugpy' || type === 'python') && folder ? path.join(folder.uri.fsPath, '.env') : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
