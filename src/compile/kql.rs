//! The KQL dialect: the audit as one query over the Log Analytics tables of a lifecycle's
//! categories, read by their column names (TimeGenerated, RunId, Status, …) and with their
//! Log Analytics types (many numeric-looking Aml* columns are strings: every number is read with
//! `todouble(tostring(…))`, every time with `todatetime(…)`). One row per finding, with the
//! fields of `audit --format json`.
//!
//! Log Analytics keeps no input order: ties in time are broken by `ingestion_time()`, there is no
//! late record (nothing arrives "late" in a table), and a terminal entity silent for longer than
//! the reorder window starts a new entity when its next record comes more than the window after
//! its previous one. Records have no file or line there.

use std::fmt::Write;

use crate::kql::Schemas;
use crate::lifecycle::RecordCheck;
use crate::registry::{self, CheckInfo};

use super::in_comment;
use super::ir::{Lifecycle, Plan, Refused, severity};

/// A KQL string literal.
pub fn lit(s: &str) -> String {
    super::quoted(s, '"', &[])
}

/// A column name, bracket-quoted unless it is a plain identifier.
fn ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("[{}]", lit(name))
    }
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}

fn state_in(col: &str, names: &[&str]) -> String {
    if names.is_empty() {
        "false".into()
    } else {
        format!("{col} in ({})", list(names.iter().map(|n| lit(n))))
    }
}

/// `d` whole seconds as the native audit prints a duration.
fn human(d: &str) -> String {
    format!(
        "case({d} < 60, strcat({d}, \"s\"), {d} < 3600, strcat({d} / 60, \"m\", iff({d} % 60 < 10, \"0\", \"\"), {d} % 60, \"s\"), {d} < 86400, strcat({d} / 3600, \"h\", iff({d} % 3600 / 60 < 10, \"0\", \"\"), {d} % 3600 / 60, \"m\"), strcat({d} / 86400, \"d\", {d} % 86400 / 3600, \"h\"))"
    )
}

/// A number as text (`3`, `-1`, `2.5`).
fn num(x: &str) -> String {
    format!("iff({x} == floor({x}, 1), tostring(tolong({x})), tostring({x}))")
}

/// The columns of the tables a lifecycle reads.
struct Source {
    tables: Vec<String>,
    not_tables: Vec<String>,
    columns: Vec<String>,
}

impl Source {
    fn new(lc: &Lifecycle, schemas: &Schemas) -> Source {
        let mut tables = Vec::new();
        let mut not_tables = Vec::new();
        let mut columns: Vec<String> = Vec::new();
        for c in &lc.categories {
            match schemas.table(c) {
                Some(t) => {
                    if !tables.contains(&t.name) {
                        tables.push(t.name.clone());
                        for (col, _) in &t.columns {
                            if !columns.iter().any(|x| x.eq_ignore_ascii_case(col)) {
                                columns.push(col.clone());
                            }
                        }
                    }
                }
                None => not_tables.push(c.clone()),
            }
        }
        Source {
            tables,
            not_tables,
            columns,
        }
    }

    /// The column of a field (case-insensitively, spelled as the table spells it).
    fn column(&self, field: &str) -> Option<String> {
        self.columns
            .iter()
            .find(|c| c.eq_ignore_ascii_case(field))
            .map(|c| ident(c))
    }
}

/// Compiles a plan into one KQL query.
pub fn compile(plan: &Plan, schemas: &Schemas) -> Result<String, Refused> {
    let mut q = String::new();
    let names: Vec<&str> = plan.lifecycles.iter().map(|l| l.name.as_str()).collect();
    let _ = writeln!(
        q,
        "// amlguard: the audit of lifecycle{} {} as one KQL query; one row per finding.",
        if names.len() == 1 { "" } else { "s" },
        list(names.iter().map(|n| format!("`{}`", in_comment(n))))
    );
    let _ = writeln!(
        q,
        "// Each entity's events in time order, ties by ingestion time. Reorder window: {} s.",
        plan.options.reorder_window
    );
    let mut parts = Vec::new();
    for (i, lc) in plan.lifecycles.iter().enumerate() {
        let src = Source::new(lc, schemas);
        if src.tables.is_empty() {
            return Err(Refused(format!(
                "lifecycle `{}`: none of its categories ({}) is a Log Analytics table, so KQL \
                 cannot read its records; use --dialect spark over the archive",
                lc.name,
                lc.categories.join(", ")
            )));
        }
        parts.push(lifecycle(&mut q, i, lc, &src, plan)?);
    }
    let _ = writeln!(
        q,
        "union {}\n| project code, name, severity, lifecycle, entity, [\"time\"], [\"from\"], [\"to\"], message\n| sort by lifecycle asc, entity asc, [\"time\"] asc, code asc",
        parts.join(", ")
    );
    Ok(q)
}

/// The `let` statements of one lifecycle; returns the name of its findings.
fn lifecycle(
    q: &mut String,
    i: usize,
    lc: &Lifecycle,
    src: &Source,
    plan: &Plan,
) -> Result<String, Refused> {
    let o = &plan.options;
    let _ = writeln!(
        q,
        "// lifecycle `{}`: key {}; state {}; tables {}",
        in_comment(&lc.name),
        in_comment(&lc.key.join(", ")),
        in_comment(&lc.state),
        in_comment(&src.tables.join(", "))
    );
    if !src.not_tables.is_empty() {
        let _ = writeln!(
            q,
            "// not Log Analytics tables, so not read here: {}",
            in_comment(&src.not_tables.join(", "))
        );
    }
    let time = lc.time.iter().find_map(|t| src.column(t)).ok_or_else(|| {
        Refused(format!(
            "lifecycle `{}`: none of its time fields ({}) is a column of {}",
            lc.name,
            lc.time.join(", "),
            src.tables.join(", ")
        ))
    })?;
    let mut keys = Vec::new();
    for k in &lc.key {
        keys.push(src.column(k).ok_or_else(|| {
            Refused(format!(
                "lifecycle `{}`: its key field `{k}` is not a column of {}",
                lc.name,
                src.tables.join(", ")
            ))
        })?);
    }
    let state = match src.column(&lc.state) {
        Some(c) => Some(c),
        None if lc.state_optional => {
            let _ = writeln!(
                q,
                "// {} is not a column of {}: its records carry no state there, so only the in-record checks apply",
                in_comment(&lc.state),
                in_comment(&src.tables.join(", "))
            );
            None
        }
        None => {
            return Err(Refused(format!(
                "lifecycle `{}`: its state field `{}` is not a column of {}",
                lc.name,
                lc.state,
                src.tables.join(", ")
            )));
        }
    };
    let name = lit(&lc.name);
    let source = if src.tables.len() == 1 {
        src.tables[0].clone()
    } else {
        format!("union {}", src.tables.join(", "))
    };
    let state_raw = state
        .as_ref()
        .map_or("\"\"".to_string(), |s| format!("tostring({s})"));
    let canonical = format!(
        "case({}, \"\")",
        lc.states
            .iter()
            .map(|s| format!(
                "_lower == {}, {}",
                lit(&s.name.to_lowercase()),
                lit(&s.name)
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let key_problem = keys
        .iter()
        .zip(&lc.key)
        .map(|(c, k)| {
            format!(
                "isempty(trim(@\"\\s+\", tostring({c}))), {}",
                lit(&format!(
                    "{} record whose key field `{k}` is empty",
                    lc.name
                ))
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        q,
        "let R{i} = {source}\n| extend _time = todatetime({time}), _ingested = ingestion_time()\n| extend _entity = {entity}\n| extend _state_raw = {state_raw}\n| extend _lower = tolower(trim(@\"\\s+\", _state_raw))\n| extend _state = {canonical}\n| extend _problem = case({key_problem}, \"\");",
        entity = if keys.len() == 1 {
            format!("tostring({})", keys[0])
        } else {
            format!(
                "strcat_delim(\"/\", {})",
                list(keys.iter().map(|k| format!("tostring({k})")))
            )
        },
    );
    let _ = writeln!(
        q,
        "let E{i} = materialize(R{i}\n| where isempty(_problem) and isnotempty(_state)\n| extend _term = {}\n| sort by _entity asc, _time asc, _ingested asc\n| extend _ord = row_number()\n| extend _first = _ord == 1 or _entity != prev(_entity)\n| extend _gap = not(_first) and prev(_time) < _time - {}s\n| extend _seg = row_cumsum(toint(_gap), _first));",
        state_in(
            "_state",
            &lc.states
                .iter()
                .filter(|s| s.terminal)
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
        ),
        o.reorder_window
    );
    let _ = writeln!(
        q,
        "let S{i} = materialize(E{i}\n| lookup (E{i} | summarize _seg_term = max(toint(_term)) by _entity, _seg) on _entity, _seg\n| sort by _ord asc\n| extend _reset = _gap and prev(_seg_term) == 1\n| extend _sess = row_cumsum(toint(_reset), _first));"
    );
    let _ = writeln!(
        q,
        "let T{i} = materialize(S{i}\n| lookup kind=leftouter (S{i} | where _term | summarize arg_min(_ord, _state) by _entity, _sess | project _entity, _sess, _term_ord = _ord, _first_term = _state) on _entity, _sess\n| sort by _ord asc\n| extend _new = _first or _reset\n| extend _cur = iff(_new, \"\", iff(isnotempty(_first_term) and _term_ord < _ord, _first_term, prev(_state)))\n| extend _chg = _new or prev(_state) != _state\n| extend _blk = row_cumsum(toint(_chg)));"
    );
    let _ = writeln!(
        q,
        "let Q{i} = T{i}\n| lookup (T{i} | where _chg | project _blk, _blk_time = _time) on _blk\n| sort by _ord asc\n| extend _entered = iff(_new, datetime(null), prev(_blk_time))\n| extend _last = next(_ord, 1, -1) == -1 or next(_new);"
    );
    let now = match o.until {
        Some(t) => format!("datetime({})", crate::audit::time::format(t)),
        None => format!("toscalar(E{i} | summarize max(_time))"),
    };
    let terminal: Vec<&str> = lc
        .states
        .iter()
        .filter(|s| s.terminal)
        .map(|s| s.name.as_str())
        .collect();
    let initial: Vec<&str> = lc
        .states
        .iter()
        .filter(|s| s.initial)
        .map(|s| s.name.as_str())
        .collect();
    let legal = format!(
        "case({}, false)",
        lc.states
            .iter()
            .map(|s| {
                let succ: Vec<&str> = s.successors.iter().map(String::as_str).collect();
                format!("_cur == {}, {}", lit(&s.name), state_in("_state", &succ))
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let max_dwell = |col: &str| {
        let arms: Vec<String> = lc
            .states
            .iter()
            .filter_map(|s| {
                s.max_dwell
                    .map(|m| format!("{col} == {}, {m}", lit(&s.name)))
            })
            .collect();
        if arms.is_empty() {
            "-1".to_string()
        } else {
            format!("case({}, -1)", arms.join(", "))
        }
    };
    let project = |check: &CheckInfo, time: &str, from: &str, to: &str, message: &str| {
        format!(
            "| project code = {}, name = {}, severity = {}, lifecycle = {name}, entity = _entity, [\"time\"] = {time}, [\"from\"] = {from}, [\"to\"] = {to},\n    message = {message}",
            lit(check.code),
            lit(check.name),
            lit(severity(check, o)),
        )
    };
    let mut rows = Vec::new();
    let prefix = format!("{name}, \" `\", _entity");
    rows.push(format!(
        "(R{i} | where isnotempty(_problem)\n{})",
        project(
            &registry::UNREADABLE_RECORD,
            "_time",
            "\"\"",
            "\"\"",
            "_problem"
        )
    ));
    if state.is_some() {
        if !lc.state_optional {
            rows.push(format!(
                "(R{i} | where isempty(_problem) and isempty(_state_raw)\n{})",
                project(
                    &registry::UNREADABLE_RECORD,
                    "_time",
                    "\"\"",
                    "\"\"",
                    &lit(&format!(
                        "{} record without its state field `{}`",
                        lc.name, lc.state
                    ))
                )
            ));
        }
        rows.push(format!(
            "(R{i} | where isempty(_problem) and isnotempty(_state_raw) and isempty(_state)\n{})",
            project(
                &registry::UNKNOWN_STATE,
                "_time",
                "\"\"",
                "_state_raw",
                &format!(
                    "strcat({prefix}, \"`: `\", _state_raw, {})",
                    lit(&format!("` is not a state of the {} lifecycle", lc.name))
                )
            )
        ));
    }
    for (message, cond) in record_checks(lc, src, state.is_some()) {
        rows.push(format!(
            "(R{i} | where isempty(_problem) and {cond}\n{})",
            project(
                &registry::RECORD_INCONSISTENT,
                "_time",
                "\"\"",
                "_state_raw",
                &message
            )
        ));
    }
    if state.is_some() {
        let cur_term = state_in("_cur", &terminal);
        let moved = format!("not(_new) and not({cur_term}) and _state != _cur");
        let stay = "tolong((_time - _entered) / 1s)";
        let stayed = format!("tolong(({now} - _blk_time) / 1s)");
        let end = "_last and isempty(_first_term)";
        rows.push(format!(
            "(Q{i} | where _new and not({})\n{})",
            state_in("_state", &initial),
            project(
                &registry::STARTED_MID_LIFECYCLE,
                "_time",
                "\"\"",
                "_state",
                &format!(
                    "strcat({prefix}, \"` is first seen in state \", _state, \" (the dump starts mid-lifecycle)\")"
                )
            )
        ));
        rows.push(format!(
            "(Q{i} | where not(_new) and {cur_term} and _state != _cur\n{})",
            project(
                &registry::EVENT_AFTER_TERMINAL,
                "_time",
                "_cur",
                "_state",
                &format!("strcat({prefix}, \"` reports \", _state, \" after it ended in \", _cur)")
            )
        ));
        if lc.states.iter().any(|s| s.max_dwell.is_some()) {
            rows.push(format!(
                "(Q{i} | where {moved} and {max} >= 0 and {stay} > {max}\n{})",
                project(
                    &registry::DWELL_EXCEEDED,
                    "_entered",
                    "_cur",
                    "_state",
                    &format!(
                        "strcat({prefix}, \"` stayed in \", _cur, \" for \", {}, \" (limit \", {}, \")\")",
                        human(stay),
                        human(&max_dwell("_cur"))
                    )
                ),
                max = max_dwell("_cur")
            ));
            rows.push(format!(
                "(Q{i} | where {end} and {max} >= 0 and {stayed} > {max}\n{})",
                project(
                    &registry::DWELL_EXCEEDED,
                    "_blk_time",
                    "_state",
                    "\"\"",
                    &format!(
                        "strcat({prefix}, \"` has been in \", _state, \" for \", {}, \" at the end of the dump (limit \", {}, \")\")",
                        human(&stayed),
                        human(&max_dwell("_state"))
                    )
                ),
                max = max_dwell("_state")
            ));
        }
        rows.push(format!(
            "(Q{i} | where {moved} and not({legal})\n{})",
            project(
                &registry::ILLEGAL_TRANSITION,
                "_time",
                "_cur",
                "_state",
                &format!("strcat({prefix}, \"`: \", _cur, \" → \", _state, \" is not a legal transition\")")
            )
        ));
        if lc.has_terminal() {
            rows.push(format!(
                "(Q{i} | where {end}\n{})",
                project(
                    &registry::OPEN_AT_END,
                    "_blk_time",
                    "_state",
                    "\"\"",
                    &format!(
                        "strcat({prefix}, \"` is still \", _state, \" at the end of the dump\")"
                    )
                )
            ));
        }
    }
    // Each kind of finding is a named tabular expression; the union reads them by name.
    let mut names = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        let body = row
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .unwrap_or(row);
        let _ = writeln!(q, "let F{i}_{k} = {body};");
        names.push(format!("F{i}_{k}"));
    }
    let _ = writeln!(q, "let F{i} = union {};", names.join(", "));
    Ok(format!("F{i}"))
}

/// The in-record checks: `(message, condition)` over the columns of `R{i}`. A field that is
/// not a column of the tables is never present in their rows, so its check never fires.
fn record_checks(lc: &Lifecycle, src: &Source, has_state: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let number = |f: &str| {
        src.column(f)
            .map(|c| format!("todouble(trim(@\"\\s+\", tostring({c})))"))
    };
    let time = |f: &str| src.column(f).map(|c| format!("todatetime({c})"));
    if let (Some(a), true) = (&lc.agree, has_state)
        && let Some(v) = src.column(&a.field)
    {
        let expected = format!(
            "case({}, \"\")",
            a.pairs
                .iter()
                .map(|(k, s)| format!("tolower(tostring({v})) == {}, {}", lit(k), lit(s)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        out.push((
            format!(
                "strcat({}, tostring({v}), {}, _state_raw, \"` (expected \", {expected}, \")\")",
                lit(&format!("{} record says {} `", lc.name, a.field)),
                lit(&format!("` but {} `", lc.state)),
            ),
            format!(
                "isnotempty(_state_raw) and isnotempty({expected}) and tolower({expected}) != _lower"
            ),
        ));
    }
    for check in &lc.checks {
        match check {
            RecordCheck::NonNegative { fields, .. } => {
                for f in fields {
                    if let Some(n) = number(f) {
                        out.push((
                            format!(
                                "strcat({}, {}, \", a negative count\")",
                                lit(&format!("{} record has {f} = ", lc.name)),
                                num(&n)
                            ),
                            format!("{n} < 0"),
                        ));
                    }
                }
            }
            RecordCheck::AtMost { fields, limit, .. } => {
                let Some(max) = number(limit) else { continue };
                for f in fields {
                    if let Some(n) = number(f) {
                        out.push((
                            format!(
                                "strcat({}, {}, {}, {})",
                                lit(&format!("{} record has {f} = ", lc.name)),
                                num(&n),
                                lit(&format!(", above {limit} = ")),
                                num(&max)
                            ),
                            format!("{n} > {max}"),
                        ));
                    }
                }
            }
            RecordCheck::Ordered { fields, .. } => {
                let present: Vec<(&String, String)> = fields
                    .iter()
                    .filter_map(|f| time(f).map(|t| (f, t)))
                    .collect();
                for (j, (f, t)) in present.iter().enumerate().skip(1) {
                    let earlier: Vec<&(&String, String)> = present[..j].iter().rev().collect();
                    let prev_time = if earlier.len() == 1 {
                        earlier[0].1.clone()
                    } else {
                        format!("coalesce({})", list(earlier.iter().map(|(_, t)| t.clone())))
                    };
                    let prev_name = format!(
                        "case({}, \"\")",
                        earlier
                            .iter()
                            .map(|(e, t)| format!("isnotnull({t}), {}", lit(e)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    out.push((
                        format!(
                            "strcat({}, tostring({t}), \") before \", {prev_name}, \" (\", tostring({prev_time}), \")\")",
                            lit(&format!("{} record has {f} (", lc.name)),
                        ),
                        format!("{t} < {prev_time}"),
                    ));
                }
            }
        }
    }
    out
}
