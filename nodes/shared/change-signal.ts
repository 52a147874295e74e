/** A promise that settles at the next change: whoever waits for something to happen awaits `next`. */
export class ChangeSignal {
	private wake: () => void = () => undefined;

	next: Promise<void> = this.fresh();

	notify(): void {
		const wake = this.wake;
		this.next = this.fresh();
		wake();
	}

	private fresh(): Promise<void> {
		return new Promise((resolve) => (this.wake = resolve));
	}
}
