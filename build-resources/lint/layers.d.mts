import type { Linter } from 'eslint';

/** One zone: files under `target` may not import from `from`. */
export declare const LAYER_ZONES: readonly { target: string; from: string[]; message: string }[];
/** The flat-config entry that enforces the zones. */
export declare const layersConfig: Linter.Config;
