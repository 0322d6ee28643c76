//! `amlguard backtest`: would these rules have fired on these logs, and when? Rules are read
//! from every source format the linter reads; metrics are derived from the logs
//! ([`crate::derive`]); every metric rule is replayed by the evaluator ([`crate::evaluate`]).
//! A rule that cannot be replayed says precisely why.

pub mod output;
pub mod plot;
pub mod rules;

use std::path::PathBuf;

use serde::Serialize;

use crate::derive::{self, DeriveStats, spec::DeriveSpec};
use crate::evaluate::{self, Evaluation, Minute, NotEvaluated, Schedule, SeriesSet};
use crate::inputs::InputError;
use crate::model::AlertRule;
use crate::source::SourceMap;

/// How many records an alert lists as evidence.
pub use crate::evaluate::engine::EVIDENCE_PER_ALERT;

/// One rule's outcome.
#[derive(Debug, Clone)]
pub struct RuleOutcome {
    pub rule: String,
    pub file: String,
    pub line: usize,
    /// The evaluation, or why there is none.
    pub result: Result<Evaluation, String>,
}

impl RuleOutcome {
    pub fn alerts(&self) -> usize {
        self.result.as_ref().map_or(0, |e| e.alerts.len())
    }
}

/// A backtest: every rule's outcome over the derived series.
#[derive(Debug, Clone, Default)]
pub struct Backtest {
    pub rules: Vec<RuleOutcome>,
    pub series: SeriesSet,
    pub stats: DeriveStats,
    /// First and last minute of the logs.
    pub span: Option<(Minute, Minute)>,
    pub input_errors: Vec<InputError>,
    /// Rule files whose reader reported problems (`amlguard lint` shows them).
    pub unreadable_rule_files: usize,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub rules: usize,
    pub evaluated: usize,
    pub not_evaluated: usize,
    pub alerts: usize,
    pub rules_fired: usize,
    pub records: u64,
    pub log_files: usize,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Rule files whose reader reported errors; the rules it could not read were not replayed.
    pub unreadable_rule_files: usize,
}

impl Backtest {
    pub fn summary(&self) -> Summary {
        let evaluated = self.rules.iter().filter(|r| r.result.is_ok()).count();
        Summary {
            rules: self.rules.len(),
            evaluated,
            not_evaluated: self.rules.len() - evaluated,
            alerts: self.rules.iter().map(RuleOutcome::alerts).sum(),
            rules_fired: self.rules.iter().filter(|r| r.alerts() > 0).count(),
            records: self.stats.records,
            log_files: self.stats.files,
            from: self.span.map(|(a, _)| evaluate::rfc3339(a)),
            to: self.span.map(|(_, b)| evaluate::rfc3339(b + 1)),
            unreadable_rule_files: self.unreadable_rule_files,
        }
    }
}

/// Reads the rules under `rule_paths` (directories walked as `amlguard lint` walks them, pruning
/// what `exclude` names) and the logs under `log_paths`, and replays every rule.
pub fn backtest_paths(
    rule_paths: &[PathBuf],
    log_paths: &[PathBuf],
    exclude: &crate::config::Excludes,
) -> Backtest {
    let spec = DeriveSpec::builtin();
    let loaded = rules::load(rule_paths, exclude);
    let (series, stats, mut input_errors) = derive::derive_paths(log_paths, &spec);
    input_errors.splice(0..0, loaded.errors);
    let span = series.span();
    if span.is_none() && input_errors.is_empty() {
        input_errors.push(InputError {
            path: log_paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            message: format!(
                "no record with a time was read ({} records); nothing to replay the rules on",
                stats.records
            ),
        });
    }
    let outcomes = match span {
        Some((first, last)) => loaded
            .rules
            .iter()
            .map(|r| run_rule(r, &loaded.sources, &series, &spec, first, last))
            .collect(),
        None => Vec::new(),
    };
    Backtest {
        rules: outcomes,
        series,
        stats,
        span,
        input_errors,
        unreadable_rule_files: loaded.files_with_errors,
    }
}

fn run_rule(
    rule: &AlertRule,
    sources: &SourceMap,
    series: &SeriesSet,
    spec: &DeriveSpec,
    first: Minute,
    last: Minute,
) -> RuleOutcome {
    let file = sources.get(rule.file);
    let line = file.line_col(rule.anchor().start).line;
    let result = evaluate::evaluate(rule, series, &Schedule::covering(first, last)).map_err(
        |why| match why {
            NotEvaluated::LogRule => log_rule_reason(rule),
            other => reason(&other, spec),
        },
    );
    RuleOutcome {
        rule: rule.display_name().to_string(),
        file: file.name().to_string(),
        line,
        result,
    }
}

/// Why a log alert rule is not replayed, naming the table its query reads.
fn log_rule_reason(rule: &AlertRule) -> String {
    let table = rule
        .log
        .as_ref()
        .and_then(|l| l.criteria.iter().find_map(|c| c.query.as_ref()))
        .and_then(|q| {
            let word: String = q
                .text
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!word.is_empty() && word != "let").then_some(word)
        });
    match table {
        Some(t) => format!(
            "log alert rule on `{t}`: its KQL query is not run on dumps; only metric alert rules are replayed"
        ),
        None => "log alert rule: its KQL query is not run on dumps; only metric alert rules are replayed".to_string(),
    }
}

/// Why a rule was not replayed, with what the mapping knows about its metric.
pub fn reason(why: &NotEvaluated, spec: &DeriveSpec) -> String {
    match why {
        NotEvaluated::UnknownMetric { metric } => {
            if let Some(r) = spec.undetermined(metric) {
                return format!("the logs do not determine the metric `{metric}`: {r}");
            }
            if let Some(t) = spec
                .tables
                .iter()
                .find(|t| t.metrics.values().any(|m| m.eq_ignore_ascii_case(metric)))
            {
                return format!(
                    "`{metric}` is derived from {} records, and none in the logs reports it",
                    t.table
                );
            }
            format!("the resource logs do not determine the metric `{metric}`")
        }
        NotEvaluated::UnknownDimension { metric, dimension } => format!(
            "the logs determine `{metric}` but no record carries its dimension `{dimension}`"
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LogCriterion, LogRule, Query, SpanMap};
    use crate::source::{FileId, Span};

    fn log_rule(query: &str) -> AlertRule {
        let mut c = LogCriterion::new(Span::default());
        c.query = Some(Query {
            text: query.to_string(),
            map: SpanMap::offset(0),
            span: Span::default(),
        });
        AlertRule {
            log: Some(LogRule {
                criteria: vec![c],
                ..LogRule::default()
            }),
            ..AlertRule::new(FileId(0), Span::default())
        }
    }

    #[test]
    fn log_rules_say_which_table_their_query_reads() {
        assert_eq!(
            log_rule_reason(&log_rule(
                "\n AmlComputeJobEvent | where EventType == \"JobFailed\""
            )),
            "log alert rule on `AmlComputeJobEvent`: its KQL query is not run on dumps; only metric alert rules are replayed"
        );
        assert_eq!(
            log_rule_reason(&log_rule("let t = 1; AmlRunStatusChangedEvent")),
            "log alert rule: its KQL query is not run on dumps; only metric alert rules are replayed"
        );
        let mut set = SeriesSet::new();
        set.observe(0);
        let spec = DeriveSpec::builtin();
        let sources = {
            let mut s = SourceMap::new();
            s.add(crate::source::SourceFile::new("r.json", "{}"));
            s
        };
        let out = run_rule(
            &log_rule("AmlComputeJobEvent"),
            &sources,
            &set,
            &spec,
            0,
            10,
        );
        assert!(
            out.result
                .unwrap_err()
                .starts_with("log alert rule on `AmlComputeJobEvent`")
        );
    }
}
