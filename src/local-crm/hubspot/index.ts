/**
 * A local server speaking the HubSpot endpoints Pacer's sync reads, for tests and the sync
 * benchmark: point a hubspot source's `apiUrl` at `url`.
 */
export { startLocalHubSpot, type LocalHubSpot } from './server.js';
export { LocalHubSpotState, OBJECT_TYPES, type ObjectType } from './state.js';
export { seedHubSpot, SEED_DEMO_TYPE, SEED_LEAD_SOURCES, type HubSpotSeedResult } from './seed.js';
export {
  DOCUMENTED_LIMITS,
  scaledLimits,
  type LocalHubSpotFailure,
  type LocalHubSpotLimits,
  type LocalHubSpotOptions,
  type LocalOwner,
  type LocalPipeline,
  type RecordedRequest,
  type RequestHook,
} from './types.js';
