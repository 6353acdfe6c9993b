import {
  ExportkitError,
  parameter,
  rawSql,
  sql,
  type ParameterCheckContext,
  type QueryScope,
  type SqlFragment,
} from '@exportkit/core';
import { Param, PROVIDER, Rel } from '../names.js';
import { LAUNCHED, SessionStatus, sessionStatusExpression } from '../sql/status.js';
import { FilterParameter, OnlyWhenYesParameter } from './filter-parameter.js';

const REPORT_STATUSES = ['notAttempted', 'incomplete', 'completed', 'pendingFeedback'] as const;
type ReportStatus = (typeof REPORT_STATUSES)[number];

@parameter({
  provider: PROVIDER,
  name: 'sessionReportStatus',
  aliases: ['reportStatus'],
  kind: 'filter',
  valueType: {
    kind: 'list',
    item: {
      kind: 'enum',
      values: REPORT_STATUSES,
      synonyms: { 'not attempted': 'notAttempted', not_attempted: 'notAttempted', pending_feedback: 'pendingFeedback' },
    },
  },
  description:
    'Keeps the registrations whose session status is one of these (child elements such as <completed/>, or a ' +
    'comma-separated list): notAttempted, incomplete, completed, or pendingFeedback (an activity awaits feedback).',
})
export class SessionReportStatusParameter extends FilterParameter<ReportStatus[]> {
  protected condition(value: ReportStatus[], scope: QueryScope): SqlFragment | undefined {
    if (value.length === 0) return undefined;
    const parts: SqlFragment[] = [];
    const statuses = value.filter((s) => s !== 'pendingFeedback').map((s) => SessionStatus[s]);
    if (statuses.length) parts.push(sql`(${sessionStatusExpression(scope)}) = ANY(${statuses}::text[])`);
    if (value.includes('pendingFeedback')) {
      parts.push(rawSql(`coalesce(${scope.use(Rel.trackingCounts)}.pending_feedback, false)`));
    }
    return { sql: parts.map((p) => p.sql).join(' OR '), bindings: parts.flatMap((p) => p.bindings) };
  }
}

@parameter({
  provider: PROVIDER,
  name: 'withoutLaunchTime',
  kind: 'filter',
  valueType: { kind: 'yesno' },
  default: false,
  description:
    'no (default): keeps only the registrations where at least one activity was launched; yes: every registration.',
})
export class WithoutLaunchTimeParameter extends FilterParameter<boolean> {
  protected condition(value: boolean): SqlFragment | undefined {
    return value ? undefined : LAUNCHED;
  }

  check(value: unknown, _all: ReadonlyMap<string, unknown>, given: ReadonlySet<string>): string[] {
    if (value === true && given.has(Param.timeFramesScale)) {
      return [
        'warning: withoutLaunchTime = yes has no effect with time frames: the window already excludes registrations without activity',
      ];
    }
    return [];
  }
}

@parameter({
  provider: PROVIDER,
  name: 'onlyFromImportedRegistrations',
  kind: 'filter',
  valueType: { kind: 'yesno' },
  default: false,
  description: 'yes: keeps only the imported registrations.',
})
export class OnlyFromImportedRegistrationsParameter extends OnlyWhenYesParameter {
  protected onlyWhenYes(): SqlFragment {
    return rawSql('registration.imported');
  }
}

@parameter({
  provider: PROVIDER,
  name: 'deltaMode',
  narrows: true,
  kind: 'filter',
  valueType: { kind: 'yesno' },
  default: false,
  incremental: true,
  description:
    'yes: exports only what changed since the last succeeded run of the same export (its guid attribute is ' +
    'required): the registrations whose own updated_at, or that of one of their trackings, is at or after the ' +
    "mark of that run, taken from the database's clock just before its snapshot and moved back to the start of " +
    'the oldest transaction then open (at least once, never lost: a row may come again in the next file). ' +
    'The first run exports everything. Cannot be combined with sessionTimeFramesScale.',
})
export class DeltaModeParameter extends OnlyWhenYesParameter {
  protected onlyWhenYes(scope: QueryScope): SqlFragment {
    if (scope.exportGuid === undefined || scope.exportGuid === '') {
      throw new ExportkitError(
        'deltaMode needs the export\'s guid attribute (<export guid="...">) to find its previous runs',
      );
    }
    const mark = rawSql(`${scope.use(Rel.deltaMark)}.since`);
    return sql`registration.updated_at >= ${mark} OR EXISTS (SELECT 1 FROM trackings t WHERE t.registration_id = registration.id AND t.updated_at >= ${mark})`;
  }

  check(
    value: unknown,
    _all: ReadonlyMap<string, unknown>,
    given: ReadonlySet<string>,
    exportContext: ParameterCheckContext,
  ): string[] {
    if (value !== true) return [];
    const problems: string[] = [];
    if (!exportContext.exportGuid)
      problems.push('deltaMode needs the export\'s guid attribute (<export guid="...">) to find its previous runs');
    if (given.has(Param.timeFramesScale))
      problems.push('deltaMode cannot be combined with sessionTimeFramesScale (timeFramesScale)');
    return problems;
  }
}

export const registrationFilterParameters = [
  SessionReportStatusParameter,
  WithoutLaunchTimeParameter,
  OnlyFromImportedRegistrationsParameter,
  DeltaModeParameter,
];
