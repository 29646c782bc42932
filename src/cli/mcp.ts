import { KbError } from '../engine/errors.ts';
import { defaultMessageLimits, runMcpStdio } from '../mcp/index.ts';

/** Bytes from `131072`, `128kb` or `1mb`; between 1 KiB and 64 MiB like the HTTP body limit. */
function messageLimit(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return defaultMessageLimits.maxBytes;
  const m = /^(\d{1,12})\s*(kb|k|mb|m)?$/i.exec(value.trim());
  const unit = (m?.[2] ?? '').toLowerCase();
  const n = m ? Number(m[1]) * (unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1) : Number.NaN;
  if (!(n >= 1024 && n <= 64 * 1024 * 1024)) {
    throw new KbError('REQUEST_INVALID', `--message-limit must be a size between 1kb and 64mb, not "${value.trim().slice(0, 50)}".`, { field: '--message-limit' });
  }
  return n;
}

/** `kb mcp`: serves the knowledge base as an MCP tool server on stdin/stdout until stdin closes. */
export async function runMcp(opts: { kb?: string; messageLimit?: string }): Promise<void> {
  const maxBytes = messageLimit(opts.messageLimit ?? process.env['KB_MCP_MESSAGE_LIMIT']);
  await runMcpStdio({ kbDir: opts.kb, messageLimits: { maxBytes } });
}
