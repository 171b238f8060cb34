import fs from 'node:fs';
import net from 'node:net';
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
  const request: CommandRequest = { version: PROTOCOL_VERSION, token, command: name, argv, files };

  return new Promise<number>((resolveOnce) => {
    let code: number | null = null;
    let settled = false;
    const resolve = (value: number) => {
      if (!settled) resolveOnce(value);
      settled = true;
    };
    const socket = net.createConnection(paths.socket);
    const reader = new FrameReader((type, payload) => {
      if (type === FRAME.stdout) output.stdout.write(payload);
      else if (type === FRAME.stderr) output.stderr.write(payload);
      else if (type === FRAME.exit) {
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
