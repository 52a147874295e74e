import { ownerFirst, rememberOwner } from '../../../../nodes/shared/hold-ledger/task-owners';

const holds = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

describe('the order in which holds are asked for a task', () => {
	it('asks the named hold, then the remembered maker, then the others, each once', () => {
		rememberOwner('task-1', 'c');

		expect(ownerFirst('task-1', holds, holds[1]).map((hold) => hold.id)).toEqual(['b', 'c', 'a']);
		expect(ownerFirst('task-1', holds, holds[2]).map((hold) => hold.id)).toEqual(['c', 'a', 'b']);
	});

	it('asks in the pool’s order when nothing is named or remembered, or the maker is not in this pool', () => {
		rememberOwner('task-2', 'elsewhere');

		expect(ownerFirst('task-2', holds).map((hold) => hold.id)).toEqual(['a', 'b', 'c']);
		expect(ownerFirst('task-3', holds).map((hold) => hold.id)).toEqual(['a', 'b', 'c']);
	});
});
