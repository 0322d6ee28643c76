//! Running rule unit tests: read the test file and its rule files, build each group's metric
//! data, evaluate the rules each alert test names, and compare the alerts open at its
//! `eval_time` with the expected ones.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Excludes;
use crate::evaluate::{self, Dims, Minute, NotEvaluated, Schedule, SeriesSet};
use crate::finding::{Finding, Severity};
use crate::inputs::{self, InputError};
use crate::linter::RULE_EXTENSIONS;
use crate::model::{AlertRule, Sp};
use crate::registry::{self, Family};
use crate::rules;
use crate::source::{FileId, SourceMap};

use super::file::{self, AlertCase, ExpectedAlert, TestFile, TestGroup};

/// Counts for the summary line and the JSON summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TestSummary {
    /// Test files read.
    pub files: usize,
    /// Alert tests run (an alert test whose rule cannot be evaluated counts as failed).
    pub tests: usize,
    pub passed: usize,
    pub failed: usize,
}

/// An alert open at an evaluation time, as a test compares it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualAlert {
    pub dims: Dims,
    /// The first criterion's value when it fired.
    pub value: f64,
    /// Minutes after the group's start.
    pub fired_at: Minute,
}

/// The result of one alert test.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseOutcome {
    Passed,
    /// The alerts differ (the finding says how).
    Failed(Finding),
    /// The rule is unknown or cannot be evaluated.
    Error(Finding),
}

/// Runs every test file of `paths` (files as given; directories searched for `*.test.yaml`
/// and `*.test.yml`). Returns the findings (failures and file problems) and the counts.
pub fn test_paths(
    paths: &[PathBuf],
    excludes: &Excludes,
    sources: &mut SourceMap,
) -> (Vec<Finding>, TestSummary, Vec<InputError>) {
    let (files, mut errors) = inputs::expand(paths, &["yaml", "yml"], excludes);
    let mut findings = Vec::new();
    let mut summary = TestSummary::default();
    for path in files {
        let explicit = paths.iter().any(|p| p == &path);
        if !explicit && !is_test_file(&path) {
            continue;
        }
        match inputs::read(&path, sources) {
            Ok((_, Some(bad))) => {
                summary.files += 1;
                findings.push(bad);
            }
            Ok((id, None)) => {
                summary.files += 1;
                let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
                findings.extend(run_file(id, &base, sources, excludes, &mut summary));
            }
            Err(e) => errors.push(e),
        }
    }
    findings.sort_by(|a, b| {
        (a.file, a.span.start, a.check.code).cmp(&(b.file, b.span.start, b.check.code))
    });
    (findings, summary, errors)
}

fn is_test_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        n.ends_with(".test.yaml") || n.ends_with(".test.yml")
    })
}

/// Runs one test file (already in `sources`); rule files are found relative to `base`.
pub fn run_file(
    id: FileId,
    base: &Path,
    sources: &mut SourceMap,
    excludes: &Excludes,
    summary: &mut TestSummary,
) -> Vec<Finding> {
    let text = sources.get(id).shared_text();
    let (test, mut findings) = file::read(&text, id);
    let Some(test) = test else {
        return findings;
    };
    let rules = read_rules(&test, base, sources, excludes, &mut findings);
    for group in &test.groups {
        let data = series_set(group);
        for case in &group.cases {
            summary.tests += 1;
            match run_case(&test, group, case, &rules, &data) {
                CaseOutcome::Passed => summary.passed += 1,
                CaseOutcome::Failed(f) | CaseOutcome::Error(f) => {
                    summary.failed += 1;
                    findings.push(f);
                }
            }
        }
    }
    findings
}

/// The rules of the test file's `rule_files`; an entry that names nothing readable is an
/// error at the entry, and what keeps a rule file from being read is reported in it.
fn read_rules(
    test: &TestFile,
    base: &Path,
    sources: &mut SourceMap,
    excludes: &Excludes,
    findings: &mut Vec<Finding>,
) -> Vec<AlertRule> {
    let mut rules = Vec::new();
    for entry in &test.rule_files {
        let path = base.join(&entry.value);
        if !path.exists() {
            findings.push(
                Finding::new(
                    &registry::RULE_FILE_NOT_FOUND,
                    test.file,
                    entry.span,
                    format!("no file or directory `{}`", path.display()),
                )
                .label("not found")
                .help("rule files are found relative to the test file's directory"),
            );
            continue;
        }
        let (files, errors) =
            inputs::expand(std::slice::from_ref(&path), RULE_EXTENSIONS, excludes);
        for e in errors {
            findings.push(not_read(test, entry, &e.message));
        }
        let mut read_any = false;
        for f in files {
            match inputs::read(&f, sources) {
                Ok((_, Some(bad))) => findings.push(bad),
                Ok((id, None)) => {
                    let file = sources.get(id);
                    if let Some(read) = rules::read_source(file.name(), file.text(), id, true, &[])
                    {
                        read_any |= !read.rules.is_empty();
                        // What kept a rule from being read; the lint checks are `lint`'s.
                        findings.extend(read.findings.into_iter().filter(|f| {
                            f.check.family == Family::Input && f.severity == Severity::Error
                        }));
                        rules.extend(read.rules);
                    }
                }
                Err(e) => findings.push(not_read(test, entry, &e.message)),
            }
        }
        if !read_any && path.is_dir() {
            findings.push(not_read(test, entry, "the directory holds no alert rule"));
        }
    }
    rules
}

fn not_read(test: &TestFile, entry: &Sp<String>, why: &str) -> Finding {
    Finding::new(
        &registry::RULE_FILE_NOT_FOUND,
        test.file,
        entry.span,
        format!("`{}` cannot be read: {why}", entry.value),
    )
    .label("not read")
}

/// A group's input series at 1-minute grain: value `i` at `start + i × interval`.
fn series_set(group: &TestGroup) -> SeriesSet {
    let mut data = SeriesSet::new();
    for s in &group.input {
        let names: Vec<&str> = s.dims.keys().map(String::as_str).collect();
        data.declare(&s.metric.value, &names);
        for (i, v) in s.values.iter().enumerate() {
            let minute = group.start + i as Minute * group.interval;
            data.observe(minute);
            if let Some(v) = v {
                data.add_sample(&s.metric.value, &s.dims, minute, *v);
            }
        }
    }
    data
}

/// Runs one alert test.
pub fn run_case(
    test: &TestFile,
    group: &TestGroup,
    case: &AlertCase,
    rules: &[AlertRule],
    data: &SeriesSet,
) -> CaseOutcome {
    let named: Vec<&AlertRule> = rules
        .iter()
        .filter(|r| r.display_name() == case.alertname.value && r.name.is_some())
        .collect();
    if named.is_empty() {
        let names: Vec<&str> = rules
            .iter()
            .filter(|r| r.name.is_some())
            .map(AlertRule::display_name)
            .collect();
        let help = crate::suggest::did_you_mean(&case.alertname.value, names.iter().copied())
            .unwrap_or_else(|| {
                if names.is_empty() {
                    "the rule files hold no named rule".to_string()
                } else {
                    format!("the rule files define {}", list(&names))
                }
            });
        return CaseOutcome::Error(
            Finding::new(
                &registry::UNKNOWN_ALERT_RULE,
                test.file,
                case.alertname.span,
                format!("no rule is named `{}`", case.alertname.value),
            )
            .label("unknown rule")
            .help(help),
        );
    }
    let at = group.start + case.eval_time;
    let last_data = data.span().map_or(group.start, |(_, b)| b + 1);
    let schedule = Schedule {
        from: group.start + 1,
        to: last_data.max(at).max(group.start + 1),
        phase: group.start,
    };
    let mut actual: Vec<ActualAlert> = Vec::new();
    for rule in named {
        let mut rule = rule.clone();
        if rule.frequency.is_none()
            && let Some(f) = test.evaluation_interval
        {
            rule.frequency = Some(Sp::new(f, rule.span));
        }
        match evaluate::evaluate(&rule, data, &schedule) {
            Ok(e) => {
                actual.extend(
                    e.alerts
                        .iter()
                        .filter(|a| a.active_at(at))
                        .map(|a| ActualAlert {
                            dims: a.series.clone(),
                            value: a.value(),
                            fired_at: a.fired_at - group.start,
                        }),
                )
            }
            Err(why) => return CaseOutcome::Error(not_evaluated(test, case, &why, data)),
        }
    }
    compare(test, group, case, &actual)
}

fn not_evaluated(
    test: &TestFile,
    case: &AlertCase,
    why: &NotEvaluated,
    data: &SeriesSet,
) -> Finding {
    let (message, help) = match why {
        NotEvaluated::UnknownMetric { metric } => {
            let inputs: Vec<String> = data.metrics().map(|m| m.name.clone()).collect();
            (
                format!(
                    "rule `{}` watches `{metric}`, which no input series of this test gives",
                    case.alertname.value
                ),
                crate::suggest::did_you_mean(metric, inputs.iter().map(String::as_str))
                    .map(|h| format!("an input series has a similar metric: {h}"))
                    .unwrap_or_else(|| format!("add an input series with `metric: {metric}`")),
            )
        }
        NotEvaluated::UnknownDimension { metric, dimension } => (
            format!(
                "rule `{}` filters `{metric}` on `{dimension}`, which no input series of `{metric}` carries",
                case.alertname.value
            ),
            format!("give the input series of `{metric}` a `{dimension}` dimension value"),
        ),
        other => (
            format!(
                "rule `{}` cannot be evaluated: {other}",
                case.alertname.value
            ),
            "only enabled metric alert rules with a static threshold can be unit-tested"
                .to_string(),
        ),
    };
    Finding::new(
        &registry::RULE_NOT_EVALUATED,
        test.file,
        case.alertname.span,
        message,
    )
    .label("not evaluated")
    .help(help)
}

/// Values equal up to rounding in the last digits (a Total of decimal samples).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn same_dims(a: &Dims, b: &Dims) -> bool {
    a.len() == b.len()
        && a.iter().all(|(k, v)| {
            b.iter()
                .any(|(k2, v2)| k.eq_ignore_ascii_case(k2) && v.eq_ignore_ascii_case(v2))
        })
}

fn matches(e: &ExpectedAlert, a: &ActualAlert) -> bool {
    same_dims(&e.dims, &a.dims)
        && e.value.is_none_or(|v| close(v, a.value))
        && e.fired_at.is_none_or(|t| t == a.fired_at)
}

/// Compares expected and actual alerts one to one; any left over on either side fails.
fn compare(
    test: &TestFile,
    group: &TestGroup,
    case: &AlertCase,
    actual: &[ActualAlert],
) -> CaseOutcome {
    let mut used = vec![false; actual.len()];
    let mut missing: Vec<&ExpectedAlert> = Vec::new();
    let mut matched: Vec<(&ExpectedAlert, &ActualAlert)> = Vec::new();
    for e in &case.expected {
        match (0..actual.len()).find(|&i| !used[i] && matches(e, &actual[i])) {
            Some(i) => {
                used[i] = true;
                matched.push((e, &actual[i]));
            }
            None => missing.push(e),
        }
    }
    let extra: Vec<&ActualAlert> = actual
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(a, _)| a)
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return CaseOutcome::Passed;
    }
    let when = minutes(case.eval_time);
    let mut diff = String::from("- expected, + got:");
    for (e, _) in &matched {
        let _ = write!(diff, "\n  {}", expected_line(e));
    }
    for e in &missing {
        let _ = write!(diff, "\n- {}", expected_line(e));
    }
    for a in &extra {
        let _ = write!(diff, "\n+ {}", actual_line(a));
    }
    if case.expected.is_empty() {
        diff.push_str("\n(`exp_alerts: []`: the rule must not fire)");
    }
    let test_name = group
        .name
        .as_ref()
        .map(|n| format!("test `{n}`: "))
        .unwrap_or_default();
    CaseOutcome::Failed(
        Finding::new(
            &registry::ALERT_TEST_FAILED,
            test.file,
            case.span,
            format!(
                "{test_name}`{}` at {when}: expected {}, got {}",
                case.alertname.value,
                alerts(case.expected.len()),
                alerts(actual.len())
            ),
        )
        .label(format!(
            "{} missing, {} unexpected",
            missing.len(),
            extra.len()
        ))
        .help(diff),
    )
}

fn alerts(n: usize) -> String {
    match n {
        0 => "no alert".into(),
        1 => "1 alert".into(),
        n => format!("{n} alerts"),
    }
}

/// `{RunType: Experiment}`; `{}` for a rule that splits on nothing.
fn dims_text(d: &Dims) -> String {
    let inner: Vec<String> = d.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

fn expected_line(e: &ExpectedAlert) -> String {
    let mut s = dims_text(&e.dims);
    if let Some(v) = e.value {
        let _ = write!(s, " value {v}");
    }
    if let Some(t) = e.fired_at {
        let _ = write!(s, " fired at {}", minutes(t));
    }
    s
}

fn actual_line(a: &ActualAlert) -> String {
    format!(
        "{} value {} fired at {}",
        dims_text(&a.dims),
        a.value,
        minutes(a.fired_at)
    )
}

/// Minutes as the test file writes them: `90m` → `1h30m`, `0m`.
fn minutes(m: Minute) -> String {
    let (h, m) = (m / 60, m % 60);
    match (h, m) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

fn list(names: &[&str]) -> String {
    let mut shown: Vec<String> = names.iter().take(5).map(|n| format!("`{n}`")).collect();
    if names.len() > 5 {
        shown.push(format!("and {} more", names.len() - 5));
    }
    shown.join(", ")
}
