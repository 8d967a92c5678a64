import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { defaultBodyLimit, HTTPModuleFunctions, isRawBodyError } from '@slack/bolt';
import type { SqlRunner } from '../db/client.js';
import { firstSightOfSignature } from '../db/slack-request-signatures.js';
import type { Logger } from '../logger.js';
import { checkSlackSignature, isFormEncoded, SLACK_REQUEST_WINDOW_S } from './slack-signature.js';
import { writeJsonError, type SlackHttpListener } from './slack-routes.js';

/** Signatures are kept this much past the window, for clock differences between processes. */
const FORGET_MARGIN_MS = 60_000;

export interface SlackRequestGuardDeps {
  db: SqlRunner;
  logger: Logger;
  signingSecret: string;
}

/**
 * Bolt's receiver behind two checks Bolt lacks: a signed timestamp must lie within 5 minutes of
 * the system clock on either side (Bolt checks only the past), and a command's or interactive
 * request's signature is served once, by whichever process on the database sees it first.
 * The body is read here and left on the request, where Bolt takes it from (`rawBody`).
 */
export function guardSlackRequests(inner: SlackHttpListener, deps: SlackRequestGuardDeps): SlackHttpListener {
  return {
    routes: inner.routes,
    handle: (req, res) => {
      // Only Slack's POSTs are signed; the OAuth pages (GET) are Bolt's alone.
      if (req.method?.toUpperCase() !== 'POST') {
        inner.handle(req, res);
        return;
      }
      admit(req, res, deps)
        .then((admitted) => {
          if (admitted) inner.handle(req, res);
        })
        .catch((err: unknown) => {
          deps.logger.error({ err }, 'Slack request failed');
          if (!res.headersSent) writeJsonError(req, res, 500, 'internal_error', 'Pacer could not process the Slack request; it was logged.');
          else res.end();
        });
    },
  };
}

/** True when the request may go on to Bolt; otherwise it has been answered. */
async function admit(req: IncomingMessage, res: ServerResponse, deps: SlackRequestGuardDeps): Promise<boolean> {
  let body: string;
  try {
    body = (await HTTPModuleFunctions.bufferIncomingMessage(req, defaultBodyLimit)).rawBody.toString();
  } catch (err) {
    if (isRawBodyError(err) && err.statusCode === 413) {
      writeJsonError(req, res, 413, 'payload_too_large', `A Slack request body may not exceed ${defaultBodyLimit} bytes.`);
      return false;
    }
    throw err;
  }
  const formEncoded = isFormEncoded(req.headers['content-type']);
  // Slack's SSL check is unsigned; Bolt answers it and drops anything sent along with it.
  if (formEncoded && parseForm(body).ssl_check === '1') return true;

  const nowMs = Date.now();
  const check = checkSlackSignature({
    signingSecret: deps.signingSecret,
    body,
    signature: req.headers['x-slack-signature'],
    timestamp: req.headers['x-slack-request-timestamp'],
    nowMs,
  });
  if (!check.ok) {
    deps.logger.warn({ reason: check.reason }, 'Slack request refused: bad signature or timestamp');
    writeJsonError(req, res, 401, 'invalid_slack_signature', `The request is not signed with this app's signing secret, or not within ${SLACK_REQUEST_WINDOW_S / 60} minutes of now: ${check.reason}.`);
    return false;
  }
  if (!formEncoded) return true;

  let first: boolean;
  try {
    first = await firstSightOfSignature(deps.db, check.signatureHash, check.signedAt, new Date(nowMs - SLACK_REQUEST_WINDOW_S * 1000 - FORGET_MARGIN_MS));
  } catch (err) {
    deps.logger.error({ err }, 'Slack request refused: the replay check could not reach the database');
    writeJsonError(req, res, 503, 'database_unavailable', 'Pacer could not check the request against replays: its database did not answer. Try again.', { 'retry-after': '5' });
    return false;
  }
  if (!first) {
    deps.logger.warn({ signedAt: check.signedAt.toISOString() }, 'Slack request refused: its signature was already served (a replay)');
    writeJsonError(req, res, 401, 'slack_request_replayed', 'This signed request was already served; Slack signs every request anew.');
    return false;
  }
  return true;
}
