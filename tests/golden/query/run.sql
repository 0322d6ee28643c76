-- amlguard: the audit of lifecycle `run` as a Spark SQL script; its last statement returns one row per finding.
-- Reads amlguard_records (file_index INT, file STRING, line BIGINT, record STRING): one row per line
-- of the diagnostic-settings JSON. Session time zone: UTC. Reorder window: 3600 s.
-- Each entity's events are ordered by time, ties by file_index, then line (the native
-- audit's input order).
-- lc 0 = `run`: categories AmlRunStatusChangedEvent; key RunId; state Status
-- Five statements, each ended by a line holding only `;`: the records are parsed and
-- classified once and cached; the events get their watermark, then their sessions,
-- then their order and blocks, each stage cached; the last statement reads the
-- findings. Caching cuts the plan Spark optimizes and runs into small ones.
CACHE TABLE amlguard_rec AS
WITH
parsed AS (
  SELECT file_index, file, line, from_json(record, 'map<string,string>') AS top
  FROM amlguard_records
  WHERE trim(record) <> ''
),
props AS (
  SELECT *,
    from_json(try_element_at(map_values(map_filter(top, (k, v) -> lower(k) = 'properties')), 1), 'map<string,string>') AS p
  FROM parsed
),
r AS (
  SELECT file_index, file, line, top IS NULL AS bad_json,
    coalesce(try_element_at(map_values(map_filter(p, (k, v) -> lower(k) = 'type' AND v IS NOT NULL)), -1),
      try_element_at(map_values(map_filter(top, (k, v) -> lower(k) = 'type' AND v IS NOT NULL)), 1)) AS f0_type,
    coalesce(try_element_at(map_values(map_filter(p, (k, v) -> lower(k) = 'category' AND v IS NOT NULL)), -1),
      try_element_at(map_values(map_filter(top, (k, v) -> lower(k) = 'category' AND v IS NOT NULL)), 1)) AS f1_category,
    coalesce(try_element_at(map_values(map_filter(p, (k, v) -> lower(k) = 'runid' AND v IS NOT NULL)), -1),
      try_element_at(map_values(map_filter(top, (k, v) -> lower(k) = 'runid' AND v IS NOT NULL)), 1)) AS f2_runid,
    coalesce(try_element_at(map_values(map_filter(p, (k, v) -> lower(k) = 'timegenerated' AND v IS NOT NULL)), -1),
      try_element_at(map_values(map_filter(top, (k, v) -> lower(k) = 'timegenerated' AND v IS NOT NULL)), 1)) AS f3_timegenerated,
    coalesce(try_element_at(map_values(map_filter(p, (k, v) -> lower(k) = 'time' AND v IS NOT NULL)), -1),
      try_element_at(map_values(map_filter(top, (k, v) -> lower(k) = 'time' AND v IS NOT NULL)), 1)) AS f4_time,
    coalesce(try_element_at(map_values(map_filter(p, (k, v) -> lower(k) = 'status' AND v IS NOT NULL)), -1),
      try_element_at(map_values(map_filter(top, (k, v) -> lower(k) = 'status' AND v IS NOT NULL)), 1)) AS f5_status
  FROM props
),
c AS (
  SELECT *,
    CASE WHEN bad_json THEN NULL WHEN coalesce(f0_type, f1_category) IS NOT NULL THEN CASE lower(coalesce(f0_type, f1_category)) WHEN 'amlrunstatuschangedevent' THEN 0 END
      WHEN f2_runid IS NOT NULL AND f5_status IS NOT NULL THEN 0 END AS lc
  FROM r
),
c2 AS (
  SELECT *,
    CASE lc WHEN 0 THEN coalesce(f3_timegenerated, f4_time) END AS time_text,
    CASE lc WHEN 0 THEN concat_ws('/', f2_runid) END AS entity,
    CASE lc WHEN 0 THEN f5_status END AS state_raw,
    CASE lc WHEN 0 THEN CASE lower(regexp_replace(f5_status, '(?U)^\\s+|\\s+$', '')) WHEN 'notstarted' THEN 'NotStarted' WHEN 'starting' THEN 'Starting' WHEN 'provisioning' THEN 'Provisioning' WHEN 'preparing' THEN 'Preparing' WHEN 'queued' THEN 'Queued' WHEN 'running' THEN 'Running' WHEN 'finalizing' THEN 'Finalizing' WHEN 'cancelrequested' THEN 'CancelRequested' WHEN 'completed' THEN 'Completed' WHEN 'failed' THEN 'Failed' WHEN 'canceled' THEN 'Canceled' WHEN 'notresponding' THEN 'NotResponding' WHEN 'paused' THEN 'Paused' WHEN 'unknown' THEN 'Unknown' END END AS state_known,
    CASE lc WHEN 0 THEN CASE WHEN f5_status IS NULL THEN 'run record without its state field `Status`' END END AS state_problem
  FROM c
  WHERE lc IS NOT NULL OR bad_json
),
rec AS (
  SELECT *,
    CASE WHEN bad_json THEN NULL WHEN time_text IS NULL THEN CASE lc WHEN 0 THEN 'run record without a time field (TimeGenerated, time)' END
      WHEN ts IS NULL THEN concat(CASE lc WHEN 0 THEN 'run record with an unreadable time `' END, time_text, '`')
      ELSE CASE lc WHEN 0 THEN CASE WHEN f2_runid IS NULL THEN 'run record without its key field `RunId`' WHEN regexp_replace(f2_runid, '(?U)^\\s+|\\s+$', '') = '' THEN 'run record whose key field `RunId` is empty' END END END AS problem
  FROM (SELECT *, try_cast(time_text AS TIMESTAMP) AS ts FROM c2) AS t
)
SELECT * FROM rec
;
CACHE TABLE amlguard_ev AS
WITH
events AS (
  SELECT lc, entity, ts, state_known AS state, file_index, file, line
  FROM amlguard_rec WHERE problem IS NULL AND state_known IS NOT NULL
),
file_max AS (
  SELECT file_index, max(ts) AS mx FROM events GROUP BY file_index
),
file_before AS (
  SELECT file_index, max(mx) OVER (ORDER BY file_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before,
    max(mx) OVER () AS data_end
  FROM file_max
),
watermarked AS (
  SELECT e.*, b.data_end,
    greatest(b.before, max(e.ts) OVER (PARTITION BY e.file_index ORDER BY e.line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS wm
  FROM events e JOIN file_before b ON e.file_index = b.file_index
),
ev AS (
  SELECT *, CASE lc WHEN 0 THEN state IN ('Completed', 'Failed', 'Canceled') END AS term
  FROM (SELECT *, wm IS NOT NULL AND unix_micros(ts) < unix_micros(wm) - 3600000000 AS late FROM watermarked) AS m
)
SELECT * FROM ev
;
CACHE TABLE amlguard_sess AS
WITH
gaps AS (
  SELECT *, lag(ts) OVER (PARTITION BY lc, entity, late ORDER BY ts, file_index, line) IS NOT NULL AND unix_micros(lag(ts) OVER (PARTITION BY lc, entity, late ORDER BY ts, file_index, line)) < unix_micros(wm) - 3600000000 AS gap FROM amlguard_ev
),
seg AS (
  SELECT *, sum(CAST(gap AS INT)) OVER (PARTITION BY lc, entity, late ORDER BY ts, file_index, line ROWS UNBOUNDED PRECEDING) AS seg FROM gaps
),
seg_term AS (
  SELECT *, max(CAST(term AS INT)) OVER (PARTITION BY lc, entity, late, seg) AS seg_has_term FROM seg
),
resets AS (
  SELECT *, CAST(gap AND lag(seg_has_term) OVER (PARTITION BY lc, entity, late ORDER BY ts, file_index, line) = 1 AS INT) AS reset FROM seg_term
),
sess AS (
  SELECT *, sum(reset) OVER (PARTITION BY lc, entity, late ORDER BY ts, file_index, line ROWS UNBOUNDED PRECEDING) AS sess FROM resets
)
SELECT * FROM sess
;
CACHE TABLE amlguard_step AS
WITH
cur AS (
  SELECT *,
    row_number() OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line) AS n,
    row_number() OVER (PARTITION BY lc, entity, late, sess ORDER BY ts DESC, file_index DESC, line DESC) AS n_rev,
    coalesce(first(CASE WHEN term THEN state END, true) OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), lag(state) OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line)) AS cur,
    first(CASE WHEN term THEN state END, true) OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS term_state,
    CASE WHEN lag(state) OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line) <=> state THEN 0 ELSE 1 END AS chg
  FROM amlguard_sess
),
blocks AS (
  SELECT *, sum(chg) OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line ROWS UNBOUNDED PRECEDING) AS blk FROM cur
),
block_start AS (
  SELECT *,
    first(ts) OVER (PARTITION BY lc, entity, late, sess, blk ORDER BY ts, file_index, line) AS blk_ts,
    first(file_index) OVER (PARTITION BY lc, entity, late, sess, blk ORDER BY ts, file_index, line) AS blk_file_index,
    first(file) OVER (PARTITION BY lc, entity, late, sess, blk ORDER BY ts, file_index, line) AS blk_file,
    first(line) OVER (PARTITION BY lc, entity, late, sess, blk ORDER BY ts, file_index, line) AS blk_line
  FROM blocks
),
step AS (
  SELECT *,
    lag(blk_ts) OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line) AS entered,
    lag(blk_file_index) OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line) AS entered_file_index,
    lag(blk_file) OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line) AS entered_file,
    lag(blk_line) OVER (PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line) AS entered_line
  FROM block_start
)
SELECT * FROM step
;
WITH
record_findings AS (
  SELECT f.* FROM amlguard_rec
  LATERAL VIEW explode(filter(array(
      CASE WHEN bad_json THEN named_struct('code', 'AML509', 'name', 'unreadable-record', 'severity', 'warning', 'lifecycle', CAST(NULL AS STRING), 'entity', CAST(NULL AS STRING), 'time', CAST(NULL AS STRING), 'from', CAST(NULL AS STRING), 'to', CAST(NULL AS STRING),
        'message', 'unreadable record: not a JSON object', 'file_index', file_index, 'file', file, 'line', line) END,
      CASE WHEN problem IS NOT NULL THEN named_struct('code', 'AML509', 'name', 'unreadable-record', 'severity', 'warning', 'lifecycle', CAST(NULL AS STRING), 'entity', CAST(NULL AS STRING), 'time', CAST(NULL AS STRING), 'from', CAST(NULL AS STRING), 'to', CAST(NULL AS STRING),
        'message', problem, 'file_index', file_index, 'file', file, 'line', line) END,
      CASE WHEN NOT bad_json AND problem IS NULL AND state_problem IS NOT NULL THEN named_struct('code', 'AML509', 'name', 'unreadable-record', 'severity', 'warning', 'lifecycle', CAST(NULL AS STRING), 'entity', CAST(NULL AS STRING), 'time', CAST(NULL AS STRING), 'from', CAST(NULL AS STRING), 'to', CAST(NULL AS STRING),
        'message', state_problem, 'file_index', file_index, 'file', file, 'line', line) END,
      CASE WHEN NOT bad_json AND problem IS NULL AND state_raw IS NOT NULL AND state_known IS NULL THEN named_struct('code', 'AML503', 'name', 'unknown-state', 'severity', 'error', 'lifecycle', CASE lc WHEN 0 THEN 'run' END, 'entity', entity, 'time', concat(regexp_replace(date_format(ts, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), 'from', CAST(NULL AS STRING), 'to', state_raw,
        'message', concat(CASE lc WHEN 0 THEN 'run' END, ' `', entity, '`: `', state_raw, '` is not a state of the ', CASE lc WHEN 0 THEN 'run' END, ' lifecycle'), 'file_index', file_index, 'file', file, 'line', line) END
    ), x -> x IS NOT NULL)) t AS f
),
sequence_findings AS (
  SELECT f.* FROM amlguard_step
  LATERAL VIEW explode(filter(array(
      CASE WHEN late THEN named_struct('code', 'AML506', 'name', 'late-record', 'severity', 'warning', 'lifecycle', CASE lc WHEN 0 THEN 'run' END, 'entity', entity, 'time', concat(regexp_replace(date_format(ts, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), 'from', CAST(NULL AS STRING), 'to', state,
        'message', concat(CASE lc WHEN 0 THEN 'run' END, ' `', entity, '`: record at ', concat(regexp_replace(date_format(ts, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), ' arrived after records up to ', concat(regexp_replace(date_format(wm, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), ', beyond the reorder window'), 'file_index', file_index, 'file', file, 'line', line) END,
      CASE WHEN NOT late AND n = 1 AND NOT (CASE lc WHEN 0 THEN state IN ('NotStarted', 'Starting') END) THEN named_struct('code', 'AML507', 'name', 'started-mid-lifecycle', 'severity', 'note', 'lifecycle', CASE lc WHEN 0 THEN 'run' END, 'entity', entity, 'time', concat(regexp_replace(date_format(ts, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), 'from', CAST(NULL AS STRING), 'to', state,
        'message', concat(CASE lc WHEN 0 THEN 'run' END, ' `', entity, '` is first seen in state ', state, ' (the dump starts mid-lifecycle)'), 'file_index', file_index, 'file', file, 'line', line) END,
      CASE WHEN NOT late AND n > 1 AND CASE lc WHEN 0 THEN cur IN ('Completed', 'Failed', 'Canceled') END AND state <> cur THEN named_struct('code', 'AML502', 'name', 'event-after-terminal', 'severity', 'error', 'lifecycle', CASE lc WHEN 0 THEN 'run' END, 'entity', entity, 'time', concat(regexp_replace(date_format(ts, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), 'from', cur, 'to', state,
        'message', concat(CASE lc WHEN 0 THEN 'run' END, ' `', entity, '` reports ', state, ' after it ended in ', cur), 'file_index', file_index, 'file', file, 'line', line) END,
      CASE WHEN NOT late AND n > 1 AND NOT (CASE lc WHEN 0 THEN cur IN ('Completed', 'Failed', 'Canceled') END) AND state <> cur AND (unix_micros(ts) - unix_micros(entered)) div 1000000 > NULL THEN named_struct('code', 'AML504', 'name', 'dwell-exceeded', 'severity', 'warning', 'lifecycle', CASE lc WHEN 0 THEN 'run' END, 'entity', entity, 'time', concat(regexp_replace(date_format(entered, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), 'from', cur, 'to', state,
        'message', concat(CASE lc WHEN 0 THEN 'run' END, ' `', entity, '` stayed in ', cur, ' for ', CASE WHEN greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0) < 60 THEN concat(greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0), 's') WHEN greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0) < 3600 THEN concat(greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0) div 60, 'm', lpad(CAST(greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0) % 60 AS STRING), 2, '0'), 's') WHEN greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0) < 86400 THEN concat(greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0) div 3600, 'h', lpad(CAST(greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0) % 3600 div 60 AS STRING), 2, '0'), 'm') ELSE concat(greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0) div 86400, 'd', greatest((unix_micros(ts) - unix_micros(entered)) div 1000000, 0) % 86400 div 3600, 'h') END, ' (limit ', CASE WHEN NULL < 60 THEN concat(NULL, 's') WHEN NULL < 3600 THEN concat(NULL div 60, 'm', lpad(CAST(NULL % 60 AS STRING), 2, '0'), 's') WHEN NULL < 86400 THEN concat(NULL div 3600, 'h', lpad(CAST(NULL % 3600 div 60 AS STRING), 2, '0'), 'm') ELSE concat(NULL div 86400, 'd', NULL % 86400 div 3600, 'h') END, ')'), 'file_index', entered_file_index, 'file', entered_file, 'line', entered_line) END,
      CASE WHEN NOT late AND n > 1 AND NOT (CASE lc WHEN 0 THEN cur IN ('Completed', 'Failed', 'Canceled') END) AND state <> cur AND NOT (CASE lc WHEN 0 THEN CASE cur WHEN 'NotStarted' THEN state IN ('Starting', 'CancelRequested', 'Failed', 'Canceled') WHEN 'Starting' THEN state IN ('Provisioning', 'Preparing', 'Queued', 'CancelRequested', 'Failed', 'Canceled', 'Unknown') WHEN 'Provisioning' THEN state IN ('Preparing', 'Queued', 'CancelRequested', 'Failed', 'Canceled', 'Unknown') WHEN 'Preparing' THEN state IN ('Queued', 'CancelRequested', 'Failed', 'Canceled', 'Unknown') WHEN 'Queued' THEN state IN ('Running', 'CancelRequested', 'Failed', 'Canceled', 'Unknown') WHEN 'Running' THEN state IN ('Finalizing', 'CancelRequested', 'Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused', 'Unknown') WHEN 'Finalizing' THEN state IN ('CancelRequested', 'Completed', 'Failed', 'Canceled', 'Unknown') WHEN 'CancelRequested' THEN state IN ('Completed', 'Failed', 'Canceled') WHEN 'Completed' THEN false WHEN 'Failed' THEN false WHEN 'Canceled' THEN false WHEN 'NotResponding' THEN state IN ('NotStarted', 'Starting', 'Provisioning', 'Preparing', 'Queued', 'Running', 'Finalizing', 'CancelRequested', 'Completed', 'Failed', 'Canceled', 'Unknown') WHEN 'Paused' THEN state IN ('Running', 'CancelRequested', 'Failed', 'Canceled', 'Unknown') WHEN 'Unknown' THEN state IN ('Starting', 'Provisioning', 'Preparing', 'Queued', 'Running', 'Finalizing', 'CancelRequested', 'Failed', 'Canceled', 'NotResponding', 'Paused') ELSE false END END) THEN named_struct('code', 'AML501', 'name', 'illegal-transition', 'severity', 'error', 'lifecycle', CASE lc WHEN 0 THEN 'run' END, 'entity', entity, 'time', concat(regexp_replace(date_format(ts, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), 'from', cur, 'to', state,
        'message', concat(CASE lc WHEN 0 THEN 'run' END, ' `', entity, '`: ', cur, ' → ', state, ' is not a legal transition'), 'file_index', file_index, 'file', file, 'line', line) END,
      CASE WHEN NOT late AND n_rev = 1 AND term_state IS NULL AND (unix_micros(data_end) - unix_micros(blk_ts)) div 1000000 > NULL THEN named_struct('code', 'AML504', 'name', 'dwell-exceeded', 'severity', 'warning', 'lifecycle', CASE lc WHEN 0 THEN 'run' END, 'entity', entity, 'time', concat(regexp_replace(date_format(blk_ts, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), 'from', state, 'to', CAST(NULL AS STRING),
        'message', concat(CASE lc WHEN 0 THEN 'run' END, ' `', entity, '` has been in ', state, ' for ', CASE WHEN greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0) < 60 THEN concat(greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0), 's') WHEN greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0) < 3600 THEN concat(greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0) div 60, 'm', lpad(CAST(greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0) % 60 AS STRING), 2, '0'), 's') WHEN greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0) < 86400 THEN concat(greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0) div 3600, 'h', lpad(CAST(greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0) % 3600 div 60 AS STRING), 2, '0'), 'm') ELSE concat(greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0) div 86400, 'd', greatest((unix_micros(data_end) - unix_micros(blk_ts)) div 1000000, 0) % 86400 div 3600, 'h') END, ' at the end of the dump (limit ', CASE WHEN NULL < 60 THEN concat(NULL, 's') WHEN NULL < 3600 THEN concat(NULL div 60, 'm', lpad(CAST(NULL % 60 AS STRING), 2, '0'), 's') WHEN NULL < 86400 THEN concat(NULL div 3600, 'h', lpad(CAST(NULL % 3600 div 60 AS STRING), 2, '0'), 'm') ELSE concat(NULL div 86400, 'd', NULL % 86400 div 3600, 'h') END, ')'), 'file_index', blk_file_index, 'file', blk_file, 'line', blk_line) END,
      CASE WHEN NOT late AND n_rev = 1 AND term_state IS NULL AND CASE lc WHEN 0 THEN true END THEN named_struct('code', 'AML508', 'name', 'open-at-end', 'severity', 'note', 'lifecycle', CASE lc WHEN 0 THEN 'run' END, 'entity', entity, 'time', concat(regexp_replace(date_format(blk_ts, 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS'), '\\.?0+$', ''), 'Z'), 'from', state, 'to', CAST(NULL AS STRING),
        'message', concat(CASE lc WHEN 0 THEN 'run' END, ' `', entity, '` is still ', state, ' at the end of the dump'), 'file_index', file_index, 'file', file, 'line', line) END
    ), x -> x IS NOT NULL)) t AS f
)
SELECT f.code, f.name, f.severity, f.lifecycle, f.entity, f.time, f.`from`, f.`to`, f.message, f.file, f.line
FROM (
  SELECT * FROM record_findings
  UNION ALL
  SELECT * FROM sequence_findings
) AS f
ORDER BY f.file_index, f.line, f.code, f.message
