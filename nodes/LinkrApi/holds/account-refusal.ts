/**
 * Midjourney's own refusals of an account, which LinkrAPI reports as a failed task (its documented causes: an
 * inactive subscription, a banned or restricted account). Not a prompt banned by the content filter, and not the
 * one-time "Thank you for subscribing" embed, after which a retry succeeds.
 */
const ACCOUNT_REFUSAL =
	/subscription (is )?(inactive|expired|ended|cancell?ed)|no active (midjourney )?subscription|account (has been |is )?(banned|suspended|restricted|disabled)|\b(banned|suspended|restricted|disabled) (discord )?account/i;

export function isAccountRefusal(error: string | null | undefined): boolean {
	return typeof error === 'string' && ACCOUNT_REFUSAL.test(error);
}
