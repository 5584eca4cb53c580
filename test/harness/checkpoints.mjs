// The harness side of the suites' checkpoint files: a suite writes `<name>.request.json` into a folder and waits
// for `<name>.response.json`; the harness answers each request once, while it polls for the results.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Written under another name and renamed, so the reader never sees half a file. */
export function writeWhole(file, value) {
  writeFileSync(`${file}.partial`, JSON.stringify(value, null, 2));
  renameSync(`${file}.partial`, file);
}

/** The requests in `dir` not answered yet, oldest name first, each with `answer(response)`. */
export function unansweredRequests(dir) {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((name) => name.endsWith('.request.json'))
    .sort()
    .map((name) => ({ name, responseFile: join(dir, `${name.slice(0, -'.request.json'.length)}.response.json`) }))
    .filter(({ responseFile }) => !existsSync(responseFile))
    .map(({ name, responseFile }) => ({
      base: name.slice(0, -'.request.json'.length),
      request: JSON.parse(readFileSync(join(dir, name), 'utf8')),
      answer: (response) => writeWhole(responseFile, response),
    }));
}
