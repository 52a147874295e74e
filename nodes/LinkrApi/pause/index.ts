/**
 * Pause Until Callback's one door: going to wait with a resume URL of this pause's own, and resuming when LinkrAPI
 * calls it.
 */
export { checkPauseIsPossible, pauseForCallback } from './pause-for-callback';
export { resumeFromCallback } from './resume-from-callback';
export { callbackResumeUrl } from './resume-url';
