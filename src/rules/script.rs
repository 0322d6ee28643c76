//! `az monitor metrics alert create` and `az monitor scheduled-query create|update`
//! invocations in shell scripts, PowerShell and pipeline YAML: line continuations (`\`,
//! PowerShell's backtick), shell quoting, several `--condition` flags per call. Each invocation
//! becomes a rule; each condition is parsed in place, so findings land on the right column of
//! the script. (Log alerts are read by [`super::script_log`].)

use crate::condition::embed::criterion_mapped;
use crate::finding::Sink;
use crate::model::SpanMap;
use crate::schema::Sp;
use crate::source::Span;

use super::AlertRule;
use super::az_cli::{
    Word, common_flag, condition_value, condition_without_value, first_words, flag_and_values,
    may_hold_flags, no_condition, not_checked, three_state, unresolved, values_may_hold_flags,
    words,
};
use super::target::{Hint, from_hints};

/// `az monitor metrics alert create` (or `update`).
const COMMAND: [&str; 4] = ["az", "monitor", "metrics", "alert"];
/// `az monitor scheduled-query create` (or `update`).
const LOG_COMMAND: [&str; 3] = ["az", "monitor", "scheduled-query"];

/// Whether the text holds an invocation worth scanning.
pub fn mentions_command(text: &str) -> bool {
    let text = text.as_bytes();
    memchr::memmem::find(text, b"metrics alert create").is_some()
        || memchr::memmem::find(text, b"metrics alert update").is_some()
        || memchr::memmem::find(text, b"monitor scheduled-query").is_some()
}

/// Every invocation in the text, as rules.
pub fn read(text: &str, sink: &mut Sink) -> Vec<AlertRule> {
    read_placed(text, None, sink)
}

/// Every invocation in a string decoded from the file (a YAML scalar: a pipeline step's
/// script), `map` placing each of its bytes in the file.
pub fn read_mapped(value: &str, map: &SpanMap, sink: &mut Sink) -> Vec<AlertRule> {
    read_placed(value, Some(map), sink)
}

fn read_placed(text: &str, map: Option<&SpanMap>, sink: &mut Sink) -> Vec<AlertRule> {
    let mut rules = Vec::new();
    let mut search = 0;
    while let Some(pos) = text[search..].find("az ") {
        let start = search + pos;
        search = start + 3;
        let at_word_start = start == 0 || !text.as_bytes()[start - 1].is_ascii_alphanumeric();
        if !at_word_start {
            continue;
        }
        // The command's first words tell whether it is one of ours; only then is all of it
        // read.
        let head = first_words(text, start, COMMAND.len() + 1);
        let ours = |command: &[&str]| {
            head.len() > command.len()
                && head.iter().zip(command).all(|(w, c)| w.text == *c)
                && matches!(head[command.len()].text.as_str(), "create" | "update")
        };
        let metric = ours(&COMMAND);
        if !metric && !ours(&LOG_COMMAND) {
            // Another command: the next one starts after what was read of it, so that a word
            // that runs to the end of the text (an unclosed quote) is read once, not once for
            // each `az` inside it.
            search = head.last().map_or(search, |w| w.span.end.max(search));
            continue;
        }
        let ws = words(text, start);
        search = ws.last().map_or(search, |w| w.span.end.max(search));
        let ws: Vec<Word> = match map {
            Some(map) => ws.into_iter().map(|w| w.placed(map)).collect(),
            None => ws,
        };
        let rule = if metric {
            invocation(&ws, sink)
        } else {
            super::script_log::invocation(&ws, LOG_COMMAND.len() + 1, sink)
        };
        rules.extend(rule);
    }
    rules
}

/// Reads one `az monitor metrics alert create|update`. An update names a rule defined elsewhere
/// and adds conditions with `--add-condition`; a create needs `--condition`.
fn invocation(ws: &[Word], sink: &mut Sink) -> Option<AlertRule> {
    let mut rule = AlertRule::new(sink.file, Span::new(ws[0].span.start, ws.last()?.span.end));
    let first = COMMAND.len() + 1;
    rule.update = ws[first - 1].text == "update";
    let condition_flag = if rule.update {
        "--add-condition"
    } else {
        "--condition"
    };
    let mut hints = Vec::new();
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
        if flag != condition_flag && values_may_hold_flags(&args) {
            condition_given = true;
        }
        match flag.as_str() {
            // What the rule is on: `--target-resource-type`, then the ids of `--scopes`, as
            // Azure reads them. A shell variable (`--scopes $WS`) says nothing about the type:
            // such a rule stays unstated, checked against the workspace as scripts always were.
            "--scopes" => hints.extend(
                args.iter()
                    .filter(|w| !w.dynamic)
                    .map(|w| Hint::ResourceId(Sp::new(w.text.clone(), w.span))),
            ),
            "--target-resource-type" | "--target-type" => hints.extend(
                args.first()
                    .filter(|w| !w.dynamic)
                    .map(|w| Hint::Type(Sp::new(w.text.clone(), w.span))),
            ),
            f if f == condition_flag => {
                condition_given = true;
                if args.is_empty() {
                    condition_without_value(sink, condition_flag, flag_word.span);
                    continue;
                }
                // The CLI joins the words of an unquoted condition.
                match condition_value(&args) {
                    Ok(w) => {
                        let map = |s: Span| w.file_span(s);
                        if let Some(c) = criterion_mapped(&w.text, w.span, &map, sink) {
                            rule.criteria.push(c);
                        }
                    }
                    Err(w) => not_checked(sink, w, &flag),
                }
            }
            "--auto-mitigate" | "--disabled" | "--enabled" => {
                let value = args.first();
                if let Some(w) = value.filter(|w| w.dynamic) {
                    unresolved(sink, w, &flag);
                    continue;
                }
                let b = three_state(flag_word, &flag, value, sink);
                match flag.as_str() {
                    "--disabled" => rule.enabled = b.map(|b| Sp::new(!b.value, b.span)),
                    "--enabled" => rule.enabled = b,
                    _ => rule.auto_mitigate = b,
                }
            }
            f => {
                if let Some(arg) = args.first() {
                    common_flag(&mut rule, f, arg, sink);
                }
            }
        }
    }
    if !condition_given && !rule.update {
        no_condition(sink, &ws[..first]);
    }
    // A type stated outright wins over the types of the scopes, as in ARM.
    hints.sort_by_key(|h| !matches!(h, Hint::Type(_)));
    rule.target = from_hints(hints);
    Some(rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn an_invocation_starts_at_a_word_az() {
        let cond = "--condition 'avg GpuUtilization < 10'";
        for (t, rules) in [
            (format!("az monitor metrics alert create -n a {cond}\n"), 1),
            (format!("baz monitor metrics alert create -n a {cond}\n"), 0),
            (format!("9az monitor metrics alert create -n a {cond}\n"), 0),
            (
                format!("(az monitor metrics alert create -n a {cond})\n"),
                1,
            ),
            (
                format!(
                    "az monitor metrics alert list\naz monitor metrics alert create -n a {cond}\n"
                ),
                1,
            ),
            (
                format!(
                    "az monitor metrics alert create -n a {cond}; az monitor metrics alert create -n b {cond}\n"
                ),
                2,
            ),
            ("az monitor scheduled-query list\n".to_string(), 0),
            ("az monitor scheduled-query\n".to_string(), 0),
            ("az monitor metrics alert\n".to_string(), 0),
        ] {
            let mut sink = Sink::new(FileId(0));
            let got = read(&t, &mut sink);
            assert_eq!(got.len(), rules, "{t:?}");
            assert!(sink.findings.is_empty(), "{t:?}: {:?}", sink.findings);
        }
        // Each rule spans its own words.
        let t = format!(
            "x\naz monitor metrics alert create -n a {cond} ; az monitor metrics alert create -n b {cond}\n"
        );
        let mut sink = Sink::new(FileId(0));
        let rules = read(&t, &mut sink);
        let spans: Vec<&str> = rules.iter().map(|r| &t[r.span.start..r.span.end]).collect();
        assert_eq!(
            spans,
            [
                format!("az monitor metrics alert create -n a {cond}"),
                format!("az monitor metrics alert create -n b {cond}")
            ]
        );
        assert_eq!(rules[1].name.as_ref().unwrap().value, "b");
    }

    #[test]
    fn reads_every_flag_it_knows_at_its_value() {
        let t = "az monitor metrics alert create -n a --description \"GPU idle\" --sev 3 --window-size 15m --evaluation-frequency 5m --auto-mitigate false --disabled true --condition 'avg GpuUtilization < 10'\n";
        let mut sink = Sink::new(FileId(0));
        let r = read(t, &mut sink).remove(0);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let at = |s: Span| &t[s.start..s.end];
        let d = r.description.unwrap();
        assert_eq!((d.value.as_str(), at(d.span)), ("GPU idle", "\"GPU idle\""));
        let s = r.severity.unwrap();
        assert_eq!((s.value, at(s.span)), (3, "3"));
        let w = r.window.unwrap();
        assert_eq!(
            (w.value, at(w.span)),
            (crate::duration::Duration::parse("PT15M").unwrap(), "15m")
        );
        let f = r.frequency.unwrap();
        assert_eq!(
            (f.value, at(f.span)),
            (crate::duration::Duration::parse("PT5M").unwrap(), "5m")
        );
        let m = r.auto_mitigate.unwrap();
        assert_eq!((m.value, at(m.span)), (false, "false"));
        // `--disabled true` is a rule that is not enabled.
        let e = r.enabled.unwrap();
        assert_eq!((e.value, at(e.span)), (false, "true"));
        assert_eq!(r.criteria.len(), 1);

        let t = "az monitor metrics alert create -n a --disabled false --auto-mitigate maybe --severity high --window-size soon --evaluation-frequency $F --condition 'avg GpuUtilization < 10'\n";
        let mut sink = Sink::new(FileId(0));
        let r = read(t, &mut sink).remove(0);
        assert_eq!(r.enabled.map(|e| e.value), Some(true));
        assert_eq!(r.auto_mitigate, None, "not a boolean");
        assert_eq!(r.severity, None);
        assert_eq!(r.window, None);
        assert_eq!(r.frequency, None);
        let found: Vec<(&str, &str)> = sink
            .findings
            .iter()
            .map(|f| (f.check.name, &t[f.span.start..f.span.end]))
            .collect();
        assert_eq!(
            found,
            [
                ("invalid-value", "maybe"),
                ("wrong-type", "high"),
                ("invalid-value", "soon"),
                ("unresolved-expression", "$F")
            ]
        );
    }

    #[test]
    fn a_flag_takes_the_words_up_to_the_next_flag() {
        // `--description` followed by a flag has no value; a negative number is a value, not
        // a flag; a flag alone is no value.
        let t = "az monitor metrics alert create --description --severity -1 -n -x --condition 'avg GpuUtilization < 10'\n";
        let mut sink = Sink::new(FileId(0));
        let r = read(t, &mut sink).remove(0);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        assert_eq!(r.description, None);
        assert_eq!(r.severity.map(|s| s.value), Some(-1));
        assert_eq!(r.name, None);
        assert_eq!(r.criteria.len(), 1);
        // A word where a flag belongs that is no flag takes nothing from the next flag
        // (`-n=d`); a flag takes every word up to the next flag, so `team=ml` is a tag and the
        // name is the first of its values.
        let t = "az monitor metrics alert create tags=a -n=d --tags env=prod team=ml --condition 'avg GpuUtilization < 10'\naz monitor metrics alert create --tags env=prod team=ml -n b c --condition 'avg GpuUtilization < 10'\n";
        let rules = read(t, &mut sink);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let names: Vec<Option<String>> =
            rules.into_iter().map(|r| r.name.map(|n| n.value)).collect();
        assert_eq!(names, [Some("d".to_string()), Some("b".to_string())]);
        // What follows a condition's words is part of it, as the CLI reads it.
        let t =
            "az monitor metrics alert create -n a --condition 'avg GpuUtilization < 10' tags=a\n";
        read(t, &mut sink);
        let found: Vec<(&str, &str)> = sink
            .findings
            .iter()
            .map(|f| (f.check.name, &t[f.span.start..f.span.end]))
            .collect();
        assert_eq!(found, [("condition-syntax", "tags=a")]);
        let mut sink = Sink::new(FileId(0));
        // The CLI joins the words of a condition given unquoted (PowerShell passes `<` on).
        let t = "az monitor metrics alert create -n a --condition avg GpuUtilization '<' 10 --severity 2\n";
        let r = read(t, &mut sink).remove(0);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let c = &r.criteria[0];
        assert_eq!(&t[c.metric.span.start..c.metric.span.end], "GpuUtilization");
        assert_eq!(r.severity.map(|s| s.value), Some(2));
    }

    #[test]
    fn an_update_adds_conditions_and_names_a_rule() {
        let t = "az monitor metrics alert update -n gpu-idle -g rg --add-condition 'avg GpuUtilization < 5' --severity 1 --enabled false\naz monitor metrics alert update -n gpu-idle -g rg --remove-conditions cond1\naz monitor metrics alert update -n x --add-condition\n";
        let mut sink = Sink::new(FileId(0));
        let rules = read(t, &mut sink);
        assert_eq!(rules.len(), 3);
        assert!(rules.iter().all(|r| r.update));
        let r = &rules[0];
        let c = &r.criteria[0];
        assert_eq!(&t[c.metric.span.start..c.metric.span.end], "GpuUtilization");
        assert_eq!(r.severity.as_ref().map(|s| s.value), Some(1));
        let e = r.enabled.as_ref().unwrap();
        assert_eq!((e.value, &t[e.span.start..e.span.end]), (false, "false"));
        // No condition is needed; an --add-condition without one is refused.
        assert!(rules[1].criteria.is_empty());
        let found: Vec<(&str, &str, &str)> = sink
            .findings
            .iter()
            .map(|f| {
                (
                    f.check.name,
                    f.message.as_str(),
                    &t[f.span.start..f.span.end],
                )
            })
            .collect();
        assert_eq!(
            found,
            [(
                "missing-key",
                "--add-condition has no value",
                "--add-condition"
            )]
        );
        // A create is no update; `--condition` is not read in an update, nor
        // `--add-condition` in a create.
        let t = "az monitor metrics alert create -n a --condition 'avg GpuUtilization < 5' --add-condition 'avg X < 1'\naz monitor metrics alert update -n a --condition 'avg X < 1'\naz monitor metrics alert list -g rg\n";
        let mut sink = Sink::new(FileId(0));
        let rules = read(t, &mut sink);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        assert_eq!(rules.len(), 2);
        assert!(!rules[0].update);
        assert_eq!(rules[0].criteria.len(), 1);
        assert!(rules[1].update);
        assert!(rules[1].criteria.is_empty());
        assert!(mentions_command("az monitor metrics alert update -n a"));
        assert!(!mentions_command("az monitor metrics alert list"));
    }

    #[test]
    fn a_short_flag_may_have_its_value_glued_on() {
        let t = "az monitor metrics alert create -ngpu-idle -grg -ojson --condition 'avg GpuUtilization < 10'\n";
        let mut sink = Sink::new(FileId(0));
        let r = read(t, &mut sink).remove(0);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let n = r.name.unwrap();
        assert_eq!(
            (n.value.as_str(), &t[n.span.start..n.span.end]),
            ("gpu-idle", "gpu-idle")
        );
        // A negative number is no flag, `--x` no short one, and `-é…` is left alone.
        let t = "az monitor metrics alert create -n a --severity -1 -éx --nx --condition 'avg GpuUtilization < 10'\n";
        let r = read(t, &mut sink).remove(0);
        assert_eq!(r.severity.map(|s| s.value), Some(-1));
        assert_eq!(r.name.map(|n| n.value), Some("a".to_string()));
    }

    #[test]
    fn a_condition_ends_at_a_word_with_a_variable() {
        let t = "az monitor metrics alert create -n a --condition 'avg GpuUtilization < 10' --scopes=$WS\naz monitor metrics alert create -n b --condition 'avg GpuUtilization < 10' $EXTRA\naz monitor metrics alert create -n c --condition @cond.txt\naz monitor metrics alert create -n d --condition $C more\naz monitor metrics alert create -n e --condition @$DIR/c.txt\n";
        let mut sink = Sink::new(FileId(0));
        let rules = read(t, &mut sink);
        let criteria: Vec<usize> = rules.iter().map(|r| r.criteria.len()).collect();
        assert_eq!(criteria, [1, 1, 0, 0, 0]);
        let found: Vec<(&str, &str)> = sink
            .findings
            .iter()
            .map(|f| (f.message.as_str(), &t[f.span.start..f.span.end]))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "--condition `@cond.txt` is read from a file and is not checked",
                    "@cond.txt"
                ),
                (
                    "--condition `$C` uses a shell variable and is not checked",
                    "$C"
                ),
                // A file whose name is a variable: the variable is what is not known.
                (
                    "--condition `@$DIR/c.txt` uses a shell variable and is not checked",
                    "@$DIR/c.txt"
                )
            ]
        );
    }

    #[test]
    fn another_command_that_runs_to_the_end_is_read_once() {
        // The unclosed quote holds the rest of the text, as the shell reads it.
        let t = "az x 'it\naz monitor metrics alert create -n a --condition 'avg X < 1'\n";
        let mut sink = Sink::new(FileId(0));
        assert!(read(t, &mut sink).is_empty());
        // Five words are read to tell the command: a quote after them is not reached.
        let t = "az vm run-command invoke --scripts 'echo\naz monitor metrics alert create -n a --condition \"avg GpuUtilization < 1\"\n'\n";
        assert_eq!(read(t, &mut sink).len(), 1);
    }

    #[test]
    fn a_three_state_flag_alone_is_true() {
        let cond = "--condition 'avg GpuUtilization < 10'";
        for (t, enabled, mitigate) in [
            (
                format!("az monitor metrics alert create -n a --disabled --auto-mitigate {cond}\n"),
                Some((false, "--disabled")),
                Some((true, "--auto-mitigate")),
            ),
            (
                format!(
                    "az monitor metrics alert create -n a --disabled FALSE --auto-mitigate False {cond}\n"
                ),
                Some((true, "FALSE")),
                Some((false, "False")),
            ),
            (
                format!("az monitor metrics alert create -n a {cond} --disabled\n"),
                Some((false, "--disabled")),
                None,
            ),
        ] {
            let mut sink = Sink::new(FileId(0));
            let r = read(&t, &mut sink).remove(0);
            assert!(sink.findings.is_empty(), "{t:?}: {:?}", sink.findings);
            let at = |s: Span| &t[s.start..s.end];
            assert_eq!(r.enabled.map(|e| (e.value, at(e.span))), enabled, "{t:?}");
            assert_eq!(
                r.auto_mitigate.map(|e| (e.value, at(e.span))),
                mitigate,
                "{t:?}"
            );
        }
    }

    #[test]
    fn a_subshell_or_substitution_ends_at_its_parenthesis() {
        let t = "ID=$(az monitor metrics alert create -n a --condition 'avg GpuUtilization < 10' --query id -o tsv)\n(az monitor metrics alert create -n b --condition 'avg GpuUtilization < 10')\n";
        let mut sink = Sink::new(FileId(0));
        let rules = read(t, &mut sink);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let spans: Vec<&str> = rules.iter().map(|r| &t[r.span.start..r.span.end]).collect();
        assert_eq!(
            spans,
            [
                "az monitor metrics alert create -n a --condition 'avg GpuUtilization < 10' --query id -o tsv",
                "az monitor metrics alert create -n b --condition 'avg GpuUtilization < 10'"
            ]
        );
    }

    #[test]
    fn scopes_and_target_type_give_the_target() {
        let t = "az monitor metrics alert create -n p99 --scopes /subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e /subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/f --condition 'avg RequestLatency_P99 > 500'\n";
        let mut sink = Sink::new(FileId(0));
        let rules = read(t, &mut sink);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        assert!(matches!(&rules[0].target, crate::model::Target::Type(ty)
            if ty.value == "microsoft.machinelearningservices/workspaces/onlineendpoints"));
        assert_eq!(rules[0].criteria.len(), 1);
        let t = "az monitor metrics alert create -n x --scopes $EP --target-resource-type Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments --condition 'avg CpuUtilizationPercentage > 90'\n";
        let rules = read(t, &mut sink);
        assert!(matches!(&rules[0].target, crate::model::Target::Type(ty)
            if ty.value.ends_with("/deployments")));
        let t =
            "az monitor metrics alert create -n x --scopes $WS --condition 'total Errors > 0'\n";
        let rules = read(t, &mut sink);
        assert_eq!(rules[0].target, crate::model::Target::Unstated);
    }

    #[test]
    fn a_value_may_follow_its_flag_after_an_equals_sign() {
        let t = "az monitor metrics alert create -n=idle --severity=3 --condition='avg GpuUtilization < 10'\n";
        let mut sink = Sink::new(FileId(0));
        let rules = read(t, &mut sink);
        assert!(sink.findings.is_empty(), "{:?}", sink.findings);
        let r = &rules[0];
        assert_eq!(r.name.as_ref().unwrap().value, "idle");
        assert_eq!(r.severity.as_ref().unwrap().value, 3);
        let m = r.criteria[0].metric.span;
        assert_eq!(&t[m.start..m.end], "GpuUtilization");
    }

    #[test]
    fn a_create_without_a_condition_is_reported_at_its_words() {
        for (t, want) in [
            (
                "az monitor metrics alert create -n a --scopes $WS\n",
                vec![("missing-key", "az monitor metrics alert create")],
            ),
            (
                "az monitor metrics alert create -n a --condition --severity 2\n",
                vec![("missing-key", "--condition")],
            ),
            (
                "az monitor metrics alert create -n a --condition\n",
                vec![("missing-key", "--condition")],
            ),
            (
                "az monitor metrics alert create -n a --condition $C\n",
                vec![("unresolved-expression", "$C")],
            ),
            // Flags from a shell array or a PowerShell splat may hold the condition.
            (
                "az monitor metrics alert create -n a \"${args[@]}\"\n",
                vec![],
            ),
            ("az monitor metrics alert create -n a @alertArgs\n", vec![]),
            (
                "az monitor metrics alert create -n a --scopes $WS \"${args[@]}\"\n",
                vec![],
            ),
            // An array or the script's arguments may hold the condition, first value or not.
            (
                "az monitor metrics alert create -n a --scopes \"${args[@]}\"\n",
                vec![],
            ),
            (
                "az monitor metrics alert create -n a --scopes \"$@\"\n",
                vec![],
            ),
            (
                "az monitor metrics alert create -n a --scopes ${ids[*]}\n",
                vec![],
            ),
            (
                "az monitor metrics alert create -n a --scopes @ids\n",
                vec![],
            ),
            // A literal `[@]` is no array.
            (
                "az monitor metrics alert create -n a --scopes 'x[@]'\n",
                vec![("missing-key", "az monitor metrics alert create")],
            ),
            (
                "az monitor metrics alert create -n a --scopes $WS\n",
                vec![("missing-key", "az monitor metrics alert create")],
            ),
            ("az monitor scheduled-query create -n a $EXTRA\n", vec![]),
            (
                "az monitor scheduled-query create --scopes $WS \"${args[@]}\"\n",
                vec![],
            ),
            (
                "az monitor scheduled-query create --scopes $WS\n",
                vec![("missing-key", "az monitor scheduled-query create")],
            ),
            (
                "az monitor scheduled-query update -n a --severity 2\n",
                vec![],
            ),
            (
                "az monitor scheduled-query create -n a --severity 2\n",
                vec![("missing-key", "az monitor scheduled-query create")],
            ),
        ] {
            let mut sink = Sink::new(FileId(0));
            assert_eq!(read(t, &mut sink).len(), 1, "{t:?}");
            let found: Vec<(&str, &str)> = sink
                .findings
                .iter()
                .map(|f| (f.check.name, &t[f.span.start..f.span.end]))
                .collect();
            assert_eq!(found, want, "{t:?}");
        }
    }

    #[test]
    fn reads_several_conditions_and_options() {
        let t = "# deploy\naz monitor metrics alert create --name $NAME --resource-group rg --scopes $WS `\n  --condition \"total 'Failed Runs' > 0\" `\n  --condition 'avg GpuUtilization < 10' --severity 2 --evaluation-frequency 1m --window-size 5m\n";
        let mut sink = Sink::new(FileId(0));
        let rules = read(t, &mut sink);
        assert_eq!(rules.len(), 1);
        let r = &rules[0];
        assert!(r.name.is_none(), "a name from a variable is not known");
        assert_eq!(r.criteria.len(), 2);
        assert_eq!(
            &t[r.criteria[0].metric.span.start..r.criteria[0].metric.span.end],
            "Failed Runs"
        );
        assert_eq!(
            &t[r.criteria[1].metric.span.start..r.criteria[1].metric.span.end],
            "GpuUtilization"
        );
        assert_eq!(r.severity.as_ref().unwrap().value, 2);
        let names: Vec<&str> = sink.findings.iter().map(|f| f.check.name).collect();
        assert_eq!(names, ["unresolved-expression"]);
    }
}
