//! `az monitor metrics alert create` and `az monitor scheduled-query create|update`
//! invocations in shell scripts, PowerShell and pipeline YAML: line continuations (`\`,
//! PowerShell's backtick), shell quoting, several `--condition` flags per call. Each invocation
//! becomes a rule; each condition is parsed in place, so findings land on the right column of
//! the script. (Log alerts are read by [`super::script_log`].)

use crate::condition::embed::criterion_from_text;
use crate::finding::Sink;
use crate::registry;
use crate::schema::Sp;
use crate::source::Span;

use super::AlertRule;
use super::target::{Hint, from_hints};

const COMMAND: [&str; 5] = ["az", "monitor", "metrics", "alert", "create"];
/// `az monitor scheduled-query create` (or `update`).
const LOG_COMMAND: [&str; 3] = ["az", "monitor", "scheduled-query"];

/// A shell word and where it is in the file: `span` covers the word with its quotes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Word {
    pub text: String,
    pub span: Span,
    /// The word contains a variable or command substitution (`$x`, `$(…)`).
    pub dynamic: bool,
    /// The file offset of each byte of `text`, and one more for its end: a character decoded
    /// from an escape (`\"`) sits at its backslash.
    pub offsets: Vec<usize>,
}

impl Word {
    /// The file offset of byte `i` of the text; past its end, the end's.
    pub fn offset(&self, i: usize) -> usize {
        self.offsets
            .get(i)
            .or(self.offsets.last())
            .copied()
            .unwrap_or(self.span.end)
    }

    /// The part of the word from byte `from` of its text on (after `--flag=` or `KEY=`).
    pub fn tail(&self, from: usize) -> Word {
        Word {
            text: self.text[from..].to_string(),
            // From just after the previous character (`=`), so that a quote opening the
            // tail is part of it.
            span: Span::new(
                if from == 0 {
                    self.span.start
                } else {
                    self.offsets[from - 1] + 1
                },
                self.span.end,
            ),
            dynamic: self.dynamic,
            offsets: self.offsets[from..].to_vec(),
        }
    }
}

/// Splits `text[from..]` into words until the end of the command (an unescaped newline, `;`,
/// `&&`, `||` or `|` outside quotes).
pub(super) fn words(text: &str, from: usize) -> Vec<Word> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    loop {
        // Blanks and continuations between words.
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\r' => i += 1,
                b'\\' | b'`' if next_is_newline(b, i + 1) => {
                    i += 1;
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                }
                _ => break,
            }
        }
        if i >= b.len() || matches!(b[i], b'\n' | b';' | b'|' | b'&' | b'#') {
            return out;
        }
        let start = i;
        let mut word = String::new();
        let mut offsets = Vec::new();
        let mut dynamic = false;
        let push = |word: &mut String, offsets: &mut Vec<usize>, c: char, at: usize| {
            offsets.extend((0..c.len_utf8()).map(|k| at + k));
            word.push(c);
        };
        while i < b.len() {
            let c = b[i];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'|' | b'&' => break,
                b'\\' | b'`' if next_is_newline(b, i + 1) => break,
                b'\'' => {
                    let end = text[i + 1..].find('\'').map_or(b.len(), |j| i + 1 + j);
                    for (k, ch) in text[i + 1..end].char_indices() {
                        push(&mut word, &mut offsets, ch, i + 1 + k);
                    }
                    i = (end + 1).min(b.len());
                }
                b'"' => {
                    let mut j = i + 1;
                    while j < b.len() && b[j] != b'"' {
                        // Bash's escapes inside double quotes, and PowerShell's backtick ones.
                        if (b[j] == b'\\'
                            && matches!(b.get(j + 1), Some(b'"' | b'\\' | b'$' | b'`')))
                            || (b[j] == b'`' && matches!(b.get(j + 1), Some(b'"' | b'`' | b'$')))
                        {
                            push(&mut word, &mut offsets, b[j + 1] as char, j);
                            j += 2;
                            continue;
                        }
                        if b[j] == b'$' {
                            dynamic = true;
                        }
                        let ch = text[j..].chars().next().expect("in bounds");
                        push(&mut word, &mut offsets, ch, j);
                        j += ch.len_utf8();
                    }
                    i = (j + 1).min(b.len());
                }
                b'$' => {
                    dynamic = true;
                    push(&mut word, &mut offsets, '$', i);
                    i += 1;
                }
                b'\\' if i + 1 < b.len() => {
                    let ch = text[i + 1..].chars().next().expect("in bounds");
                    push(&mut word, &mut offsets, ch, i);
                    i += 1 + ch.len_utf8();
                }
                _ => {
                    let ch = text[i..].chars().next().expect("in bounds");
                    push(&mut word, &mut offsets, ch, i);
                    i += ch.len_utf8();
                }
            }
        }
        let end = offsets.last().map_or(start, |&o| o + 1);
        offsets.push(end);
        out.push(Word {
            text: word,
            span: Span::new(start, i),
            dynamic,
            offsets,
        });
    }
}

fn next_is_newline(b: &[u8], mut i: usize) -> bool {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t' || b[i] == b'\r') {
        i += 1;
    }
    i < b.len() && b[i] == b'\n'
}

/// Whether the text holds an invocation worth scanning.
pub fn mentions_command(text: &str) -> bool {
    let text = text.as_bytes();
    memchr::memmem::find(text, b"metrics alert create").is_some()
        || memchr::memmem::find(text, b"monitor scheduled-query").is_some()
}

/// Every invocation in the text, as rules.
pub fn read(text: &str, sink: &mut Sink) -> Vec<AlertRule> {
    let mut rules = Vec::new();
    let mut search = 0;
    while let Some(pos) = text[search..].find("az ") {
        let start = search + pos;
        search = start + 3;
        let at_word_start = start == 0 || !text.as_bytes()[start - 1].is_ascii_alphanumeric();
        if !at_word_start {
            continue;
        }
        let ws = words(text, start);
        let is = |command: &[&str]| {
            ws.len() >= command.len() && ws.iter().zip(command).all(|(w, c)| w.text == *c)
        };
        let rule = if is(&COMMAND) {
            invocation(text, &ws, sink)
        } else if is(&LOG_COMMAND)
            && ws
                .get(LOG_COMMAND.len())
                .is_some_and(|w| w.text == "create" || w.text == "update")
        {
            super::script_log::invocation(&ws, LOG_COMMAND.len() + 1, sink)
        } else {
            continue;
        };
        rules.extend(rule);
        search = ws.last().map_or(search, |w| w.span.end.max(search));
    }
    rules
}

fn invocation(text: &str, ws: &[Word], sink: &mut Sink) -> Option<AlertRule> {
    let mut rule = AlertRule::new(sink.file, Span::new(ws[0].span.start, ws.last()?.span.end));
    let mut hints = Vec::new();
    let mut condition_given = false;
    let mut i = COMMAND.len();
    while i < ws.len() {
        let flag = ws[i].text.as_str();
        if may_hold_flags(&ws[i]) {
            condition_given = true;
        }
        // What the rule is on: `--target-resource-type`, then the ids of `--scopes` (one or more
        // words), as Azure reads them.
        if matches!(
            flag,
            "--scopes" | "--target-resource-type" | "--target-type"
        ) {
            let mut j = i + 1;
            while j < ws.len() && !ws[j].text.starts_with('-') {
                let w = &ws[j];
                // A variable after the first id may be more ids, or flags.
                if j > i + 1 && may_hold_flags(w) {
                    condition_given = true;
                }
                // A shell variable (`--scopes $WS`) says nothing about the type: such a rule
                // stays unstated, checked against the workspace as scripts always were.
                if !w.dynamic {
                    hints.push(if flag == "--scopes" {
                        Hint::ResourceId(Sp::new(w.text.clone(), w.span))
                    } else {
                        Hint::Type(Sp::new(w.text.clone(), w.span))
                    });
                }
                j += 1;
                if flag != "--scopes" {
                    break;
                }
            }
            i = j;
            continue;
        }
        let value = ws.get(i + 1);
        let (flag, inline) = match flag.split_once('=') {
            // `--name=x`, and `-n=x` too: argparse splits any known flag at its first `=`.
            Some((f, v)) if f.starts_with('-') => (f, Some(v)),
            _ => (flag, None),
        };
        let arg: Option<Word> = match inline {
            Some(_) => Some(ws[i].tail(flag.len() + 1)),
            None => value.filter(|w| !w.text.starts_with("--")).cloned(),
        };
        let consumed = if inline.is_some() {
            1
        } else {
            1 + usize::from(arg.is_some())
        };
        const CHECKED: [&str; 9] = [
            "--condition",
            "--name",
            "-n",
            "--description",
            "--severity",
            "--sev",
            "--window-size",
            "--evaluation-frequency",
            "--auto-mitigate",
        ];
        if flag == "--condition" {
            condition_given = true;
            if arg.is_none() {
                condition_without_value(sink, ws[i].span);
            }
        }
        if let Some(arg) = arg.filter(|_| CHECKED.contains(&flag) || flag == "--disabled") {
            if arg.dynamic {
                sink.push(
                    sink.at(
                        &registry::UNRESOLVED_EXPRESSION,
                        arg.span,
                        format!(
                            "{flag} `{}` uses a shell variable and is not checked",
                            arg.text
                        ),
                    )
                    .label("unresolved"),
                );
            } else {
                match flag {
                    "--condition" => {
                        if let Some(c) = criterion_from_text(&arg.text, arg.span, text, sink) {
                            rule.criteria.push(c);
                        }
                    }
                    f if common_flag(&mut rule, f, &arg, sink) => {}
                    "--auto-mitigate" => {
                        rule.auto_mitigate = arg.text.parse().ok().map(|b| Sp::new(b, arg.span))
                    }
                    "--disabled" => {
                        rule.enabled = arg.text.parse::<bool>().ok().map(|b| Sp::new(!b, arg.span))
                    }
                    _ => {}
                }
            }
        }
        i += consumed;
    }
    if !condition_given {
        no_condition(sink, &ws[..COMMAND.len()]);
    }
    // A type stated outright wins over the types of the scopes, as in ARM.
    hints.sort_by_key(|h| !matches!(h, Hint::Type(_)));
    rule.target = from_hints(hints);
    Some(rule)
}

/// A word where a flag belongs that may expand to flags the script does not show: a shell
/// variable or array (`"${args[@]}"`, `$EXTRA`), or a PowerShell splat (`@params`). A
/// `--condition` may hide in it, so its absence is not reported.
pub(super) fn may_hold_flags(w: &Word) -> bool {
    w.dynamic || w.text.starts_with('@')
}

/// The CLI refuses a `create` without `--condition` (a required argument): reported at the
/// command's words, `command`.
pub(super) fn no_condition(sink: &mut Sink, command: &[Word]) {
    let (Some(first), Some(last)) = (command.first(), command.last()) else {
        return;
    };
    let words: Vec<&str> = command.iter().map(|w| w.text.as_str()).collect();
    sink.push(
        sink.at(
            &registry::MISSING_KEY,
            Span::new(first.span.start, last.span.end),
            format!("`{}` has no --condition", words.join(" ")),
        )
        .label("needs --condition")
        .help("the CLI requires one --condition or more, such as --condition \"avg GpuUtilization < 10\""),
    );
}

/// `--condition` followed by another flag or by nothing: the CLI refuses it.
pub(super) fn condition_without_value(sink: &mut Sink, flag: Span) {
    sink.push(
        sink.at(&registry::MISSING_KEY, flag, "--condition has no value")
            .label("needs a condition"),
    );
}

/// Reads a flag that `az monitor metrics alert` and `az monitor scheduled-query` take alike
/// (name, description, severity, window, frequency) into `rule`; false for any other flag.
pub(super) fn common_flag(rule: &mut AlertRule, flag: &str, arg: &Word, sink: &mut Sink) -> bool {
    match flag {
        "--name" | "-n" => rule.name = Some(Sp::new(arg.text.clone(), arg.span)),
        "--description" => rule.description = Some(Sp::new(arg.text.clone(), arg.span)),
        "--severity" | "--sev" => match arg.text.parse() {
            Ok(v) => rule.severity = Some(Sp::new(v, arg.span)),
            Err(_) => sink.push(
                sink.at(
                    &registry::WRONG_TYPE,
                    arg.span,
                    "--severity must be an integer",
                )
                .label("not a number"),
            ),
        },
        "--window-size" => rule.window = cli_duration(arg, flag, sink),
        "--evaluation-frequency" => rule.frequency = cli_duration(arg, flag, sink),
        _ => return false,
    }
    true
}

/// The CLI takes `5m`, `1h`, `1d` (and ISO 8601).
pub(super) fn cli_duration(
    arg: &Word,
    flag: &str,
    sink: &mut Sink,
) -> Option<Sp<crate::duration::Duration>> {
    match crate::duration::Duration::parse(&arg.text) {
        Some(d) => Some(Sp::new(d, arg.span)),
        None => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    arg.span,
                    format!("{flag} `{}` is not a duration", arg.text),
                )
                .help("write 1m, 5m, 15m, 30m, 1h … or PT5M"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn words_follow_shell_quoting_and_continuations() {
        let t = "az monitor metrics alert create -n 'gpu idle' \\\n  --condition \"avg GpuUtilization < 10\" --window-size 5m; echo done";
        let ws = words(t, 0);
        let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "az",
                "monitor",
                "metrics",
                "alert",
                "create",
                "-n",
                "gpu idle",
                "--condition",
                "avg GpuUtilization < 10",
                "--window-size",
                "5m"
            ]
        );
        assert_eq!(
            &t[ws[8].span.start..ws[8].span.end],
            "\"avg GpuUtilization < 10\""
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
