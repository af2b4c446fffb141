import { LoggerService, LogLevel } from '@nestjs/common';
import { currentLogContext } from './log-context';
import { activeTraceIds } from './tracing';

/** Writes one finished log line (without its newline). */
export type LogSink = (line: string, level: LogLevel) => void;

const toStd: LogSink = (line, level) =>
  (level === 'error' || level === 'fatal' ? process.stderr : process.stdout).write(`${line}\n`);

/**
 * Nest's logger as one JSON object per line: time, level, app, context, message, the trace and
 * span ids of the active span, and, while a request is handled, its `requestId` and `traceId`
 * (the `X-Request-Id` and `X-Trace-Id` its caller got, even where no span is active). Errors
 * carry their stack.
 */
export class JsonLogger implements LoggerService {
  constructor(
    /** The `app` field: the service name (under `npm start`, one name for the whole process). */
    private readonly app: string,
    private levels: LogLevel[],
    private readonly sink: LogSink = toStd,
  ) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.levels = levels;
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.levels.includes(level)) return;
    // Nest passes (message, ...extra, context) and, for errors, (message, stack, context).
    const rest = [...params];
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, app: this.app };
    if (context) line['context'] = context;
    if (message instanceof Error) {
      line['message'] = message.message;
      line['stack'] = message.stack;
    } else line['message'] = message;
    const [first] = rest;
    if ((level === 'error' || level === 'fatal') && first !== undefined && line['stack'] === undefined) {
      if (typeof first === 'string') line['stack'] = first;
      else if (first instanceof Error) line['stack'] = first.stack;
    }
    const request = currentLogContext();
    if (request) {
      line['requestId'] = request.requestId;
      if (request.traceId) line['traceId'] = request.traceId;
    }
    const ids = activeTraceIds();
    if (ids) {
      line['trace_id'] = ids.traceId;
      line['span_id'] = ids.spanId;
    }
    this.sink(JSON.stringify(line), level);
  }
}
