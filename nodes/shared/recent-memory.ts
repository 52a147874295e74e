/**
 * What this n8n process remembers of recent events (runs started, pauses resumed, which hold owns a task), by key:
 * only the latest `capacity` keys are kept, so a flood of callbacks or tasks cannot make it grow.
 */
export class RecentMemory<V> {
	private readonly entries = new Map<string, V>();

	constructor(private readonly capacity: number) {}

	remember(key: string, value: V): void {
		this.entries.delete(key);
		this.entries.set(key, value);
		if (this.entries.size > this.capacity) {
			const oldest = this.entries.keys().next().value;
			if (oldest !== undefined) this.entries.delete(oldest);
		}
	}

	recall(key: string): V | undefined {
		return this.entries.get(key);
	}

	forget(): void {
		this.entries.clear();
	}

	has(key: string): boolean {
		return this.entries.has(key);
	}
}
