import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Holds } from '../holds';
import type { TaskToWaitFor, WaitMode } from '../waiting';

export type LinkrResource = 'task' | 'account';

/**
 * An operation either outputs at once (Get Info with a hold pool: an item per hold), or hands a submitted task to the router in the item's wait mode: the router
 * polls all tasks together (`poll`) or puts the execution to sleep until LinkrAPI calls back (`callback`).
 */
export type OperationResult =
	| { kind: 'output'; items: INodeExecutionData[] }
	| { kind: Exclude<WaitMode, 'none'>; task: TaskToWaitFor };

/** A node parameter of the item at hand: in execute() for item i, or after a pause for the one item that paused. */
export type ReadParameter = (name: string, fallback?: unknown) => unknown;

export interface LinkrOperation {
	description: INodeProperties[];
	execute(context: IExecuteFunctions, itemIndex: number, holds: Holds): Promise<OperationResult>;
}
