/** Where scripts/bench-peers-setup.sh puts the peers, and what it recorded about each one. */
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const SETUP_SCRIPT = 'scripts/bench-peers-setup.sh';

export function peersDir(): string {
  return path.join(process.env.SPAN_LENS_CACHE ?? path.join(os.homedir(), '.cache', 'span-lens'), 'peers');
}

export function peerBinary(tool: string): string | undefined {
  const file = path.join(peersDir(), 'bin', tool);
  return existsSync(file) ? file : undefined;
}

/** The version the setup script built, e.g. "v0.165.0". */
export function peerVersion(tool: string): string {
  try {
    return readFileSync(path.join(peersDir(), 'bin', `${tool}.version`), 'utf8').trim();
  } catch {
    return '?';
  }
}

/** Why the setup script could not build a tool (its status.tsv), or how to install it when it never ran. */
export function notInstalledNote(tool: string): string {
  try {
    const line = readFileSync(path.join(peersDir(), 'status.tsv'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${tool}\t`));
    const [, state, detail] = line?.split('\t') ?? [];
    if (state === 'failed') {
      return `not installed: ${SETUP_SCRIPT} could not build it: ${detail}`;
    }
  } catch {
    // No status yet: the script never ran.
  }
  return `not installed: run ${SETUP_SCRIPT} ${tool}`;
}
