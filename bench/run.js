// `npm run bench`: every figure and ratio of the five benchmarks, targets beside them.
import { cpus, totalmem } from 'node:os';
import { printHostile, runHostile } from './hostile.js';
import { printHttp, runHttp } from './http.js';
import { printInProcess, runInProcess } from './in-process.js';
import { printScale, runScale } from './scale.js';
import { printStartup, runStartup } from './startup.js';

console.log(`exchange-kb benchmarks — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`);
printInProcess(await runInProcess());
printScale(runScale());
printHttp(await runHttp());
printStartup(runStartup());
printHostile(await runHostile());
