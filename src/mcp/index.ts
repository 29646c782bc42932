/**
 * The MCP tool server for chatbots. Public surface:
 *
 *   createMcpServer(kb)     an MCP `Server` with the tools diagnose, case_summary, search_errors, get_guidance and
 *                           list_facts over a compiled knowledge base (connect it to any transport);
 *   runMcpStdio(opts)       loads the knowledge base once and serves it on stdin/stdout until stdin ends,
 *                           through GuardedStdioTransport (message size and depth limits, FORBIDDEN_KEY);
 *   toolDefinitions()       the tools as `tools/list` shows them (self-contained JSON Schemas).
 *
 * The input and output schemas are the project's own (schemas/*.schema.json, `$ref`s inlined) and
 * arguments are checked with the project's ajv validation; a failure is a tool result with
 * `isError: true` and a text naming the error code and the field, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { type CallToolResult, CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { checkRequest } from '../engine/diagnose.ts';
import { KbError } from '../engine/errors.ts';
import { type CompiledKnowledgeBase, loadKnowledgeBase } from '../engine/knowledge-base.ts';
import { runTool } from './handlers.ts';
import { defaultMessageLimits, GuardedStdioTransport, type MessageLimits } from './transport.ts';
import { argumentChecker, forKnowledgeBase, type ToolDefinition, type ToolName, toolDefinitions } from './tools.ts';

export { toolDefinitions, type ToolDefinition, type ToolName } from './tools.ts';
export { inlineProjectSchema } from './schema-inline.ts';
export { defaultMessageLimits, GuardedStdioTransport, type MessageLimits } from './transport.ts';

/** Told to the model once, when the client connects. */
const instructions = [
  'Troubleshooting knowledge base for the errors a CRM shows when a Microsoft Exchange mailbox is connected over EWS.',
  "Workflow: 1) call diagnose with the customer's exact error message (and lang de or en);",
  '2) ask the customer the first of the returned questions and call diagnose again with the same message plus all answers as facts (a question the customer cannot answer goes into `unknown` and is not asked again);',
  '3) when a cause is confirmed or clearly leads, give its guidance (in the result, or via get_guidance); case_summary writes the case up for a ticket.',
  'Use list_facts for fact names and allowed values, search_errors when only part of the message is known.',
].join(' ');

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Tool calls still running per server, so that a closing stdin lets them answer first. */
const inFlight = new WeakMap<Server, Set<Promise<unknown>>>();

export interface McpServerOptions {
  /** Where diagnostics go (never stdout: that is the protocol). Default: standard error. */
  readonly log?: (line: string) => void;
}

const defaultLog = (line: string) => {
  process.stderr.write(`kb mcp: ${line}\n`);
};

/** The error as a tool result a model can act on: code, field and message; no stack. */
function errorResult(error: unknown, tool: string, log: (line: string) => void): CallToolResult {
  if (error instanceof KbError) {
    return {
      isError: true,
      content: [{ type: 'text', text: `Error ${error.code}${error.field ? ` in field "${error.field}"` : ''}: ${error.message}` }],
    };
  }
  log(`tool ${tool} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { isError: true, content: [{ type: 'text', text: 'Error INTERNAL: the tool failed unexpectedly; the server log has the details.' }] };
}

/** An MCP server with the knowledge base's tools; the caller connects it to a transport. */
export function createMcpServer(kb: CompiledKnowledgeBase, options: McpServerOptions = {}): Server {
  const log = options.log ?? defaultLog;
  const definitions = forKnowledgeBase(toolDefinitions(), kb);
  const byName = new Map<string, { def: ToolDefinition; check: (args: unknown) => void }>(
    definitions.map((def) => [def.name, { def, check: def.name === 'diagnose' || def.name === 'case_summary' ? (args) => void checkRequest(args) : argumentChecker(def.inputSchema) }]),
  );
  const tools: Tool[] = definitions.map((d) => ({
    name: d.name,
    title: d.title,
    description: d.description,
    inputSchema: d.inputSchema as Tool['inputSchema'],
    outputSchema: d.outputSchema as NonNullable<Tool['outputSchema']>,
    annotations: { title: d.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }));

  // `Server` is the SDK's low-level API; it lets the tools publish plain JSON Schemas (ours) instead of zod.
  const server = new Server(
    { name: 'exchange-kb', title: kb.data.settings.name, version: packageVersion() },
    { capabilities: { tools: { listChanged: false } }, instructions },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  const callTool = async (name: string, rawArgs: Record<string, unknown> | undefined): Promise<CallToolResult> => {
    const tool = byName.get(name);
    if (!tool) {
      // A plain error with a code: the SDK sends its message as is (an McpError's message already
      // carries the "MCP error -32602:" prefix, which the client would add a second time).
      throw Object.assign(new Error(`Unknown tool "${name}"; the tools are ${definitions.map((d) => d.name).join(', ')}.`), { code: ErrorCode.InvalidParams });
    }
    const args = rawArgs ?? {};
    try {
      tool.check(args);
      const outcome = await runTool(kb, tool.def.name as ToolName, args);
      return { content: [{ type: 'text', text: outcome.text }], structuredContent: outcome.structured };
    } catch (error) {
      return errorResult(error, name, log);
    }
  };
  const pending = new Set<Promise<unknown>>();
  inFlight.set(server, pending);
  server.setRequestHandler(CallToolRequestSchema, (request): Promise<CallToolResult> => {
    const work = callTool(request.params.name, request.params.arguments);
    pending.add(work);
    return work.finally(() => pending.delete(work));
  });
  server.onerror = (error) => log(`protocol error: ${error.message}`);
  return server;
}

export interface McpStdioOptions {
  /** Knowledge base folder; default: the bundled one. */
  readonly kbDir?: string | undefined;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly log?: (line: string) => void;
  /** Size and nesting limits of one message (default: defaultMessageLimits). */
  readonly messageLimits?: Partial<MessageLimits>;
}

/**
 * Loads the knowledge base once (a broken one throws KbError KB_INVALID before anything is served),
 * then speaks MCP on stdin/stdout. Resolves when the client closes stdin or the transport closes.
 */
export async function runMcpStdio(opts: McpStdioOptions = {}): Promise<void> {
  const log = opts.log ?? defaultLog;
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  if (stdout === process.stdout) {
    // stdout carries the protocol: a stray console.log anywhere would corrupt it, so send those to stderr.
    const toStderr = (...parts: unknown[]) => console.error(...parts);
    console.log = toStderr;
    console.info = toStderr;
    console.debug = toStderr;
  }
  const started = performance.now();
  const kb = loadKnowledgeBase(opts.kbDir);
  const server = createMcpServer(kb, { log });
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    // Requests piped in just before the end of stdin still get their answers.
    const running = [...(inFlight.get(server) ?? [])];
    void Promise.allSettled(running)
      .then(() => server.close())
      .catch((error: unknown) => log(`close failed: ${String(error)}`));
  };
  stdin.once('end', close);
  stdin.once('close', close);
  const onWriteError = (error: Error) => {
    log(`cannot write to stdout: ${error.message}`);
    close();
  };
  stdout.on('error', onWriteError);
  const limits = { ...defaultMessageLimits, ...opts.messageLimits };
  await server.connect(new GuardedStdioTransport(stdin, stdout, limits, log));
  const s = kb.data.settings;
  log(`${s.name} ${s.version}: ${kb.causes.size} causes, ${kb.data.symptoms.length} symptoms, ${kb.data.facts.size} facts; ready in ${Math.round(performance.now() - started)} ms, speaking MCP on stdin/stdout`);
  await closed;
  stdin.off('end', close);
  stdin.off('close', close);
  stdout.off('error', onWriteError);
  log('stdin closed; bye');
}
