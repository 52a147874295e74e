import { RecentMemory } from '../recent-memory';

const MAX_REMEMBERED = 5000;

/** Which hold made a task (its hash of Base URL and key: two pools may give one hold different names). */
const owners = new RecentMemory<string>(MAX_REMEMBERED);

export function rememberOwner(taskId: string, holdId: string): void {
	owners.remember(taskId, holdId);
}

/** Forgets every owner (tests start each case from a fresh n8n process's point of view). */
export function forgetOwners(): void {
	owners.forget();
}

export function rememberedOwner(taskId: string): string | undefined {
	return owners.recall(taskId);
}

/**
 * The order in which to ask holds for a task: the one named (the Hold field, the input item's `hold`, a callback's
 * hint), then the one remembered as its maker, then the others, each once.
 */
export function ownerFirst<H extends { id: string }>(taskId: string, holds: H[], named?: H): H[] {
	const remembered = holds.find((hold) => hold.id === rememberedOwner(taskId));
	const first = [named, remembered].filter((hold): hold is H => hold !== undefined);
	return [...new Set([...first, ...holds])];
}
