/**
 * What a community node gets from a given n8n, where it differs between the versions the compatibility suite runs
 * (test/compat). Established by running the suite and by reading the published n8n-core packages (the first
 * version listed as "present" is the oldest one checked that has it; the registry here lacks some in between).
 */
export interface N8nCapabilities {
	/**
	 * `$execution.resumeUrl` carries a per-execution token (`?signature=…`) and n8n answers 401 to a call of
	 * `/webhook-waiting/<id>` without it. Absent in 1.123.x, 2.8.x and 2.11.x; present in 2.14.x and later.
	 * Without it n8n passes every call of the resume URL to the node.
	 */
	signedResumeUrls: boolean;
	/**
	 * Nodes read and write the execution's custom data as `this.customData`, in the execute context and in the
	 * webhook that resumes a paused execution. Absent in 1.123.x and 2.15.x; present in 2.16.x and later. (1.123
	 * has `$execution.customData` for expressions only, and its methods return nothing inside a resume webhook.)
	 */
	nodeCustomData: boolean;
	/**
	 * The credential test shows the message of a credential's `responseCode` rule (e.g. 401 → the credential's own
	 * text). Absent in 1.123.x: its ExecutionBaseError declares a `cause` class field that resets the cause `super()`
	 * set, so the tester never sees the HTTP status and shows NodeApiError's generic text ("Authorization failed -
	 * please check your credentials"). Present in 2.40.x and later (versions between not checked).
	 */
	credentialTestRuleMessages: boolean;
	/**
	 * Workflows are published (2.x's "Publish" replaced 1.x's "Active" toggle), and n8n runs an error workflow, or lets
	 * a published workflow call a sub-workflow, only when that workflow is published too. 1.x runs both unactivated
	 * and refuses to activate a workflow whose only trigger is an Error Trigger or "When Executed by Another
	 * Workflow". Absent in 1.123.x; present in 2.40.x and 2.41.x (earlier 2.x not checked).
	 */
	workflowPublishing: boolean;
	/**
	 * Queue mode: when a worker dies, n8n puts its running jobs back in the queue once and another worker runs them
	 * again, from the execution's last saved state (`QUEUE_WORKER_MAX_STALLED_COUNT`, default 1). Without it (2.x
	 * hard-codes 0) the job fails, and the process that queued it saves the execution as failed with an empty run,
	 * over any saved progress. Present in 1.123.x; absent in 2.40.x (earlier 2.x not checked).
	 */
	queueRerunsDeadWorkersJobs: boolean;
}

/** Compares dotted versions numerically ("1.123.81" < "2.14.0"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
	const parts = (version: string) =>
		version
			.split('-')[0]
			.split('.')
			.map((part) => Number(part) || 0);
	const [left, right] = [parts(a), parts(b)];
	for (let index = 0; index < Math.max(left.length, right.length); index++) {
		const difference = (left[index] ?? 0) - (right[index] ?? 0);
		if (difference !== 0) return difference;
	}
	return 0;
}

export function capabilitiesOf(n8nVersion: string): N8nCapabilities {
	return {
		signedResumeUrls: compareVersions(n8nVersion, '2.14.0') >= 0,
		nodeCustomData: compareVersions(n8nVersion, '2.16.0') >= 0,
		credentialTestRuleMessages: compareVersions(n8nVersion, '2.40.0') >= 0,
		workflowPublishing: compareVersions(n8nVersion, '2.0.0') >= 0,
		queueRerunsDeadWorkersJobs: compareVersions(n8nVersion, '2.0.0') < 0,
	};
}
