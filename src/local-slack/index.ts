/**
 * A local server speaking Slack's Web API, for Pacer's tests and the local sandbox: point
 * @slack/web-api (SLACK_API_URL / slackApiUrl) at `apiUrl` and it answers like Slack, enforcing
 * the limits Pacer must stay within, recording what it was sent, and failing on request.
 */
export { buildLocalSlackServer, LocalSlackServer, startLocalSlack, type LocalSlack } from './local-slack.js';
export { BLOCK_KIT_LIMITS, findBlockProblems, findViewProblems, validateBlocks, validateView, type BlockKitOptions, type BlockProblem, type Surface } from './block-kit.js';
export { LOCAL_SLACK_SCOPES, type LocalSlackScope } from './scopes.js';
export {
  FILE_UPLOAD_ENDPOINT,
  RESPONSE_URL_ENDPOINT,
  type Failure,
  type LocalSlackChannel,
  type LocalSlackOptions,
  type LocalSlackRateLimits,
  type LocalSlackUser,
  type LocalSlackWorkspace,
  type OpenedView,
  type RecordedCall,
  type RecordedResponse,
  type StoredFile,
  type StoredMessage,
  type StoredView,
} from './types.js';
