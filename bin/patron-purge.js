#!/usr/bin/env node
// Entry point for `npx patron-purge` and `npm run demo`: runs the TypeScript CLI through tsx,
// so a clone works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv);
