// Draws media/icon.png (128×128): a trace waterfall seen through a lens. Pure Node (zlib for the PNG's IDAT), no image deps.
// Run: node scripts/make-icon.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 128;
const SAMPLES = 4; // supersampling per axis, for smooth edges

const background = [0x17, 0x22, 0x33];
const bars = [
  // x0, x1, y (centre), colour: a root span and its children, like a trace waterfall
  [16, 104, 30, [0x4f, 0xc3, 0xf7]],
  [26, 70, 48, [0x81, 0xd4, 0xa4]],
  [40, 88, 66, [0xff, 0xb7, 0x4d]],
  [56, 80, 84, [0xef, 0x76, 0x6b]],
];
const barHalfHeight = 6;
const lens = { cx: 78, cy: 74, r: 26, ring: 6 };
const handle = { x0: 96, y0: 92, x1: 114, y1: 110, halfWidth: 6 };

/** Colour (with alpha) of one sub-pixel sample, painted back to front. */
function sample(x, y) {
  let rgba = [0, 0, 0, 0];
  const over = (rgb, a = 1) => {
    rgba = [0, 1, 2].map((i) => rgb[i] * a + rgba[i] * (1 - a)).concat([a + rgba[3] * (1 - a)]);
  };
  if (insideRoundedSquare(x, y, 4, 124, 22)) {
    over(background);
  } else {
    return rgba;
  }
  const dLens = Math.hypot(x - lens.cx, y - lens.cy);
  const inLens = dLens < lens.r - lens.ring / 2;
  for (const [x0, x1, cy, colour] of bars) {
    if (insideRoundedSquare(x, y, x0, x1, barHalfHeight, cy - barHalfHeight, cy + barHalfHeight)) {
      // Inside the lens the bars are brighter, as if magnified.
      over(inLens ? colour.map((c) => Math.min(255, c + 40)) : colour, inLens ? 1 : 0.8);
    }
  }
  if (inLens) {
    over([0xff, 0xff, 0xff], 0.08);
  }
  if (Math.abs(dLens - lens.r) <= lens.ring / 2) {
    over([0xf5, 0xf7, 0xfa]);
  }
  if (distanceToSegment(x, y, handle.x0, handle.y0, handle.x1, handle.y1) <= handle.halfWidth) {
    over([0xf5, 0xf7, 0xfa]);
  }
  return rgba;
}

function insideRoundedSquare(x, y, x0, x1, radius, y0 = x0, y1 = x1) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + radius), x1 - radius);
  const cy = Math.min(Math.max(y, y0 + radius), y1 - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

function distanceToSegment(px, py, x0, y0, x1, y1) {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

function render() {
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    const rowStart = y * (SIZE * 4 + 1);
    rows[rowStart] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const [r, g, b, a] = sample(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const alpha = sum[3] / (SAMPLES * SAMPLES);
      const offset = rowStart + 1 + x * 4;
      for (let i = 0; i < 3; i++) rows[offset + i] = sum[3] > 0 ? Math.round(sum[i] / sum[3]) : 0;
      rows[offset + 3] = Math.round(alpha * 255);
    }
  }
  return rows;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(render(), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'media', 'icon.png');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
