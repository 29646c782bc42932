import { runMcpStdio } from '../mcp/index.ts';

/** `kb mcp`: serves the knowledge base as an MCP tool server on stdin/stdout until stdin closes. */
export async function runMcp(opts: { kb?: string }): Promise<void> {
  await runMcpStdio({ kbDir: opts.kb });
}
