import { Contribution, parameter, type Parameter, type ParameterMetadata } from '@exportkit/core';
import { Param, PROVIDER } from '../names.js';

/** A parameter read by formatters (or by columns' SQL), not a filter. */
abstract class RenderingParameter extends Contribution<ParameterMetadata> implements Parameter {}

@parameter({
  provider: PROVIDER,
  name: Param.dateFormat,
  kind: 'format',
  valueType: { kind: 'string', nonEmpty: true },
  default: 'YYYY-MM-DD',
  description: 'How dates are written: tokens YYYY, YY, MM, DD; anything else is kept as written.',
})
export class DateFormatParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.dateTimeFormat,
  kind: 'format',
  valueType: { kind: 'string', nonEmpty: true },
  default: 'YYYY-MM-DD hh:ii:ss',
  description:
    "How date-times are written: dateFormat's tokens plus hh (hours 00–23), ii (minutes), ss (seconds); HH, II, SS " +
    'mean the same.',
})
export class DateTimeFormatParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.timeZone,
  kind: 'format',
  valueType: { kind: 'timeZone' },
  default: 'UTC',
  description:
    'The time zone in which date-times are written, file names are dated and time frames are computed: an IANA ' +
    'region name (Area/Location, e.g. Europe/Paris) or UTC. Abbreviations (IST, BST…) and legacy names ' +
    '(US/Pacific) are refused: ICU and PostgreSQL read some of them differently.',
})
export class TimeZoneParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.statusFormat,
  kind: 'format',
  valueType: { kind: 'map', keys: ['completed', 'incomplete', 'notAttempted'] },
  default: { completed: 'completed', incomplete: 'incomplete', notAttempted: 'not attempted' },
  defaultText: 'completed / incomplete / not attempted',
  description:
    'Texts written for sessionStatus: child elements completed, incomplete, notAttempted override "completed", ' +
    '"incomplete" and "not attempted".',
})
export class StatusFormatParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.trainingStatusFormat,
  kind: 'format',
  valueType: { kind: 'map', keys: ['underConstruction', 'published', 'archived'] },
  default: { underConstruction: 'C', published: 'P', archived: 'A' },
  defaultText: 'C / P / A',
  description:
    'Texts written for trainingStatus: child elements underConstruction, published, archived override C, P and A.',
})
export class TrainingStatusFormatParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.timeGlobalFormat,
  aliases: ['timeGlobalFormat'],
  kind: 'format',
  valueType: { kind: 'enum', values: ['iso-8601', 'rawSeconds', 'rawMinutes', 'padded', 'paddedhh'] },
  default: 'rawSeconds',
  description:
    'How the time columns are written: iso-8601 (PT1H25M15S, zero is PT0S), rawSeconds (5115), rawMinutes ' +
    '(85.25), padded (001:25, hhh:ii), paddedhh (01:25, hh:ii).',
})
export class SessionTimeGlobalFormatParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.ancestorsWithCurrent,
  kind: 'format',
  valueType: { kind: 'yesno' },
  default: false,
  description: "yes: candidateEntityAncestors ends with the learner's own entity.",
})
export class AncestorsWithCurrentParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.preferredLocales,
  aliases: ['preferredLocales'],
  kind: 'format',
  valueType: { kind: 'list', item: { kind: 'string', nonEmpty: true } },
  default: [],
  defaultText: 'none',
  description:
    'Locales (e.g. fr,en) in order of preference for sessionTitle and trainingTitle: the first locale with a ' +
    "title is used (an item's own title counts for its own locale), else the default title.",
})
export class SessionPreferredLocalesParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.templates,
  kind: 'format',
  valueType: { kind: 'templates' },
  defaultText: 'none',
  description:
    'Templates for templatedValue columns: <template id="N">text with {i}</template>, where {i} is the formatted ' +
    'value of the i-th column of the export, counting from 0.',
})
export class TemplatesParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.stripHtml,
  kind: 'format',
  valueType: { kind: 'string' },
  defaultText: 'off',
  description: 'When not empty: HTML tags are removed from every cell and HTML entities decoded.',
})
export class StripHtmlParameter extends RenderingParameter {}

@parameter({
  provider: PROVIDER,
  name: Param.maxLength,
  kind: 'format',
  valueType: { kind: 'int', min: 1 },
  defaultText: 'off',
  description: 'Crops every cell to this many characters (after stripHTML).',
})
export class MaxLengthParameter extends RenderingParameter {}

export const renderingParameters = [
  DateFormatParameter,
  DateTimeFormatParameter,
  TimeZoneParameter,
  StatusFormatParameter,
  TrainingStatusFormatParameter,
  SessionTimeGlobalFormatParameter,
  AncestorsWithCurrentParameter,
  SessionPreferredLocalesParameter,
  TemplatesParameter,
  StripHtmlParameter,
  MaxLengthParameter,
];
