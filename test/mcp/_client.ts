import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const root = join(import.meta.dirname, '..', '..');

/** A client connected to `node bin/kb.js mcp`, with the child's stderr collected. */
export interface McpSession {
  readonly client: Client;
  readonly transport: StdioClientTransport;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Closes stdin and waits for the child to exit; returns how long that took (ms). */
  close(): Promise<number>;
}

export async function startMcp(extraArgs: string[] = []): Promise<McpSession> {
  if (!existsSync(join(root, 'dist', 'mcp', 'index.js'))) {
    throw new Error('dist/mcp is missing: build first with `npx tsc -p tsconfig.build.json` (npm test does it)');
  }
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(root, 'bin', 'kb.js'), 'mcp', ...extraArgs],
    cwd: root,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'exchange-kb-test', version: '0.0.0' });
  await client.connect(transport, { timeout: 20_000 });
  return {
    client,
    transport,
    stderr: () => stderr,
    async close() {
      const started = performance.now();
      await client.close();
      return performance.now() - started;
    },
  };
}

/** The text of a tool result (all text blocks joined). */
export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** Calls a tool; the SDK's client also checks structuredContent against the tool's outputSchema. */
export async function call(session: McpSession, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await session.client.callTool({ name, arguments: args }, undefined, { timeout: 10_000 })) as CallToolResult;
}
