import type { Simulator } from '../../../simulator';

/** A batch's prompts start with its label and a space, so the simulator's records tell batches apart. */
const isOfBatch = (prompt: string | undefined, label: string) => String(prompt).startsWith(`${label} `);

/** How many of the batch's prompts reached `POST /imagine` (a restart that submits again counts twice). */
export function imagineSubmitsOf(sim: Simulator, label: string): number {
	return sim
		.inspect()
		.requests.filter(
			(request) => request.route === 'POST /imagine' && isOfBatch((request.body as { prompt?: string }).prompt, label),
		).length;
}

/** The batch's task ids once all `count` prompts were submitted and one of its tasks was checked; else undefined. */
export function submittedAndChecked(sim: Simulator, label: string, count: number): string[] | undefined {
	const { tasks, requests } = sim.inspect();
	const ours = tasks.filter((task) => isOfBatch(task.prompt, label));
	const checked = requests.some(
		(request) => request.route === 'GET /fetch' && ours.some((task) => request.path.endsWith(`/${task.task_id}`)),
	);
	return ours.length === count && checked ? ours.map((task) => task.task_id) : undefined;
}
