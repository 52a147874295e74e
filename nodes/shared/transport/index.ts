export { DEFAULT_BASE_URL, isLoopbackBaseUrl, normaliseBaseUrl } from './base-url';
export { CREDENTIAL_NAME, isLoopbackApi, linkrApiRequest, type LinkrContext, type LinkrRequest } from './request';
