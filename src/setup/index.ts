export { runDoctor } from './doctor.js';
export { installHooks, missingHooks, uninstallHooks, type HookHealth } from './hook-install.js';
export { initRepository } from './init.js';
export { generateAttestationKey, type GeneratedKey } from './keygen.js';
