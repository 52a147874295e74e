/**
 * Holds' one door: the holds a node sends jobs to, its one-hold credential or the holds of a hold pool (which one
 * takes each new job, failover, which one owns a task).
 */
export { holdsForExecution, namedHold, pinnedHold, type Holds } from './execution-holds';
