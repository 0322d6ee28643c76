//! Property tests of log alert rules: a random valid log rule written in the YAML rule format
//! and as an ARM `scheduledQueryRules` resource reads to the same model and gets the same
//! findings; every finding about its query lands inside the query's text in the file, whatever
//! the quoting; no query text makes a reader or a check panic.

use amlguard::catalog::Catalog;
use amlguard::linter::lint_text;
use amlguard::model::{AlertRule, LogCriterion};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    name: String,
    severity: i64,
    frequency: &'static str,
    window: &'static str,
    auto_mitigate: bool,
    table: &'static str,
    filter: (&'static str, String),
    by: &'static str,
    measure: Option<String>,
    operator: &'static str,
    threshold: i64,
    periods: (i64, i64),
}

const FREQUENCIES: &[&str] = &[
    "PT1M", "PT5M", "PT10M", "PT15M", "PT30M", "PT1H", "PT7M", "P1D",
];
const WINDOWS: &[&str] = &["PT5M", "PT15M", "PT1H", "PT6H", "P1D", "P2D", "PT2M"];
const TABLES: &[(&str, &str, &[&str], &str)] = &[
    (
        "AmlComputeJobEvent",
        "EventType",
        &["JobFailed", "JobFaild", "JobRunning"],
        "ClusterName",
    ),
    (
        "AmlRunStatusChangedEvent",
        "Status",
        &["Failed", "failed", "Queued"],
        "RunId",
    ),
    (
        "AmlComputeClusterEvent",
        "AllocationState",
        &["Steady", "Resizing", "Stedy"],
        "ClustrName",
    ),
];

fn spec() -> impl Strategy<Value = Spec> {
    (
        "[a-z][a-z0-9-]{0,20}",
        -1i64..6,
        prop::sample::select(FREQUENCIES),
        prop::sample::select(WINDOWS),
        any::<bool>(),
        (0..TABLES.len(), 0usize..3),
        prop::option::of(prop::sample::select(vec!["Total", "N", "n", "Count"])),
        prop::sample::select(vec![
            "GreaterThan",
            "LessThan",
            "Equal",
            "GreaterThanOrEqual",
        ]),
        -5i64..100,
        (0i64..8, 0i64..8),
    )
        .prop_map(
            |(
                name,
                severity,
                frequency,
                window,
                auto_mitigate,
                (t, v),
                measure,
                operator,
                threshold,
                periods,
            )| {
                let (table, col, values, by) = TABLES[t];
                Spec {
                    name,
                    severity,
                    frequency,
                    window,
                    auto_mitigate,
                    table,
                    filter: (col, values[v].to_string()),
                    by,
                    measure: measure.map(str::to_string),
                    operator,
                    threshold,
                    periods,
                }
            },
        )
}

impl Spec {
    /// The query, on several lines.
    fn query(&self) -> String {
        format!(
            "{}\n| where {} == \"{}\"\n| summarize N = count() by {}, bin(TimeGenerated, 5m)",
            self.table, self.filter.0, self.filter.1, self.by
        )
    }

    fn aggregation(&self) -> &str {
        if self.measure.is_some() {
            "Total"
        } else {
            "Count"
        }
    }

    fn yaml(&self) -> String {
        let q: String = self
            .query()
            .lines()
            .map(|l| format!("          {l}\n"))
            .collect();
        let measure = self
            .measure
            .as_ref()
            .map(|m| format!("        measure-column: \"{m}\"\n"))
            .unwrap_or_default();
        format!(
            "rules:\n  - name: {}\n    severity: {}\n    frequency: {}\n    window: {}\n    auto-mitigate: {}\n    criteria:\n      - query: |-\n{q}        aggregation: {}\n{measure}        operator: {}\n        threshold: {}\n        failing-periods: {{evaluation-periods: {}, min-failing-periods: {}}}\n",
            self.name,
            self.severity,
            self.frequency,
            self.window,
            self.auto_mitigate,
            self.aggregation(),
            self.operator,
            self.threshold,
            self.periods.0,
            self.periods.1
        )
    }

    fn arm(&self) -> String {
        let measure = self
            .measure
            .as_ref()
            .map(|m| format!("\"metricMeasureColumn\": \"{m}\",\n              "))
            .unwrap_or_default();
        format!(
            r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {{
      "type": "Microsoft.Insights/scheduledQueryRules",
      "apiVersion": "2023-03-15-preview",
      "name": "{}",
      "properties": {{
        "severity": {},
        "evaluationFrequency": "{}",
        "windowSize": "{}",
        "autoMitigate": {},
        "criteria": {{
          "allOf": [
            {{
              "query": {},
              "timeAggregation": "{}",
              {measure}"operator": "{}",
              "threshold": {},
              "failingPeriods": {{"numberOfEvaluationPeriods": {}, "minFailingPeriodsToAlert": {}}}
            }}
          ]
        }}
      }}
    }}
  ]
}}
"#,
            self.name,
            self.severity,
            self.frequency,
            self.window,
            self.auto_mitigate,
            serde_json::to_string(&self.query()).unwrap(),
            self.aggregation(),
            self.operator,
            self.threshold,
            self.periods.0,
            self.periods.1
        )
    }
}

/// What a log rule says, without where it says it.
fn essence(r: &AlertRule) -> String {
    let log = r.log.as_ref().expect("a log rule");
    let crit = |c: &LogCriterion| {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?}",
            c.query.as_ref().map(|q| &q.text),
            c.time_aggregation.as_ref().map(|a| a.value),
            c.metric_measure_column.as_ref().map(|m| &m.value),
            c.operator.as_ref().map(|o| o.value),
            c.threshold.as_ref().map(|t| t.value),
            c.failing_periods.as_ref().map(|f| (
                f.evaluation_periods.as_ref().map(|p| p.value),
                f.min_failing_periods.as_ref().map(|p| p.value)
            )),
        )
    };
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?}",
        r.name.as_ref().map(|n| &n.value),
        r.severity.as_ref().map(|s| s.value),
        r.frequency.as_ref().map(|f| f.value),
        r.window.as_ref().map(|w| w.value),
        r.auto_mitigate.as_ref().map(|a| a.value),
        log.criteria.iter().map(crit).collect::<Vec<_>>()
    )
}

fn catalog() -> &'static Catalog {
    static C: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    C.get_or_init(Catalog::builtin)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn yaml_and_arm_read_to_the_same_model_and_findings(s in spec()) {
        let (ysrc, yrules, yfind) = lint_text("rule.yaml", &s.yaml(), catalog());
        let (asrc, arules, afind) = lint_text("rule.json", &s.arm(), catalog());
        prop_assert_eq!(yrules.len(), 1, "{:?}", yfind);
        prop_assert_eq!(arules.len(), 1, "{:?}", afind);
        prop_assert_eq!(essence(&yrules[0]), essence(&arules[0]));
        let names = |f: &[amlguard::finding::Finding]| {
            let mut v: Vec<&str> = f.iter().map(|f| f.check.name).collect();
            v.sort_unstable();
            v
        };
        prop_assert_eq!(names(&yfind), names(&afind));
        // Every finding about the query lands on text of the query in each file.
        for (src, rules, findings) in [(&ysrc, &yrules, &yfind), (&asrc, &arules, &afind)] {
            let q = rules[0].log.as_ref().unwrap().criteria[0].query.as_ref().unwrap();
            let text = src.get(amlguard::source::FileId(0)).text();
            for f in findings.iter().filter(|f| f.check.family == amlguard::registry::Family::Query && f.check.code <= "AML705") {
                prop_assert!(q.span.start <= f.span.start && f.span.end <= q.span.end, "{:?} outside {:?}", f.span, q.span);
                let shown = &text[f.span.start..f.span.end];
                prop_assert!(!shown.trim().is_empty(), "{}", f.message);
            }
        }
    }

    #[test]
    fn any_query_text_is_read_and_checked_without_panic(q in "\\PC{0,120}") {
        let yaml = format!("rules:\n  - name: r\n    criteria:\n      - query: {}\n        aggregation: Count\n        operator: '>'\n        threshold: 0\n", serde_json::to_string(&q).unwrap());
        let _ = lint_text("r.yaml", &yaml, catalog());
        let arm = format!("{{\"resources\": [{{\"type\": \"Microsoft.Insights/scheduledQueryRules\", \"name\": \"r\", \"properties\": {{\"criteria\": {{\"allOf\": [{{\"query\": {}, \"timeAggregation\": \"Count\", \"operator\": \"Equal\", \"threshold\": 0}}]}}}}}}]}}", serde_json::to_string(&q).unwrap());
        let (src, _, findings) = lint_text("r.json", &arm, catalog());
        let len = src.get(amlguard::source::FileId(0)).text().len();
        for f in findings {
            prop_assert!(f.span.end <= len);
        }
    }
}
