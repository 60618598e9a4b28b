/** Labels and colours of the change actions, in the order the summary shows them. */
import { ChangeAction } from '../../../shared/model';

/** All actions, in display order. */
export const ACTIONS = ChangeAction.options;

/** Readable label of each action. */
export const ACTION_LABELS: Record<ChangeAction, string> = {
  create: 'Create',
  update: 'Update',
  delete: 'Delete',
  unchanged: 'Unchanged',
  skip: 'Skip',
  held: 'Held',
};

/** A calm colour per action, readable on white (contrast ≥ 4.5:1). */
export const ACTION_COLORS: Record<ChangeAction, string> = {
  create: '#1b6e2e',
  update: '#1f5c99',
  delete: '#b3261e',
  unchanged: '#5c6670',
  skip: '#8a5300',
  held: '#6b3fa0',
};
