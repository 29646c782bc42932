// Starts one server for the HTTP benchmark on 127.0.0.1 and prints its URL: `bare` (node:http with a
// fixed JSON body, the same bytes our API answers) or `kb` (the real API on the bundled knowledge base).
import { createServer } from 'node:http';
import { diagnose } from '../dist/engine/diagnose.js';
import { loadKnowledgeBase } from '../dist/engine/knowledge-base.js';

const kind = process.argv[2];
const body = JSON.parse(process.argv[3]);
if (kind === 'bare') {
  const fixed = JSON.stringify(await diagnose(loadKnowledgeBase(), body));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(fixed) });
      res.end(fixed);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
} else {
  const { startServer } = await import('../dist/server/index.js');
  const { url } = await startServer({ host: '127.0.0.1', port: 0, logger: false, limits: { rateLimitMax: 1_000_000_000 } });
  console.log(url);
}
