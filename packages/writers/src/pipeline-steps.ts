import { FileExportAction } from './actions/file-export-action.js';
import { DefaultPackage } from './packaging/default-package.js';
import { Packager } from './packaging/packager.js';
import { TimeLogger } from './consolidators/time-logger.js';
import { MoveToFolder } from './consolidators/move-to-folder.js';
import { Archive } from './consolidators/archive.js';
import { GenerateEndFile } from './consolidators/generate-end-file.js';
import { CleanFolder } from './consolidators/clean-folder.js';

export { FileExportAction } from './actions/file-export-action.js';
export {
  expandFileName,
  expandPattern,
  hasCounter,
  isSafeName,
  zonedParts,
  UnsafeFileNameError,
  type FileNameValues,
  type ExpandFileNameOptions,
} from './actions/file-name-pattern.js';
export { DefaultPackage } from './packaging/default-package.js';
export { Packager, DEFAULT_OUTPUT_FILE_PATH } from './packaging/packager.js';
export { writeArchive, ARCHIVE_EXTENSIONS, type ArchiveType, type ArchiveEntry } from './packaging/write-archive.js';
export { TimeLogger, timeLogLines } from './consolidators/time-logger.js';
export { MoveToFolder } from './consolidators/move-to-folder.js';
export { Archive } from './consolidators/archive.js';
export { GenerateEndFile } from './consolidators/generate-end-file.js';
export { CleanFolder } from './consolidators/clean-folder.js';

/**
 * The pipeline steps this package contributes: the file action, the default package, the
 * consolidators in their canonical order (timeLogger 1, moveToFolder 2, archive 4,
 * generateEndFile 5, cleanFolder 6 — emailReport, 3, lives elsewhere) and the packager.
 */
export const PIPELINE_STEP_CLASSES = [
  FileExportAction,
  DefaultPackage,
  TimeLogger,
  MoveToFolder,
  Archive,
  GenerateEndFile,
  CleanFolder,
  Packager,
] as const;
