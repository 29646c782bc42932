#!/usr/bin/env node
// The `kb` command. The TypeScript sources are compiled to dist/ by `npm run build` (run by `npm ci`).
import { main } from '../dist/cli/index.js';
process.exitCode = await main(process.argv);
