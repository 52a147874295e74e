/** The prompt builder's one door: the Midjourney Parameters field, and the prompt with its flags. */
export { buildPrompt, type MidjourneyParameters } from './midjourney-parameters';
export { midjourneyParametersProperty } from './midjourney-parameters.description';
