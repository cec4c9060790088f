export { runKeyManagerContract, rejectsWith, type KeyManagerHarness } from './key-manager-contract.js';
