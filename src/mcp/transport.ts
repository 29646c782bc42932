import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { forbiddenKeyPath } from '../engine/json-guard.ts';

/** What one MCP message may be: the same protection the HTTP API gives a request body. */
export interface MessageLimits {
  /** Largest message (one line of JSON) in bytes; a larger one is answered with BODY_TOO_LARGE unread. */
  readonly maxBytes: number;
  /** Deepest array/object nesting (the HTTP body's limit plus the two levels of `params.arguments`). */
  readonly maxDepth: number;
}

export const defaultMessageLimits: MessageLimits = { maxBytes: 128 * 1024, maxDepth: 18 };

type RequestId = string | number;

/** A message the transport refused before parsing it, with the request id read on the way (null when it had none). */
export interface Refusal {
  readonly id: RequestId | null;
  readonly code: 'BODY_TOO_LARGE' | 'BODY_TOO_DEEP';
}

type Framed = { readonly line: Buffer } | { readonly refusal: Refusal };

const NL = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Cuts a byte stream into newline-delimited messages without ever holding more than `maxBytes` of
 * one: a longer or deeper message is dropped as it streams, and only its top-level `id` is kept
 * (found by a small JSON scan, wherever the key stands) so that the refusal can answer it. Each byte
 * is read once; no state grows with the message.
 */
export class MessageFramer {
  readonly #limits: MessageLimits;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #refused: Refusal['code'] | null = null;
  #depth = 0;
  #inString = false;
  #escaped = false;
  // The top-level key being read, the key before the value now being read, and that value's bytes.
  #expectKey = false;
  #key: number[] | null = null;
  #lastKey = '';
  #idValue: number[] | null = null;
  #id: RequestId | null = null;

  constructor(limits: MessageLimits) {
    this.#limits = limits;
  }

  /** Feeds a chunk; returns the messages it completed (whole lines within limits) and the refusals. */
  push(chunk: Buffer): Framed[] {
    const out: Framed[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NL) {
        this.#keep(chunk.subarray(start, i));
        out.push(this.#finish());
        start = i + 1;
        continue;
      }
      this.#scan(b);
    }
    this.#keep(chunk.subarray(start));
    return out;
  }

  #keep(piece: Buffer): void {
    if (piece.length === 0 || this.#refused) return;
    this.#bytes += piece.length;
    if (this.#bytes > this.#limits.maxBytes) this.#refuse('BODY_TOO_LARGE');
    else this.#chunks.push(piece);
  }

  #refuse(code: Refusal['code']): void {
    this.#refused ??= code;
    this.#chunks = [];
  }

  #finish(): Framed {
    this.#finishId();
    const result: Framed = this.#refused ? { refusal: { id: this.#id, code: this.#refused } } : { line: Buffer.concat(this.#chunks) };
    this.#chunks = [];
    this.#bytes = 0;
    this.#refused = null;
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
    this.#expectKey = false;
    this.#key = null;
    this.#lastKey = '';
    this.#idValue = null;
    this.#id = null;
    return result;
  }

  #scan(b: number): void {
    if (this.#inString) {
      const capture = this.#key ?? this.#idValue;
      if (capture && capture.length < 256) capture.push(b);
      if (this.#escaped) this.#escaped = false;
      else if (b === BACKSLASH) this.#escaped = true;
      else if (b === QUOTE) {
        this.#inString = false;
        if (this.#key) {
          this.#lastKey = decodeJson(this.#key) === 'id' ? 'id' : '';
          this.#key = null;
        }
      }
      return;
    }
    if (b === QUOTE) {
      this.#inString = true;
      if (this.#depth === 1 && this.#expectKey) {
        this.#key = [b];
        this.#expectKey = false;
      } else if (this.#idValue && this.#idValue.length === 0) this.#idValue.push(b);
      return;
    }
    if (b === 0x7b || b === 0x5b) {
      this.#depth++;
      if (this.#depth > this.#limits.maxDepth) this.#refuse('BODY_TOO_DEEP');
      if (this.#depth === 1) this.#expectKey = b === 0x7b;
      else if (this.#depth === 2) this.#idValue = null; // an object or array is no id
      return;
    }
    if (b === 0x7d || b === 0x5d) {
      if (this.#depth === 1) this.#finishId();
      this.#depth--;
      return;
    }
    if (this.#depth !== 1) return;
    if (b === 0x3a) {
      if (this.#lastKey === 'id') this.#idValue = [];
      this.#lastKey = '';
    } else if (b === 0x2c) {
      this.#finishId();
      this.#expectKey = true;
    } else if (this.#idValue && b > 0x20 && this.#idValue.length < 32) this.#idValue.push(b);
  }

  #finishId(): void {
    if (!this.#idValue) return;
    const value = decodeJson(this.#idValue);
    if (typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value))) this.#id = value;
    this.#idValue = null;
  }
}

function decodeJson(bytes: readonly number[]): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const messages: Record<Refusal['code'], (limits: MessageLimits) => string> = {
  BODY_TOO_LARGE: (l) => `Error BODY_TOO_LARGE: the message is larger than ${l.maxBytes} bytes, the most this server reads (kb mcp --message-limit).`,
  BODY_TOO_DEEP: (l) => `Error BODY_TOO_DEEP: the message is nested deeper than ${l.maxDepth} levels.`,
};

/**
 * MCP over stdio, like the SDK's StdioServerTransport, with the HTTP API's protection: a message
 * larger or deeper than the limits is refused unread (an error answer to its id; the SDK's own
 * transport would buffer up to 10 MB and then close), and keys that could reach a prototype
 * (`__proto__`, `constructor`, `prototype`) are refused with FORBIDDEN_KEY before the SDK's parsing
 * would silently drop them.
 */
export class GuardedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #stdin: Readable;
  readonly #stdout: Writable;
  readonly #limits: MessageLimits;
  readonly #framer: MessageFramer;
  readonly #log: (line: string) => void;
  #started = false;

  constructor(stdin: Readable, stdout: Writable, limits: MessageLimits, log: (line: string) => void) {
    this.#stdin = stdin;
    this.#stdout = stdout;
    this.#limits = limits;
    this.#framer = new MessageFramer(limits);
    this.#log = log;
  }

  readonly #ondata = (chunk: Buffer | string): void => {
    for (const framed of this.#framer.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
      if ('refusal' in framed) this.#refuse(framed.refusal.id, messages[framed.refusal.code](this.#limits));
      else this.#receive(framed.line);
    }
  };

  readonly #onerror = (error: Error): void => {
    this.onerror?.(error);
  };

  async start(): Promise<void> {
    if (this.#started) throw new Error('GuardedStdioTransport already started');
    this.#started = true;
    this.#stdin.on('data', this.#ondata);
    this.#stdin.on('error', this.#onerror);
  }

  #receive(line: Buffer): void {
    const text = line.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      this.onerror?.(new Error(`a message is not JSON: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const forbidden = forbiddenKeyPath(raw);
    if (forbidden) {
      this.#forbidden(raw as Record<string, unknown>, forbidden);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.onerror?.(new Error(`a message is not JSON-RPC: ${parsed.error.message.slice(0, 300)}`));
      return;
    }
    this.onmessage?.(parsed.data);
  }

  /** A tool call answers like any refused argument (a tool error naming the code and the field); anything else is a JSON-RPC error. */
  #forbidden(message: Record<string, unknown>, path: readonly string[]): void {
    const id = typeof message['id'] === 'string' || typeof message['id'] === 'number' ? message['id'] : null;
    const key = path.at(-1)!;
    const inArguments = message['method'] === 'tools/call' && path[0] === 'params' && path[1] === 'arguments';
    const field = (inArguments ? path.slice(2) : path).join('.');
    const text = `Error FORBIDDEN_KEY in field "${field}": the key "${key}" is not allowed in a request.`;
    if (inArguments && id !== null) {
      void this.send({ jsonrpc: '2.0', id, result: { isError: true, content: [{ type: 'text', text }] } });
    } else this.#refuse(id, text);
  }

  #refuse(id: RequestId | null, message: string): void {
    this.#log(`refused a message${id === null ? '' : ` (id ${JSON.stringify(id)})`}: ${message}`);
    // A notification (no id) gets no answer; JSON-RPC answers an unreadable request with id null.
    void this.send({ jsonrpc: '2.0', id: id as RequestId, error: { code: ErrorCode.InvalidRequest, message } });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.#stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    this.#stdin.off('data', this.#ondata);
    this.#stdin.off('error', this.#onerror);
    if (this.#stdin.listenerCount('data') === 0) this.#stdin.pause();
    this.onclose?.();
  }
}
