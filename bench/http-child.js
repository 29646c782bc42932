// Starts one server for the HTTP benchmark on 127.0.0.1 and prints its URL: `bare` (node:http that
// reads the body and answers, round robin, the very bytes our API gives for the mix's requests, in
// Markdown or with `?format=html` in HTML) or `kb` (the real API on the bundled knowledge base).
import { createServer } from 'node:http';
import { diagnose } from '../dist/engine/diagnose.js';
import { loadKnowledgeBase } from '../dist/engine/knowledge-base.js';
import { renderHtml } from '../dist/render/index.js';
import { mix } from './mix.js';

const kind = process.argv[2];
if (kind === 'bare') {
  const kb = loadKnowledgeBase();
  const answers = { md: [], html: [] };
  for (const r of mix) {
    const result = await diagnose(kb, r);
    answers.md.push(JSON.stringify(result));
    answers.html.push(JSON.stringify({ ...result, causes: result.causes.map((c) => ({ ...c, guidance: renderHtml(c.guidance) })) }));
  }
  let n = 0;
  const server = createServer((req, res) => {
    const list = req.url.includes('format=html') ? answers.html : answers.md;
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const body = list[n++ % list.length];
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
} else {
  const { startServer } = await import('../dist/server/index.js');
  const { url } = await startServer({ host: '127.0.0.1', port: 0, logger: false, limits: { rateLimitMax: 1_000_000_000 } });
  console.log(url);
}
