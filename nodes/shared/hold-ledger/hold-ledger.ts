import type { JobKind } from '../buttons/midjourney-buttons';
import { ChangeSignal } from '../change-signal';
import { nextRestMs } from './rest-after-refusal';

/** A job of this process on a hold, from its submission until its end is seen or expected. */
export interface LedgerJob {
	kind: JobKind;
	/** When LinkrAPI accepted it (while it is being submitted: when its place was taken) */
	acceptedAt: number;
	/** It counts on its hold until then at the latest, even if nobody sees its end */
	countedUntil: number;
}

/** A hold that refused: out of rotation for every execution of the process until `until`. */
export interface Rest {
	why: string;
	until: number;
}

/** A job of ours still queued on the hold although fewer of our jobs than its slots were ahead of it. */
export interface OthersBusy {
	taskId: string;
	since: number;
}

interface HoldRecord {
	jobs: Map<string, LedgerJob>;
	rest?: Rest;
	/** The length of the last rest, until a submit succeeds: the next refusal rests twice as long */
	lastRestMs?: number;
	othersBusy?: OthersBusy;
	/** The pool's Jobs at Once, once a pool names the hold: needed to tell another user's load from ours */
	jobsAtOnce?: number;
}

/** LinkrAPI may report a job queued for a moment before Midjourney starts it: only a job queued longer counts. */
const QUEUED_GRACE_MS = 2000;

/**
 * What this n8n process knows of each hold (a Discord account, identified by a hash of its Base URL and key, never by
 * a name), shared by every execution and node: the jobs in flight on it, whether it rests after a refusal, and whether
 * someone else (another process, another tool) is using its slots. Task ids map to their hold, so whoever sees a task
 * (a poll, a Fetch, a callback's verification) can tell the ledger.
 */
export class HoldLedger {
	private readonly holds = new Map<string, HoldRecord>();

	private readonly holdOfTask = new Map<string, string>();

	private placing = 0;

	/** Settles at every change: a job placed, ended or given up, a rest begun, a hold found busy */
	readonly changes = new ChangeSignal();

	/** The hold's slots, as a pool credential states them. */
	knowSlots(holdId: string, jobsAtOnce: number): void {
		this.record(holdId).jobsAtOnce = jobsAtOnce;
	}

	/** The jobs in flight on a hold, oldest first; those past their counting time are dropped. */
	jobsOn(holdId: string, now: number): LedgerJob[] {
		const record = this.holds.get(holdId);
		if (!record) return [];
		this.dropExpired(record, now);
		return [...record.jobs.values()].sort((a, b) => a.acceptedAt - b.acceptedAt);
	}

	/**
	 * Takes a place on the hold for a job about to be submitted, so that every execution's next choice counts it; the
	 * place becomes the task once LinkrAPI accepts it, or is given back.
	 */
	place(holdId: string, kind: JobKind, now: number, countedUntil: number): PlacedJob {
		const record = this.record(holdId);
		const placeholder = `placing #${++this.placing}`;
		record.jobs.set(placeholder, { kind, acceptedAt: now, countedUntil });
		this.changes.notify();
		return {
			accepted: (taskId, acceptedAt, until) => {
				record.jobs.delete(placeholder);
				this.add(holdId, taskId, { kind, acceptedAt, countedUntil: until });
				record.lastRestMs = undefined;
			},
			cancel: () => {
				if (record.jobs.delete(placeholder)) this.changes.notify();
			},
		};
	}

	/** A job submitted without a place taken first (the one-hold credential): it counts all the same. */
	add(holdId: string, taskId: string, job: LedgerJob): void {
		const record = this.record(holdId);
		// A hold no pool places on (a one-hold credential's) is never read: what it holds ends here.
		this.dropExpired(record, job.acceptedAt);
		record.jobs.set(taskId, job);
		this.holdOfTask.set(taskId, holdId);
		this.changes.notify();
	}

	/** Someone in this process saw the task: ended, it frees its slot; running, its hold is not busy with others. */
	seen(taskId: string, state: 'queued' | 'running' | 'ended', now: number): void {
		const holdId = this.holdOfTask.get(taskId);
		const record = holdId === undefined ? undefined : this.holds.get(holdId);
		if (!record || !record.jobs.has(taskId)) return;
		if (state === 'ended') {
			this.drop(record, taskId);
			this.changes.notify();
		} else if (state === 'running') {
			if (record.othersBusy?.taskId === taskId) {
				record.othersBusy = undefined;
				this.changes.notify();
			}
		} else if (!record.othersBusy && this.queuedBehindOthers(record, taskId, now)) {
			record.othersBusy = { taskId, since: now };
			this.changes.notify();
		}
	}

	/** Nobody will see the task's end any more (its waiting stopped): it counts until `until` at the latest. */
	countUntil(taskId: string, until: number): void {
		const holdId = this.holdOfTask.get(taskId);
		const job = holdId === undefined ? undefined : this.holds.get(holdId)?.jobs.get(taskId);
		if (job && job.countedUntil > until) {
			job.countedUntil = until;
			this.changes.notify();
		}
	}

	/** Another user's jobs take the hold's slots: one of ours is queued although ours leave a slot free. */
	othersBusyOn(holdId: string): OthersBusy | undefined {
		return this.holds.get(holdId)?.othersBusy;
	}

	/**
	 * The hold refused (its key, its account, its Discord): it rests, for every execution, twice as long as last time
	 * if no submit succeeded since. A hold already resting keeps its rest. Returns the rest.
	 */
	refused(holdId: string, why: string, now: number): Rest {
		const record = this.record(holdId);
		if (record.rest && record.rest.until > now) return record.rest;
		const restMs = nextRestMs(record.lastRestMs);
		record.lastRestMs = restMs;
		record.rest = { why, until: now + restMs };
		this.changes.notify();
		return record.rest;
	}

	/** The hold's rest, while it lasts. */
	restOf(holdId: string, now: number): Rest | undefined {
		const rest = this.holds.get(holdId)?.rest;
		return rest && rest.until > now ? rest : undefined;
	}

	/** How many tasks the ledger keeps, on every hold: it stays bounded by the jobs in flight. */
	tasksKept(): number {
		return this.holdOfTask.size;
	}

	/** Forgets everything (tests start each case from a fresh n8n process's point of view). */
	forget(): void {
		this.holds.clear();
		this.holdOfTask.clear();
	}

	private record(holdId: string): HoldRecord {
		const existing = this.holds.get(holdId);
		if (existing) return existing;
		const created: HoldRecord = { jobs: new Map() };
		this.holds.set(holdId, created);
		return created;
	}

	private dropExpired(record: HoldRecord, now: number): void {
		for (const [taskId, job] of record.jobs) if (job.countedUntil < now) this.drop(record, taskId);
	}

	private drop(record: HoldRecord, taskId: string): void {
		record.jobs.delete(taskId);
		this.holdOfTask.delete(taskId);
		if (record.othersBusy?.taskId === taskId) record.othersBusy = undefined;
	}

	/** Fewer of our jobs than the hold's slots were accepted before this one, yet it waits: others use the hold. */
	private queuedBehindOthers(record: HoldRecord, taskId: string, now: number): boolean {
		const job = record.jobs.get(taskId);
		if (!job || record.jobsAtOnce === undefined || now - job.acceptedAt < QUEUED_GRACE_MS) return false;
		let ahead = 0;
		for (const other of record.jobs.values()) if (other.acceptedAt < job.acceptedAt) ahead++;
		return ahead < record.jobsAtOnce;
	}
}

/** A place taken on a hold for a job being submitted. */
export interface PlacedJob {
	/** LinkrAPI accepted the job: the place becomes the task, counted until `countedUntil` at the latest */
	accepted(taskId: string, acceptedAt: number, countedUntil: number): void;
	/** The submit failed: the place is given back */
	cancel(): void;
}

/** The one ledger of this n8n process. */
export const holdLedger = new HoldLedger();
