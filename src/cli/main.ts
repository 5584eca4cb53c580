/** `spanlens`: the package's bin (dist/cli.js when bundled). */
import { USAGE, UsageError, parseArgs } from './args';
import { runCheck } from './check';
import { capHeapGrowthOnceLarge } from './heapGrowthCap';
import { turnOffPretenuring } from './pretenuring';
import { runReceive } from './receive';
import { packageVersion } from './version';

function waitForStop(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A second signal while shutting down means "now".
      const force = (again: NodeJS.Signals): never => {
        process.stderr.write(`spanlens: ${again} again, exiting without a report\n`);
        process.exit(130);
      };
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseArgs(argv, process.cwd());
    const apiKey = process.env.SPANLENS_API_KEY?.trim();
    if (command.kind === 'receive' && apiKey) {
      command.options.apiKey = apiKey;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`spanlens: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  switch (command.kind) {
    case 'help':
      await writeStdout(USAGE);
      return 0;
    case 'version':
      await writeStdout(`${packageVersion()}\n`);
      return 0;
    case 'check':
      return runCheck(command.options, { log: (line) => process.stderr.write(`${line}\n`), writeStdout });
    case 'receive': {
      // Caps V8's heap growth once the heap is large (heapGrowthCap.ts). This process only: the extension host's heap
      // is VS Code's to tune.
      // The check's timer is unref'd: it never keeps the process alive, and the process exits once the report is written.
      capHeapGrowthOnceLarge();
      turnOffPretenuring();
      // Listen for signals from the start: a SIGTERM during start-up still ends with a report.
      const stop = waitForStop();
      return runReceive(command.options, {
        log: (line) => process.stderr.write(`${line}\n`),
        writeStdout,
        waitForStop: () => stop,
      });
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`spanlens: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
