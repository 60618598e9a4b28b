/**
 * `mdsync test`: the plan of a synchronization, nothing written but its history entry.
 *
 * Same flags and output as `mdsync sync` (see sync.ts); exits 0 even when the plan would hold
 * deletes, since nothing was refused: the line on stderr says what a sync would do with them.
 */
import type { Command } from '../io';
import { makeRunCommand } from './sync';

/** `mdsync test`. */
export const testCommand: Command = makeRunCommand(true);
