import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { DatabaseCommand } from '../../cli/command-io';
import { commandSocketPaths, untrustedFolderReason } from './paths.server';
import { encodeFrame, exitSchema, FRAME, FrameReader, MAX_FRAME_BYTES, PROTOCOL_VERSION, type CommandRequest } from './protocol';

interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Hands a database command to the app process `holder`, which holds the
 * PGlite data folder, and relays its output and exit code (decision 0023).
 * The files the command reads are read here and sent along. Resolves to the
 * exit code; a socket that is missing, not ours or silent is a clear
 * message and exit code 1, never a guess.
 */
export async function handOverCommand(
  target: { dataDir: string; holder: number },
  name: string,
  command: DatabaseCommand,
  argv: string[],
  output: Output,
): Promise<number> {
  const paths = commandSocketPaths(target.dataDir);
  const stop = (message: string) => {
    output.stderr.write(
      `The data folder ${target.dataDir} is in use by another Wouldmiss process (pid ${target.holder}), and ${message}. ` +
        'Stop that process first, or use PostgreSQL (DATABASE_URL) to run several.\n',
    );
    return 1;
  };
  if (!fs.existsSync(paths.folder)) return stop(`it takes no commands (there is no ${paths.folder})`);
  const untrusted = untrustedFolderReason(paths.folder);
  if (untrusted !== null) return stop(`its command folder ${paths.folder} is refused: ${untrusted}`);
  let socketInfo: fs.Stats;
  let token: string;
  try {
    socketInfo = fs.lstatSync(paths.socket);
    token = fs.readFileSync(paths.token, 'utf8').trim();
  } catch (error) {
    return stop(`its command socket cannot be used (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (!socketInfo.isSocket() || socketInfo.uid !== process.getuid?.()) return stop(`${paths.socket} is refused: it is not a socket of your own`);

  const files: CommandRequest['files'] = [];
  for (const path of command.inputFiles?.(argv) ?? []) {
    try {
      const info = fs.statSync(path);
      // A file the command cannot read stays unsent, and the command says so as it does on the command line.
      if (info.isFile()) files.push({ path, size: info.size, sent: info.size <= (command.maxInputBytes ?? 0) });
    } catch {
      // Not readable: the app's copy of the arguments finds no such file.
    }
  }
  const written = openOutputs(command.outputFiles?.(argv) ?? []);
  const outputs = written.map(({ path, resolved, error }) => ({ path, resolved, error }));
  const request: CommandRequest = { version: PROTOCOL_VERSION, token, command: name, argv, files, outputs };
  const outFile = written.find((file) => file.stream !== null) ?? null;

  return new Promise<number>((resolveOnce) => {
    let code: number | null = null;
    let settled = false;
    let committed: Promise<boolean> | null = null;
    const resolve = (value: number) => {
      if (settled) return;
      settled = true;
      void (committed ?? Promise.resolve(false)).then((named) => {
        if (outFile !== null && !named) {
          outFile.stream!.destroy();
          fs.rmSync(outFile.partial, { force: true });
        }
        resolveOnce(value === 0 && outFile !== null && !named ? 1 : value);
      });
    };
    const socket = net.createConnection(paths.socket);
    const reader = new FrameReader((type, payload) => {
      if (type === FRAME.stdout) output.stdout.write(payload);
      else if (type === FRAME.stderr) output.stderr.write(payload);
      else if (type === FRAME.file && outFile !== null && committed === null) {
        // The disk sets the pace: the app waits for the socket, the socket for the file.
        if (!outFile.stream!.write(payload)) {
          socket.pause();
          outFile.stream!.once('drain', () => socket.resume());
        }
      } else if (type === FRAME.commit && outFile !== null && committed === null) {
        committed = commitOutput(outFile).catch((error: unknown) => {
          output.stderr.write(`${name}: could not write ${outFile.resolved}: ${(error as Error).message}\n`);
          return false;
        });
      } else if (type === FRAME.exit) {
        const parsed = exitSchema.safeParse(JSON.parse(payload.toString('utf8')));
        code = parsed.success ? parsed.data.code : 1;
      }
    });
    socket.on('connect', () => {
      socket.write(encodeFrame(FRAME.request, JSON.stringify(request)));
      void sendFiles(socket, files).catch((error: unknown) => {
        output.stderr.write(`${name}: ${(error as Error).message}\n`);
        socket.destroy();
      });
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (code === null) resolve(stop(`does not answer on its command socket (${error.code ?? error.message})`));
    });
    socket.on('close', () => {
      if (code !== null) return resolve(code);
      if (settled) return;
      output.stderr.write(`${name}: the app closed the connection before the command finished; see the app's log.\n`);
      resolve(1);
    });
  });
}

interface OpenedOutput {
  path: string;
  resolved: string;
  partial: string;
  /** Why FILE cannot be written (EEXIST: it or FILE.partial exists), as a code for the app to report. */
  error: string | null;
  stream: fs.WriteStream | null;
}

/**
 * Opens the files the command will write, before asking the app: FILE.partial,
 * exclusively, so nothing is overwritten and a failed command leaves no file
 * that looks complete. The app's command reports any that cannot be opened,
 * with the same message as on the command line.
 */
function openOutputs(paths: string[]): OpenedOutput[] {
  return paths.map((file) => {
    const resolved = path.resolve(file);
    const partial = `${resolved}.partial`;
    if (fs.existsSync(resolved)) return { path: file, resolved, partial, error: 'EEXIST', stream: null };
    try {
      const fd = fs.openSync(partial, 'wx', 0o600);
      return { path: file, resolved, partial, error: null, stream: fs.createWriteStream(partial, { fd }) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      return { path: file, resolved, partial, error: /^[A-Z]{1,16}$/.test(code) ? code : 'EIO', stream: null };
    }
  });
}

/** Flushes FILE.partial and names it FILE (never over a file that appeared meanwhile). */
async function commitOutput(file: OpenedOutput): Promise<boolean> {
  await new Promise<void>((resolve, reject) => {
    file.stream!.once('error', reject);
    file.stream!.end(() => resolve());
  });
  if (fs.existsSync(file.resolved)) throw new Error('a file of that name appeared meanwhile');
  fs.renameSync(file.partial, file.resolved);
  return true;
}

/** Streams the files' bytes, as many as announced, in frames; the app takes them at its own pace. */
async function sendFiles(socket: net.Socket, files: CommandRequest['files']): Promise<void> {
  for (const file of files) {
    if (!file.sent) continue;
    let sent = 0;
    for await (const chunk of fs.createReadStream(file.path, { highWaterMark: MAX_FRAME_BYTES })) {
      const bytes = (chunk as Buffer).subarray(0, file.size - sent);
      if (bytes.length > 0 && !socket.write(encodeFrame(FRAME.data, bytes))) await new Promise((resolve) => socket.once('drain', resolve));
      sent += bytes.length;
    }
    if (sent !== file.size) throw new Error(`${file.path} changed while it was being read`);
  }
}
