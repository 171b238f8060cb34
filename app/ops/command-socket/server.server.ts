import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Database } from '../../../db/client.server';
import type { DatabaseCommand, InputFiles, OutputFiles } from '../../cli/command-io';
import { commandSocketPaths, MAX_SOCKET_PATH_BYTES, untrustedFolderReason } from './paths.server';
import { commandRequestSchema, encodeFrame, FRAME, FrameReader, MAX_FRAME_BYTES, MAX_REQUEST_BYTES, ProtocolError, type CommandRequest } from './protocol';

/** A client has this long for its request, and for each frame of its files after. */
const IDLE_TIMEOUT_MS = 30_000;

export interface CommandSocket {
  readonly path: string;
  /** Stops taking commands; resolves when the command in hand has finished. */
  close(): Promise<void>;
}

/**
 * Lets `npm run cli` hand a database command to this app while the app holds
 * the PGlite data folder (decision 0023). One command runs at a time, on the
 * app's own database handle, between the app's other work: commands yield
 * between chunks as an upload does, so survey pages keep answering.
 */
export function startCommandSocket(options: {
  dataDir: string;
  db: Database;
  commands: Record<string, DatabaseCommand>;
  logger: Logger;
}): CommandSocket | null {
  const { dataDir, db, commands, logger } = options;
  const paths = commandSocketPaths(dataDir);
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH_BYTES) {
    logger.warn({ socket: paths.socket }, 'command socket path too long; commands cannot reach the running app');
    return null;
  }
  try {
    fs.mkdirSync(paths.folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Made by an earlier run of this app, or by someone else: only our own real folder is used.
  fs.chmodSync(paths.folder, 0o700);
  const untrusted = untrustedFolderReason(paths.folder);
  if (untrusted !== null) {
    logger.error({ folder: paths.folder }, `command socket not started: ${untrusted}`);
    return null;
  }
  // This process holds the data folder's lock, so a socket left here is a dead run's.
  fs.rmSync(paths.socket, { force: true });
  const token = randomBytes(32).toString('hex');
  const tokenTemp = `${paths.token}.${process.pid}`;
  fs.writeFileSync(tokenTemp, token, { mode: 0o600 });
  fs.renameSync(tokenTemp, paths.token);

  let running: { command: string; done: Promise<void> } | null = null;
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    void serve(socket).catch((error: unknown) => {
      logger.error({ err: error }, 'command socket: connection failed');
      socket.destroy();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'command socket error'));
  server.listen(paths.socket, () => fs.chmodSync(paths.socket, 0o600));

  async function serve(socket: net.Socket): Promise<void> {
    socket.setTimeout(IDLE_TIMEOUT_MS, () => refuse(socket, 'The command line sent nothing for 30 s; closing.', 2));
    socket.on('error', () => socket.destroy());
    const received = await receiveRequest(socket);
    if (received === null) return;
    const { request, files } = received;
    socket.setTimeout(0);
    const command = commands[request.command]!;
    if (running !== null) {
      refuse(socket, `The app is carrying out another command (${running.command}); try again when it has finished.`, 75);
      return;
    }
    const startedAt = performance.now();
    let finish!: () => void;
    running = { command: request.command, done: new Promise((resolve) => (finish = resolve)) };
    const stdout = frameStream(socket, FRAME.stdout);
    const stderr = frameStream(socket, FRAME.stderr);
    let code: number;
    try {
      code = await command.run(request.argv, { stdout, stderr, files, outputs: socketOutputs(socket, request), openDatabase: async () => ({ db, close: async () => {} }) });
    } catch (error) {
      if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
        stderr.write(`${error.message}\n`);
        code = 2;
      } else {
        logger.error({ err: error, command: request.command }, 'command from the command line failed');
        stderr.write(`${request.command}: failed in the app: ${(error as Error).message}\n`);
        code = 1;
      }
    } finally {
      running = null;
      finish();
    }
    await Promise.all([endStream(stdout), endStream(stderr)]);
    logger.info({ command: request.command, code, ms: Math.round(performance.now() - startedAt) }, 'command from the command line');
    if (!socket.destroyed) socket.end(encodeFrame(FRAME.exit, JSON.stringify({ code })));
  }

  /** Reads and checks the request and the bytes of its files; answers and returns null when they are not acceptable. */
  function receiveRequest(socket: net.Socket): Promise<{ request: CommandRequest; files: InputFiles } | null> {
    return new Promise((resolve) => {
      let request: CommandRequest | null = null;
      let expected = 0;
      let got = 0;
      const chunks: Buffer[] = [];
      const done = (value: { request: CommandRequest; files: InputFiles } | null) => {
        socket.removeListener('data', onData);
        socket.removeListener('end', onEnd);
        resolve(value);
      };
      const fail = (message: string) => {
        refuse(socket, message, 2);
        done(null);
      };
      const complete = () => done({ request: request!, files: memoryFiles(request!, Buffer.concat(chunks)) });
      const reader = new FrameReader((type, payload) => {
        if (request === null) {
          if (type !== FRAME.request || payload.length > MAX_REQUEST_BYTES) throw new ProtocolError('the first frame must be a request of at most 64 KB');
          const checked = checkRequest(payload);
          if (typeof checked === 'string') throw new ProtocolError(checked);
          request = checked;
          expected = checked.files.reduce((sum, file) => sum + (file.sent ? file.size : 0), 0);
        } else {
          if (type !== FRAME.data || got + payload.length > expected) throw new ProtocolError('more file data than announced');
          chunks.push(Buffer.from(payload));
          got += payload.length;
        }
      }, MAX_FRAME_BYTES);
      const onData = (chunk: Buffer) => {
        try {
          reader.push(chunk);
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
          return fail(`The app refused the command: ${error.message}.`);
        }
        if (request !== null && got === expected) complete();
      };
      const onEnd = () => (request !== null && got === expected ? complete() : fail('The app refused the command: the request ended early.'));
      socket.on('data', onData);
      socket.on('end', onEnd);
    });
  }

  function checkRequest(payload: Buffer): CommandRequest | string {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return 'the request is not JSON';
    }
    const parsed = commandRequestSchema.safeParse(json);
    if (!parsed.success) return `the request is not understood (${parsed.error.issues[0]?.path.join('.') || 'request'}: ${parsed.error.issues[0]?.message})`;
    const request = parsed.data;
    const given = Buffer.from(request.token);
    if (!timingSafeEqual(given, Buffer.from(token))) return 'the token is wrong (the command line must run as the app’s user)';
    const command = Object.hasOwn(commands, request.command) ? commands[request.command] : undefined;
    if (command === undefined) return `"${request.command}" is not a command the running app carries out`;
    const named = new Set(command.inputFiles?.(request.argv) ?? []);
    if (request.files.some((file) => !named.has(file.path))) return 'a file was sent that the arguments do not name';
    const bytes = request.files.reduce((sum, file) => sum + (file.sent ? file.size : 0), 0);
    if (bytes > (command.maxInputBytes ?? 0)) return `the files are larger than ${command.maxInputBytes ?? 0} bytes`;
    const writes = command.outputFiles?.(request.argv) ?? [];
    if (request.outputs.length !== writes.length || request.outputs.some((file, index) => file.path !== writes[index])) return 'the files to write are not the ones the arguments name';
    return request;
  }

  return {
    path: paths.socket,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await running?.done;
      fs.rmSync(paths.socket, { force: true });
      fs.rmSync(paths.token, { force: true });
    },
  };
}

/** Says why on standard error, with an exit code, and closes. */
function refuse(socket: net.Socket, message: string, code: number): void {
  if (socket.destroyed) return;
  socket.write(encodeFrame(FRAME.stderr, `${message}\n`));
  socket.end(encodeFrame(FRAME.exit, JSON.stringify({ code })));
}

/** The copies of the files the command line sent, in the order it named them. */
function memoryFiles(request: CommandRequest, bytes: Buffer): InputFiles {
  const byPath = new Map<string, { size: number; content: Buffer | null }>();
  let offset = 0;
  for (const file of request.files) {
    byPath.set(file.path, { size: file.size, content: file.sent ? bytes.subarray(offset, offset + file.size) : null });
    if (file.sent) offset += file.size;
  }
  const find = (path: string) => {
    const file = byPath.get(path);
    if (file === undefined) throw Object.assign(new Error(`${path}: the command line could not read this file`), { code: 'ENOENT' });
    return file;
  };
  return {
    stat: async (path) => ({ size: find(path).size, isFile: true }),
    async *open(path) {
      const { content } = find(path);
      if (content === null) throw Object.assign(new Error(`${path}: too large to send to the app`), { code: 'EFBIG' });
      for (let start = 0; start < content.length; start += 256 * 1024) yield content.subarray(start, start + 256 * 1024);
    },
  };
}

/**
 * The file the command writes, as bytes streamed to the command line, which
 * opened FILE.partial before asking and names it FILE on the commit frame
 * (or removes it when the command ends without one). The stream waits for
 * the socket, so a slow disk on the client side holds the command back
 * instead of filling memory here.
 */
function socketOutputs(socket: net.Socket, request: CommandRequest): OutputFiles {
  return {
    async create(path) {
      const output = request.outputs.find((file) => file.path === path);
      if (output === undefined) throw Object.assign(new Error(`${path}: the command line did not open this file`), { code: 'ENOENT' });
      if (output.error === 'EEXIST') throw Object.assign(new Error(`${output.resolved} exists already.`), { code: 'EEXIST' });
      if (output.error !== null) throw Object.assign(new Error(`${output.resolved}: the command line cannot write it (${output.error})`), { code: output.error });
      return {
        stream: frameStream(socket, FRAME.file),
        commit: async () => {
          if (socket.destroyed || socket.writableEnded) throw new Error('the command line went away before the file was complete');
          socket.write(encodeFrame(FRAME.commit, ''));
          return output.resolved;
        },
        abort: async () => {},
      };
    },
  };
}

/** A stream whose writes become frames to the client; output for a client that went away is dropped. */
function frameStream(socket: net.Socket, type: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (socket.destroyed || socket.writableEnded) return callback();
      for (let start = 0; start < chunk.length; start += MAX_FRAME_BYTES) {
        const last = start + MAX_FRAME_BYTES >= chunk.length;
        socket.write(encodeFrame(type, chunk.subarray(start, start + MAX_FRAME_BYTES)), last ? () => callback() : undefined);
      }
      if (chunk.length === 0) callback();
    },
  });
}

function endStream(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
}
