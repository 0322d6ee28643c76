//! The backtest as text for people and as JSON for programs.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Backtest, Summary};
use crate::evaluate::{Alert, Evaluation, rfc3339};
use crate::report::sanitize;

#[derive(Serialize)]
struct JsonEvidence<'a> {
    file: &'a str,
    line: u64,
}

#[derive(Serialize)]
struct JsonAlert<'a> {
    rule: &'a str,
    file: &'a str,
    line: usize,
    series: &'a BTreeMap<String, String>,
    fired_at: String,
    resolved_at: Option<String>,
    value: f64,
    threshold: f64,
    evidence: Vec<JsonEvidence<'a>>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    rule: &'a str,
    file: &'a str,
    line: usize,
    evaluated: bool,
    reason: Option<&'a str>,
    alerts: usize,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    alerts: Vec<JsonAlert<'a>>,
    rules: Vec<JsonRule<'a>>,
    summary: Summary,
    errors: Vec<JsonError<'a>>,
}

/// `--format json`: one document.
pub fn write_json(out: &mut dyn Write, b: &Backtest) -> io::Result<()> {
    let mut alerts = Vec::new();
    let mut rules = Vec::new();
    for r in &b.rules {
        if let Ok(e) = &r.result {
            for a in &e.alerts {
                alerts.push(JsonAlert {
                    rule: &r.rule,
                    file: &r.file,
                    line: r.line,
                    series: &a.series,
                    fired_at: rfc3339(a.fired_at),
                    resolved_at: a.resolved_at.map(rfc3339),
                    value: a.value(),
                    threshold: a.threshold(),
                    evidence: a
                        .evidence
                        .iter()
                        .map(|e| JsonEvidence {
                            file: &e.file,
                            line: e.line,
                        })
                        .collect(),
                });
            }
        }
        rules.push(JsonRule {
            rule: &r.rule,
            file: &r.file,
            line: r.line,
            evaluated: r.result.is_ok(),
            reason: r.result.as_ref().err().map(String::as_str),
            alerts: r.alerts(),
        });
    }
    let doc = JsonDoc {
        alerts,
        rules,
        summary: b.summary(),
        errors: b
            .input_errors
            .iter()
            .map(|e| JsonError {
                path: &e.path,
                message: &e.message,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn series_text(a: &Alert) -> String {
    if a.series.is_empty() {
        "(all)".to_string()
    } else {
        a.series
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

fn condition(e: &Evaluation, a: &Alert) -> String {
    a.values
        .iter()
        .map(|v| {
            format!(
                "{} {} = {} {} {}",
                v.aggregation.cli(),
                v.metric,
                number(v.value),
                v.operator.symbol(),
                number(v.threshold)
            )
        })
        .collect::<Vec<_>>()
        .join(" and ")
        + &format!(" over {}", e.window.iso())
}

/// The human report: per rule, its alerts or why it was not replayed; then a summary.
pub fn write_human(out: &mut dyn Write, b: &Backtest) -> io::Result<()> {
    let clean = |s: &str| sanitize::text(s).into_owned();
    for r in &b.rules {
        let head = format!("{} ({}:{})", clean(&r.rule), clean(&r.file), r.line);
        match &r.result {
            Err(why) => writeln!(out, "{head}: not evaluated: {}", clean(why))?,
            Ok(e) if e.alerts.is_empty() => writeln!(
                out,
                "{head}: no alert in {} evaluations (every {}, window {})",
                e.times.len(),
                e.frequency.iso(),
                e.window.iso()
            )?,
            Ok(e) => {
                let n = e.alerts.len();
                writeln!(
                    out,
                    "{head}: {n} alert{} (every {}, window {}{})",
                    if n == 1 { "" } else { "s" },
                    e.frequency.iso(),
                    e.window.iso(),
                    if e.stateful { "" } else { ", stateless" }
                )?;
                for a in &e.alerts {
                    let resolved = a.resolved_at.map_or_else(
                        || "still firing".to_string(),
                        |t| format!("resolved {}", rfc3339(t)),
                    );
                    writeln!(
                        out,
                        "  fired {}  {resolved}  {}  {}",
                        rfc3339(a.fired_at),
                        clean(&series_text(a)),
                        condition(e, a)
                    )?;
                    if !a.evidence.is_empty() {
                        let ev: Vec<String> = a
                            .evidence
                            .iter()
                            .map(|e| format!("{}:{}", clean(&e.file), e.line))
                            .collect();
                        writeln!(out, "    records: {}", ev.join(", "))?;
                    }
                }
            }
        }
    }
    let s = b.summary();
    let span = match (&s.from, &s.to) {
        (Some(a), Some(b)) => format!(" from {a} to {b}"),
        _ => String::new(),
    };
    writeln!(
        out,
        "{} rule{}: {} replayed, {} not; {} alert{} from {} rule{}, on {} record{} in {} file{}{span}",
        s.rules,
        plural(s.rules),
        s.evaluated,
        s.not_evaluated,
        s.alerts,
        plural(s.alerts),
        s.rules_fired,
        plural(s.rules_fired),
        s.records,
        plural(s.records as usize),
        s.log_files,
        plural(s.log_files)
    )?;
    if b.unreadable_rule_files > 0 {
        writeln!(
            out,
            "note: {} rule file{} had errors; the rules in {} that could not be read were not replayed (`amlguard lint` shows why)",
            b.unreadable_rule_files,
            plural(b.unreadable_rule_files),
            if b.unreadable_rule_files == 1 {
                "it"
            } else {
                "them"
            }
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
