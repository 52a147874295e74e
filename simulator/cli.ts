/**
 * `npm run simulator -- --port 4010 [options]`: runs the simulator until SIGINT/SIGTERM.
 * Run with `--help` for the options; the README explains prompt tokens and the `/__sim/` endpoints.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import {
	DEFAULT_KEY,
	startSimulator,
	type FaultRule,
	type HoldMode,
	type HoldSettings,
	type Simulator,
	type SimulatorOptions,
	type TaskOutcome,
} from './index';
import { holdOf } from './holds';
import { DEFAULTS, TASK_OUTCOMES } from './options';

const USAGE = `Usage: npm run simulator -- [options]

  --port <n>              API port (default 4010; 0 = any free port)
  --cdn-port <n>          image CDN port (default 0 = any free port)
  --host <address>        listen address (default 127.0.0.1)
  --key <lkr_…>           accepted bearer key; repeat for several (default: the built-in key)
  --task-ms <ms>          running time of one task (default 6000)
  --concurrency <n>       running tasks per key (default 3)
  --queue-limit <n>       tasks allowed to wait per key; a submit beyond answers 429 (default: no limit)
  --hold <key[:settings]> a hold (key) with its own settings; repeatable, e.g.
                            --hold lkr_…:concurrency=12,queue=10
                            --hold lkr_…:mode=relax,speed=3,submit-fault=403,task-fault=fail:account-banned
                          settings: concurrency, queue, mode (fast|relax|turbo), speed, submit-fault (status),
                          fetch-fault (status), info-fault (status), task-fault (outcome)
  --holds-file <path>     JSON of holds: {"lkr_…": {"concurrency": 3, "mode": "relax", …}, …}; --hold adds to it
  --upscale-ms <ms>       median running time of an upscale (default: --task-ms)
  --spread <sigma>        log-normal spread of running times, e.g. 0.4 (default 0: all the same)
  --key-speed <key=f>     running times of that key × f, e.g. a relax hold =3; repeatable
  --seed <n>              seed of the running-time draws (default 1)
  --old-vocabulary        statuses pending → processing → completed
  --info-delay-ms <ms>    delay of GET /v1/info (default 2000)
  --webhook-retry-ms <list>  delays before webhook retries, e.g. 200,1000,3000
  --submit-fault <spec>   fault rule for POST /imagine and /action, e.g. status=429,every=3,retry-after=2
  --fetch-fault <spec>    fault rule for GET /fetch, e.g. status=502,html  |  slow=2000  |  drop,every=5
  --info-fault <spec>     fault rule for GET /info, e.g. status=502
  --help                  this text
`;

function integer(name: string, value: string): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
	return n;
}

/** `status=429,every=3,retry-after=2,times=5,slow=2000,drop,html` → FaultRule. */
export function parseFaultSpec(name: string, spec: string): FaultRule {
	const rule: FaultRule = {};
	for (const part of spec.split(',').filter(Boolean)) {
		const [field, value = ''] = part.split('=');
		if (field === 'drop') rule.drop = true;
		else if (field === 'html') rule.html = true;
		else if (field === 'status') rule.status = integer(name, value);
		else if (field === 'every') rule.every = integer(name, value);
		else if (field === 'times') rule.times = integer(name, value);
		else if (field === 'slow') rule.slowMs = integer(name, value);
		else if (field === 'retry-after') rule.retryAfterSeconds = integer(name, value);
		else
			throw new Error(`--${name}: unknown field "${field}" (use status, every, times, slow, retry-after, drop, html)`);
	}
	return rule;
}

function holdMode(value: string): HoldMode {
	if (value !== 'fast' && value !== 'relax' && value !== 'turbo') {
		throw new Error(`--hold mode must be fast, relax or turbo, got "${value}"`);
	}
	return value;
}

function holdSpeed(value: string): number {
	const speed = Number(value);
	if (!(speed > 0)) throw new Error(`--hold speed must be a number > 0, got "${value}"`);
	return speed;
}

function taskOutcome(value: string): TaskOutcome {
	if (!(TASK_OUTCOMES as readonly string[]).includes(value)) {
		throw new Error(`--hold task-fault must be one of ${TASK_OUTCOMES.join(', ')}, got "${value}"`);
	}
	return value as TaskOutcome;
}

/** Each `--hold` setting and the hold field it sets. */
const HOLD_SETTINGS: Record<string, (value: string) => HoldSettings> = {
	'concurrency': (value) => ({ concurrency: integer('hold', value) }),
	'queue': (value) => ({ queueLimit: integer('hold', value) }),
	'mode': (value) => ({ mode: holdMode(value) }),
	'speed': (value) => ({ speed: holdSpeed(value) }),
	'submit-fault': (value) => ({ submitFaults: { status: integer('hold', value) } }),
	'fetch-fault': (value) => ({ fetchFaults: { status: integer('hold', value) } }),
	'info-fault': (value) => ({ infoFaults: { status: integer('hold', value) } }),
	'task-fault': (value) => ({ taskFaults: { outcome: taskOutcome(value) } }),
};

/** `lkr_…:concurrency=3,queue=5,mode=relax,speed=3,submit-fault=403,task-fault=fail:account-banned` → key, settings. */
export function parseHoldSpec(spec: string): [key: string, settings: HoldSettings] {
	const colon = spec.indexOf(':');
	const key = colon < 0 ? spec : spec.slice(0, colon);
	if (!key) throw new Error(`--hold needs a key first, e.g. lkr_…:concurrency=3, got "${spec}"`);
	const settings: HoldSettings = {};
	for (const part of (colon < 0 ? '' : spec.slice(colon + 1)).split(',').filter(Boolean)) {
		const [field, value = ''] = part.split('=');
		const parse = Object.hasOwn(HOLD_SETTINGS, field) ? HOLD_SETTINGS[field] : undefined;
		if (!parse) {
			throw new Error(`--hold: unknown setting "${field}" (use ${Object.keys(HOLD_SETTINGS).join(', ')})`);
		}
		Object.assign(settings, parse(value));
	}
	return [key, settings];
}

/** `--holds-file` (a JSON object of holds), then each `--hold` on top. */
function holdOptions(file: string | undefined, specs: string[] | undefined): SimulatorOptions['holds'] | undefined {
	if (file === undefined && specs === undefined) return undefined;
	const holds: Record<string, HoldSettings> = {};
	if (file !== undefined) {
		const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
		if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
			throw new Error(`--holds-file must hold a JSON object of key → settings: ${file}`);
		}
		Object.assign(holds, parsed);
	}
	for (const spec of specs ?? []) {
		const [key, settings] = parseHoldSpec(spec);
		holds[key] = { ...holds[key], ...settings };
	}
	return holds;
}

/** `--upscale-ms`, `--spread`, `--key-speed key=factor` (repeatable) and `--seed`. */
function runTimeOptions(values: {
	'upscale-ms'?: string;
	'spread'?: string;
	'key-speed'?: string[];
	'seed'?: string;
}): Partial<SimulatorOptions> {
	const options: Partial<SimulatorOptions> = {};
	if (values['upscale-ms'] !== undefined) options.upscaleDurationMs = integer('upscale-ms', values['upscale-ms']);
	if (values.spread !== undefined) {
		const spread = Number(values.spread);
		if (!Number.isFinite(spread) || spread < 0)
			throw new Error(`--spread must be a number ≥ 0, got "${values.spread}"`);
		options.durationSpread = spread;
	}
	if (values['key-speed']) {
		options.keySpeeds = Object.fromEntries(
			values['key-speed'].map((spec) => {
				const [key, factor] = spec.split('=');
				const speed = Number(factor);
				if (!key || !(speed > 0)) throw new Error(`--key-speed needs key=factor with a factor > 0, got "${spec}"`);
				return [key, speed];
			}),
		);
	}
	if (values.seed !== undefined) options.seed = integer('seed', values.seed);
	return options;
}

export function parseCli(argv: string[]): SimulatorOptions | 'help' {
	const { values } = parseArgs({
		args: argv,
		options: {
			'port': { type: 'string', default: '4010' },
			'cdn-port': { type: 'string', default: '0' },
			'host': { type: 'string', default: '127.0.0.1' },
			'key': { type: 'string', multiple: true },
			'task-ms': { type: 'string' },
			'concurrency': { type: 'string' },
			'queue-limit': { type: 'string' },
			'hold': { type: 'string', multiple: true },
			'holds-file': { type: 'string' },
			'upscale-ms': { type: 'string' },
			'spread': { type: 'string' },
			'key-speed': { type: 'string', multiple: true },
			'seed': { type: 'string' },
			'old-vocabulary': { type: 'boolean', default: false },
			'info-delay-ms': { type: 'string', default: '2000' },
			'webhook-retry-ms': { type: 'string' },
			'submit-fault': { type: 'string' },
			'fetch-fault': { type: 'string' },
			'info-fault': { type: 'string' },
			'help': { type: 'boolean', default: false },
		},
	});
	if (values.help) return 'help';
	const options: SimulatorOptions = {
		port: integer('port', values.port),
		cdnPort: integer('cdn-port', values['cdn-port']),
		host: values.host,
		infoDelayMs: integer('info-delay-ms', values['info-delay-ms']),
		vocabulary: values['old-vocabulary'] ? 'old' : 'new',
	};
	if (values.key) options.keys = values.key;
	if (values['task-ms'] !== undefined) options.taskDurationMs = integer('task-ms', values['task-ms']);
	if (values.concurrency !== undefined) options.concurrency = integer('concurrency', values.concurrency);
	if (values['queue-limit'] !== undefined) options.queueLimit = integer('queue-limit', values['queue-limit']);
	const holds = holdOptions(values['holds-file'], values.hold);
	if (holds) options.holds = holds;
	Object.assign(options, runTimeOptions(values));
	if (values['webhook-retry-ms'] !== undefined) {
		options.webhookRetryDelaysMs = values['webhook-retry-ms']
			.split(',')
			.filter(Boolean)
			.map((v) => integer('webhook-retry-ms', v));
	}
	if (values['submit-fault']) options.submitFaults = parseFaultSpec('submit-fault', values['submit-fault']);
	if (values['fetch-fault']) options.fetchFaults = parseFaultSpec('fetch-fault', values['fetch-fault']);
	if (values['info-fault']) options.infoFaults = parseFaultSpec('info-fault', values['info-fault']);
	return options;
}

function bannerKeys(options: SimulatorOptions): string[] {
	const holdKeys = Object.keys(options.holds ?? {});
	if (options.keys === undefined) return holdKeys.length > 0 ? holdKeys : [DEFAULT_KEY];
	return [...new Set([...options.keys, ...holdKeys])];
}

/** One line per hold with settings: mode, speed, slots and queue limit. */
function holdLines(options: SimulatorOptions): string {
	const config = { ...DEFAULTS, ...options, holds: (options.holds ?? {}) as Record<string, HoldSettings> };
	return Object.keys(config.holds)
		.map((key) => {
			const hold = holdOf(config, key);
			const queue = hold.queueLimit === null ? 'no queue limit' : `up to ${hold.queueLimit} waiting`;
			return `  Hold:       ${key}  ${hold.mode} ×${hold.speed}, ${hold.concurrency} at once, ${queue}\n`;
		})
		.join('');
}

export interface RunningCli {
	sim: Simulator;
	/** Stops the simulator after a signal; resolves once both ports are closed. */
	shutdown: (signal: string) => Promise<void>;
}

/** Starts the simulator from command-line arguments; `log` receives the banner. Undefined after `--help`. */
export async function runCli(
	argv: string[],
	log: (line: string) => void = console.log,
): Promise<RunningCli | undefined> {
	const options = parseCli(argv);
	if (options === 'help') {
		log(USAGE);
		return undefined;
	}
	const sim = await startSimulator(options);
	log(`LinkrAPI simulator listening
  Base URL:   ${sim.url}
  API key:    ${bannerKeys(options).join(', ')}
${holdLines(options)}  Image CDN:  ${sim.cdnUrl}
  Inspect:    ${sim.url.replace(/\/api\/v1$/, '')}/__sim/inspect`);
	return {
		sim,
		shutdown: async (signal) => {
			log(`${signal} received, stopping the simulator`);
			await sim.stop();
		},
	};
}

async function main(): Promise<void> {
	const running = await runCli(process.argv.slice(2));
	if (!running) return;
	const onSignal = (signal: NodeJS.Signals) => {
		running.shutdown(signal).then(
			() => process.exit(0),
			(error: Error) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
}

if (require.main === module) {
	main().catch((error: Error) => {
		console.error(`Simulator failed to start: ${error.message}`);
		process.exit(1);
	});
}
