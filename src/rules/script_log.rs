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

use super::script::{Word, cli_duration, common_flag};
use super::target::{Hint, from_hints};

/// A span of a word's text, in the file: from its first character to the next one, so that
/// the span ends after the whole escape of its last character.
fn file_span(w: &Word, s: Span) -> Span {
    Span::new(w.offset(s.start), w.offset(s.end).max(w.offset(s.start)))
}

/// Flags whose value is one word; `--scopes`, `--condition` and `--condition-query` take
/// several.
const SINGLE: [&str; 12] = [
    "--name",
    "-n",
    "--description",
    "--severity",
    "--evaluation-frequency",
    "--window-size",
    "--mute-actions-duration",
    "--mad",
    "--auto-mitigate",
    "--skip-query-validation",
    "--disabled",
    "--target-resource-type",
];

/// The words after the flag at `i`, up to the next flag.
fn values(ws: &[Word], i: usize) -> &[Word] {
    let end = (i + 1..ws.len())
        .find(|&j| is_flag(&ws[j]))
        .unwrap_or(ws.len());
    &ws[i + 1..end]
}

/// A word that is a flag (`-n`, `--name`): not `-` alone, and not a negative number (`-5`,
/// `-.5`), which the CLI's parser, Python's argparse, takes as a value ("Arguments containing
/// -", <https://docs.python.org/3/library/argparse.html#arguments-containing>).
fn is_flag(w: &Word) -> bool {
    let Some(rest) = w.text.strip_prefix('-') else {
        return false;
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let negative_number = match rest.split_once('.') {
        None => digits(rest),
        Some((whole, fraction)) => digits(whole) && !fraction.is_empty() && digits(fraction),
    };
    !w.dynamic && !rest.is_empty() && !negative_number
}

/// Joins several words into one, as the CLI joins a `--condition` given unquoted (one blank
/// between them), keeping each byte's place in the file.
fn join(words: &[Word]) -> Word {
    let mut text = String::new();
    let mut offsets = Vec::new();
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            text.push(' ');
            offsets.push(words[k - 1].span.end);
        }
        text.push_str(&w.text);
        offsets.extend_from_slice(&w.offsets[..w.offsets.len() - 1]);
    }
    offsets.push(words.last().map_or(0, |w| w.offsets[w.offsets.len() - 1]));
    Word {
        text,
        span: Span::new(
            words.first().map_or(0, |w| w.span.start),
            words.last().map_or(0, |w| w.span.end),
        ),
        dynamic: words.iter().any(|w| w.dynamic),
        offsets,
    }
}

fn unresolved(sink: &mut Sink, w: &Word, flag: &str) {
    sink.push(
        sink.at(
            &registry::UNRESOLVED_EXPRESSION,
            w.span,
            format!(
                "{flag} `{}` uses a shell variable and is not checked",
                w.text
            ),
        )
        .label("unresolved"),
    );
}

fn boolean(w: &Word, flag: &str, sink: &mut Sink) -> Option<Sp<bool>> {
    match w.text.to_ascii_lowercase().as_str() {
        "true" => Some(Sp::new(true, w.span)),
        "false" => Some(Sp::new(false, w.span)),
        _ => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    w.span,
                    format!("{flag} `{}` is not true or false", w.text),
                )
                .label("not a boolean"),
            );
            None
        }
    }
}

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
        if super::script::may_hold_flags(&ws[i]) {
            condition_given = true;
        }
        let (flag, inline) = match ws[i].text.split_once('=') {
            // `--name=x`, and `-n=x` too: argparse splits any known flag at its first `=`.
            Some((f, _)) if f.starts_with('-') => (f.to_string(), Some(ws[i].tail(f.len() + 1))),
            _ => (ws[i].text.clone(), None),
        };
        let args: Vec<Word> = match &inline {
            Some(w) => vec![w.clone()],
            None => values(ws, i).to_vec(),
        };
        i += if inline.is_some() { 1 } else { 1 + args.len() };
        // A variable after the first value of a flag other than the condition's may be more
        // values, or flags.
        if !flag.starts_with("--condition")
            && args.iter().skip(1).any(super::script::may_hold_flags)
        {
            condition_given = true;
        }
        condition_given |= flag == "--condition";
        if SINGLE.contains(&flag.as_str()) {
            let Some(arg) = args.first() else { continue };
            if arg.dynamic {
                unresolved(sink, arg, &flag);
                continue;
            }
            match flag.as_str() {
                f if common_flag(&mut rule, f, arg, sink) => {}
                "--mute-actions-duration" | "--mad" => {
                    log.mute_actions_duration = cli_duration(arg, &flag, sink)
                }
                "--auto-mitigate" => rule.auto_mitigate = boolean(arg, &flag, sink),
                "--skip-query-validation" => log.skip_query_validation = boolean(arg, &flag, sink),
                "--disabled" => {
                    rule.enabled = boolean(arg, &flag, sink).map(|b| Sp::new(!b.value, b.span))
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
                super::script::condition_without_value(sink, ws[i - 1].span);
            }
            "--condition" => {
                let w = join(&args);
                if w.dynamic {
                    unresolved(sink, &w, &flag);
                } else {
                    conditions.push(w);
                }
            }
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
    if !condition_given && ws[first - 1].text == "create" {
        super::script::no_condition(sink, &ws[..first]);
    }
    rule.target = from_hints(log.target_resource_types.iter().cloned().map(Hint::Type));
    for w in &conditions {
        let c = match parse(&w.text) {
            Ok(c) => c,
            Err(e) => {
                sink.push(syntax_finding(sink, &e, file_span(w, e.span)));
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
                let span = file_span(w, c.query.span);
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
                    span: file_span(w, c.query.span),
                })
            }
        };
        let map = |s: Span| file_span(w, s);
        log.criteria.push(c.to_criterion(w.span, &map, query));
    }
    rule.log = Some(log);
    Some(rule)
}

/// `Placeholder_1`, `placeholder`, `PLACEHOLDER_2`: a name the CLI's examples use for a query
/// given by `--condition-query`.
fn looks_like_placeholder(name: &str) -> bool {
    name.len() >= 11
        && name[..11].eq_ignore_ascii_case("placeholder")
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
            let w = super::super::script::words(word, 0).remove(0);
            assert_eq!(super::is_flag(&w), flag, "{word}");
        }
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
