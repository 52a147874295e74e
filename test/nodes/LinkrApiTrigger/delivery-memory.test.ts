import { DeliveryMemory } from '../../../nodes/LinkrApiTrigger/delivery-memory';

describe('delivery memory', () => {
	it('knows a task that started a run, whatever its ending, from the static data another process saved', () => {
		const staticData: { seenDeliveries?: string[] } = {};
		new DeliveryMemory(staticData, `saved-${Date.now()}`).remember('t-failed', 'failed');

		const elsewhere = new DeliveryMemory(staticData, `elsewhere-${Date.now()}`);
		expect(elsewhere.hasStarted('t-failed')).toBe(true);
		expect(elsewhere.hasStarted('t-other')).toBe(false);
	});

	it('keeps the newest 500 tasks in the static data', () => {
		const staticData: { seenDeliveries?: string[] } = {};
		const memory = new DeliveryMemory(staticData, `kept-${Date.now()}`);
		for (let n = 0; n <= 500; n++) memory.remember(`t${n}`, 'completed');

		expect(staticData.seenDeliveries).toHaveLength(500);
		expect(staticData.seenDeliveries?.[0]).toBe('t1:completed');
		expect(staticData.seenDeliveries?.at(-1)).toBe('t500:completed');
	});

	it('forgets the oldest in-process task beyond 500', () => {
		const scope = `bounded-${Date.now()}`;
		for (let n = 0; n <= 500; n++) new DeliveryMemory({}, scope).remember(`t${n}`, 'completed');

		// a fresh static data shows no trace of either: only the process remembers
		expect(new DeliveryMemory({}, scope).hasStarted('t0')).toBe(false);
		expect(new DeliveryMemory({}, scope).hasStarted('t500')).toBe(true);
	});

	it('does not take a task id for another that it begins with', () => {
		const staticData = { seenDeliveries: ['a:b:completed'] };
		expect(new DeliveryMemory(staticData, `prefix-${Date.now()}`).hasStarted('a')).toBe(false);
		expect(new DeliveryMemory(staticData, `prefix-${Date.now()}`).hasStarted('a:b')).toBe(true);
	});
});
