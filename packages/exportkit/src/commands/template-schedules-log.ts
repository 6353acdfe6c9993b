import type { Logger } from '@exportkit/core';
import type { TemplateScheduleSync } from '@exportkit/server';

/** Says at start-up which templates' `schedule:` keys changed the scheduler, and which could not be read. */
export function logTemplateSchedules(logger: Logger, command: string, sync: TemplateScheduleSync): void {
  if (sync.scheduled.length > 0)
    logger.info({}, `${command}: schedules set from templates: ${sync.scheduled.join(', ')}`);
  if (sync.removed.length > 0)
    logger.info(
      {},
      `${command}: schedules removed (their template's schedule key is gone): ${sync.removed.join(', ')}`,
    );
  for (const { template, message } of sync.unreadable)
    logger.warn({}, `${command}: template ${template} not read, its schedule left as it was: ${message}`);
}
