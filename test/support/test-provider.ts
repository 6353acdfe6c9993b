import {
  column,
  parameter,
  provider,
  relation,
  pluginModule,
  sql,
  rawSql,
  SqlColumn,
  SqlRelation,
  Contribution,
  type Parameter,
  type ParameterMetadata,
  type QueryScope,
  type Relation,
  type RelationMetadata,
  type SqlFragment,
} from '@exportkit/core';

/*
 * A small provider over two plain tables, defined in the test itself, so that core's registry,
 * composer and engine are tested without the real plugins.
 */

@provider({
  name: 'demo',
  element: 'demoProvider',
  description: 'demo rows',
  baseTable: 'demo_items',
  baseAlias: 'item',
  orderBy: 'item.id',
  formatting: { dateFormat: 'dateFormat', dateTimeFormat: 'dateTimeFormat', timeZone: 'timeZone' },
})
export class DemoProvider extends Contribution<never> {}

@relation({
  provider: 'demo',
  name: 'owner',
  description: 'owner',
  join: 'LEFT JOIN demo_owners AS {alias} ON {alias}.id = item.owner_id',
})
export class OwnerRelation extends SqlRelation {}

@relation({
  provider: 'demo',
  name: 'boss',
  description: "owner's boss",
  dependsOn: ['owner'],
  join: 'LEFT JOIN demo_owners AS {alias} ON {alias}.id = owner.boss_id',
})
export class BossRelation extends SqlRelation {}

@relation({ provider: 'demo', name: 'tagged', description: 'a tag by name', args: ['tag'] })
export class TaggedRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string, args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment {
    scope.use('owner');
    return sql`LEFT JOIN (SELECT ${args['tag']}::text AS tag) AS ${rawSql(alias)} ON owner.name <> ''`;
  }
}

@column({ provider: 'demo', name: 'itemId', type: 'int', description: 'id', sql: 'item.id' })
export class ItemIdColumn extends SqlColumn {}

@column({
  provider: 'demo',
  name: 'itemLabel',
  aliases: ['label'],
  type: 'string',
  description: 'label',
  sql: 'item.label',
})
export class ItemLabelColumn extends SqlColumn {}

@column({ provider: 'demo', name: 'itemAt', type: 'datetime', description: 'when', sql: 'item.at' })
export class ItemAtColumn extends SqlColumn {}

@column({ provider: 'demo', name: 'itemDay', type: 'date', description: 'day', sql: 'item.day' })
export class ItemDayColumn extends SqlColumn {}

@column({ provider: 'demo', name: 'itemScore', type: 'float', description: 'score', sql: 'item.score' })
export class ItemScoreColumn extends SqlColumn {}

@column({ provider: 'demo', name: 'itemRatio', type: 'float', description: '1 / score', sql: '1 / item.score' })
export class ItemRatioColumn extends SqlColumn {}

@column({
  provider: 'demo',
  name: 'ownerName',
  type: 'string',
  description: 'owner',
  relations: ['owner'],
  sql: 'owner.name',
})
export class OwnerNameColumn extends SqlColumn {}

@column({
  provider: 'demo',
  name: 'bossName',
  type: 'string',
  description: 'boss',
  relations: ['boss'],
  sql: 'boss.name',
})
export class BossNameColumn extends SqlColumn {}

@column({ provider: 'demo', name: 'tagValue', type: 'string', description: 'tag', value: 'required' })
export class TagValueColumn extends SqlColumn {
  override select(use: { spec: { value?: string } }, scope: QueryScope): SqlFragment {
    const alias = scope.use('tagged', { tag: use.spec.value ?? '' });
    return { sql: `${alias}.tag`, bindings: [] };
  }
}

@parameter({
  provider: 'demo',
  name: 'dateFormat',
  kind: 'format',
  valueType: { kind: 'string' },
  description: 'date format',
  default: 'YYYY-MM-DD',
})
export class DateFormatParameter extends Contribution<ParameterMetadata> implements Parameter {}

@parameter({
  provider: 'demo',
  name: 'dateTimeFormat',
  kind: 'format',
  valueType: { kind: 'string' },
  description: 'datetime format',
  default: 'YYYY-MM-DD hh:ii:ss',
})
export class DateTimeFormatParameter extends Contribution<ParameterMetadata> implements Parameter {}

@parameter({
  provider: 'demo',
  name: 'timeZone',
  kind: 'format',
  valueType: { kind: 'timeZone' },
  description: 'zone',
  default: 'UTC',
})
export class TimeZoneParameter extends Contribution<ParameterMetadata> implements Parameter {}

@parameter({
  provider: 'demo',
  name: 'ownerNames',
  aliases: ['owners'],
  kind: 'filter',
  valueType: { kind: 'list', item: { kind: 'string' } },
  description: 'owners',
})
export class OwnerNamesParameter extends Contribution<ParameterMetadata> implements Parameter {
  where(value: unknown, scope: QueryScope): SqlFragment | undefined {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    return sql`${rawSql(scope.use('owner'))}.name = ANY(${value}::text[])`;
  }
}

@parameter({
  provider: 'demo',
  name: 'exclusive',
  kind: 'option',
  valueType: { kind: 'yesno' },
  default: false,
  incremental: true,
  description: 'one run at a time',
})
export class ExclusiveParameter extends Contribution<ParameterMetadata> implements Parameter {}

export const demoClasses = [
  DemoProvider,
  OwnerRelation,
  BossRelation,
  TaggedRelation,
  ItemIdColumn,
  ItemLabelColumn,
  ItemAtColumn,
  ItemDayColumn,
  ItemScoreColumn,
  ItemRatioColumn,
  OwnerNameColumn,
  BossNameColumn,
  TagValueColumn,
  DateFormatParameter,
  DateTimeFormatParameter,
  TimeZoneParameter,
  OwnerNamesParameter,
  ExclusiveParameter,
];

export const demoPlugin = pluginModule(demoClasses);
