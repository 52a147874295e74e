import type { IHookFunctions } from 'n8n-workflow';

/**
 * LinkrAPI has no webhook registration API: the callback URL travels with each job (`webhook_url`), so there is
 * nothing to create, check or delete when a workflow is activated or deactivated.
 */
export const noRegistrationWebhookMethods = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
