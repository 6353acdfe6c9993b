-- The bar for `npm run bench -- --scenario all`: bench/all-registrations.xml (the user's example
-- without its time frame, withoutLaunchTime = yes) written by hand from the spec, as PostgreSQL alone
-- would produce it:
--
--   psql -X -q -v tz=UTC -f bench/reference-query-all.sql "$URL" | zip -1 -q out.zip -
--
-- Every registration is a row (ordered by id); the time columns hold all the time of the
-- registration's trackings (trackings.time_spent_s, no window). Everything else as in
-- bench/reference-query.sql (same columns, formats and shape: GROUP BY in CTEs joined once; here a
-- single pass over trackings computes every per-registration aggregate, time included).

\set ON_ERROR_STOP on
SET jit = off;  -- as exportkit does (stream/cursor.ts): compiling costs more than it gains on one pass


COPY (
WITH RECURSIVE
-- Every entity with the names above it, root first (NULL for a root).
entity_paths (id, ancestors, path) AS (
  SELECT e.id, NULL::text, e.name FROM entities e WHERE e.parent_id IS NULL
  UNION ALL
  SELECT e.id, p.path, p.path || ' > ' || e.name FROM entities e JOIN entity_paths p ON e.parent_id = p.id
),
-- Per session: activities, points, mandatory activities.
activity_totals AS (
  SELECT a.session_id,
         count(*) AS activities,
         sum(a.points) AS points,
         count(*) FILTER (WHERE a.mandatory) AS mandatory
  FROM activities a
  GROUP BY a.session_id
),
-- Per registration, one pass over its trackings: every aggregate but the NPS score.
tracking_agg AS (
  SELECT t.registration_id,
         count(*) FILTER (WHERE t.first_launch_at IS NOT NULL) AS started,
         count(*) FILTER (WHERE t.status = 'completed') AS finished,
         coalesce(sum(a.points) FILTER (WHERE t.status = 'completed'), 0) AS earned_points,
         count(*) FILTER (WHERE t.status = 'completed' AND a.mandatory) AS completed_mandatory,
         max(t.first_completion_at) FILTER (WHERE t.status = 'completed' AND a.mandatory) AS mandatory_completed_at,
         min(t.first_launch_at) AS first_launch_at,
         max(t.last_access_at) AS last_access_at,
         sum(t.time_spent_s) AS total,
         sum(t.time_spent_s) FILTER (WHERE a.type = 'learning_resource') AS global,
         sum(t.time_spent_s) FILTER (WHERE a.type IN ('classroom', 'virtual_classroom')) AS cbt,
         sum(t.time_spent_s) FILTER (WHERE a.type NOT IN ('learning_resource', 'classroom', 'virtual_classroom')) AS digital
  FROM trackings t
  JOIN activities a ON a.id = t.activity_id
  GROUP BY t.registration_id
),
-- Per registration: the score of its latest accessed nps tracking.
nps AS (
  SELECT DISTINCT ON (t.registration_id) t.registration_id, t.score
  FROM trackings t
  JOIN activities a ON a.id = t.activity_id
  WHERE a.type = 'nps'
  ORDER BY t.registration_id, t.last_access_at DESC NULLS LAST, t.id DESC
)
SELECT
  r.learner_id AS "candidateId",
  l.last_name AS "candidateName",
  l.first_name AS "candidateFirstname",
  l.login AS "candidateLogin",
  l.email AS "candidateEmail",
  l.ref_number AS "candidateRefNumber",
  l.guid AS "candidateGuid",
  ep.ancestors AS "candidateEntityAncestors",
  e.name AS "candidateEntityName",
  dept.value AS "Department",
  to_char(l.last_platform_access_at AT TIME ZONE :'tz', 'YYYY-MM-DD HH24:MI:SS') AS "lastPlatformAccessDate",
  coalesce(at.activities, 0) AS "nbLO",
  coalesce(ta.started, 0) AS "nbLOStarted",
  coalesce(ta.finished, 0) AS "nbLOFinished",
  to_char(r.registered_at AT TIME ZONE :'tz', 'YYYY-MM-DD HH24:MI:SS') AS "registrationDate",
  r.guid AS "registrationGuid",
  r.session_id AS "sessionId",
  s.title AS "sessionTitle",
  s.guid AS "sessionGuid",
  to_char(s.start_date, 'YYYY-MM-DD') AS "sessionStartDate",
  to_char(s.end_date, 'YYYY-MM-DD') AS "sessionEndDate",
  s.training_id AS "trainingId",
  tr.title AS "trainingTitle",
  tr.path_code AS "trainingPathCode",
  tr.guid AS "trainingGuid",
  CASE WHEN tr.catalog_visible THEN 'Y' ELSE 'N' END AS "catalogVisibility",
  tr.status AS "trainingStatus",
  tr.modality AS "trainingModality",
  p.name AS "trainingPublisher",
  tr.chapters AS "trainingChapters",
  tr.duration AS "trainingDuration",
  to_char(ta.last_access_at AT TIME ZONE :'tz', 'YYYY-MM-DD HH24:MI:SS') AS "completionTime",
  to_char(ta.first_launch_at AT TIME ZONE :'tz', 'YYYY-MM-DD HH24:MI:SS') AS "firstLaunchDate",
  trim_scale(round(CASE
    WHEN coalesce(at.activities, 0) = 0 THEN 0
    WHEN at.points = 0 THEN 100.0 * coalesce(ta.finished, 0) / at.activities
    ELSE 100.0 * coalesce(ta.earned_points, 0) / at.points
  END, 2)) AS "progression",
  trim_scale(round(CASE
    WHEN s.success_threshold > 0 THEN least(100, 100.0 * coalesce(ta.earned_points, 0) / s.success_threshold)
    WHEN s.success_threshold IS NOT NULL THEN 100
    WHEN coalesce(at.mandatory, 0) = 0 THEN 0
    ELSE 100.0 * coalesce(ta.completed_mandatory, 0) / at.mandatory
  END, 2)) AS "progressionMandatory",
  coalesce(ta.earned_points, 0) AS "score",
  CASE
    WHEN r.threshold_reached_at IS NOT NULL THEN 'completed'
    WHEN coalesce(ta.started, 0) > 0 THEN 'incomplete'
    ELSE 'not attempted'
  END AS "status",
  to_char(r.threshold_reached_at AT TIME ZONE :'tz', 'YYYY-MM-DD HH24:MI:SS') AS "thresholdReachedDate",
  to_char(CASE WHEN coalesce(ta.completed_mandatory, 0) = coalesce(at.mandatory, 0) THEN ta.mandatory_completed_at END
          AT TIME ZONE :'tz', 'YYYY-MM-DD HH24:MI:SS') AS "firstCompletionDate",
  coalesce(ta.global, 0) AS "timeGlobal",
  NULL::text AS "constantValue",
  round(nps.score)::integer AS "scoreNPS",
  coalesce(ta.cbt, 0) AS "timeSpentCB",
  coalesce(ta.digital, 0) AS "timeSpentDigital",
  coalesce(ta.total, 0) AS "timeSpent"
FROM registrations r
LEFT JOIN tracking_agg ta ON ta.registration_id = r.id
JOIN learners l ON l.id = r.learner_id
LEFT JOIN entities e ON e.id = l.entity_id
LEFT JOIN entity_paths ep ON ep.id = l.entity_id
LEFT JOIN learner_custom_field_values dept
       ON dept.learner_id = l.id
      AND dept.custom_field_id = (SELECT f.id FROM custom_fields f WHERE f.guid = '8345C0A3-B8AB-7F65-0638-39B0E1244AA8')
JOIN sessions s ON s.id = r.session_id
JOIN trainings tr ON tr.id = s.training_id
LEFT JOIN publishers p ON p.id = tr.publisher_id
LEFT JOIN activity_totals at ON at.session_id = r.session_id
LEFT JOIN nps ON nps.registration_id = r.id
ORDER BY r.id
) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';');
