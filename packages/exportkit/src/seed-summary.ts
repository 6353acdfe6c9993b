import type { SeedSummary } from '@exportkit/synthetic-data';

/** The generator's summary as people read it: one table per line, counts grouped, then the time. */
export function formatSeedSummary(target: string, summary: SeedSummary): string {
  const counts: Array<[string, number]> = [
    ['entities', summary.entities],
    ['learners', summary.learners],
    ['custom field values', summary.learnerCustomFieldValues],
    ['smartgroup members', summary.smartgroupMembers],
    ['publishers', summary.publishers],
    ['trainings', summary.trainings],
    ['sessions', summary.sessions],
    ['activities', summary.activities],
    ['registrations', summary.registrations],
    ['trackings', summary.trackings],
    ['tracking days', summary.trackingDays],
  ];
  const width = Math.max(...counts.map(([name]) => name.length));
  const lines = counts.map(([name, n]) => `  ${name.padEnd(width)}  ${n.toLocaleString('en-US').padStart(12)}`);
  return (
    `seeded ${target} (seed ${summary.seed}, last day of activity ${summary.anchor}) in ${(summary.elapsedMs / 1000).toFixed(1)} s:\n` +
    `${lines.join('\n')}\n`
  );
}
