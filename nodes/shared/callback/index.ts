/**
 * Callbacks' one door: an untrusted callback → a verified, ended task → the item a Trigger starts with or a paused
 * execution resumes with (handle-callback.ts), and the hold hint a callback URL carries.
 */
export { handleCallback, type CallbackHandling, type Refusal } from './handle-callback';
export { ANSWER_WITHIN_MS } from './answer-in-time';
export { HandlingsInProgress } from './handlings-in-progress';
export { holdHintOf, withHoldHint } from './hold-hint';
