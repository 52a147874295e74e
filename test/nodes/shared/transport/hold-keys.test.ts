import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { InvalidFieldError } from '../../../../nodes/shared/node-errors';
import { holdNamed, holdsOfPool } from '../../../../nodes/shared/transport/hold-keys';
import { DEFAULT_BASE_URL } from '../../../../nodes/shared/transport/key-destination';

const key = (n: number) => `lkr_${String(n).repeat(32).slice(0, 32)}`;
const pool = (...hold: Array<Record<string, unknown>>) => ({ holds: { hold }, baseUrl: '' });

function problemOf(credentials: Record<string, unknown>): InvalidFieldError {
	try {
		holdsOfPool(credentials as ICredentialDataDecryptedObject);
	} catch (error) {
		return error as InvalidFieldError;
	}
	throw new Error('expected the pool to be refused');
}

describe('holdsOfPool', () => {
	it('reads every hold with its jobs at once and jobs allowed to wait, defaults where left empty', () => {
		const holds = holdsOfPool(
			pool({ name: ' fast-1 ', apiKey: key(1), jobsAtOnce: 12, jobsWaiting: 2 }, { name: 'relax', apiKey: key(2) }),
		);
		expect(holds).toEqual([
			{
				name: 'fast-1',
				apiKey: key(1),
				baseUrl: DEFAULT_BASE_URL,
				id: expect.any(String),
				jobsAtOnce: 12,
				jobsWaiting: 2,
			},
			{
				name: 'relax',
				apiKey: key(2),
				baseUrl: DEFAULT_BASE_URL,
				id: expect.any(String),
				jobsAtOnce: 3,
				jobsWaiting: 0,
			},
		]);
	});

	it('knows a hold by a hash of its Base URL and key, the same in any pool, never holding the key in it', () => {
		const [inOnePool] = holdsOfPool(pool({ name: 'main', apiKey: key(1) }));
		const [inAnother] = holdsOfPool({ ...pool({ name: 'other', apiKey: key(1) }), baseUrl: `${DEFAULT_BASE_URL}/` });
		const [elsewhere] = holdsOfPool({ ...pool({ name: 'main', apiKey: key(1) }), baseUrl: 'http://127.0.0.1:4010' });
		const [otherKey] = holdsOfPool(pool({ name: 'main', apiKey: key(2) }));
		expect(inAnother.id).toBe(inOnePool.id);
		expect(new Set([inOnePool.id, elsewhere.id, otherKey.id]).size).toBe(3);
		expect(inOnePool.id).not.toContain(key(1).slice(4));
	});

	it.each([
		['an empty list', pool(), 'Holds', 'The hold pool has no holds'],
		['no list at all', { baseUrl: '' }, 'Holds', 'The hold pool has no holds'],
		['a hold without a name', pool({ name: ' ', apiKey: key(1) }), 'Name', 'Hold 1 of the hold pool has no Name'],
		[
			'two holds of one name, in any case',
			pool({ name: 'Main', apiKey: key(1) }, { name: 'main', apiKey: key(2) }),
			'Name',
			'Two holds of the hold pool are named "main"',
		],
		[
			'a key without lkr_',
			pool({ name: 'a', apiKey: 'sk-123' }),
			'API Key',
			'The API Key of Hold "a" does not start with lkr_',
		],
		[
			'jobs at once 0',
			pool({ name: 'a', apiKey: key(1), jobsAtOnce: 0 }),
			'Jobs at Once',
			'Jobs at Once of Hold "a" must be a whole number from 1 to 15',
		],
		[
			'jobs at once 16',
			pool({ name: 'a', apiKey: key(1), jobsAtOnce: 16 }),
			'Jobs at Once',
			'Jobs at Once of Hold "a" must be a whole number from 1 to 15',
		],
		[
			'jobs at once 2.5',
			pool({ name: 'a', apiKey: key(1), jobsAtOnce: 2.5 }),
			'Jobs at Once',
			'Jobs at Once of Hold "a" must be a whole number from 1 to 15',
		],
		[
			'jobs waiting -1',
			pool({ name: 'a', apiKey: key(1), jobsWaiting: -1 }),
			'Jobs Allowed to Wait',
			'Jobs Allowed to Wait of Hold "a" must be a whole number from 0 to 50',
		],
	])('refuses %s, naming the field', (_case, credentials, field, message) => {
		const problem = problemOf(credentials);
		expect(problem).toBeInstanceOf(InvalidFieldError);
		expect(problem.field).toBe(field);
		expect(problem.message).toBe(message);
		expect(problem.description).not.toBe('');
	});

	it('never puts a key into a message', () => {
		const problem = problemOf(pool({ name: 'a', apiKey: 'secret-value-123' }));
		expect(`${problem.message} ${problem.description}`).not.toContain('secret-value-123');
	});
});

describe('holdNamed', () => {
	it('finds a hold by its name, without case or surrounding spaces', () => {
		const holds = holdsOfPool(pool({ name: 'Fast One', apiKey: key(1) }, { name: 'relax', apiKey: key(2) }));
		expect(holdNamed(holds, ' fast one ')?.apiKey).toBe(key(1));
		expect(holdNamed(holds, 'other')).toBeUndefined();
	});
});
