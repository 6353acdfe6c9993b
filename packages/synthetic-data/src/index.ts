export { seed, REGISTRATIONS_PER_LEARNER } from './seed.js';
export type { SeedOptions, SeedProgress, SeedSummary } from './seed.js';
