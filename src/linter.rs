//! One lint run: load the catalog, read every rule file, run the checks, apply the policy.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::catalog::Catalog;
use crate::condition;
use crate::config::Excludes;
use crate::finding::Sink;
use crate::finding::{Finding, Severity};
use crate::inputs::{self, InputError};
use crate::kql;
use crate::lint;
use crate::model::AlertRule;
use crate::policy::Policy;
use crate::rules::{self, Visit};
use crate::source::Span;
use crate::source::{SourceFile, SourceMap};

/// File extensions picked up when a directory is linted: rule files and pipeline YAML, ARM
/// templates and Terraform plans, scripts. Files that turn out to hold no rule are skipped.
pub const RULE_EXTENSIONS: &[&str] = &[
    "yaml",
    "yml",
    "json",
    "tf",
    "sh",
    "bash",
    "zsh",
    "ps1",
    "psm1",
    "cmd",
    "bat",
    "bicep",
    "bicepparam",
    "kql",
];

#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// User catalog files merged over the built-in catalog, in order.
    pub catalogs: Vec<PathBuf>,
    pub policy: Policy,
    /// Paths pruned while walking directories.
    pub exclude: Excludes,
    /// Bare condition strings (`--condition`), each linted as a one-criterion rule.
    pub conditions: Vec<String>,
    /// ARM parameter files whose values resolve `[parameters('x')]`.
    pub parameters: Vec<PathBuf>,
    /// A run that finds no alert rule at all is normally an error (a wrong path, a typo that
    /// made every file unreadable); this makes it a clean run.
    pub allow_empty: bool,
    /// Bare KQL queries (`--query`), each checked against the catalog's tables.
    pub queries: Vec<String>,
    /// Keep every rule read in [`Report::rules`] (for `coverage`). Otherwise each rule is
    /// dropped as soon as it is checked, so that a large file never holds all its rules.
    pub keep_rules: bool,
}

/// Counts for the summary line and the JSON summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    /// Condition strings given on the command line.
    pub conditions: usize,
    /// KQL queries given on the command line (`--query`).
    pub queries: usize,
    pub rules: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    pub fn count(&mut self, findings: &[Finding]) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
        }
    }
}

/// Everything a renderer needs.
#[derive(Debug, Default)]
pub struct Report {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    pub input_errors: Vec<InputError>,
    pub summary: Summary,
    /// Every rule read (rules instantiated through Bicep modules once per instance) when
    /// [`LintOptions::keep_rules`] asks for them, for the commands that use rules after
    /// linting them (`coverage`).
    pub rules: Vec<AlertRule>,
    /// The catalog the rules were checked against.
    pub catalog: Catalog,
}

/// Loads the built-in catalog and the user's catalog files into `sources`.
pub fn load_catalog(
    paths: &[PathBuf],
    sources: &mut SourceMap,
) -> (Catalog, Vec<Finding>, Vec<InputError>) {
    let mut extra = Vec::new();
    let mut errors = Vec::new();
    let mut findings = Vec::new();
    for path in paths {
        let mut scratch = SourceMap::new();
        match inputs::read(path, &mut scratch) {
            Ok((id, None)) => extra.push(scratch.get(id).clone()),
            Ok((id, Some(mut bad))) => {
                bad.file = sources.add(scratch.get(id).clone());
                findings.push(bad);
                errors.push(InputError {
                    path: path.display().to_string(),
                    message: "the catalog file is not text (reported above) and was not applied"
                        .into(),
                });
            }
            Err(e) => errors.push(e),
        }
    }
    let (catalog, load_findings) = Catalog::load(sources, extra);
    for name in Catalog::rejected_files(sources, &load_findings) {
        errors.push(InputError {
            path: name,
            message: "the catalog file has errors (reported above) and was not applied".into(),
        });
    }
    findings.extend(load_findings);
    (catalog, findings, errors)
}

/// Lints rule files and directories.
pub fn lint_paths(paths: &[PathBuf], options: &LintOptions) -> Report {
    let mut report = Report::default();
    let (catalog, catalog_findings, catalog_errors) =
        load_catalog(&options.catalogs, &mut report.sources);
    let mut findings = catalog_findings;
    report.input_errors.extend(catalog_errors);

    let mut parameters = Vec::new();
    for p in &options.parameters {
        match inputs::read(p, &mut report.sources) {
            Ok((_, Some(bad))) => findings.push(bad),
            Ok((id, None)) => {
                let (values, problems) = rules::parameter_values(report.sources.get(id).text(), id);
                parameters.extend(values);
                findings.extend(problems);
            }
            Err(e) => report.input_errors.push(e),
        }
    }
    let (files, errors) = inputs::expand_with_pipelines(paths, RULE_EXTENSIONS, &options.exclude);
    report.input_errors.extend(errors);
    // Each rule is checked as it is read (on the thread that read it), then dropped unless
    // the options keep it.
    let each = CheckEach {
        catalog: &catalog,
        schemas: OnceLock::new(),
        keep: options.keep_rules,
    };
    let mut checked = lint::Checked::default();
    let mut all_rules: Vec<AlertRule> = Vec::new();
    let mut suppressions = Vec::new();
    let mut skipped = 0;
    let mut instantiated = 0;
    let mut kept: Vec<AlertRule> = Vec::new();
    let bicep_used = rules::bicep::ParamTargets::of(&files);
    let mut kql_files = 0;
    // Without Bicep (whose modules add files as they are read), every file is read first, the
    // rule sources are parsed in parallel, and the results are taken in input order below:
    // file ids, findings and rules come out as a one-by-one run gives them.
    let parallel = files.len() > 1
        && !files
            .iter()
            .any(|p| rules::bicep::handles(&p.to_string_lossy()));
    let skip = |path: &PathBuf| !paths.iter().any(|p| p == path) && bicep_used.contains(path);
    let mut opened: Vec<_> = Vec::new();
    let mut parsed: Vec<Option<Option<rules::Visited<lint::Checked>>>> = Vec::new();
    if parallel {
        opened = files
            .iter()
            .map(|path| (!skip(path)).then(|| inputs::read(path, &mut report.sources)))
            .collect();
        let jobs: Vec<(usize, crate::source::FileId)> = opened
            .iter()
            .enumerate()
            .filter_map(|(i, o)| match o {
                Some(Ok((id, None))) if !is_kql(&files[i]) => Some((i, *id)),
                _ => None,
            })
            .collect();
        let sources = &report.sources;
        let read = par_map(&jobs, |&(i, id)| {
            let file = sources.get(id);
            let explicit = paths.iter().any(|p| *p == files[i]);
            rules::read_source_visiting(file.name(), file.text(), id, explicit, &parameters, &each)
        });
        parsed = files.iter().map(|_| None).collect();
        for (&(i, _), r) in jobs.iter().zip(read) {
            parsed[i] = Some(r);
        }
    }
    for (i, path) in files.iter().enumerate() {
        let explicit = paths.iter().any(|p| p == path);
        let opened = match opened.get_mut(i) {
            Some(o) => o.take(),
            None => (!skip(path)).then(|| inputs::read(path, &mut report.sources)),
        };
        let Some(opened) = opened else {
            continue;
        };
        match opened {
            Ok((_, Some(bad))) => {
                report.summary.files += 1;
                findings.push(bad);
            }
            Ok((id, None)) if rules::bicep::handles(report.sources.get(id).name()) => {
                report.summary.files += 1;
                let read = rules::bicep::read(id, &mut report.sources, &parameters);
                for f in &read.files {
                    let text = report.sources.get(*f).text();
                    suppressions.extend(rules::bicep::suppressions(text, *f));
                }
                findings.extend(read.findings);
                for r in read.rules {
                    if r.is_plain() {
                        all_rules.extend(each.rule(&mut checked, r.rule));
                    } else {
                        // Rules instantiated through modules or a parameter file are checked
                        // one by one, so that each finding carries its instantiation.
                        instantiated += 1;
                        findings.extend(r.check(&catalog));
                        kept.push(r.rule);
                    }
                }
            }
            Ok((id, None)) if is_kql(path) => {
                report.summary.files += 1;
                kql_files += 1;
                let file = report.sources.get(id);
                // KQL comments start with `//`: read as `# ` (same length, same offsets), the
                // suppression comments are found as in every other format.
                let hashed = file.text().replace("//", "# ");
                suppressions.extend(crate::suppress::from_comments(&hashed, id));
                let schemas = each
                    .schemas
                    .get_or_init(|| kql::Schemas::from_catalog(&catalog));
                findings.extend(kql::check_query(
                    file.text(),
                    &kql::SpanMap::offset(0),
                    id,
                    schemas,
                ));
            }
            Ok((id, None)) => {
                let file = report.sources.get(id);
                let visited = match parsed.get_mut(i).and_then(Option::take) {
                    Some(visited) => visited,
                    None => rules::read_source_visiting(
                        file.name(),
                        file.text(),
                        id,
                        explicit,
                        &parameters,
                        &each,
                    ),
                };
                if let Some(visited) = visited {
                    if visited.only_not_a_rule_source() {
                        skipped += 1;
                        findings.extend(visited.read.findings);
                        continue;
                    }
                    report.summary.files += 1;
                    suppressions.extend(crate::suppress::from_comments(file.text(), id));
                    let read = visited.read;
                    suppressions.extend(read.suppressions);
                    findings.extend(read.findings);
                    for part in visited.parts {
                        checked.append(part);
                    }
                    if all_rules.is_empty() {
                        // One large file: its rules are moved, not copied.
                        all_rules = read.rules;
                    } else {
                        all_rules.extend(read.rules);
                    }
                }
            }
            Err(e) => report.input_errors.push(e),
        }
    }
    report.summary.conditions = options.conditions.len();
    for (i, cond) in options.conditions.iter().enumerate() {
        // A trailing newline gives an error at the end of the condition a place to be drawn.
        let id = report.sources.add(SourceFile::new(
            format!("<condition {}>", i + 1),
            format!("{cond}\n"),
        ));
        let mut sink = Sink::new(id);
        let whole = Span::new(0, cond.len());
        if let Some(c) = condition::embed::criterion_from_text(cond, whole, cond, &mut sink) {
            let rule = AlertRule {
                criteria: vec![c],
                ..AlertRule::new(id, whole)
            };
            all_rules.extend(each.rule(&mut checked, rule));
        }
        findings.extend(sink.findings);
    }
    report.summary.queries = options.queries.len();
    for (i, query) in options.queries.iter().enumerate() {
        let id = report.sources.add(SourceFile::new(
            format!("<query {}>", i + 1),
            format!("{query}\n"),
        ));
        let schemas = each
            .schemas
            .get_or_init(|| kql::Schemas::from_catalog(&catalog));
        findings.extend(kql::check_query(
            query,
            &kql::SpanMap::offset(0),
            id,
            schemas,
        ));
    }
    report.summary.rules = checked.rules + instantiated;
    // Rules on another resource type count: they were seen (and noted by the checks); so do
    // KQL queries.
    let seen = checked.rules + instantiated + kql_files + options.queries.len();
    findings.extend(checked.finish(&catalog));
    let findings = crate::suppress::apply(findings, suppressions, &report.sources);
    let mut report = finish(report, findings, &options.policy);
    all_rules.extend(kept);
    report.rules = all_rules;
    report.catalog = catalog;
    if seen == 0
        && !options.allow_empty
        && report.input_errors.is_empty()
        && !options.policy.fails(&report.findings)
    {
        report
            .input_errors
            .push(nothing_linted(paths, &report.summary, skipped));
    }
    report
}

/// Checks each rule as it is read, and keeps it only if asked to.
struct CheckEach<'c> {
    catalog: &'c Catalog,
    schemas: OnceLock<kql::Schemas>,
    keep: bool,
}

impl<'c> rules::Visit for CheckEach<'c> {
    type Part = lint::Checked<'c>;
    fn rule(&self, part: &mut lint::Checked<'c>, rule: AlertRule) -> Option<AlertRule> {
        part.rule(self.catalog, &self.schemas, &rule);
        self.keep.then_some(rule)
    }
}

/// `f` over `items` on every core, results in the items' order. Items are handed out one at a
/// time, so one large file does not hold up the rest.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return out;
                        };
                        out.push((i, f(item)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// The error of a run that found no alert rule to check.
fn nothing_linted(paths: &[PathBuf], summary: &Summary, skipped: usize) -> InputError {
    let files = match summary.files {
        1 => "1 file".to_string(),
        n => format!("{n} files"),
    };
    let mut message = format!("no alert rule found ({files} read");
    if skipped > 0 {
        message.push_str(&format!(
            ", {skipped} not read as rules: see the not-a-rule-source notes"
        ));
    }
    message.push_str(
        "); check the paths, or pass --allow-empty (`allow-empty = true` in amlguard.toml) if an \
         empty run is intended",
    );
    InputError {
        path: paths
            .iter()
            .map(|p| match p.as_os_str().to_str() {
                Some("-") => "<stdin>".to_string(),
                _ => p.display().to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        message,
    }
}

/// KQL query files, checked as one query each.
fn is_kql(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("kql"))
}

/// Lints one rule source given as text, with the given catalog (for tests, benches, fuzzing
/// and embedding). The format is chosen as for a file named `name` ([`rules::detect::detect`]:
/// by extension, or by content when `name` has none).
pub fn lint_text(
    name: &str,
    text: &str,
    catalog: &Catalog,
) -> (SourceMap, Vec<AlertRule>, Vec<Finding>) {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new(name, text));
    let read = rules::read_source(name, text, id, true, &[]).unwrap_or_default();
    let mut findings = read.findings;
    findings.extend(lint::check_rules(catalog, &read.rules));
    sort(&mut findings);
    (sources, read.rules, findings)
}

/// Orders findings by file, place and check, then by message, so that identical findings
/// (the same mistake in every instance of a loop) end up side by side for `dedup`.
fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.file, a.span.start, a.check.code, &a.message).cmp(&(
            b.file,
            b.span.start,
            b.check.code,
            &b.message,
        ))
    });
}

/// Applies the policy, sorts, drops repeats and counts. A rule written once and deployed many
/// times (a Bicep `for` loop, a Terraform `count`) is checked once per instance; a finding that
/// comes out the same for each (same check, place, message and help) is reported once.
pub fn finish(mut report: Report, findings: Vec<Finding>, policy: &Policy) -> Report {
    let mut findings = policy.apply(findings);
    sort(&mut findings);
    findings.dedup();
    report.summary.count(&findings);
    report.findings = findings;
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in catalog with one user catalog file over it, which must load cleanly.
    fn catalog_with(text: &str) -> Catalog {
        let mut sources = SourceMap::new();
        let file = SourceFile::new("extra.yaml", text);
        let (catalog, problems) = Catalog::load(&mut sources, vec![file]);
        assert!(problems.is_empty(), "{problems:#?}");
        catalog
    }

    /// A rule file of one rule: the Total of `metric` above 0, filtered on `dimension` if given.
    fn one_rule(metric: &str, dimension: Option<&str>) -> String {
        let mut text = format!(
            "rules:\n  - name: a\n    criteria:\n      - metric: {metric}\n        aggregation: Total\n        operator: GreaterThan\n        threshold: 0\n"
        );
        if let Some(d) = dimension {
            text.push_str(&format!(
                "        dimensions:\n          - name: {d}\n            values: [x]\n"
            ));
        }
        text
    }

    /// The names of the checks that fire on a rule file, in file order.
    fn check_names(text: &str, catalog: &Catalog) -> Vec<&'static str> {
        let (_, _, findings) = lint_text("rules.yaml", text, catalog);
        findings.iter().map(|f| f.check.name).collect()
    }

    fn names_and_lines(sources: &SourceMap, findings: &[Finding]) -> Vec<(&'static str, usize)> {
        findings
            .iter()
            .map(|f| {
                let lc = sources.get(f.file).line_col(f.span.start);
                (f.check.name, lc.line)
            })
            .collect()
    }

    /// Findings of the reader and of the checks come out in file order.
    #[test]
    fn lint_text_orders_findings_by_place() {
        let text = "rules:\n  - name: a\n    criteria:\n      - metric: Failed Rnus\n        aggregation: Total\n        operator: GreaterThan\n        threshold: 0\n  - name: b\n    severty: 2\n    criteria:\n      - metric: Failed Runs\n        aggregation: Total\n        operator: GreaterThan\n        threshold: 0\n";
        let (sources, _, findings) = lint_text("rules.yaml", text, &Catalog::builtin());
        assert_eq!(
            names_and_lines(&sources, &findings),
            [("unknown-metric", 4), ("unknown-key", 9)]
        );
    }

    /// The messages name what the rule wrote: the dimension, and the metric as written.
    #[test]
    fn an_unknown_dimension_is_named_with_its_metric() {
        let text = one_rule("failed runs", Some("Colour"));
        let (_, _, findings) = lint_text("rules.yaml", &text, &Catalog::builtin());
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, ["unknown dimension `Colour` on `failed runs`"]);
    }

    /// The help of dimension-not-applicable: the metrics of the rule's namespace that carry
    /// the dimension (five in full, more counted), then the dimensions the metric has, those
    /// that no source pairs with specific metrics left out.
    #[test]
    fn the_help_of_an_inapplicable_dimension_lists_what_applies() {
        let catalog = |metrics: &str| {
            catalog_with(&format!(
                "sources:\n  - id: blog\n    title: A blog\n    location: https://example.com\n    primary: false\ndimensions:\n  - name: Region\n    applies-to:\n      - metrics: [{metrics}]\n        source: seed\n      - namespace: Microsoft.MachineLearningServices/workspaces/onlineEndpoints\n        metrics: [RequestLatency]\n        source: seed\n  - name: Zone\n    applies-to:\n      - any-metric: true\n        source: blog\n"
            ))
        };
        let rule = &one_rule("Idle Nodes", Some("Region"));
        let help = |metrics: &str| {
            let (_, _, findings) = lint_text("rules.yaml", rule, &catalog(metrics));
            assert_eq!(findings.len(), 1, "{findings:#?}");
            findings[0].help.clone().unwrap()
        };
        assert_eq!(
            help("Failed Runs"),
            "`Region` applies only to Failed Runs; `Idle Nodes` has ClusterName and Scenario"
        );
        assert_eq!(
            help("Failed Runs, Completed Runs, Preparing Runs, Cancelled Runs, Queued Runs"),
            "`Region` applies only to Cancelled Runs, Completed Runs, Failed Runs, Preparing Runs \
             and Queued Runs; `Idle Nodes` has ClusterName and Scenario"
        );
        assert_eq!(
            help(
                "Failed Runs, Completed Runs, Preparing Runs, Cancelled Runs, Queued Runs, Errors"
            ),
            "`Region` applies only to Cancelled Runs, Completed Runs, Failed Runs, Preparing Runs \
             and 2 more (`amlguard catalog dimensions`); `Idle Nodes` has ClusterName and Scenario"
        );
    }

    /// A dimension only a secondary source names is accepted with a note that says which
    /// source, and whether it paired the dimension with this metric or with any.
    #[test]
    fn a_dimension_of_a_secondary_source_is_noted_with_that_source() {
        let catalog = catalog_with(
            "sources:\n  - id: blog\n    title: A blog\n    location: https://example.com\n    primary: false\ndimensions:\n  - name: Zone\n    applies-to:\n      - any-metric: true\n        source: blog\n  - name: Region\n    applies-to:\n      - metrics: [Idle Nodes]\n        source: blog\n",
        );
        let message = |dim: &str| {
            let rule = one_rule("Idle Nodes", Some(dim));
            let (_, _, findings) = lint_text("rules.yaml", &rule, &catalog);
            let found: Vec<_> = findings
                .iter()
                .map(|f| (f.check.name, f.message.clone()))
                .collect();
            assert_eq!(found.len(), 1, "{found:?}");
            found[0].clone()
        };
        assert_eq!(
            message("Zone"),
            (
                "newer-source-only",
                "dimension `Zone` is named by `blog` (A blog) without saying which metrics carry it"
                    .to_string()
            )
        );
        assert_eq!(
            message("Region"),
            (
                "newer-source-only",
                "dimension `Region` on `Idle Nodes` is documented only by `blog` (A blog)"
                    .to_string()
            )
        );
    }

    /// A metric of another namespace is named with that namespace; a near name is suggested;
    /// a metric named alike both ways is no display-name use.
    #[test]
    fn unknown_metrics_get_the_help_that_fits() {
        let catalog = catalog_with(
            "metrics:\n  - name: Region Count\n    internal: region count\n    group: Run\n",
        );
        let found = |metric: &str| {
            let rule = one_rule(metric, None);
            let (_, _, findings) = lint_text("rules.yaml", &rule, &catalog);
            findings
                .iter()
                .map(|f| (f.check.name, f.help.clone().unwrap_or_default()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found("RequestLatency"),
            [(
                "unknown-metric",
                "`RequestLatency` is a metric of \
                 `Microsoft.MachineLearningServices/workspaces/onlineEndpoints`: point the rule's \
                 scopes or namespace there"
                    .to_string()
            )]
        );
        assert_eq!(
            found("Failed Rnus"),
            [("unknown-metric", "did you mean `Failed Runs`?".to_string())]
        );
        assert_eq!(found("Region Count"), []);
        assert_eq!(found("REGION COUNT"), []);
    }

    /// Only a higher percentile with a strictly lower threshold contradicts a lower one: equal
    /// thresholds, and the same percentile twice, do not.
    /// A threshold is judged against what the aggregated metric can take: Total and Count add
    /// samples up (no upper bound), Count is never below 0, and a threshold at the top of the
    /// range can still be reached with `>=`.
    #[test]
    fn threshold_ranges_follow_the_aggregation() {
        let catalog = catalog_with(
            "metrics:\n  - name: Drift Score\n    kind: count\n    min: -10\n    max: 10\n",
        );
        let names = |metric: &str, aggregation: &str, operator: &str, threshold: i32| {
            let text = format!(
                "rules:\n  - name: r\n    criteria:\n      - metric: {metric}\n        aggregation: {aggregation}\n        operator: {operator}\n        threshold: {threshold}\n"
            );
            let mut names = check_names(&text, &catalog);
            names.retain(|n| n.contains("threshold") || n.contains("fires"));
            names
        };
        let never = &["condition-never-fires"][..];
        let cases: [(&str, &str, &str, i32, &[&str]); 9] = [
            ("CpuUtilization", "Average", "GreaterThanOrEqual", 100, &[]),
            ("CpuUtilization", "Average", "GreaterThan", 100, never),
            ("CpuUtilization", "Average", "LessThanOrEqual", 0, &[]),
            ("CpuUtilization", "Average", "LessThan", 0, never),
            ("CpuUtilization", "Total", "GreaterThan", 150, &[]),
            ("CpuUtilization", "Count", "GreaterThan", 150, &[]),
            (
                "CpuUtilization",
                "Maximum",
                "GreaterThan",
                150,
                &["threshold-out-of-range"],
            ),
            ("Drift Score", "Average", "LessThan", -5, &[]),
            ("Drift Score", "Count", "LessThan", 0, never),
        ];
        for (metric, aggregation, operator, threshold, want) in cases {
            assert_eq!(
                names(metric, aggregation, operator, threshold),
                want,
                "{metric} {aggregation} {operator} {threshold}"
            );
        }
    }

    /// A dynamic threshold needs at least one evaluation period, and from 1 to that many
    /// failing periods; the edges themselves are valid.
    #[test]
    fn dynamic_threshold_periods_are_judged_at_their_edges() {
        let spans = |periods: i32, failing: i32| {
            let text = format!(
                "rules:\n  - name: a\n    criteria:\n      - metric: GpuUtilization\n        aggregation: Average\n        operator: GreaterThan\n        dynamic:\n          sensitivity: High\n          evaluation-periods: {periods}\n          min-failing-periods: {failing}\n"
            );
            let (_, _, findings) = lint_text("rules.yaml", &text, &Catalog::builtin());
            findings
                .iter()
                .map(|f| {
                    assert_eq!(f.check.name, "invalid-dynamic-threshold", "{f:#?}");
                    text[f.span.start..f.span.end].to_string()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(spans(1, 1), Vec::<String>::new());
        assert_eq!(spans(4, 4), Vec::<String>::new());
        assert_eq!(spans(0, 1), ["0"]);
        assert_eq!(spans(4, 5), ["5"]);
        assert_eq!(spans(4, 0), ["0"]);
        assert_eq!(spans(0, 0), ["0", "0"]);
    }

    /// A measure column the query does not return is helped with the columns it does, up to
    /// twelve of them.
    #[test]
    fn a_missing_measure_column_lists_up_to_twelve_returned_columns() {
        let help = |columns: usize| {
            let project: Vec<String> = (1..=columns).map(|i| format!("col{i} = {i}")).collect();
            let text = format!(
                "rules:\n  - name: r\n    frequency: PT5M\n    window: PT5M\n    criteria:\n      - query: AmlComputeJobEvent | project {}\n        aggregation: Total\n        measure-column: zzzzzz\n        operator: '>'\n        threshold: 0\n",
                project.join(", ")
            );
            let (_, _, findings) = lint_text("rules.yaml", &text, &Catalog::builtin());
            let f: Vec<_> = findings
                .iter()
                .filter(|f| f.check.name == "column-not-in-output")
                .collect();
            assert_eq!(f.len(), 1, "{findings:#?}");
            f[0].help.clone().unwrap_or_default()
        };
        let listed = |n: usize| {
            (1..=n)
                .map(|i| format!("col{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        assert_eq!(help(12), format!("the query returns {}", listed(12)));
        assert_eq!(help(13), format!("the query returns {}, …", listed(12)));
        let text = "rules:\n  - name: r\n    frequency: PT5M\n    window: PT5M\n    criteria:\n      - query: AmlComputeJobEvent | project-away *\n        aggregation: Total\n        measure-column: zzzzzz\n        operator: '>'\n        threshold: 0\n";
        let (_, _, findings) = lint_text("rules.yaml", text, &Catalog::builtin());
        let helps: Vec<_> = findings.iter().map(|f| f.help.as_deref()).collect();
        assert_eq!(
            helps,
            [Some("the query returns no column")],
            "{findings:#?}"
        );
    }

    /// Failing periods need a time column only when there is more than one period; actions
    /// may be muted for exactly one evaluation period, not less.
    #[test]
    fn log_rule_periods_and_mutes_are_judged_at_their_edges() {
        let names = |periods: u32, mute: &str| {
            let text = format!(
                "rules:\n  - name: r\n    frequency: PT1H\n    window: PT1H\n    auto-mitigate: false\n    mute-actions: {mute}\n    criteria:\n      - query: AmlComputeJobEvent | summarize Failed = count() by ClusterName\n        aggregation: Total\n        measure-column: Failed\n        operator: GreaterThan\n        threshold: 0\n        failing-periods: {{evaluation-periods: {periods}, min-failing-periods: 1}}\n"
            );
            check_names(&text, &Catalog::builtin())
        };
        assert_eq!(names(1, "PT1H"), Vec::<&str>::new());
        assert_eq!(names(2, "PT1H"), ["periods-without-time-column"]);
        assert_eq!(names(1, "PT2H"), Vec::<&str>::new());
        assert_eq!(names(1, "PT45M"), ["invalid-log-duration"]);
    }

    /// The look-back is the window, or window × periods, or the override, which may equal
    /// window × periods but not fall short of it; messages say which it is.
    #[test]
    fn log_rule_look_backs_are_named_and_judged_at_their_edges() {
        let findings = |frequency: &str, periods: u32, extra: &str| {
            let text = format!(
                "rules:\n  - name: r\n    frequency: {frequency}\n    window: PT1H\n{extra}    criteria:\n      - query: AmlComputeJobEvent | summarize Failed = count() by bin(TimeGenerated, 5m)\n        aggregation: Total\n        measure-column: Failed\n        operator: GreaterThan\n        threshold: 0\n        failing-periods: {{evaluation-periods: {periods}, min-failing-periods: 1}}\n"
            );
            let (_, _, findings) = lint_text("rules.yaml", &text, &Catalog::builtin());
            findings
                .iter()
                .map(|f| (f.check.name, f.message.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            findings("P1D", 1, ""),
            [(
                "frequency-above-lookback",
                "evaluated every P1D, but the query looks back only PT1H (the window PT1H)".into()
            )]
        );
        assert_eq!(
            findings("P1D", 2, ""),
            [(
                "frequency-above-lookback",
                "evaluated every P1D, but the query looks back only PT2H (window × periods (PT1H × 2))"
                    .into()
            )]
        );
        assert_eq!(
            findings("PT5M", 2, "    override-query-time-range: PT2H\n"),
            []
        );
        let short = findings("PT5M", 3, "    override-query-time-range: PT2H\n");
        assert_eq!(short.len(), 1, "{short:#?}");
        assert_eq!(short[0].0, "invalid-log-duration");
    }

    #[test]
    fn percentile_thresholds_contradict_only_when_strictly_inverted() {
        let rule = |name: &str, metric: &str, threshold: u32| {
            format!(
                "  - name: {name}\n    namespace: Microsoft.MachineLearningServices/workspaces/onlineEndpoints\n    criteria:\n      - metric: {metric}\n        aggregation: Average\n        operator: GreaterThan\n        threshold: {threshold}\n"
            )
        };
        let names = |rules: &[String]| {
            check_names(&format!("rules:\n{}", rules.concat()), &Catalog::builtin())
        };
        assert_eq!(
            names(&[
                rule("a", "RequestLatency_P50", 800),
                rule("b", "RequestLatency_P99", 800)
            ]),
            Vec::<&str>::new()
        );
        assert_eq!(
            names(&[
                rule("a", "RequestLatency_P99", 800),
                rule("b", "RequestLatency_P99", 500)
            ]),
            Vec::<&str>::new()
        );
        assert_eq!(
            names(&[
                rule("a", "RequestLatency_P50", 800),
                rule("b", "RequestLatency_P99", 799)
            ]),
            ["inverted-percentile-thresholds"]
        );
    }

    /// Percentile thresholds are compared only within one series: the same namespace,
    /// aggregation and dimension filters (names and values compared trimmed and in any case
    /// and order, the operator too).
    #[test]
    fn percentile_thresholds_compare_only_the_same_series() {
        const ENDPOINTS: &str = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
        let rule = |name: &str,
                    namespace: &str,
                    metric: &str,
                    agg: &str,
                    threshold: u32,
                    filter: &str| {
            format!(
                "  - name: {name}\n    namespace: {namespace}\n    criteria:\n      - metric: {metric}\n        aggregation: {agg}\n        operator: GreaterThan\n        threshold: {threshold}\n{filter}"
            )
        };
        let filter = |name: &str, op: &str, values: &str| {
            format!(
                "        dimensions:\n          - name: {name}\n            operator: {op}\n            values: [{values}]\n"
            )
        };
        let inverted = |low: String, high: String| {
            let text = format!("rules:\n{low}{high}");
            let (_, _, findings) = lint_text("rules.yaml", &text, &Catalog::builtin());
            findings
                .iter()
                .filter(|f| f.check.name == "inverted-percentile-thresholds")
                .count()
        };
        let p50 =
            |agg: &str, filter: &str| rule("a", ENDPOINTS, "RequestLatency_P50", agg, 800, filter);
        let p99 =
            |agg: &str, filter: &str| rule("b", ENDPOINTS, "RequestLatency_P99", agg, 799, filter);
        assert_eq!(inverted(p50("Average", ""), p99("Average", "")), 1);
        assert_eq!(inverted(p50("Average", ""), p99("Maximum", "")), 0);
        let blue = filter("deployment", "Include", "blue, green");
        assert_eq!(inverted(p50("Average", &blue), p99("Average", "")), 0);
        assert_eq!(
            inverted(
                p50("Average", &blue),
                p99(
                    "Average",
                    &filter(" Deployment", "Include", "GREEN, ' blue'")
                )
            ),
            1
        );
        assert_eq!(
            inverted(
                p50("Average", &blue),
                p99("Average", &filter("deployment", "Exclude", "blue, green"))
            ),
            0
        );
        assert_eq!(
            inverted(
                p50("Average", &blue),
                p99("Average", &filter("deployment", "Include", "blue"))
            ),
            0
        );
        let deployments = format!("{ENDPOINTS}/deployments");
        assert_eq!(
            inverted(
                p50("Average", ""),
                rule("b", &deployments, "RequestLatency_P99", "Average", 799, "")
            ),
            0
        );
    }

    /// A window shorter than the frequency gets the shortest allowed window that covers it.
    #[test]
    fn a_short_window_gets_the_shortest_covering_window_as_help() {
        let help = |frequency: &str, window: &str| {
            let text = format!(
                "rules:\n  - name: a\n    frequency: {frequency}\n    window: {window}\n    criteria:\n      - metric: Failed Runs\n        aggregation: Total\n        operator: GreaterThan\n        threshold: 0\n"
            );
            let (_, _, findings) = lint_text("rules.yaml", &text, &Catalog::builtin());
            findings
                .iter()
                .map(|f| (f.check.name, f.help.clone().unwrap_or_default()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            help("PT1H", "PT30M"),
            [(
                "window-shorter-than-frequency",
                "use a window of at least PT1H".to_string()
            )]
        );
        assert_eq!(
            help("PT5M", "PT1M"),
            [(
                "window-shorter-than-frequency",
                "use a window of at least PT5M".to_string()
            )]
        );
        assert_eq!(help("PT5M", "PT5M"), []);
    }

    /// A filter on a deprecated dimension is reported with its replacement.
    #[test]
    fn a_deprecated_dimension_is_reported_with_its_replacement() {
        let catalog = catalog_with(
            "dimensions:\n  - name: Old Cluster\n    applies-to:\n      - metrics: [Idle Nodes]\n        source: seed\n    deprecated:\n      since: 2024-01\n      replacement: Cluster Name\n      source: seed\n",
        );
        let text = one_rule("Idle Nodes", Some("Old Cluster"));
        let (_, _, findings) = lint_text("rules.yaml", &text, &catalog);
        let found: Vec<_> = findings
            .iter()
            .map(|f| (f.message.as_str(), f.help.as_deref()))
            .collect();
        assert_eq!(
            found,
            [(
                "dimension `Old Cluster` is deprecated since 2024-01",
                Some("filter on `Cluster Name` instead")
            )]
        );
    }

    /// A dimension whose display and REST names are the same word is not written "by its
    /// display name".
    #[test]
    fn a_dimension_named_alike_both_ways_is_not_a_display_name_use() {
        let catalog = catalog_with(
            "dimensions:\n  - name: Region\n    internal: region\n    applies-to:\n      - metrics: [Failed Runs]\n        source: seed\n",
        );
        let rule = |dim: &str| one_rule("Failed Runs", Some(dim));
        for written in ["Region", "region", "REGION"] {
            let (_, _, findings) = lint_text("rules.yaml", &rule(written), &catalog);
            assert!(findings.is_empty(), "{written}: {findings:#?}");
        }
        let (_, _, findings) = lint_text("rules.yaml", &rule("Cluster Name"), &catalog);
        assert!(
            findings
                .iter()
                .any(|f| f.check.name == "dimension-not-applicable"),
            "{findings:#?}"
        );
    }

    /// Each finding counts once, under its own severity.
    #[test]
    fn the_summary_counts_findings_by_severity() {
        use crate::registry::{ALERT_TEST_FAILED, UNKNOWN_DIMENSION};
        let at = |severity| {
            let mut f = Finding::new(
                &UNKNOWN_DIMENSION,
                crate::source::FileId(0),
                crate::source::Span::new(0, 0),
                "m",
            );
            f.severity = severity;
            f
        };
        let mut s = Summary {
            errors: 1,
            warnings: 1,
            notes: 1,
            ..Summary::default()
        };
        s.count(&[
            at(Severity::Error),
            at(Severity::Error),
            at(Severity::Warning),
            at(Severity::Note),
            at(Severity::Note),
            at(Severity::Note),
        ]);
        assert_eq!((s.errors, s.warnings, s.notes), (3, 2, 4));
        s.count(&[Finding::new(
            &ALERT_TEST_FAILED,
            crate::source::FileId(0),
            crate::source::Span::new(0, 0),
            "m",
        )]);
        assert_eq!((s.errors, s.warnings, s.notes), (4, 2, 4));
    }

    /// A file large enough to be read in parts on two threads, each rule checked and dropped as
    /// it is read: the checks across rules still see every rule in file order (a repeat at the
    /// end points back to the first rule), and only `keep_rules` keeps them.
    #[test]
    fn rules_checked_as_they_are_read_are_checked_across_parts() {
        let mut text = crate::generate::rules_yaml(4000, 1, 0);
        assert!(text.len() > 1 << 20, "{} bytes: one part only", text.len());
        let first = text.find("rule-0\n").expect("the first rule");
        let name_line = text["rules:\n".len()..first + "rule-0\n".len()].to_string();
        text.push_str(&name_line);
        text.push_str("    criteria:\n      - metric: Failed Runs\n        aggregation: Total\n        operator: GreaterThan\n        threshold: 0\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        std::fs::write(&path, &text).unwrap();
        for keep_rules in [false, true] {
            let options = LintOptions {
                keep_rules,
                ..LintOptions::default()
            };
            let report = lint_paths(std::slice::from_ref(&path), &options);
            assert_eq!(report.summary.rules, 4001);
            assert_eq!(report.rules.len(), if keep_rules { 4001 } else { 0 });
            let found: Vec<_> = report
                .findings
                .iter()
                .map(|f| {
                    let related: Vec<_> = f.related.iter().map(|r| r.span.start).collect();
                    (f.check.name, f.span.start, related)
                })
                .collect();
            let repeat = text.rfind("rule-0\n").unwrap();
            assert_eq!(
                found,
                [("duplicate-rule-name", repeat, vec![first])],
                "keep_rules: {keep_rules}"
            );
        }
    }

    /// Results come back in the items' order, whatever order the workers finish in.
    #[test]
    fn par_map_keeps_the_items_order() {
        let items: Vec<u64> = (0..200).collect();
        let out = par_map(&items, |&i| {
            // Early items take longest, so they finish last.
            std::thread::sleep(std::time::Duration::from_micros(200 - i));
            i * 2
        });
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert!(par_map(&[] as &[u64], |&i| i).is_empty());
    }
}
