/**
 * Where the owner of a host:port serves its feed. The name is derived from host and HTTP port only, so every Span Lens
 * process that wants the same port finds the same socket without asking anyone. Unix: a socket file in a directory
 * only this user can enter ($XDG_RUNTIME_DIR, else a 0700 folder in the temp dir); Windows: a named pipe per user.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FeedPathEnvironment {
  platform: NodeJS.Platform;
  tmpdir: string;
  runtimeDir: string | undefined;
  /** Separates users sharing /tmp or the pipe namespace. */
  user: string;
}

export function currentFeedEnvironment(): FeedPathEnvironment {
  let user: string;
  try {
    user = process.getuid ? String(process.getuid()) : os.userInfo().username;
  } catch {
    user = process.env.USERNAME ?? process.env.USER ?? 'user';
  }
  return { platform: process.platform, tmpdir: os.tmpdir(), runtimeDir: process.env.XDG_RUNTIME_DIR || undefined, user };
}

/** The folder that holds the feed sockets (Unix); undefined on Windows, where pipes live in their own namespace. */
export function feedDirectory(env: FeedPathEnvironment): string | undefined {
  if (env.platform === 'win32') {
    return undefined;
  }
  return env.runtimeDir ? path.join(env.runtimeDir, 'span-lens') : path.join(env.tmpdir, `span-lens-${safe(env.user)}`);
}

export function feedSocketPath(host: string, httpPort: number, env: FeedPathEnvironment = currentFeedEnvironment()): string {
  const name = `feed-${safe(host)}-${httpPort}`;
  const directory = feedDirectory(env);
  if (directory === undefined) {
    return `\\\\.\\pipe\\span-lens-${safe(env.user)}-${name}`;
  }
  return path.join(directory, `${name}.sock`);
}

/** Hosts like `::1` or `0.0.0.0` and user names become file-name-safe, and distinct hosts stay distinct. */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9.]/g, (char) => `_${char.charCodeAt(0).toString(16)}`);
}

/**
 * The feed's folder must be this user's alone: a folder someone else made first (in a shared /tmp) could hold a fake
 * feed, or let them see the socket. Creates it (0700) when asked; throws when it is not private.
 */
export async function ensurePrivateDirectory(directory: string, create: boolean): Promise<void> {
  if (process.platform === 'win32') {
    return;
  }
  if (create) {
    await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  }
  const info = await fs.lstat(directory);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || (info.mode & 0o077) !== 0) {
    throw new Error(`${directory} is not a private folder of this user (owner ${info.uid}, mode ${(info.mode & 0o777).toString(8)}); port sharing is off`);
  }
}
