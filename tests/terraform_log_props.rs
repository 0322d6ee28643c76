//! Property tests of the Terraform log alert reader: any generated
//! `azurerm_monitor_scheduled_query_rules_alert_v2` resource — its query as a quoted string with
//! escapes, an indented heredoc or a `locals` value — reads back to the model it was written
//! from, and every span of the query maps each of its characters back to the place in the file
//! that writes it.

use amlguard::model::AlertRule;
use amlguard::rules::read_source;
use amlguard::source::{FileId, Span};
use amlguard::vocab::{Aggregation, DimensionOperator, Operator};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    name: String,
    severity: i64,
    frequency_min: u64,
    window_min: u64,
    auto_mitigate: Option<bool>,
    query: String,
    style: Style,
    indent: usize,
    aggregation: Aggregation,
    measure: Option<String>,
    operator: (Operator, &'static str),
    threshold: f64,
    dimensions: Vec<(String, bool, Vec<String>)>,
    failing: Option<(i64, i64)>,
}

#[derive(Debug, Clone, Copy)]
enum Style {
    Quoted,
    Heredoc,
    Local,
}

/// HCL's escapes in a quoted string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out.replace("${", "$${").replace("%{", "%%{")
}

/// An indented heredoc whose lines are the query's (ending with a newline).
fn heredoc(q: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from("<<-QUERY\n");
    for line in q.lines() {
        out.push_str(&pad);
        out.push_str(&line.replace("${", "$${").replace("%{", "%%{"));
        out.push('\n');
    }
    out.push_str(&pad);
    out.push_str("QUERY\n");
    out
}

impl Spec {
    fn query_text(&self) -> String {
        match self.style {
            Style::Quoted => self.query.clone(),
            _ => format!("{}\n", self.query.lines().collect::<Vec<_>>().join("\n")),
        }
    }

    fn query_expr(&self) -> String {
        match self.style {
            Style::Quoted => quote(&self.query),
            Style::Heredoc => heredoc(&self.query, self.indent),
            Style::Local => "local.q\n".to_string(),
        }
    }

    fn hcl(&self) -> String {
        let mut t = String::new();
        if let Style::Local = self.style {
            t.push_str(&format!(
                "locals {{\n  q = {}}}\n\n",
                heredoc(&self.query, self.indent)
            ));
        }
        t.push_str("resource \"azurerm_monitor_scheduled_query_rules_alert_v2\" \"r\" {\n");
        t.push_str(&format!("  name = {}\n", quote(&self.name)));
        t.push_str(&format!("  severity = {}\n", self.severity));
        t.push_str(&format!(
            "  evaluation_frequency = \"PT{}M\"\n",
            self.frequency_min
        ));
        t.push_str(&format!("  window_duration = \"PT{}M\"\n", self.window_min));
        if let Some(a) = self.auto_mitigate {
            t.push_str(&format!("  auto_mitigation_enabled = {a}\n"));
        }
        t.push_str("  criteria {\n");
        t.push_str(&format!("    query = {}", self.query_expr()));
        if !self.query_expr().ends_with('\n') {
            t.push('\n');
        }
        t.push_str(&format!(
            "    time_aggregation_method = \"{}\"\n",
            self.aggregation.as_str()
        ));
        if let Some(m) = &self.measure {
            t.push_str(&format!("    metric_measure_column = {}\n", quote(m)));
        }
        t.push_str(&format!("    operator = \"{}\"\n", self.operator.1));
        t.push_str(&format!("    threshold = {}\n", self.threshold));
        for (name, exclude, values) in &self.dimensions {
            let vs: Vec<String> = values.iter().map(|v| quote(v)).collect();
            t.push_str(&format!(
                "    dimension {{\n      name = {}\n      operator = \"{}\"\n      values = [{}]\n    }}\n",
                quote(name),
                if *exclude { "Exclude" } else { "Include" },
                vs.join(", ")
            ));
        }
        if let Some((min, n)) = self.failing {
            t.push_str(&format!(
                "    failing_periods {{\n      minimum_failing_periods_to_trigger_alert = {min}\n      number_of_evaluation_periods = {n}\n    }}\n"
            ));
        }
        t.push_str("  }\n}\n");
        t
    }
}

fn text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9 _\"\\\\$%{}|=().-]{1,16}"
}

fn query() -> impl Strategy<Value = String> {
    // Lines with KQL's own characters, quotes and backslashes, and template look-alikes.
    prop::collection::vec("[A-Za-z0-9_|=<>!(),.\"'\\\\${}% -]{0,30}", 1..5)
        .prop_map(|lines| lines.join("\n"))
        .prop_filter("a line with something on it", |q| {
            q.lines().any(|l| !l.trim().is_empty())
        })
}

prop_compose! {
    fn spec()(
        name in text(),
        severity in 0i64..5,
        frequency_min in 1u64..60,
        window_min in 1u64..60,
        auto_mitigate in prop::option::of(any::<bool>()),
        query in query(),
        style in prop::sample::select(vec![Style::Quoted, Style::Heredoc, Style::Local]),
        indent in 0usize..8,
        aggregation in prop::sample::select(Aggregation::ALL.to_vec()),
        measure in prop::option::of("[A-Za-z_][A-Za-z0-9_]{0,10}"),
        operator in prop::sample::select(vec![
            (Operator::Equals, "Equal"),
            (Operator::GreaterThan, "GreaterThan"),
            (Operator::GreaterThanOrEqual, "GreaterThanOrEqual"),
            (Operator::LessThan, "LessThan"),
            (Operator::LessThanOrEqual, "LessThanOrEqual"),
        ]),
        threshold in (0u32..100_000).prop_map(|v| f64::from(v) / 4.0),
        dimensions in prop::collection::vec(
            ("[A-Za-z_][A-Za-z0-9_]{0,8}", any::<bool>(), prop::collection::vec(text(), 1..3)),
            0..3,
        ),
        failing in prop::option::of((1i64..7, 1i64..7)),
    ) -> Spec {
        Spec { name, severity, frequency_min, window_min, auto_mitigate, query, style, indent,
               aggregation, measure, operator, threshold, dimensions, failing }
    }
}

fn read(text: &str) -> (Vec<AlertRule>, Vec<amlguard::finding::Finding>) {
    let r = read_source("main.tf", text, FileId(0), true, &[]).expect("read");
    (r.rules, r.findings)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn generated_resources_read_back_to_the_same_model(s in spec()) {
        let hcl = s.hcl();
        let (rules, findings) = read(&hcl);
        prop_assert!(findings.is_empty(), "{findings:?}\n{hcl}");
        prop_assert_eq!(rules.len(), 1);
        let r = &rules[0];
        prop_assert_eq!(&r.name.as_ref().unwrap().value, &s.name);
        prop_assert_eq!(r.severity.as_ref().unwrap().value, s.severity);
        prop_assert_eq!(r.frequency.as_ref().unwrap().value.0, s.frequency_min * 60);
        prop_assert_eq!(r.window.as_ref().unwrap().value.0, s.window_min * 60);
        prop_assert_eq!(r.auto_mitigate.as_ref().unwrap().value, s.auto_mitigate.unwrap_or(false));
        let log = r.log.as_ref().unwrap();
        prop_assert_eq!(log.criteria.len(), 1);
        let c = &log.criteria[0];
        prop_assert_eq!(c.time_aggregation.as_ref().unwrap().value, s.aggregation);
        prop_assert_eq!(c.metric_measure_column.as_ref().map(|m| m.value.clone()), s.measure.clone());
        prop_assert_eq!(c.operator.as_ref().unwrap().value, s.operator.0);
        prop_assert_eq!(&c.operator_text.as_ref().unwrap().value, s.operator.1);
        prop_assert_eq!(c.threshold.as_ref().unwrap().value, s.threshold);
        prop_assert_eq!(c.dimensions.len(), s.dimensions.len());
        for (d, (name, exclude, values)) in c.dimensions.iter().zip(&s.dimensions) {
            prop_assert_eq!(&d.name.value, name);
            let op = if *exclude { DimensionOperator::Exclude } else { DimensionOperator::Include };
            prop_assert_eq!(d.operator.as_ref().unwrap().value, op);
            let got: Vec<&str> = d.values.iter().map(|v| v.value.as_str()).collect();
            prop_assert_eq!(got, values.iter().map(String::as_str).collect::<Vec<_>>());
        }
        match (&c.failing_periods, s.failing) {
            (Some(f), Some((min, n))) => {
                prop_assert_eq!(f.min_failing_periods.as_ref().unwrap().value, min);
                prop_assert_eq!(f.evaluation_periods.as_ref().unwrap().value, n);
            }
            (None, None) => {}
            (got, want) => prop_assert!(false, "failing periods {got:?} vs {want:?}"),
        }
        // The query, and where each of its characters is written.
        let q = c.query.as_ref().unwrap();
        let want = s.query_text();
        // The heredoc strips the smallest indent of its non-blank lines.
        let strip = |t: &str| {
            let min = t.lines().filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len()).min().unwrap_or(0);
            t.lines().map(|l| &l[min.min(l.len() - l.trim_start_matches([' ', '\t']).len())..])
                .map(|l| format!("{l}\n")).collect::<String>()
        };
        let want = match s.style { Style::Quoted => want, _ => strip(&want) };
        prop_assert_eq!(&q.text, &want, "{}", hcl);
        for (i, ch) in q.text.char_indices() {
            let at = q.map.map(Span::new(i, i + ch.len_utf8()));
            let written = &hcl[at.start..at.end];
            let ok = match ch {
                '"' => written == "\\\"" || written == "\"",
                '\\' => written == "\\\\" || written == "\\",
                '\n' => written == "\\n" || written == "\n",
                '\t' => written == "\\t" || written == "\t",
                '$' => written == "$$" || written == "$",
                '%' => written == "%%" || written == "%",
                _ => written == ch.to_string(),
            };
            prop_assert!(ok, "query byte {} ({:?}) maps to {:?}\n{}", i, ch, written, hcl);
        }
    }
}
