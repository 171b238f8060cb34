import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll } from 'vitest';
import { runAnalyze } from './analyze';

/** The core columns of a response CSV, in the order the analyze command's tests write them. */
export const RESPONSE_CSV_HEADER =
  'customer_id,tier,period,completed_at,miss_us,treat_valued,treat_responsive,treat_equal,treat_promise,benefit,csat,recommend,miss_most,alternative,improve';

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Runs the analyze command in process with these arguments; its exit code and what it printed. */
export async function analyze(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = collector();
  const stderr = collector();
  const code = await runAnalyze(argv, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/**
 * A folder of the test file's own, removed after its tests, and `csvFile(...lines)`,
 * which writes the lines into a new CSV file there and returns its path.
 */
export function csvFolder(prefix: string): { directory: string; csvFile: (...lines: string[]) => string } {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  let fileNumber = 0;
  const csvFile = (...lines: string[]) => {
    const path = join(directory, `input-${++fileNumber}.csv`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  return { directory, csvFile };
}
