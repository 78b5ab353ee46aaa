// `node --import` this file to log every module URL the process loads into
// $WF_TRACE_FILE (one per line). Used to prove what the hook fast path loads.
import { register } from 'node:module';

register('./trace-hooks.mjs', import.meta.url);
