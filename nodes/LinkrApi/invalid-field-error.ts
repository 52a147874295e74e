/**
 * A field the user filled in cannot be used. Validators throw it without knowing the node or the item;
 * actions/item-errors.ts turns it into n8n's NodeOperationError with both, in one place, when it ends the node.
 */
export class InvalidFieldError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'InvalidFieldError';
	}
}
