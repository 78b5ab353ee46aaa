// `node --import` this file to log every module the process loads into
// $WF_TRACE_FILE (one URL per line): ES modules through a resolve hook, and
// CommonJS ones (the fast path's bundles are CommonJS) through require's
// resolver, which module hooks do not see on Node 20. Used to prove what the
// hook fast path loads.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

register('./trace-hooks.mjs', import.meta.url);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function traced(...args) {
  const file = resolveFilename.apply(this, args);
  if (process.env.WF_TRACE_FILE && isAbsolute(file)) appendFileSync(process.env.WF_TRACE_FILE, `${pathToFileURL(file).href}\n`);
  return file;
};
