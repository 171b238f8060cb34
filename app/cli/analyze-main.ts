/** Stand-alone entry of the analyze command, for benchmarks and scripts. */
import { runAnalyze } from './analyze';

process.exitCode = await runAnalyze(process.argv.slice(2), process);
