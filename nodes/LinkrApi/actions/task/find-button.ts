import { buttonOfComponent, type MidjourneyButton } from '../../../shared/buttons/midjourney-buttons';
import type { Task, TaskComponent } from '../../../shared/transport';
import { InvalidFieldError } from '../../../shared/node-errors';

/** "Upscale Image 1, Upscale Image 2, Upscale Image 3" reads as "Upscale Image 1–3". */
function joinNames(names: string[]): string {
	const numbersByPrefix = new Map<string, number[]>();
	for (const name of names) {
		const [, prefix = name, number] = /^(.*) ([1-4])$/.exec(name) ?? [];
		const numbers = numbersByPrefix.get(prefix) ?? [];
		if (number && !numbers.includes(Number(number))) numbers.push(Number(number));
		numbersByPrefix.set(prefix, numbers);
	}
	return [...numbersByPrefix]
		.map(([prefix, numbers]) => {
			if (numbers.length === 0) return prefix;
			const sorted = [...numbers].sort();
			const first = sorted[0];
			const last = sorted[sorted.length - 1];
			const range = sorted.length > 2 && last - first === sorted.length - 1;
			return range ? `${prefix} ${first}–${last}` : `${prefix} ${sorted.join(', ')}`;
		})
		.join(', ');
}

function unnamedButton(component: TaskComponent): string {
	const emoji = (component.emoji as { name?: unknown } | undefined)?.name;
	const shown = component.label || (typeof emoji === 'string' ? emoji : '');
	return `"${shown || component.custom_id.split('::').slice(0, 2).join('::')}"`;
}

/** The buttons a task has, by the node's names, then the ones it has no name for by their labels. */
function describeButtons(components: TaskComponent[]): string {
	if (components.length === 0) return 'none (LinkrAPI sent no buttons for it)';
	const named: string[] = [];
	const unnamed: string[] = [];
	for (const component of components) {
		const button = buttonOfComponent(component.custom_id);
		if (button) named.push(button.name);
		else unnamed.push(unnamedButton(component));
	}
	const parts = [named.length > 0 ? joinNames(named) : '', unnamed.length > 0 ? `others ${unnamed.join(', ')}` : ''];
	return parts.filter(Boolean).join('; ');
}

function notThereAdvice(button: MidjourneyButton, components: TaskComponent[]): string {
	const onGrid = components.some((component) => buttonOfComponent(component.custom_id)?.home === 'grid');
	if (button.home === 'upscaled image' && onGrid) {
		return `${button.name} is a button of an upscaled image, and this task is a grid: upscale one of its images first (Action "Upscale Image 1" to "Upscale Image 4"), then choose ${button.name} with the task_id of that upscale.`;
	}
	if (button.onlyOn) return `Midjourney shows ${button.name} only on ${button.onlyOn}.`;
	return `Midjourney did not offer ${button.name} on this task.`;
}

/**
 * The custom_id of a button on a task LinkrAPI just returned. Without it, the error says which buttons the task
 * does have and how to get the one asked for.
 */
export function customIdOfButton(task: Task, button: MidjourneyButton): string {
	const { task_id: taskId, status } = task;
	if (task.state !== 'completed') {
		const ended = task.state === 'failed' || task.state === 'timeout';
		throw new InvalidFieldError(
			'Task ID',
			ended
				? `Task ${taskId} did not complete (status: ${status}), so it has no "${button.name}" button`
				: `Task ${taskId} has no buttons yet: its status is ${status}`,
			ended
				? 'Only a completed task has buttons. Choose a task that completed, or run the job again.'
				: 'Buttons appear when the task has completed. Wait for it first: let the node before this one poll until it finishes (Wait for Completion = Poll Until Finished), or put a Fetch with Poll Until Finished in between.',
		);
	}
	const components = task.components ?? [];
	const component = components.find((candidate) => button.customId.test(candidate.custom_id));
	if (component) return component.custom_id;
	throw new InvalidFieldError(
		'Action',
		`Task ${taskId} has no "${button.name}" button`,
		`Its buttons: ${describeButtons(components)}. ${notThereAdvice(button, components)} Choose one of its buttons, or "Custom (Raw Custom ID)" with a custom_id from the task's actions.`,
	);
}
