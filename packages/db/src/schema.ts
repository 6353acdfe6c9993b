/**
 * Names and enumerations of the reference schema (see the spec's SCHEMA.md). The migrations
 * create these tables; the generator fills them.
 */

/** Every table of the reference schema, parents before children (an order that satisfies the foreign keys). */
export const REFERENCE_TABLES = [
  'entities',
  'learners',
  'custom_fields',
  'learner_custom_field_values',
  'smartgroups',
  'smartgroup_members',
  'publishers',
  'trainings',
  'training_translations',
  'sessions',
  'session_translations',
  'activities',
  'registrations',
  'trackings',
  'tracking_days',
] as const;
export type ReferenceTable = (typeof REFERENCE_TABLES)[number];

/** `trainings.modality` values. */
export const MODALITIES = [
  'learning_channel',
  'kc',
  'distanciel',
  'blended',
  'campus',
  'mentored_action_learning',
  'portal',
  'serious_game',
  'public_course',
  'vodeclic',
  'learning_feed',
  'content_test',
  'guided',
] as const;
export type Modality = (typeof MODALITIES)[number];

/** `trainings.status`: under construction, published, archived. */
export const TRAINING_STATUSES = ['C', 'P', 'A'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];

/** `activities.type`, indexed by its numeric code. */
export const ACTIVITY_TYPES = [
  'learning_resource',
  'assessment',
  'survey',
  'assignment',
  'classroom',
  'virtual_classroom',
  'nps',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** `trackings.status` values. */
export const TRACKING_STATUSES = ['not_attempted', 'incomplete', 'completed', 'pending_feedback'] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/** GUID of the `Department` custom field of the user's example (PostgreSQL returns it in lower case). */
export const DEPARTMENT_FIELD_GUID = '8345c0a3-b8ab-7f65-0638-39b0e1244aa8';
