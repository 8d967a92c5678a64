/**
 * A local server speaking the Salesforce endpoints Pacer's sync reads, for tests and benchmarks:
 * point a salesforce source's `instanceUrl` at `url`.
 */
export { startLocalSalesforce, type LocalSalesforce } from './server.js';
export { LocalSalesforceState, salesforceId, sfDateTime, type LocalStage, type SObjectName } from './state.js';
export { parseSoql, SoqlError } from './soql.js';
export { seedSalesforce, SEED_DEMO_SUBJECT, SEED_LEAD_SOURCES, stageLabel, type SalesforceSeedResult } from './seed.js';
export { DOCUMENTED_LIMITS, type LocalSalesforceFailure, type LocalSalesforceLimits, type LocalSalesforceOptions, type RecordedRequest, type RequestHook } from './types.js';
