//! The Spark SQL dialect: a script (four `CACHE TABLE` statements, then one query) over the
//! records of diagnostic-settings dumps, read as a table or view of lines (`file_index INT, file STRING, line BIGINT, record STRING`: one row
//! per line of JSON, `properties` an object or a JSON-encoded string); its last statement
//! returns one row per finding. Statements end with a line holding only `;`, so a runner splits
//! the script without parsing SQL. The driver shipped with amlguard (`driver.py`) makes that view from whole files, so
//! every finding keeps its file and line; any table of that shape works as well.
//!
//! Written for Spark 3.4 and later, with or without ANSI mode (`try_` functions throughout), in
//! a session whose time zone is UTC (`spark.sql.session.timeZone=UTC`).

use std::fmt::Write;

use crate::lifecycle::RecordCheck;
use crate::registry::{self, CheckInfo};

use super::in_comment;
use super::ir::{Lifecycle, Plan, severity};

/// A Spark SQL string literal.
pub fn lit(s: &str) -> String {
    super::quoted(s, '\'', &[])
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}

/// The column a field is read into.
struct Fields {
    names: Vec<String>,
}

impl Fields {
    fn new(plan: &Plan) -> Fields {
        let mut names: Vec<String> = Vec::new();
        for lc in &plan.lifecycles {
            for f in lc.fields() {
                if !names.iter().any(|n| n.eq_ignore_ascii_case(&f)) {
                    names.push(f);
                }
            }
        }
        Fields { names }
    }

    fn col(&self, field: &str) -> String {
        let i = self
            .names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(field))
            .expect("every field of the plan has a column");
        let clean: String = self.names[i]
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        format!("f{i}_{clean}")
    }
}

/// `d` seconds as the native audit prints a duration (`90s`, `12m05s`, `3h05m`, `2d4h`).
fn human(d: &str) -> String {
    format!(
        "CASE WHEN {d} < 60 THEN concat({d}, 's') \
         WHEN {d} < 3600 THEN concat({d} div 60, 'm', lpad(CAST({d} % 60 AS STRING), 2, '0'), 's') \
         WHEN {d} < 86400 THEN concat({d} div 3600, 'h', lpad(CAST({d} % 3600 div 60 AS STRING), 2, '0'), 'm') \
         ELSE concat({d} div 86400, 'd', {d} % 86400 div 3600, 'h') END"
    )
}

/// A timestamp as the native audit prints it: RFC 3339 in UTC, trailing zeros of the fraction
/// dropped.
fn iso(ts: &str) -> String {
    format!(
        "concat(regexp_replace(date_format({ts}, 'yyyy-MM-dd\\'T\\'HH:mm:ss.SSSSSS'), '\\\\.?0+$', ''), 'Z')"
    )
}

/// Text without leading and trailing white space (Unicode's, as Rust's `trim`).
fn utrim(x: &str) -> String {
    format!("regexp_replace({x}, '(?U)^\\\\s+|\\\\s+$', '')")
}

/// A number as the native audit prints it (`3`, `-1`, `2.5`).
fn num(x: &str) -> String {
    format!(
        "CASE WHEN {x} = floor({x}) AND abs({x}) < 1e15 THEN CAST(CAST({x} AS BIGINT) AS STRING) ELSE CAST({x} AS STRING) END"
    )
}

/// The SQL `IN` test of a state column against a set of names.
fn state_in(col: &str, names: &[&str]) -> String {
    if names.is_empty() {
        "false".into()
    } else {
        format!("{col} IN ({})", list(names.iter().map(|n| lit(n))))
    }
}

/// `CASE lc WHEN 0 THEN … WHEN 1 THEN … END` over the plan's lifecycles (`NULL` arms left out).
fn per_lc(plan: &Plan, f: impl Fn(&Lifecycle) -> Option<String>) -> String {
    let arms: Vec<String> = plan
        .lifecycles
        .iter()
        .enumerate()
        .filter_map(|(i, lc)| f(lc).map(|e| format!("WHEN {i} THEN {e}")))
        .collect();
    if arms.is_empty() {
        "NULL".into()
    } else {
        format!("CASE lc {} END", arms.join(" "))
    }
}

/// A finding row as a struct; `cond` says when the row exists.
struct Row<'a> {
    check: &'a CheckInfo,
    lifecycle: &'a str,
    entity: &'a str,
    time: String,
    from: &'a str,
    to: &'a str,
    message: String,
    at: (&'a str, &'a str, &'a str),
}

const NULL: &str = "CAST(NULL AS STRING)";

/// The cached table of parsed, classified records.
pub const REC: &str = "amlguard_rec";
/// The cached table of events with their watermark.
pub const EV: &str = "amlguard_ev";
/// The cached table of events cut into sessions.
pub const SESS: &str = "amlguard_sess";
/// The cached table of each entity's events in order.
pub const STEP: &str = "amlguard_step";
/// The line that ends a statement: a line holding only `;` (a literal never spans lines, a
/// comment starts with `--`), so a runner splits the script without parsing SQL.
pub const END: &str = ";";

impl Row<'_> {
    fn when(&self, cond: &str, plan: &Plan) -> String {
        format!(
            "      CASE WHEN {cond} THEN named_struct('code', {}, 'name', {}, 'severity', {}, 'lifecycle', {}, 'entity', {}, 'time', {}, 'from', {}, 'to', {},\n        'message', {}, 'file_index', {}, 'file', {}, 'line', {}) END",
            lit(self.check.code),
            lit(self.check.name),
            lit(severity(self.check, &plan.options)),
            self.lifecycle,
            self.entity,
            self.time,
            self.from,
            self.to,
            self.message,
            self.at.0,
            self.at.1,
            self.at.2
        )
    }
}

/// Compiles a plan to a Spark SQL script of five statements (see [`END`]): four `CACHE TABLE`
/// statements and the query whose rows are the findings. All lifecycles share one pass over
/// the records and one sequence of window functions partitioned by lifecycle and entity; the
/// cached tables keep each plan Spark optimizes small.
pub fn compile(plan: &Plan) -> String {
    let fields = Fields::new(plan);
    let o = &plan.options;
    let window_us = (o.reorder_window as i64).saturating_mul(1_000_000);
    let mut q = String::new();
    let names: Vec<&str> = plan.lifecycles.iter().map(|l| l.name.as_str()).collect();
    let _ = writeln!(
        q,
        "-- amlguard: the audit of lifecycle{} {} as a Spark SQL script; its last statement returns one row per finding.",
        if names.len() == 1 { "" } else { "s" },
        list(names.iter().map(|n| format!("`{}`", in_comment(n))))
    );
    let _ = writeln!(
        q,
        "-- Reads {} (file_index INT, file STRING, line BIGINT, record STRING): one row per line\n\
         -- of the diagnostic-settings JSON. Session time zone: UTC. Reorder window: {} s.\n\
         -- Each entity's events are ordered by time, ties by file_index, then line (the native\n\
         -- audit's input order).",
        in_comment(&o.source),
        o.reorder_window
    );
    for (i, lc) in plan.lifecycles.iter().enumerate() {
        let _ = writeln!(
            q,
            "-- lc {i} = `{}`: categories {}; key {}; state {}{}",
            in_comment(&lc.name),
            in_comment(&lc.categories.join(", ")),
            in_comment(&lc.key.join(", ")),
            in_comment(&lc.state),
            if lc.state_optional { " (optional)" } else { "" }
        );
    }
    q.push_str(
        "-- Five statements, each ended by a line holding only `;`: the records are parsed and\n\
         -- classified once and cached; the events get their watermark, then their sessions,\n\
         -- then their order and blocks, each stage cached; the last statement reads the\n\
         -- findings. Caching cuts the plan Spark optimizes and runs into small ones.\n",
    );
    let _ = writeln!(q, "CACHE TABLE {REC} AS\nWITH");
    // Every record parsed once; fields looked up case-insensitively, `properties` first (its
    // last occurrence of a name wins), then the top level (its first occurrence wins).
    let _ = writeln!(
        q,
        "parsed AS (\n  SELECT file_index, file, line, from_json(record, 'map<string,string>') AS top\n  FROM {}\n  WHERE trim(record) <> ''\n),",
        o.source
    );
    q.push_str("props AS (\n  SELECT *,\n    from_json(try_element_at(map_values(map_filter(top, (k, v) -> lower(k) = 'properties')), 1), 'map<string,string>') AS p\n  FROM parsed\n),\n");
    q.push_str("r AS (\n  SELECT file_index, file, line, top IS NULL AS bad_json");
    for f in &fields.names {
        let l = lit(&f.to_lowercase());
        let _ = write!(
            q,
            ",\n    coalesce(try_element_at(map_values(map_filter(p, (k, v) -> lower(k) = {l} AND v IS NOT NULL)), -1),\n      try_element_at(map_values(map_filter(top, (k, v) -> lower(k) = {l} AND v IS NOT NULL)), 1)) AS {}",
            fields.col(f)
        );
    }
    q.push_str("\n  FROM props\n),\n");
    classify(&mut q, plan, &fields);
    records(&mut q, plan, &fields);
    let _ = writeln!(q, "SELECT * FROM rec\n{END}");
    let _ = writeln!(q, "CACHE TABLE {EV} AS\nWITH");
    sequence(&mut q, plan, window_us);
    let _ = writeln!(q, "SELECT * FROM step\n{END}");
    q.push_str("WITH\n");
    record_rows(&mut q, plan, &fields);
    sequence_rows(&mut q, plan);
    q.push_str("SELECT f.code, f.name, f.severity, f.lifecycle, f.entity, f.time, f.`from`, f.`to`, f.message, f.file, f.line\nFROM (\n  SELECT * FROM record_findings\n  UNION ALL\n  SELECT * FROM sequence_findings\n) AS f\nORDER BY f.file_index, f.line, f.code, f.message\n");
    q
}

/// `c`: each record with its lifecycle (`lc`): by `Type` or `category`, else the first
/// lifecycle whose key and state fields it carries.
fn classify(q: &mut String, plan: &Plan, fields: &Fields) {
    let col = |f: &str| fields.col(f);
    let category = format!("coalesce({}, {})", col("Type"), col("category"));
    let mut by_cat = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, lc) in plan.lifecycles.iter().enumerate() {
        for c in &lc.categories {
            let l = c.to_lowercase();
            if !seen.contains(&l) {
                by_cat.push(format!("WHEN {} THEN {i}", lit(&l)));
                seen.push(l);
            }
        }
    }
    let present = |set: &[String]| {
        set.iter()
            .map(|f| format!("{} IS NOT NULL", col(f)))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let mut fallback = Vec::new();
    for (i, lc) in plan.lifecycles.iter().enumerate() {
        let mut cond = present(&lc.claim_fields());
        for before in &lc.claimed_before {
            let _ = write!(cond, " AND NOT ({})", present(before));
        }
        fallback.push(format!("WHEN {cond} THEN {i}"));
    }
    let by_cat = if by_cat.is_empty() {
        "NULL".to_string()
    } else {
        format!("CASE lower({category}) {} END", by_cat.join(" "))
    };
    let _ = writeln!(
        q,
        "c AS (\n  SELECT *,\n    CASE WHEN bad_json THEN NULL WHEN {category} IS NOT NULL THEN {by_cat}\n      {} END AS lc\n  FROM r\n),",
        fallback.join("\n      ")
    );
}

/// `rec`: the records of the lifecycles, with their time, entity, state and what makes them
/// unreadable; lines that are not JSON objects are kept (`bad_json`) to be reported.
fn records(q: &mut String, plan: &Plan, fields: &Fields) {
    let col = |f: &str| fields.col(f);
    let time_text = per_lc(plan, |lc| {
        Some(format!(
            "coalesce({})",
            list(lc.time.iter().map(|t| col(t)))
        ))
    });
    let entity = per_lc(plan, |lc| {
        Some(format!(
            "concat_ws('/', {})",
            list(lc.key.iter().map(|k| col(k)))
        ))
    });
    let state_raw = per_lc(plan, |lc| Some(col(&lc.state)));
    let canonical = per_lc(plan, |lc| {
        Some(format!(
            "CASE lower({}) {} END",
            utrim(&col(&lc.state)),
            lc.states
                .iter()
                .map(|s| format!("WHEN {} THEN {}", lit(&s.name.to_lowercase()), lit(&s.name)))
                .collect::<Vec<_>>()
                .join(" ")
        ))
    });
    let no_time = per_lc(plan, |lc| {
        Some(lit(&format!(
            "{} record without a time field ({})",
            lc.name,
            lc.time.join(", ")
        )))
    });
    let bad_time = per_lc(plan, |lc| {
        Some(lit(&format!(
            "{} record with an unreadable time `",
            lc.name
        )))
    });
    let key_problem = per_lc(plan, |lc| {
        Some(format!(
            "CASE {} END",
            lc.key
                .iter()
                .map(|k| format!(
                    "WHEN {c} IS NULL THEN {} WHEN {t} = '' THEN {}",
                    lit(&format!("{} record without its key field `{k}`", lc.name)),
                    lit(&format!(
                        "{} record whose key field `{k}` is empty",
                        lc.name
                    )),
                    c = col(k),
                    t = utrim(&col(k))
                ))
                .collect::<Vec<_>>()
                .join(" ")
        ))
    });
    let state_problem = per_lc(plan, |lc| {
        (!lc.state_optional).then(|| {
            format!(
                "CASE WHEN {} IS NULL THEN {} END",
                col(&lc.state),
                lit(&format!(
                    "{} record without its state field `{}`",
                    lc.name, lc.state
                ))
            )
        })
    });
    let _ = writeln!(
        q,
        "c2 AS (\n  SELECT *,\n    {time_text} AS time_text,\n    {entity} AS entity,\n    {state_raw} AS state_raw,\n    {canonical} AS state_known,\n    {state_problem} AS state_problem\n  FROM c\n  WHERE lc IS NOT NULL OR bad_json\n),"
    );
    let _ = writeln!(
        q,
        "rec AS (\n  SELECT *,\n    CASE WHEN bad_json THEN NULL WHEN time_text IS NULL THEN {no_time}\n      WHEN ts IS NULL THEN concat({bad_time}, time_text, '`')\n      ELSE {key_problem} END AS problem\n  FROM (SELECT *, try_cast(time_text AS TIMESTAMP) AS ts FROM c2) AS t\n)"
    );
}

/// The events in order, per lifecycle and entity: the state each finds (`cur`), the block of
/// repeats it belongs to, and the sessions the reorder window cuts.
fn sequence(q: &mut String, plan: &Plan, window_us: i64) {
    let term = per_lc(plan, |lc| {
        let t: Vec<&str> = lc
            .states
            .iter()
            .filter(|s| s.terminal)
            .map(|s| s.name.as_str())
            .collect();
        Some(state_in("state", &t))
    });
    let _ = writeln!(
        q,
        "events AS (\n  SELECT lc, entity, ts, state_known AS state, file_index, file, line\n  FROM {REC} WHERE problem IS NULL AND state_known IS NOT NULL\n),"
    );
    // The watermark: the latest event time earlier in input order (the files in order, then
    // the lines of each), computed per file so that it scales with the files.
    q.push_str(
        "file_max AS (\n  SELECT file_index, max(ts) AS mx FROM events GROUP BY file_index\n),\n",
    );
    q.push_str("file_before AS (\n  SELECT file_index, max(mx) OVER (ORDER BY file_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before,\n    max(mx) OVER () AS data_end\n  FROM file_max\n),\n");
    let _ = writeln!(
        q,
        "watermarked AS (\n  SELECT e.*, b.data_end,\n    greatest(b.before, max(e.ts) OVER (PARTITION BY e.file_index ORDER BY e.line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS wm\n  FROM events e JOIN file_before b ON e.file_index = b.file_index\n),"
    );
    // Late records are set apart (their own partitions): they are reported, not applied.
    let _ = writeln!(
        q,
        "ev AS (\n  SELECT *, {term} AS term\n  FROM (SELECT *, wm IS NOT NULL AND unix_micros(ts) < unix_micros(wm) - {window_us} AS late FROM watermarked) AS m\n)\nSELECT * FROM ev\n{END}\nCACHE TABLE {SESS} AS\nWITH"
    );
    let w = "PARTITION BY lc, entity, late ORDER BY ts, file_index, line";
    let _ = writeln!(
        q,
        "gaps AS (\n  SELECT *, lag(ts) OVER ({w}) IS NOT NULL AND unix_micros(lag(ts) OVER ({w})) < unix_micros(wm) - {window_us} AS gap FROM {EV}\n),"
    );
    let _ = writeln!(
        q,
        "seg AS (\n  SELECT *, sum(CAST(gap AS INT)) OVER ({w} ROWS UNBOUNDED PRECEDING) AS seg FROM gaps\n),\nseg_term AS (\n  SELECT *, max(CAST(term AS INT)) OVER (PARTITION BY lc, entity, late, seg) AS seg_has_term FROM seg\n),"
    );
    // A gap after a segment that reached a terminal state starts a new entity: the native
    // audit forgets a terminal entity once the reorder window has passed it.
    let _ = writeln!(
        q,
        "resets AS (\n  SELECT *, CAST(gap AND lag(seg_has_term) OVER ({w}) = 1 AS INT) AS reset FROM seg_term\n),\nsess AS (\n  SELECT *, sum(reset) OVER ({w} ROWS UNBOUNDED PRECEDING) AS sess FROM resets\n)\nSELECT * FROM sess\n{END}\nCACHE TABLE {STEP} AS\nWITH"
    );
    let w2 = "PARTITION BY lc, entity, late, sess ORDER BY ts, file_index, line";
    // `cur`: the state an event finds: the first terminal state reached, else the previous
    // event's state. A repeated state is not a transition: blocks of repeats share `blk`.
    let _ = writeln!(
        q,
        "cur AS (\n  SELECT *,\n    row_number() OVER ({w2}) AS n,\n    row_number() OVER (PARTITION BY lc, entity, late, sess ORDER BY ts DESC, file_index DESC, line DESC) AS n_rev,\n    coalesce(first(CASE WHEN term THEN state END, true) OVER ({w2} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), lag(state) OVER ({w2})) AS cur,\n    first(CASE WHEN term THEN state END, true) OVER ({w2} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS term_state,\n    CASE WHEN lag(state) OVER ({w2}) <=> state THEN 0 ELSE 1 END AS chg\n  FROM {SESS}\n),\nblocks AS (\n  SELECT *, sum(chg) OVER ({w2} ROWS UNBOUNDED PRECEDING) AS blk FROM cur\n),"
    );
    let wb = "PARTITION BY lc, entity, late, sess, blk ORDER BY ts, file_index, line";
    let _ = writeln!(
        q,
        "block_start AS (\n  SELECT *,\n    first(ts) OVER ({wb}) AS blk_ts,\n    first(file_index) OVER ({wb}) AS blk_file_index,\n    first(file) OVER ({wb}) AS blk_file,\n    first(line) OVER ({wb}) AS blk_line\n  FROM blocks\n),"
    );
    let _ = writeln!(
        q,
        "step AS (\n  SELECT *,\n    lag(blk_ts) OVER ({w2}) AS entered,\n    lag(blk_file_index) OVER ({w2}) AS entered_file_index,\n    lag(blk_file) OVER ({w2}) AS entered_file,\n    lag(blk_line) OVER ({w2}) AS entered_line\n  FROM block_start\n)"
    );
}

/// Findings about single records: unreadable, unknown state, inconsistent.
fn record_rows(q: &mut String, plan: &Plan, fields: &Fields) {
    let name = per_lc(plan, |lc| Some(lit(&lc.name)));
    let iso_ts = iso("ts");
    let at = ("file_index", "file", "line");
    // An unreadable record: not a JSON object, a problem found while parsing it, or a state
    // that could not be read; each row carries its message as a SQL expression.
    let unreadable = |message: &str, condition: &str| {
        Row {
            check: &registry::UNREADABLE_RECORD,
            lifecycle: NULL,
            entity: NULL,
            time: NULL.into(),
            from: NULL,
            to: NULL,
            message: message.into(),
            at,
        }
        .when(condition, plan)
    };
    let mut rows = vec![
        unreadable("'unreadable record: not a JSON object'", "bad_json"),
        unreadable("problem", "problem IS NOT NULL"),
        unreadable(
            "state_problem",
            "NOT bad_json AND problem IS NULL AND state_problem IS NOT NULL",
        ),
    ];
    rows.push(
        Row {
            check: &registry::UNKNOWN_STATE,
            lifecycle: &name,
            entity: "entity",
            time: iso_ts.clone(),
            from: NULL,
            to: "state_raw",
            message: format!(
                "concat({name}, ' `', entity, '`: `', state_raw, '` is not a state of the ', {name}, ' lifecycle')"
            ),
            at,
        }
        .when(
            "NOT bad_json AND problem IS NULL AND state_raw IS NOT NULL AND state_known IS NULL",
            plan,
        ),
    );
    for (i, lc) in plan.lifecycles.iter().enumerate() {
        for (message, cond) in record_checks(lc, fields) {
            rows.push(
                Row {
                    check: &registry::RECORD_INCONSISTENT,
                    lifecycle: &name,
                    entity: "entity",
                    time: iso_ts.clone(),
                    from: NULL,
                    to: "state_raw",
                    message,
                    at,
                }
                .when(
                    &format!("lc = {i} AND NOT bad_json AND problem IS NULL AND {cond}"),
                    plan,
                ),
            );
        }
    }
    let _ = writeln!(
        q,
        "record_findings AS (\n  SELECT f.* FROM {REC}\n  LATERAL VIEW explode(filter(array(\n{}\n    ), x -> x IS NOT NULL)) t AS f\n),",
        rows.join(",\n")
    );
}

/// Findings about sequences: late, started mid-lifecycle, after terminal, dwell, illegal, open
/// at the end.
fn sequence_rows(q: &mut String, plan: &Plan) {
    let name = per_lc(plan, |lc| Some(lit(&lc.name)));
    let iso_ts = iso("ts");
    let at = ("file_index", "file", "line");
    let initial = per_lc(plan, |lc| {
        let s: Vec<&str> = lc
            .states
            .iter()
            .filter(|s| s.initial)
            .map(|s| s.name.as_str())
            .collect();
        Some(state_in("state", &s))
    });
    let cur_terminal = per_lc(plan, |lc| {
        let s: Vec<&str> = lc
            .states
            .iter()
            .filter(|s| s.terminal)
            .map(|s| s.name.as_str())
            .collect();
        Some(state_in("cur", &s))
    });
    let has_terminal = per_lc(plan, |lc| Some(lc.has_terminal().to_string()));
    let legal = per_lc(plan, |lc| {
        let arms: Vec<String> = lc
            .states
            .iter()
            .map(|s| {
                let succ: Vec<&str> = s.successors.iter().map(String::as_str).collect();
                format!("WHEN {} THEN {}", lit(&s.name), state_in("state", &succ))
            })
            .collect();
        Some(format!("CASE cur {} ELSE false END", arms.join(" ")))
    });
    let max_dwell = |col: &str| {
        per_lc(plan, |lc| {
            let arms: Vec<String> = lc
                .states
                .iter()
                .filter_map(|s| {
                    s.max_dwell
                        .map(|m| format!("WHEN {} THEN {m}", lit(&s.name)))
                })
                .collect();
            (!arms.is_empty()).then(|| format!("CASE {col} {} END", arms.join(" ")))
        })
    };
    let now = match plan.options.until {
        Some(t) => format!("timestamp_micros({t})"),
        None => "data_end".into(),
    };
    let prefix = format!("{name}, ' `', entity");
    let moved = format!("NOT late AND n > 1 AND NOT ({cur_terminal}) AND state <> cur");
    let stay = "(unix_micros(ts) - unix_micros(entered)) div 1000000";
    let stayed = format!("(unix_micros({now}) - unix_micros(blk_ts)) div 1000000");
    let end = "NOT late AND n_rev = 1 AND term_state IS NULL";
    let rows = [
        Row {
            check: &registry::LATE_RECORD,
            lifecycle: &name,
            entity: "entity",
            time: iso_ts.clone(),
            from: NULL,
            to: "state",
            message: format!(
                "concat({prefix}, '`: record at ', {iso_ts}, ' arrived after records up to ', {}, ', beyond the reorder window')",
                iso("wm")
            ),
            at,
        }
        .when("late", plan),
        Row {
            check: &registry::STARTED_MID_LIFECYCLE,
            lifecycle: &name,
            entity: "entity",
            time: iso_ts.clone(),
            from: NULL,
            to: "state",
            message: format!(
                "concat({prefix}, '` is first seen in state ', state, ' (the dump starts mid-lifecycle)')"
            ),
            at,
        }
        .when(&format!("NOT late AND n = 1 AND NOT ({initial})"), plan),
        Row {
            check: &registry::EVENT_AFTER_TERMINAL,
            lifecycle: &name,
            entity: "entity",
            time: iso_ts.clone(),
            from: "cur",
            to: "state",
            message: format!("concat({prefix}, '` reports ', state, ' after it ended in ', cur)"),
            at,
        }
        .when(
            &format!("NOT late AND n > 1 AND {cur_terminal} AND state <> cur"),
            plan,
        ),
        Row {
            check: &registry::DWELL_EXCEEDED,
            lifecycle: &name,
            entity: "entity",
            time: iso("entered"),
            from: "cur",
            to: "state",
            message: format!(
                "concat({prefix}, '` stayed in ', cur, ' for ', {}, ' (limit ', {}, ')')",
                human(&format!("greatest({stay}, 0)")),
                human(&max_dwell("cur"))
            ),
            at: ("entered_file_index", "entered_file", "entered_line"),
        }
        .when(&format!("{moved} AND {stay} > {}", max_dwell("cur")), plan),
        Row {
            check: &registry::ILLEGAL_TRANSITION,
            lifecycle: &name,
            entity: "entity",
            time: iso_ts.clone(),
            from: "cur",
            to: "state",
            message: format!(
                "concat({prefix}, '`: ', cur, ' → ', state, ' is not a legal transition')"
            ),
            at,
        }
        .when(&format!("{moved} AND NOT ({legal})"), plan),
        Row {
            check: &registry::DWELL_EXCEEDED,
            lifecycle: &name,
            entity: "entity",
            time: iso("blk_ts"),
            from: "state",
            to: NULL,
            message: format!(
                "concat({prefix}, '` has been in ', state, ' for ', {}, ' at the end of the dump (limit ', {}, ')')",
                human(&format!("greatest({stayed}, 0)")),
                human(&max_dwell("state"))
            ),
            at: ("blk_file_index", "blk_file", "blk_line"),
        }
        .when(&format!("{end} AND {stayed} > {}", max_dwell("state")), plan),
        Row {
            check: &registry::OPEN_AT_END,
            lifecycle: &name,
            entity: "entity",
            time: iso("blk_ts"),
            from: "state",
            to: NULL,
            message: format!("concat({prefix}, '` is still ', state, ' at the end of the dump')"),
            at,
        }
        .when(&format!("{end} AND {has_terminal}"), plan),
    ];
    let _ = writeln!(
        q,
        "sequence_findings AS (\n  SELECT f.* FROM {STEP}\n  LATERAL VIEW explode(filter(array(\n{}\n    ), x -> x IS NOT NULL)) t AS f\n)",
        rows.join(",\n")
    );
}

/// The in-record checks of a lifecycle: `(message, condition)` over the columns of `rec_i`.
fn record_checks(lc: &Lifecycle, fields: &Fields) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let col = |f: &str| fields.col(f);
    let number = |f: &str| format!("try_cast(trim({}) AS DOUBLE)", col(f));
    let time = |f: &str| format!("try_cast({} AS TIMESTAMP)", col(f));
    if let Some(a) = &lc.agree {
        let v = col(&a.field);
        let expected = format!(
            "CASE lower({v}) {} END",
            a.pairs
                .iter()
                .map(|(k, s)| format!("WHEN {} THEN {}", lit(k), lit(s)))
                .collect::<Vec<_>>()
                .join(" ")
        );
        out.push((
            format!(
                "concat({}, {v}, {}, state_raw, '` (expected ', {expected}, ')')",
                lit(&format!("{} record says {} `", lc.name, a.field)),
                lit(&format!("` but {} `", lc.state)),
            ),
            format!(
                "state_raw IS NOT NULL AND {v} IS NOT NULL AND {expected} IS NOT NULL AND lower({expected}) <> lower({})", utrim("state_raw")
            ),
        ));
    }
    for check in &lc.checks {
        match check {
            RecordCheck::NonNegative { fields, .. } => {
                for f in fields {
                    out.push((
                        format!(
                            "concat({}, {}, ', a negative count')",
                            lit(&format!("{} record has {f} = ", lc.name)),
                            num(&number(f))
                        ),
                        format!("{} < 0", number(f)),
                    ));
                }
            }
            RecordCheck::AtMost { fields, limit, .. } => {
                for f in fields {
                    out.push((
                        format!(
                            "concat({}, {}, {}, {})",
                            lit(&format!("{} record has {f} = ", lc.name)),
                            num(&number(f)),
                            lit(&format!(", above {limit} = ")),
                            num(&number(limit))
                        ),
                        format!("{} > {}", number(f), number(limit)),
                    ));
                }
            }
            RecordCheck::Ordered { fields, .. } => {
                for (j, f) in fields.iter().enumerate().skip(1) {
                    // The nearest earlier field that is present.
                    let earlier: Vec<&String> = fields[..j].iter().rev().collect();
                    let prev_time = format!("coalesce({})", list(earlier.iter().map(|e| time(e))));
                    let prev_name = format!(
                        "CASE {} END",
                        earlier
                            .iter()
                            .map(|e| format!("WHEN {} IS NOT NULL THEN {}", time(e), lit(e)))
                            .collect::<Vec<_>>()
                            .join(" ")
                    );
                    out.push((
                        format!(
                            "concat({}, {}, ') before ', {prev_name}, ' (', {}, ')')",
                            lit(&format!("{} record has {f} (", lc.name)),
                            iso(&time(f)),
                            iso(&prev_time)
                        ),
                        format!("{} < {prev_time}", time(f)),
                    ));
                }
            }
        }
    }
    out
}
