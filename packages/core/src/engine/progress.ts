/** Progress of a run, for a progress bar (CLI) or a host's UI. */
export type ProgressEvent =
  | { type: 'export-started'; exportName: string; index: number; of: number }
  /** The run's `export_runs` row exists: its id, for a host that links its own job or request to the run. */
  | { type: 'run-recorded'; exportName: string; runId: number }
  | { type: 'rows'; exportName: string; rows: number; elapsedMs: number }
  /** The planner's estimate of the export's rows (an estimate: the real count may differ). */
  | { type: 'estimate'; exportName: string; rows: number }
  | { type: 'phase'; exportName: string; phase: 'validate' | 'query' | 'write' | 'consolidate' | 'package' | 'deliver' }
  | { type: 'export-finished'; exportName: string; rows: number; files: string[]; elapsedMs: number }
  | { type: 'warning'; message: string }
  /** A line of the run log (timeLogger and other steps). */
  | { type: 'log'; exportName: string; message: string };

export type ProgressListener = (event: ProgressEvent) => void;
