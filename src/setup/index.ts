export { runDoctor } from './doctor.js';
export { installHooks, uninstallHooks } from './hook-install.js';
export { initRepository } from './init.js';
export { generateAttestationKey, type GeneratedKey } from './keygen.js';
