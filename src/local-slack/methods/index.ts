import { authMethods } from './auth.js';
import { chatMethods } from './chat.js';
import type { MethodDefinition } from './context.js';
import { conversationMethods } from './conversations.js';
import { fileMethods } from './files.js';
import { oauthMethods } from './oauth.js';
import { userMethods } from './users.js';
import { viewMethods } from './views.js';

/** The Web API methods the local server implements; any other name is `unknown_method`. */
export const METHODS: ReadonlyMap<string, MethodDefinition> = new Map(
  Object.entries({
    ...authMethods,
    ...chatMethods,
    ...conversationMethods,
    ...userMethods,
    ...viewMethods,
    ...oauthMethods,
    ...fileMethods,
  }),
);

export type { AuthedContext, CallContext, MethodDefinition, MethodResult } from './context.js';
