//! `az monitor scheduled-query create|update` invocations: each becomes a log alert rule. Its
//! `--condition`s are parsed in place, and each condition's quoted query is the KQL that
//! `--condition-query PLACEHOLDER="…"` gives it (or the KQL itself, written in the
//! condition), mapped back into the shell argument it was written in, so findings in the
//! query land on the script's own line and column.
//!
//! Facts: the command's reference, "az monitor scheduled-query"
//! (<https://learn.microsoft.com/cli/azure/monitor/scheduled-query>).

use std::collections::HashMap;

use crate::condition::embed::syntax_finding;
use crate::condition::log::parse;
use crate::finding::Sink;
use crate::model::{AlertRule, LogRule, LogRuleKind, Query, SpanMap};
use crate::registry;
use crate::schema::Sp;
use crate::source::Span;
use crate::suggest;

use super::az_cli::{
    Word, cli_duration, common_flag, condition_value, condition_without_value, flag_and_values,
    may_hold_flags, no_condition, not_checked, three_state, unresolved, values_may_hold_flags,
};
use super::target::{Hint, from_hints};

/// The log alert's own flags whose value is one word (the flags it shares with metric alerts
/// go to [`common_flag`]); `--scopes`, `--condition` and `--condition-query` take several.
const SINGLE: [&str; 6] = [
    "--mute-actions-duration",
    "--mad",
    "--auto-mitigate",
    "--skip-query-validation",
    "--disabled",
    "--target-resource-type",
];

/// Reads one invocation; `ws[first..]` are the words after the command.
pub(super) fn invocation(ws: &[Word], first: usize, sink: &mut Sink) -> Option<AlertRule> {
    let mut rule = AlertRule::new(sink.file, Span::new(ws[0].span.start, ws.last()?.span.end));
    let mut log = LogRule {
        kind: Some(Sp::new(LogRuleKind::LogAlert, ws[first - 1].span)),
        ..LogRule::default()
    };
    let mut conditions: Vec<Word> = Vec::new();
    let mut placeholders: HashMap<String, Word> = HashMap::new();
    let mut placeholder_given = false;
    let mut condition_given = false;
    let mut i = first;
    while i < ws.len() {
        if may_hold_flags(&ws[i]) {
            condition_given = true;
        }
        let (flag, args, taken) = flag_and_values(ws, i);
        let flag_word = &ws[i];
        i += taken;
        // A flag's values may hide more flags (a variable after its first value, an array).
        if !flag.starts_with("--condition") && values_may_hold_flags(&args) {
            condition_given = true;
        }
        condition_given |= flag == "--condition";
        if let Some(arg) = args.first()
            && common_flag(&mut rule, &flag, arg, sink)
        {
            continue;
        }
        if SINGLE.contains(&flag.as_str()) {
            let value = args.first();
            if let Some(arg) = value.filter(|w| w.dynamic) {
                unresolved(sink, arg, &flag);
                continue;
            }
            let three_state = |sink: &mut Sink| three_state(flag_word, &flag, value, sink);
            match flag.as_str() {
                "--auto-mitigate" => rule.auto_mitigate = three_state(sink),
                "--skip-query-validation" => log.skip_query_validation = three_state(sink),
                "--disabled" => rule.enabled = three_state(sink).map(|b| Sp::new(!b.value, b.span)),
                _ => {}
            }
            let Some(arg) = value else { continue };
            match flag.as_str() {
                "--mute-actions-duration" | "--mad" => {
                    log.mute_actions_duration = cli_duration(arg, &flag, sink)
                }
                "--target-resource-type" => {
                    log.target_resource_types
                        .push(Sp::new(arg.text.clone(), arg.span));
                }
                _ => {}
            }
            continue;
        }
        match flag.as_str() {
            "--scopes" => log.scopes.extend(
                args.iter()
                    .filter(|w| !w.dynamic)
                    .map(|w| Sp::new(w.text.clone(), w.span)),
            ),
            "--condition" if args.is_empty() => {
                condition_without_value(sink, "--condition", flag_word.span);
            }
            "--condition" => match condition_value(&args) {
                Ok(w) => conditions.push(w),
                Err(w) => not_checked(sink, w, &flag),
            },
            "--condition-query" => {
                placeholder_given = true;
                for w in &args {
                    let Some(eq) = w.text.find('=') else {
                        sink.push(
                            sink.at(
                                &registry::INVALID_VALUE,
                                w.span,
                                format!("--condition-query `{}` is not PLACEHOLDER=QUERY", w.text),
                            )
                            .help(
                                "write --condition-query Placeholder_1=\"AmlComputeJobEvent | …\"",
                            ),
                        );
                        continue;
                    };
                    placeholders.insert(w.text[..eq].trim().to_string(), w.tail(eq + 1));
                }
            }
            _ => {}
        }
    }
    // `update` changes what it is given; `create` needs a condition.
    rule.update = ws[first - 1].text == "update";
    if !condition_given && !rule.update {
        no_condition(sink, &ws[..first]);
    }
    rule.target = from_hints(log.target_resource_types.iter().cloned().map(Hint::Type));
    for w in &conditions {
        let c = match parse(&w.text) {
            Ok(c) => c,
            Err(e) => {
                sink.push(syntax_finding(sink, &e, w.file_span(e.span)));
                continue;
            }
        };
        let name = c.query.value.trim();
        let query = match placeholders.get(name) {
            Some(q) if q.dynamic => {
                unresolved(sink, q, "--condition-query");
                None
            }
            Some(q) => Some(placeholder_query(q)),
            None if placeholder_given || looks_like_placeholder(name) => {
                let span = w.file_span(c.query.span);
                let mut keys: Vec<&str> = placeholders.keys().map(String::as_str).collect();
                keys.sort_unstable();
                let help = suggest::did_you_mean(name, keys.iter().copied()).unwrap_or_else(|| {
                    format!("define it: --condition-query {name}=\"AmlComputeJobEvent | where …\"")
                });
                sink.push(
                    sink.at(
                        &registry::UNKNOWN_QUERY_PLACEHOLDER,
                        span,
                        format!(
                            "the query placeholder `{name}` is not defined by --condition-query"
                        ),
                    )
                    .label("undefined placeholder")
                    .help(help),
                );
                None
            }
            // The KQL itself, written in the condition.
            None => {
                let offsets: Vec<usize> = c.query_offsets.0.iter().map(|&o| w.offset(o)).collect();
                Some(Query {
                    text: c.query.value.clone(),
                    map: SpanMap::from_offsets(&offsets),
                    span: w.file_span(c.query.span),
                })
            }
        };
        let map = |s: Span| w.file_span(s);
        log.criteria.push(c.to_criterion(w.span, &map, query));
    }
    rule.log = Some(log);
    Some(rule)
}

/// `Placeholder_1`, `placeholder`, `PLACEHOLDER_2`: a name the CLI's examples use for a query
/// given by `--condition-query`.
fn looks_like_placeholder(name: &str) -> bool {
    name.get(..11)
        .is_some_and(|p| p.eq_ignore_ascii_case("placeholder"))
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The query a `--condition-query` value gives, quotes the CLI strips removed.
fn placeholder_query(q: &Word) -> Query {
    let t = q.text.as_str();
    let quoted = t.len() >= 2
        && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\'')));
    let (from, to) = if quoted {
        (1, t.len() - 1)
    } else {
        (0, t.len())
    };
    let offsets = &q.offsets[from..=to];
    Query {
        text: t[from..to].to_string(),
        map: SpanMap::from_offsets(offsets),
        span: q.span,
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::Sink;
    use crate::model::{AlertRule, LogRuleKind};
    use crate::source::{FileId, Span};
    use crate::vocab::{Aggregation, DimensionOperator, Operator};

    fn read(t: &str) -> (Vec<AlertRule>, Sink) {
        let mut sink = Sink::new(FileId(0));
        let rules = super::super::script::read(t, &mut sink);
        (rules, sink)
    }

    fn at(t: &str, s: Span) -> &str {
        &t[s.start..s.end]
    }

    /// Each finding's check and the text it points at.
    fn found<'a>(t: &'a str, sink: &Sink) -> Vec<(&'static str, &'a str)> {
        sink.findings
            .iter()
            .map(|f| (f.check.name, at(t, f.span)))
            .collect()
    }

    #[test]
    fn every_flag_is_read_and_the_query_maps_into_the_script() {
        let t = "az monitor scheduled-query create -g rg -n failed-jobs --scopes /subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w \\\n  --condition \"avg 'Failed' from 'Placeholder_1' >= 2.5 resource id _ResourceId where ClusterName includes gpu or cpu at least 2 violations out of 3 aggregated points\" \\\n  --condition-query Placeholder_1=\"AmlComputeJobEvent\n| where EventType == \\\"JobFaild\\\" | summarize Failed = count() by ClusterName, _ResourceId\" \\\n  --description 'jobs fail' --evaluation-frequency 5m --window-size 15m --severity 1 --mute-actions-duration PT30M \\\n  --auto-mitigate false --skip-query-validation true --disabled true --target-resource-type Microsoft.MachineLearningServices/workspaces\n";
        let (rules, sink) = read(t);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let [r] = &rules[..] else { panic!("{rules:?}") };
        assert_eq!(r.name.as_ref().unwrap().value, "failed-jobs");
        assert_eq!(at(t, r.description.as_ref().unwrap().span), "'jobs fail'");
        assert_eq!(r.severity.as_ref().unwrap().value, 1);
        assert_eq!(r.frequency.as_ref().unwrap().value.0, 300);
        assert_eq!(at(t, r.window.as_ref().unwrap().span), "15m");
        assert!(!r.auto_mitigate.as_ref().unwrap().value);
        assert!(!r.enabled.as_ref().unwrap().value);
        let log = r.log.as_ref().unwrap();
        assert_eq!(log.kind.as_ref().unwrap().value, LogRuleKind::LogAlert);
        assert_eq!(at(t, log.kind.as_ref().unwrap().span), "create");
        assert_eq!(log.mute_actions_duration.as_ref().unwrap().value.0, 1800);
        assert!(log.skip_query_validation.as_ref().unwrap().value);
        assert_eq!(log.scopes.len(), 1);
        assert_eq!(log.target_resource_types.len(), 1);
        let [c] = &log.criteria[..] else { panic!() };
        assert_eq!(
            c.time_aggregation.as_ref().unwrap().value,
            Aggregation::Average
        );
        assert_eq!(
            at(t, c.metric_measure_column.as_ref().unwrap().span),
            "Failed"
        );
        assert_eq!(at(t, c.operator.as_ref().unwrap().span), ">=");
        assert_eq!(
            c.operator.as_ref().unwrap().value,
            Operator::GreaterThanOrEqual
        );
        assert_eq!(at(t, c.threshold.as_ref().unwrap().span), "2.5");
        assert_eq!(
            at(t, c.resource_id_column.as_ref().unwrap().span),
            "_ResourceId"
        );
        let d = &c.dimensions[0];
        assert_eq!(at(t, d.name.span), "ClusterName");
        assert_eq!(
            d.operator.as_ref().unwrap().value,
            DimensionOperator::Include
        );
        assert_eq!(at(t, d.values[1].span), "cpu");
        let f = c.failing_periods.as_ref().unwrap();
        assert_eq!(at(t, f.evaluation_periods.as_ref().unwrap().span), "3");
        assert_eq!(at(t, f.min_failing_periods.as_ref().unwrap().span), "2");
        let q = c.query.as_ref().unwrap();
        assert_eq!(
            q.text,
            "AmlComputeJobEvent\n| where EventType == \"JobFaild\" | summarize Failed = count() by ClusterName, _ResourceId"
        );
        let v = q.text.find("\"JobFaild\"").unwrap();
        assert_eq!(at(t, q.map.map(Span::new(v, v + 10))), "\\\"JobFaild\\\"");
        let w = q.text.find("| summarize").unwrap();
        assert_eq!(at(t, q.map.map(Span::new(w, w + 11))), "| summarize");
    }

    #[test]
    fn powershell_backticks_and_inline_queries() {
        let t = "az monitor scheduled-query create --name x `\n  --condition \"count 'AmlComputeJobEvent | where EventType == `\"JobFailed`\"' > 0\"\n";
        let (rules, sink) = read(t);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let c = &rules[0].log.as_ref().unwrap().criteria[0];
        let q = c.query.as_ref().unwrap();
        assert_eq!(
            q.text,
            "AmlComputeJobEvent | where EventType == \"JobFailed\""
        );
        let v = q.text.find("\"JobFailed\"").unwrap();
        assert_eq!(at(t, q.map.map(Span::new(v, v + 11))), "`\"JobFailed`\"");
    }

    #[test]
    fn a_lone_dash_and_negative_numbers_are_values_not_flags() {
        let t = "az monitor scheduled-query create -n neg --description - --condition avg Cpu from \"'P'\" '<' -1.5 --condition-query P='T | take 1' --severity 2\naz monitor scheduled-query create -n dot --condition count \"'P'\" '>' -.5 --disabled false\naz monitor scheduled-query create -n ok --condition avg Cpu from \"'P'\" '>' 5 where Node includes a\n";
        let (rules, sink) = read(t);
        // The condition grammar has no negative thresholds: the finding is at the number, not
        // at the end of a condition cut short by a "flag".
        let got = found(t, &sink);
        assert_eq!(
            got,
            [("condition-syntax", "-1.5"), ("condition-syntax", "-.5")]
        );
        let [neg, dot, ok] = &rules[..] else {
            panic!("{rules:?}")
        };
        assert_eq!(at(t, neg.description.as_ref().unwrap().span), "-");
        assert_eq!(neg.severity.as_ref().unwrap().value, 2);
        assert!(dot.enabled.as_ref().unwrap().value);
        // Words joined into one condition keep their places, the blanks between them too.
        let c = &ok.log.as_ref().unwrap().criteria[0];
        assert_eq!(at(t, c.metric_measure_column.as_ref().unwrap().span), "Cpu");
        assert_eq!(at(t, c.threshold.as_ref().unwrap().span), "5");
        assert_eq!(at(t, c.dimensions[0].name.span), "Node");
        for (word, flag) in [
            ("-n", true),
            ("--x.5", true),
            ("-1.", true),
            ("-1.x", true),
            ("-12", false),
            ("-", false),
            ("x-1", false),
            // Unknown until the shell runs: a value, reported as unresolved.
            ("-$X", false),
        ] {
            let w = super::super::az_cli::words(word, 0).remove(0);
            assert_eq!(super::super::az_cli::is_flag(&w), flag, "{word}");
        }
    }

    #[test]
    fn a_query_name_of_wide_characters_is_no_placeholder() {
        for name in ["éééééé", "placeholdeé", "Placeholder_é", "PLACEHOLDER_2"] {
            assert_eq!(
                super::looks_like_placeholder(name),
                name == "PLACEHOLDER_2",
                "{name}"
            );
        }
        let (rules, _) =
            read("az monitor scheduled-query create -n a --condition \"count 'éééééé' > 0\"\n");
        assert_eq!(rules.len(), 1);
    }

    #[test]
    fn a_three_state_flag_alone_is_true_at_the_flag() {
        let t = "az monitor scheduled-query create -n a --condition \"count 'P' > 1\" --condition-query P='T | take 1' --skip-query-validation --auto-mitigate --disabled TRUE\n";
        let (rules, sink) = read(t);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let r = &rules[0];
        let skip = r
            .log
            .as_ref()
            .unwrap()
            .skip_query_validation
            .as_ref()
            .unwrap();
        assert_eq!(
            (skip.value, at(t, skip.span)),
            (true, "--skip-query-validation")
        );
        let m = r.auto_mitigate.as_ref().unwrap();
        assert_eq!((m.value, at(t, m.span)), (true, "--auto-mitigate"));
        let e = r.enabled.as_ref().unwrap();
        assert_eq!((e.value, at(t, e.span)), (false, "TRUE"));
    }

    #[test]
    fn a_value_may_follow_its_flag_after_an_equals_sign() {
        let t = "az monitor scheduled-query create -n=errors --severity=3 --condition=\"count 'P' > 1\" --condition-query P='T | take 1'\n";
        let (rules, sink) = read(t);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let r = &rules[0];
        assert_eq!(r.name.as_ref().unwrap().value, "errors");
        assert_eq!(r.severity.as_ref().unwrap().value, 3);
        let c = &r.log.as_ref().unwrap().criteria[0];
        assert_eq!(at(t, c.threshold.as_ref().unwrap().span), "1");
        assert_eq!(c.query.as_ref().unwrap().text, "T | take 1");
    }

    #[test]
    fn a_condition_query_keeps_no_quotes_of_its_own() {
        let t = "az monitor scheduled-query create -n a --condition \"count 'P' > 0\" --condition-query 'P=\"T | take 1\"'\naz monitor scheduled-query create -n b --condition \"count 'P' > 0\" --condition-query \"P='T | take 2'\"\naz monitor scheduled-query create -n c --condition \"count 'P' > 0\" --condition-query 'P=\"T | take 3'\naz monitor scheduled-query create -n d --condition \"count 'P' > 0\" --condition-query 'P=\"'\naz monitor scheduled-query create -n e --condition \"count 'P' > 0\" --condition-query \"P=T | where A == 'x'\"\n";
        let (rules, sink) = read(t);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let queries: Vec<&str> = rules
            .iter()
            .map(|r| {
                r.log.as_ref().unwrap().criteria[0]
                    .query
                    .as_ref()
                    .unwrap()
                    .text
                    .as_str()
            })
            .collect();
        assert_eq!(
            queries,
            [
                "T | take 1",
                "T | take 2",
                "\"T | take 3",
                "\"",
                "T | where A == 'x'"
            ]
        );
        let q = rules[0].log.as_ref().unwrap().criteria[0]
            .query
            .as_ref()
            .unwrap();
        let take = q.text.find("take").unwrap();
        assert_eq!(at(t, q.map.map(Span::new(take, take + 6))), "take 1");
    }

    #[test]
    fn placeholders_and_syntax_errors_are_located() {
        let t = "az monitor scheduled-query create -n a --condition \"count 'Placeholder_2' > 0\" --condition-query Placeholder_1='T | take 1'\naz monitor scheduled-query update -n b --condition \"count 'Placeholder_1' >> 0\"\naz monitor scheduled-query create -n c --condition \"count 'placeholder' > 0\"\naz monitor scheduled-query create -n d --condition \"count 'P' > 0\" --condition-query P=\"$Q\"\naz monitor scheduled-query create -n e --condition \"count 'PLACEHOLDER_3' > 0\"\naz monitor scheduled-query create -n f --condition \"count 'placeholder-1' > 0\"\n";
        let (rules, sink) = read(t);
        assert_eq!(rules.len(), 6);
        let got = found(t, &sink);
        assert_eq!(
            got,
            [
                ("unknown-query-placeholder", "Placeholder_2"),
                ("condition-syntax", ">>"),
                ("unknown-query-placeholder", "placeholder"),
                ("unresolved-expression", "\"$Q\""),
                ("unknown-query-placeholder", "PLACEHOLDER_3"),
            ]
        );
    }

    #[test]
    fn hostile_scripts_are_one_rule_each_with_located_findings() {
        for (t, want) in [
            (
                "az monitor scheduled-query create --condition",
                vec![("missing-key", "--condition")],
            ),
            (
                "az monitor scheduled-query create --condition \"count '",
                vec![("condition-syntax", "'")],
            ),
            (
                "az monitor scheduled-query create --condition-query =",
                vec![("missing-key", "az monitor scheduled-query create")],
            ),
            (
                "az monitor scheduled-query create --condition=\"count 'P' > 1\" --condition-query P=\\",
                vec![],
            ),
            ("az monitor scheduled-query update \"", vec![]),
            (
                "az monitor scheduled-query create --condition \"count 'é\\'' > 1 where ü includes ä\"",
                vec![("condition-syntax", "ü")],
            ),
        ] {
            let (rules, sink) = read(t);
            assert_eq!(rules.len(), 1, "{t:?}");
            let got = found(t, &sink);
            assert_eq!(got, want, "{t:?}");
        }
    }
}
