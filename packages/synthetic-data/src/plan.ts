/**
 * The learning data of a synthetic dataset, planned learner by learner. Everything about learner i
 * (profile, registrations, trackings, days) is drawn from random streams of its own, so each bulk
 * pass (learners, registrations, trackings, days…) can generate exactly the rows it needs, learner
 * after learner, and memory stays flat whatever the size.
 */
import type { ActivityType, TrackingStatus } from '@exportkit/db';
import { DAY_S, GuidTable, type Activity, type Catalogue, type Entity, type Session } from './catalogue.js';
import { Domain, Rng, guidFor } from './random.js';
import { DEPARTMENTS, JOB_TITLES, LOCALES, REGIONS, type Locale } from './vocabulary.js';

export interface World {
  seed: number;
  anchorDay: number;
  /** Last second of the anchor day. */
  anchorEnd: number;
  /** First day of the two years of activity. */
  windowStartDay: number;
  catalogue: Catalogue;
  learners: number;
  registrations: number;
  /** Registrations of each learner. */
  counts: Uint32Array;
  /** Registrations of the learners before each learner. */
  offsets: Float64Array;
  /** Every `forcedStride`-th registration slot, 7 times, has its last access on one of the 7 last days. */
  forcedStride: number;
}

/** How many registrations each learner gets: exactly `registrations` in all, some learners with none. */
export function registrationCounts(
  seed: number,
  learners: number,
  registrations: number,
  maxPerLearner: number,
): { counts: Uint32Array; offsets: Float64Array } {
  const rng = Rng.stream(seed, Domain.Counts);
  const weights = new Float64Array(learners);
  let total = 0;
  for (let i = 0; i < learners; i++) {
    const w = rng.chance(0.05) ? 0 : 0.25 + rng.float() * 1.5;
    weights[i] = w;
    total += w;
  }
  if (total === 0) {
    weights.fill(1);
    total = learners;
  }
  const counts = new Uint32Array(learners);
  let cumulativeWeight = 0;
  let previous = 0;
  let carry = 0;
  for (let i = 0; i < learners; i++) {
    cumulativeWeight += weights[i]!;
    const upTo = i === learners - 1 ? registrations : Math.floor((registrations * cumulativeWeight) / total);
    let count = upTo - previous + carry;
    previous = upTo;
    carry = 0;
    if (count > maxPerLearner) {
      carry = count - maxPerLearner;
      count = maxPerLearner;
    }
    counts[i] = count;
  }
  // Whatever could not fit (only with very few learners) goes to learners with room.
  for (let i = 0; carry > 0 && i < learners; i++) {
    const room = maxPerLearner - counts[i]!;
    const add = Math.min(room, carry);
    counts[i] = counts[i]! + add;
    carry -= add;
  }
  if (carry > 0)
    throw new Error(
      `cannot place ${registrations} registrations on ${learners} learners with ${maxPerLearner} sessions`,
    );
  const offsets = new Float64Array(learners + 1);
  for (let i = 0; i < learners; i++) offsets[i + 1] = offsets[i]! + counts[i]!;
  return { counts, offsets };
}

export interface Profile {
  index: number;
  id: number;
  guid: string;
  entity: Entity | null;
  locale: Locale;
  createdAt: number;
  updatedAt: number;
  department: string | null;
  jobTitle: string | null;
  costCenter: string | null;
  hireDay: number | null;
  country: string | null;
  smartgroups: number[];
  /** The learner's stream, positioned after the profile: registrations are drawn from it next. */
  rng: Rng;
}

/** The profile of learner `index` (0-based; its id is index + 1). */
export function profileOf(world: World, index: number): Profile {
  const { catalogue, anchorDay: A, seed } = world;
  const rng = Rng.stream(seed, Domain.Learner, index);
  const id = index + 1;
  const entity = rng.chance(0.03)
    ? null
    : catalogue.entities[catalogue.placement.entityIndex[rng.weighted(catalogue.placement.cumulative)]!]!;
  const region = entity ? REGIONS[entity.region]! : null;
  const locale: Locale = region && rng.chance(0.8) ? region.locale : rng.pick(LOCALES);
  const recentHire = rng.chance(0.15);
  const createdDay = recentHire ? A - rng.int(10, 365) : A - 1100 + rng.skewedLow(0, 1040);
  // Never after the data's end (the seeding instant when the anchor is today); the same values otherwise.
  const createdAt = Math.min(createdDay * DAY_S + rng.int(0, 6 * 3600 - 1), world.anchorEnd);
  const updatedAt = createdAt + Math.floor(rng.float() * (world.anchorEnd - createdAt));
  const departmentRoll = rng.float();
  let department = entity?.department ?? (rng.chance(entity ? 0.7 : 0.5) ? rng.pick(DEPARTMENTS) : null);
  if (departmentRoll < 0.08) department = null;
  const jobTitle = rng.chance(0.6) ? rng.pick(JOB_TITLES) : null;
  const costCenter = rng.chance(0.7)
    ? `CC-${String(((entity?.id ?? 0) * 10 + rng.int(0, 9)) % 10000).padStart(4, '0')}`
    : null;
  const hireDay = rng.chance(0.5) ? createdDay - rng.int(0, 3000) : null;
  const country = region
    ? rng.chance(0.8)
      ? region.country
      : null
    : rng.chance(0.4)
      ? rng.pick(REGIONS).country
      : null;
  const rolls = [rng.float(), rng.float(), rng.float(), rng.float(), rng.float(), rng.float()];
  const groups: number[] = [];
  const manager =
    jobTitle === 'Director' ||
    jobTitle === 'Team Lead' ||
    jobTitle === 'Account Manager' ||
    jobTitle === 'Marketing Manager';
  if (manager || rolls[0]! < 0.08) groups.push(1); // Managers
  if (recentHire) groups.push(2); // New hires
  if (department === 'Sales' || department === 'Customer Success') groups.push(3); // Sales force
  if (rolls[1]! < 0.2) groups.push(4); // Remote workers
  if (rolls[2]! < 0.04) groups.push(5); // High potentials
  if (rolls[3]! < 0.45) groups.push(6); // Compliance audience
  if (locale === 'fr') groups.push(7); // French speakers
  if (rolls[4]! < 0.03) groups.push(8); // Mentors
  if (rolls[5]! < 0.01 || index === 0) groups.push(9); // Pilot group; group 10 stays empty
  return {
    index,
    id,
    guid: guidFor(seed, GuidTable.Learner, id),
    entity,
    locale,
    createdAt,
    updatedAt,
    department,
    jobTitle,
    costCenter,
    hireDay,
    country,
    smartgroups: groups,
    rng,
  };
}

export const enum Outcome {
  NotAttempted = 0,
  Incomplete = 1,
  Completed = 2,
}

export interface RegistrationPlan {
  id: number;
  guid: string;
  session: Session;
  registeredAt: number;
  imported: boolean;
  outcome: Outcome;
  /** Guides for the trackings: the first launch and the last access of the registration (NaN when not attempted). */
  firstLaunch: number;
  lastAccess: number;
}

const expo = (rng: Rng, mean: number) => -Math.log(1 - rng.float()) * mean;

/** The registrations of a learner, by registration date (their ids follow that order). */
export function registrationsOf(world: World, profile: Profile): RegistrationPlan[] {
  const { catalogue, anchorDay: A, anchorEnd, seed } = world;
  const { rng } = profile;
  const count = world.counts[profile.index]!;
  const firstSlot = world.offsets[profile.index]!;
  const sessions = catalogue.sessions;
  const chosen: number[] = [];
  const plans: RegistrationPlan[] = [];
  for (let j = 0; j < count; j++) {
    let s = rng.weighted(catalogue.sessionPopularity);
    for (let tries = 0; chosen.includes(s); tries++)
      s = tries < 20 ? rng.weighted(catalogue.sessionPopularity) : (s + 1) % sessions.length;
    chosen.push(s);
    const session = sessions[s]!;
    const slot = firstSlot + j;
    const forcedDay =
      slot % world.forcedStride === 0 && slot / world.forcedStride < 7 ? A - slot / world.forcedStride : null;
    const roll = rng.float();
    const notAttempted = session.trainingStatus === 'C' ? 0.5 : 0.18;
    const outcome =
      forcedDay !== null
        ? roll < 0.5
          ? Outcome.Completed
          : Outcome.Incomplete
        : roll < notAttempted
          ? Outcome.NotAttempted
          : roll < notAttempted + 0.45
            ? Outcome.Completed
            : Outcome.Incomplete;
    let low = Math.max(world.windowStartDay, Math.floor(profile.createdAt / DAY_S) + 1);
    if (session.startDay !== null) low = Math.max(low, session.startDay - 14);
    // Up to the session's end (a session that ended before the two years: late registrations, right after their start).
    const high = forcedDay ?? Math.max(low, session.endDay !== null ? Math.min(A, session.endDay) : A);
    // Most people register soon after a session opens.
    const soon = Math.floor(expo(rng, session.endDay !== null ? 45 : 90));
    const registeredDay = forcedDay === null && low + soon <= high ? low + soon : rng.int(low, high);
    const registeredAt = Math.min(registeredDay * DAY_S + rng.int(6 * 3600, 21 * 3600), anchorEnd);
    const imported = rng.chance(session.imported ? 0.6 : 0.04);
    let firstLaunch = NaN;
    let lastAccess = NaN;
    if (outcome !== Outcome.NotAttempted) {
      if (forcedDay !== null) {
        lastAccess = Math.min(forcedDay * DAY_S + rng.int(7 * 3600, 20 * 3600), anchorEnd);
        if (lastAccess < registeredAt) lastAccess = Math.min(registeredAt + rng.int(60, 3600), anchorEnd);
        firstLaunch = registeredAt + rng.skewedLow(0, lastAccess - registeredAt);
      } else {
        const delay = rng.chance(0.5) ? rng.int(0, 4 * 3600) : rng.int(0, 20 * DAY_S);
        firstLaunch =
          registeredAt + delay <= anchorEnd
            ? registeredAt + delay
            : registeredAt + Math.floor(rng.float() * (anchorEnd - registeredAt));
        const span = Math.floor(expo(rng, outcome === Outcome.Completed ? 25 * DAY_S : 45 * DAY_S));
        // A registration still going on at the anchor day was last accessed some time before its end.
        lastAccess =
          firstLaunch + span <= anchorEnd
            ? firstLaunch + span
            : firstLaunch + Math.floor(rng.float() * (anchorEnd - firstLaunch));
      }
    }
    plans.push({ id: 0, guid: '', session, registeredAt, imported, outcome, firstLaunch, lastAccess });
  }
  plans.sort((a, b) => a.registeredAt - b.registeredAt || a.session.id - b.session.id);
  plans.forEach((plan, j) => {
    plan.id = firstSlot + j + 1;
    plan.guid = guidFor(seed, GuidTable.Registration, plan.id);
  });
  return plans;
}

export const enum St {
  None = -1,
  NotAttempted = 0,
  Incomplete = 1,
  Completed = 2,
  PendingFeedback = 3,
}

export const STATUS_NAMES: Record<number, TrackingStatus> = {
  [St.NotAttempted]: 'not_attempted',
  [St.Incomplete]: 'incomplete',
  [St.Completed]: 'completed',
  [St.PendingFeedback]: 'pending_feedback',
};

export interface TrackingPlan {
  activity: Activity;
  status: St;
  firstLaunch: number;
  lastAccess: number;
  firstCompletion: number;
  /** progression, 2 decimals, as text */
  progression: string;
  score: string | null;
  time: number;
  updatedAt: number;
}

export interface LearningPlan {
  trackings: TrackingPlan[];
  thresholdReachedAt: number;
  updatedAt: number;
}

/** Seconds spent on one activity when completed: [min, max] by type. */
const TIME: Record<ActivityType, [number, number]> = {
  learning_resource: [120, 2700],
  assessment: [180, 1800],
  survey: [30, 600],
  assignment: [900, 7200],
  classroom: [3600, 25_200],
  virtual_classroom: [1800, 7200],
  nps: [5, 90],
};

const NPS_WEIGHTS = (() => {
  const w = [1, 1, 1, 1, 2, 3, 4, 8, 12, 10, 8];
  let sum = 0;
  return Float64Array.from(w, (x) => (sum += x));
})();

/** The trackings of a registration, in activity order, and what they imply for the registration. */
export function trackingsOf(world: World, registration: RegistrationPlan): LearningPlan {
  const rng = Rng.stream(world.seed, Domain.Registration, registration.id);
  const { session, outcome } = registration;
  const activities = session.activities;
  const n = activities.length;
  const threshold = session.successThreshold;
  const required = (a: Activity) => (session.hasMandatory ? a.mandatory : threshold === null);
  const status: St[] = new Array<St>(n).fill(St.None);
  const earned = () => activities.reduce((sum, a, j) => (status[j] === St.Completed ? sum + a.points : sum), 0);
  const met = () =>
    threshold !== null ? earned() >= threshold : activities.every((a, j) => !required(a) || status[j] === St.Completed);

  if (outcome === Outcome.NotAttempted) {
    for (let j = 0; j < n; j++) status[j] = rng.chance(0.12) ? St.NotAttempted : St.None;
  } else if (outcome === Outcome.Completed) {
    for (let j = 0; j < n; j++) {
      const a = activities[j]!;
      if (a.mandatory || required(a)) status[j] = St.Completed;
      else if (a.type === 'nps')
        status[j] = rng.chance(0.65) ? St.Completed : rng.chance(0.3) ? St.NotAttempted : St.None;
      else {
        const u = rng.float();
        status[j] = u < 0.4 ? St.Completed : u < 0.55 ? St.Incomplete : u < 0.6 ? St.NotAttempted : St.None;
      }
    }
    if (threshold !== null) {
      let sum = earned();
      for (let j = 0; j < n && sum < threshold; j++) {
        if (status[j] !== St.Completed && activities[j]!.points > 0) {
          status[j] = St.Completed;
          sum += activities[j]!.points;
        }
      }
    }
  } else {
    let launched = 0;
    for (let j = 0; j < n; j++) {
      const a = activities[j]!;
      if (rng.chance(0.45)) {
        const u = rng.float();
        status[j] =
          u < 0.45
            ? St.Completed
            : (a.type === 'assessment' || a.type === 'assignment') && u < 0.7
              ? St.PendingFeedback
              : St.Incomplete;
        launched++;
      } else status[j] = rng.chance(0.1) ? St.NotAttempted : St.None;
    }
    if (!launched) status[rng.int(0, n - 1)] = St.Incomplete;
    // Incomplete means the completion rule is not met.
    for (let j = n - 1; j >= 0 && met(); j--) {
      const a = activities[j]!;
      if (status[j] === St.Completed && (threshold !== null ? a.points > 0 : required(a))) status[j] = St.Incomplete;
    }
  }

  // Dates: launched activities start in order between the registration's first launch and last access;
  // the last of them is the one accessed last.
  const launchedIdx: number[] = [];
  for (let j = 0; j < n; j++) if (status[j]! >= St.Incomplete) launchedIdx.push(j);
  const F = registration.firstLaunch;
  const Z = registration.lastAccess;
  const starts: number[] = launchedIdx.map((_, k) => (k === 0 ? F : F + Math.floor(rng.float() * (Z - F))));
  starts.sort((a, b) => a - b);
  const trackings: TrackingPlan[] = [];
  let k = 0;
  let maxUpdated = registration.registeredAt;
  const zeroTimeAllowed = launchedIdx.length > 1;
  for (let j = 0; j < n; j++) {
    const st = status[j]!;
    if (st === St.None) continue;
    const a = activities[j]!;
    if (st === St.NotAttempted) {
      trackings.push({
        activity: a,
        status: st,
        firstLaunch: NaN,
        lastAccess: NaN,
        firstCompletion: NaN,
        progression: '0.00',
        score: null,
        time: 0,
        updatedAt: registration.registeredAt,
      });
      continue;
    }
    const closer = k === launchedIdx.length - 1;
    const [min, max] = TIME[a.type];
    let time = rng.int(min, max);
    if (a.type === 'classroom') time = Math.round(time / 900) * 900;
    if (st === St.Incomplete) time = Math.max(1, Math.floor(time * (0.1 + 0.7 * rng.float())));
    if (st === St.Completed && !closer && zeroTimeAllowed && rng.chance(0.03)) time = 0;
    let first = starts[k]!;
    let last: number;
    if (closer) last = Z;
    else if (a.type === 'classroom' || a.type === 'virtual_classroom' || a.type === 'nps' || a.type === 'survey')
      last = Math.min(Z, first + time + rng.int(0, 600));
    else last = Math.min(Z, first + time + Math.floor(expo(rng, 10 * DAY_S)));
    if (first > last) first = last;
    k++;
    let firstCompletion = NaN;
    if (st === St.Completed)
      firstCompletion = a.type === 'classroom' ? last : first + Math.floor((last - first) * (0.5 + 0.5 * rng.float()));
    let score: string | null = null;
    if (a.type === 'assessment') {
      if (st === St.Completed)
        score = rng.chance(0.7) ? String(rng.int(40, 100)) : (rng.int(4000, 10000) / 100).toFixed(2);
      else if (st === St.Incomplete && rng.chance(0.3)) score = String(rng.int(0, 60));
    } else if (a.type === 'nps' && st === St.Completed) score = String(rng.weighted(NPS_WEIGHTS));
    const progression = st === St.Incomplete ? (rng.int(100, 9900) / 100).toFixed(2) : '100.00';
    const updatedAt = Math.min(world.anchorEnd, last + rng.int(0, 120));
    if (updatedAt > maxUpdated) maxUpdated = updatedAt;
    trackings.push({
      activity: a,
      status: st,
      firstLaunch: first,
      lastAccess: last,
      firstCompletion,
      progression,
      score,
      time,
      updatedAt,
    });
  }

  let thresholdReachedAt = NaN;
  if (met() && launchedIdx.length) {
    if (threshold !== null) {
      const done = trackings
        .filter((t) => t.status === St.Completed)
        .sort((x, y) => x.firstCompletion - y.firstCompletion);
      let sum = 0;
      for (const t of done) {
        sum += t.activity.points;
        if (sum >= threshold) {
          thresholdReachedAt = t.firstCompletion;
          break;
        }
      }
    } else {
      for (const t of trackings)
        if (t.status === St.Completed && required(t.activity) && !(t.firstCompletion <= thresholdReachedAt))
          thresholdReachedAt = t.firstCompletion;
    }
  }
  if (thresholdReachedAt > maxUpdated) maxUpdated = thresholdReachedAt;
  return { trackings, thresholdReachedAt, updatedAt: maxUpdated };
}

/**
 * The days of one registration's trackings: `emit(trackingIndex, day, seconds)` for each, in order.
 * Each tracking with time spent gets 1 to 13 days between its first launch's day and its last access's
 * day, always including the latter, whose seconds add up to its time spent.
 */
export function daysOf(
  world: World,
  registration: RegistrationPlan,
  plan: LearningPlan,
  emit: (tracking: number, day: number, seconds: number) => void,
): void {
  const rng = Rng.stream(world.seed, Domain.Days, registration.id);
  const picked: number[] = [];
  const weights: number[] = [];
  plan.trackings.forEach((t, index) => {
    if (t.time <= 0) return;
    const firstDay = Math.floor(t.firstLaunch / DAY_S);
    const lastDay = Math.floor(t.lastAccess / DAY_S);
    const span = lastDay - firstDay + 1;
    const count = Math.min(span, t.time, 1 + rng.geometric(0.72, 12));
    picked.length = 0;
    picked.push(lastDay);
    if (count > 1) picked.push(firstDay);
    while (picked.length < count) {
      const day = firstDay + 1 + Math.floor(rng.float() * (span - 2));
      if (!picked.includes(day)) picked.push(day);
    }
    picked.sort((a, b) => a - b);
    weights.length = 0;
    let total = 0;
    for (let d = 0; d < count; d++) {
      const w = 0.2 + rng.float();
      weights.push(w);
      total += w;
    }
    const spare = t.time - count;
    let given = 0;
    for (let d = 0; d < count; d++) {
      const seconds = d === count - 1 ? t.time - given : 1 + Math.floor((spare * weights[d]!) / total);
      given += seconds;
      emit(index, picked[d]!, seconds);
    }
  });
}
