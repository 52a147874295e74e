import type { IHookFunctions } from 'n8n-workflow';

/**
 * LinkrAPI has no webhook registration API: the callback URL travels with each job (`webhook_url`), so there is
 * nothing to create, check or delete when a workflow is activated or deactivated. `checkOnActivation` refuses to
 * activate a node that is set up wrongly (the Trigger's Secret Token).
 */
export function noRegistrationWebhookMethods(checkOnActivation: (context: IHookFunctions) => void = () => undefined) {
	return {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				checkOnActivation(this);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				checkOnActivation(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};
}
