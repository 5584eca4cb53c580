/** The package version, read from the package.json above this file (dist/ when bundled, out/src/cli/ from tsc). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export function packageVersion(start = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'span-lens' && manifest.version) {
        return manifest.version;
      }
    } catch {
      // No (readable) package.json here: keep climbing.
    }
    if (path.dirname(dir) === dir) {
      return 'unknown';
    }
  }
}
