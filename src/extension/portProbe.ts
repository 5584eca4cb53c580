/** Is a TCP port free to listen on? For suggesting and validating another port. No vscode import: unit-tested. */
import * as net from 'node:net';

export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The first free port after `from` (up to `attempts` tries), else one the OS picks. */
export async function findFreePort(host: string, from: number, attempts = 20): Promise<number> {
  for (let port = from + 1; port <= Math.min(65535, from + attempts); port++) {
    if (await isPortFree(host, port)) {
      return port;
    }
  }
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A port number as typed by a user: 1–65535, digits only. */
export function parsePort(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) {
    return undefined;
  }
  const port = Number(trimmed);
  return port >= 1 && port <= 65535 ? port : undefined;
}
