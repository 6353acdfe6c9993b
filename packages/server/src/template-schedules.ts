import { parseTemplate } from '@exportkit/core';
import type { RunSchedule, RunSchedules } from './pg-boss-run-queue.js';
import { UnknownTemplateError } from './template-folder.js';
import type { TemplateSource } from './template-source.js';

/** What a sync changed, and the templates it could not read. */
export interface TemplateScheduleSync {
  /** Templates whose schedule was set or changed from their `schedule:` key. */
  scheduled: string[];
  /** Templates whose key-made schedule was removed (the key, or the template, is gone). */
  removed: string[];
  /** Templates that could not be read: their schedule, if any, is left as it is. */
  unreadable: Array<{ template: string; message: string }>;
}

/**
 * Makes the scheduler follow the `schedule:` keys of the templates (folder or database) (at a worker's or
 * serve's start-up): a key sets its template's schedule (replacing one set by hand); a schedule
 * that came from a key goes when the key or the template goes. Schedules set by hand on
 * templates without a key are left alone. Idempotent, so processes starting together agree.
 */
export async function syncTemplateSchedules(
  schedules: RunSchedules,
  templates: TemplateSource,
): Promise<TemplateScheduleSync> {
  const sync: TemplateScheduleSync = { scheduled: [], removed: [], unreadable: [] };
  const current = await currentSchedules(schedules);
  const names = await templates.list();
  for (const template of names) await syncOne(schedules, templates, template, current, sync);
  for (const schedule of current.values()) {
    if (schedule.fromTemplate && !names.includes(schedule.template)) {
      await schedules.unschedule(schedule.template);
      sync.removed.push(schedule.template);
    }
  }
  return sync;
}

/** The same for one template, after it was stored or deleted (a template that is gone: its key-made schedule goes). */
export async function syncTemplateSchedule(
  schedules: RunSchedules,
  templates: TemplateSource,
  template: string,
): Promise<TemplateScheduleSync> {
  const sync: TemplateScheduleSync = { scheduled: [], removed: [], unreadable: [] };
  await syncOne(schedules, templates, template, await currentSchedules(schedules), sync);
  return sync;
}

async function currentSchedules(schedules: RunSchedules): Promise<Map<string, RunSchedule>> {
  return new Map((await schedules.schedules()).map((schedule) => [schedule.template, schedule]));
}

async function syncOne(
  schedules: RunSchedules,
  templates: TemplateSource,
  template: string,
  current: ReadonlyMap<string, RunSchedule>,
  sync: TemplateScheduleSync,
): Promise<void> {
  let wanted: RunSchedule | undefined;
  try {
    const { text, format, file } = await templates.read(template);
    const key = parseTemplate(text, file, format).schedule;
    if (key) wanted = { template, cron: key.cron, timeZone: key.timeZone, fromTemplate: true };
  } catch (error) {
    if (!(error instanceof UnknownTemplateError)) {
      sync.unreadable.push({ template, message: (error as Error).message });
      return;
    }
  }
  const existing = current.get(template);
  if (wanted) {
    if (!existing?.fromTemplate || existing.cron !== wanted.cron || existing.timeZone !== wanted.timeZone) {
      await schedules.schedule(wanted);
      sync.scheduled.push(template);
    }
  } else if (existing?.fromTemplate) {
    await schedules.unschedule(template);
    sync.removed.push(template);
  }
}
