/**
 * A service's colour: a stable hash of its name into a fixed palette of theme colours (media/panel.css defines
 * .svc-0 … .svc-N from --vscode-charts-* and terminal ANSI colours), so a service keeps its colour across reloads
 * and as other services come and go.
 */

export const PALETTE_SIZE = 8;

export function serviceColorClass(service: string): string {
  // FNV-1a: cheap and spreads short names well.
  let hash = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    hash ^= service.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `svc-${(hash >>> 0) % PALETTE_SIZE}`;
}
