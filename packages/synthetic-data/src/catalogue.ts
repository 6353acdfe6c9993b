/**
 * The small tables of a synthetic dataset, built in memory from the catalogue's random stream:
 * the entity tree, custom fields, smartgroups, publishers, trainings and their sessions and
 * activities, with translations. Their sizes follow the requested number of learners and
 * registrations.
 */
import type { Faker } from '@faker-js/faker';
import {
  ACTIVITY_TYPES,
  DEPARTMENT_FIELD_GUID,
  MODALITIES,
  TRAINING_STATUSES,
  type ActivityType,
  type Modality,
  type TrainingStatus,
} from '@exportkit/db';
import { Domain, Rng, cumulative, guidFor } from './random.js';
import {
  ACTIVITY_TITLES,
  CHAPTERS,
  CITIES,
  CUSTOM_FIELDS,
  DEPARTMENTS,
  DURATIONS,
  LOCALES,
  PUBLISHERS,
  REGIONS,
  SESSION_WORDS,
  SMARTGROUPS,
  SUB_TEAMS,
  TITLE_PATTERNS,
  TOPICS,
  type Locale,
} from './vocabulary.js';

export const DAY_S = 86_400;

/** Table numbers for GUIDs. */
export const enum GuidTable {
  Entity = 1,
  Learner = 2,
  CustomField = 3,
  Smartgroup = 4,
  Publisher = 5,
  Training = 6,
  Session = 7,
  Activity = 8,
  Registration = 9,
}

export interface Entity {
  id: number;
  guid: string;
  name: string;
  parentId: number | null;
  depth: number;
  company: number;
  region: number;
  department: string | null;
}

export interface Company {
  name: string;
  domain: string;
}

export interface Activity {
  id: number;
  guid: string;
  title: string;
  type: ActivityType;
  mandatory: boolean;
  points: number;
  publisherId: number | null;
  position: number;
}

export interface Session {
  id: number;
  guid: string;
  trainingId: number;
  title: string;
  locale: Locale;
  startDay: number | null;
  endDay: number | null;
  successThreshold: number | null;
  imported: boolean;
  createdAt: number;
  updatedAt: number;
  activities: Activity[];
  /** Whether the session has any mandatory activity. */
  hasMandatory: boolean;
  /** The training's status, for realism of registrations. */
  trainingStatus: TrainingStatus;
}

export interface Training {
  id: number;
  guid: string;
  title: string;
  locale: Locale;
  pathCode: string | null;
  modality: Modality;
  status: TrainingStatus;
  publisherId: number | null;
  catalogVisible: boolean;
  duration: string | null;
  chapters: string | null;
  imported: boolean;
  hrisSelected: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Catalogue {
  companies: Company[];
  entities: Entity[];
  /** Entities learners are placed in, with cumulative weights. */
  placement: { entityIndex: number[]; cumulative: Float64Array };
  customFields: Array<{ id: number; guid: string; label: string }>;
  smartgroups: Array<{ id: number; guid: string; name: string }>;
  publishers: Array<{ id: number; guid: string; name: string }>;
  trainings: Training[];
  trainingTranslations: Array<{ trainingId: number; locale: Locale; title: string }>;
  sessions: Session[];
  sessionTranslations: Array<{ sessionId: number; locale: Locale; title: string }>;
  /** Cumulative popularity of the sessions, for registrations. */
  sessionPopularity: Float64Array;
  activityCount: number;
}

const CLASSROOM_MODALITIES: ReadonlySet<Modality> = new Set([
  'campus',
  'public_course',
  'blended',
  'mentored_action_learning',
]);

const MODALITY_WEIGHTS: Record<Modality, number> = {
  learning_channel: 25,
  kc: 5,
  distanciel: 12,
  blended: 15,
  campus: 8,
  mentored_action_learning: 3,
  portal: 5,
  serious_game: 4,
  public_course: 5,
  vodeclic: 5,
  learning_feed: 5,
  content_test: 4,
  guided: 4,
};

/** Activity type weights by kind of training (order of ACTIVITY_TYPES, nps excluded: added apart). */
const TYPE_WEIGHTS = {
  classroom: [25, 15, 10, 10, 35, 5, 0],
  blended: [35, 15, 10, 10, 10, 20, 0],
  digital: [55, 20, 10, 10, 0, 5, 0],
};

const LOCALE_WEIGHTS = cumulative([45, 25, 12, 10, 8]);

function titleIn(locale: Locale, topic: number, pattern: number, html: boolean): string {
  const title = TITLE_PATTERNS[locale][pattern]!.replace('{t}', TOPICS[topic]![locale]);
  return html ? `<b>New</b> ${title}` : title;
}

export interface CatalogueSize {
  learners: number;
  registrations: number;
  anchorDay: number;
}

/** Builds the catalogue of a dataset. Deterministic for a seed, sizes and anchor. */
export function buildCatalogue(seed: number, size: CatalogueSize, faker: Faker): Catalogue {
  const rng = Rng.stream(seed, Domain.Catalogue);
  faker.seed(seed);
  const A = size.anchorDay;
  const anchorEnd = (A + 1) * DAY_S - 1;
  const at = (day: number) => day * DAY_S + rng.int(7 * 3600, 19 * 3600);

  // Entity tree: company > division (a region) > team (a department) > sub-team.
  const companyCount = size.learners >= 50_000 ? 3 : size.learners >= 2_000 ? 2 : 1;
  const companies: Company[] = [];
  const entities: Entity[] = [];
  const add = (
    name: string,
    parent: Entity | null,
    company: number,
    region: number,
    department: string | null,
  ): Entity => {
    const id = entities.length + 1;
    const entity: Entity = {
      id,
      guid: guidFor(seed, GuidTable.Entity, id),
      name,
      parentId: parent?.id ?? null,
      depth: parent ? parent.depth + 1 : 1,
      company,
      region,
      department,
    };
    entities.push(entity);
    return entity;
  };
  const placementIndex: number[] = [];
  const placementWeight: number[] = [];
  const place = (entity: Entity, weight: number) => {
    placementIndex.push(entity.id - 1);
    placementWeight.push(weight);
  };
  for (let c = 0; c < companyCount; c++) {
    const name = faker.company.name();
    companies.push({
      name,
      domain: `${
        name
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'company'
      }.example.com`,
    });
    const root = add(name, null, c, 0, null);
    place(root, 0.3);
    const regions = [...REGIONS.keys()];
    // The first company spans the main regions; the others a random few.
    const chosen =
      c === 0 ? regions.slice(0, Math.min(regions.length, 4 + rng.int(0, 2))) : regions.filter(() => rng.chance(0.45));
    if (!chosen.length) chosen.push(rng.int(0, regions.length - 1));
    let firstTeam = true;
    for (const r of chosen) {
      const division = add(`${name} ${REGIONS[r]!.name}`, root, c, r, null);
      place(division, 1.5);
      const departments = DEPARTMENTS.filter(() => rng.chance(0.35));
      if (departments.length < 2)
        departments.push(DEPARTMENTS[rng.int(0, 3)]!, DEPARTMENTS[rng.int(4, DEPARTMENTS.length - 1)]!);
      for (const department of new Set(departments)) {
        const team = add(department, division, c, r, department);
        const subTeams = firstTeam || rng.chance(0.35) ? SUB_TEAMS.filter(() => rng.chance(0.3)) : [];
        if (firstTeam && !subTeams.length) subTeams.push(SUB_TEAMS[0]!);
        firstTeam = false;
        if (subTeams.length) {
          place(team, 2);
          for (const sub of subTeams) place(add(`${department} — ${sub}`, team, c, r, department), 1 + rng.float() * 8);
        } else {
          place(team, 2 + rng.float() * 12);
        }
      }
    }
  }

  const customFields = CUSTOM_FIELDS.map((label, i) => ({
    id: i + 1,
    guid: i === 0 ? DEPARTMENT_FIELD_GUID : guidFor(seed, GuidTable.CustomField, i + 1),
    label,
  }));
  const smartgroups = SMARTGROUPS.map((name, i) => ({
    id: i + 1,
    guid: guidFor(seed, GuidTable.Smartgroup, i + 1),
    name,
  }));
  const publishers = PUBLISHERS.map((name, i) => ({
    id: i + 1,
    guid: guidFor(seed, GuidTable.Publisher, i + 1),
    name,
  }));
  const publisherWeights = cumulative(PUBLISHERS.map((_, i) => (i === 0 ? 6 : 1)));

  // Trainings: enough sessions for every learner's registrations to be distinct.
  const perLearner = size.registrations / Math.max(1, size.learners);
  const trainingCount = Math.max(
    30,
    Math.min(600, Math.round(size.registrations / 2000)),
    Math.ceil(2 * perLearner + 4),
  );
  const modalityWeights = cumulative(MODALITIES.map((m) => MODALITY_WEIGHTS[m]));
  const statusWeights = cumulative([8, 80, 12]);
  const pathCodes = Math.max(3, Math.ceil(trainingCount / 4));
  const trainings: Training[] = [];
  const trainingTranslations: Catalogue['trainingTranslations'] = [];
  const sessions: Session[] = [];
  const sessionTranslations: Catalogue['sessionTranslations'] = [];
  const popularity: number[] = [];
  let activityId = 0;

  for (let t = 0; t < trainingCount; t++) {
    const id = t + 1;
    // The first 13 trainings cover every modality, and the statuses C, P, A in turn.
    const modality = t < MODALITIES.length ? MODALITIES[t]! : MODALITIES[rng.weighted(modalityWeights)]!;
    const status = t < MODALITIES.length ? TRAINING_STATUSES[t % 3]! : TRAINING_STATUSES[rng.weighted(statusWeights)]!;
    const locale = LOCALES[rng.weighted(LOCALE_WEIGHTS)]!;
    const topic = rng.int(0, TOPICS.length - 1);
    const pattern = rng.chance(0.5) ? 0 : rng.int(1, TITLE_PATTERNS.en.length - 1);
    const html = rng.chance(0.03);
    const createdDay = A - rng.int(60, 1100);
    const createdAt = at(createdDay);
    const chapterList = CHAPTERS[locale].filter(() => rng.chance(0.55));
    const chapterStyle = rng.float();
    let chapters: string | null = null;
    if (chapterList.length && rng.chance(0.85)) {
      chapters =
        chapterStyle < 0.6
          ? chapterList.map((c, i) => `${i + 1}. ${c}`).join('\n')
          : chapterStyle < 0.8
            ? chapterList.join('; ')
            : `<ul>${chapterList.map((c) => `<li>${c}</li>`).join('')}</ul>`;
    }
    const training: Training = {
      id,
      guid: guidFor(seed, GuidTable.Training, id),
      title: titleIn(locale, topic, pattern, html),
      locale,
      pathCode: rng.chance(0.8) ? `LP-${String(rng.int(1, pathCodes)).padStart(3, '0')}` : null,
      modality,
      status,
      publisherId: rng.chance(0.85) ? rng.weighted(publisherWeights) + 1 : null,
      catalogVisible: rng.chance(status === 'P' ? 0.8 : 0.3),
      duration: rng.chance(0.9) ? rng.pick(DURATIONS) : null,
      chapters,
      imported: rng.chance(0.1),
      hrisSelected: rng.chance(0.15),
      createdAt,
      updatedAt: Math.min(anchorEnd, createdAt + rng.int(0, (A - createdDay) * DAY_S)),
    };
    trainings.push(training);
    const translated = new Set<Locale>();
    for (const other of LOCALES) {
      if (other === locale || !rng.chance(0.55)) continue;
      translated.add(other);
      trainingTranslations.push({ trainingId: id, locale: other, title: titleIn(other, topic, pattern, html) });
    }

    const kind =
      CLASSROOM_MODALITIES.has(modality) && modality !== 'blended'
        ? 'classroom'
        : modality === 'blended' || modality === 'distanciel' || modality === 'guided'
          ? 'blended'
          : 'digital';
    const typeWeights = cumulative(TYPE_WEIGHTS[kind]);
    const sessionCount = 1 + rng.geometric(0.45, 5);
    for (let s = 0; s < sessionCount; s++) {
      const sessionId = sessions.length + 1;
      const sessionLocale = rng.chance(0.9) ? locale : rng.pick(LOCALES);
      const dated = rng.chance(0.97);
      const earliest = Math.max(createdDay, A - 760);
      const startDay = dated ? earliest + rng.skewedLow(0, A - 20 - earliest) : null;
      const endDay =
        startDay !== null && rng.chance(0.92)
          ? Math.min(A, startDay + rng.pick([1, 2, 5, 14, 30, 90, 180, 365]))
          : null;
      const month = startDay !== null ? new Date(startDay * DAY_S * 1000).toISOString().slice(0, 7) : null;
      const city = rng.pick(CITIES);
      const labelStyle = rng.float();
      const label = (l: Locale) => {
        const words = SESSION_WORDS[l];
        if (kind === 'classroom' && month) return `${city} ${month}`;
        if (labelStyle < 0.5 || !month) return `${words.session} ${String(s + 1).padStart(2, '0')}`;
        return `${labelStyle < 0.8 ? words.cohort : words.class} ${month}`;
      };
      const sessionTitle = (l: Locale) => `${titleIn(l, topic, pattern, html)} — ${label(l)}`;

      // Activities: 3 to 15; the very first session holds every type.
      const count = sessionId === 1 ? rng.int(ACTIVITY_TYPES.length, 12) : rng.int(3, 15);
      const withNps = sessionId === 1 || rng.chance(0.35);
      const zeroPoints = sessionId !== 1 && rng.chance(0.2);
      const noMandatory = sessionId !== 1 && rng.chance(0.1);
      const activities: Activity[] = [];
      const ordinal = new Map<ActivityType, number>();
      for (let position = 1; position <= count; position++) {
        let type: ActivityType;
        if (withNps && position === count) type = 'nps';
        else if (sessionId === 1 && position <= ACTIVITY_TYPES.length - 1) type = ACTIVITY_TYPES[position - 1]!;
        else type = ACTIVITY_TYPES[rng.weighted(typeWeights)]!;
        const n = (ordinal.get(type) ?? 0) + 1;
        ordinal.set(type, n);
        let points: number;
        switch (type) {
          case 'learning_resource':
            points = rng.chance(0.4) ? 0 : rng.pick([5, 10]);
            break;
          case 'assessment':
            points = 5 * rng.int(2, 10);
            break;
          case 'assignment':
            points = 5 * rng.int(4, 8);
            break;
          case 'classroom':
            points = rng.chance(0.3) ? 0 : 10 * rng.int(1, 3);
            break;
          case 'virtual_classroom':
            points = rng.chance(0.3) ? 0 : 5 * rng.int(1, 4);
            break;
          default:
            points = 0;
        }
        if (zeroPoints) points = 0;
        const mandatory =
          !noMandatory && (type === 'nps' ? false : type === 'survey' ? rng.chance(0.3) : rng.chance(0.75));
        const publisherRoll = rng.float();
        activityId++;
        activities.push({
          id: activityId,
          guid: guidFor(seed, GuidTable.Activity, activityId),
          title: rng.pick(ACTIVITY_TITLES[type]![sessionLocale]).replace('{n}', String(n)),
          type,
          mandatory,
          points,
          publisherId:
            publisherRoll < 0.5
              ? training.publisherId
              : publisherRoll < 0.75
                ? rng.weighted(publisherWeights) + 1
                : null,
          position,
        });
      }
      const total = activities.reduce((sum, a) => sum + a.points, 0);
      const threshold =
        total > 0 && rng.chance(0.3)
          ? Math.round(total * (0.5 + rng.float() * 0.4)) + (rng.chance(0.1) ? 0.5 : 0)
          : null;
      const sessionCreated =
        startDay !== null
          ? Math.max(createdAt, (startDay - rng.int(1, 30)) * DAY_S + rng.int(28_800, 64_800))
          : createdAt + DAY_S;
      const session: Session = {
        id: sessionId,
        guid: guidFor(seed, GuidTable.Session, sessionId),
        trainingId: id,
        title: sessionTitle(sessionLocale),
        locale: sessionLocale,
        startDay,
        endDay,
        successThreshold: threshold !== null && threshold <= total ? threshold : threshold !== null ? total : null,
        imported: training.imported ? rng.chance(0.8) : rng.chance(0.05),
        createdAt: Math.min(sessionCreated, anchorEnd),
        updatedAt: Math.min(anchorEnd, sessionCreated + rng.int(0, 200) * DAY_S),
        activities,
        hasMandatory: activities.some((a) => a.mandatory),
        trainingStatus: status,
      };
      sessions.push(session);
      for (const other of LOCALES) {
        if (other === sessionLocale || !(translated.has(other) || other === locale) || !rng.chance(0.7)) continue;
        sessionTranslations.push({ sessionId, locale: other, title: sessionTitle(other) });
      }
      const statusWeight = status === 'P' ? 1 : status === 'A' ? 0.4 : 0.15;
      const u = rng.float();
      popularity.push(statusWeight * (0.1 + 3 * u * u));
    }
  }

  return {
    companies,
    entities,
    placement: { entityIndex: placementIndex, cumulative: cumulative(placementWeight) },
    customFields,
    smartgroups,
    publishers,
    trainings,
    trainingTranslations,
    sessions,
    sessionTranslations,
    sessionPopularity: cumulative(popularity),
    activityCount: activityId,
  };
}
