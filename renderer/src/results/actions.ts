/** Labels and colours of the change actions, in the order the summary shows them. */
import { ChangeAction } from '../../../shared/model';
import { theme } from '../theme';

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

/** A calm colour per action, readable on the paper of either colour scheme (CSS variables of the theme). */
export const ACTION_COLORS: Record<ChangeAction, string> = theme.vars!.palette.app.changes;
