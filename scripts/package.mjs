#!/usr/bin/env node
// `npm run package`: production bundles, then span-lens.vsix holding only what runs (.vscodeignore decides).
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
step('npx', ['webpack', '--mode', 'production']);
step('npx', ['vsce', 'package', '--no-dependencies', '--out', 'span-lens.vsix']);
