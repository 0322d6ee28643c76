//! How a script spells an az CLI invocation: its shell words, each byte with its place in the
//! file, and the CLI's argument conventions (Python's argparse, as the CLI configures it), which
//! both readers of az invocations ([`super::script`], [`super::script_log`]) follow.
//!
//! Facts: argparse, "Arguments containing -"
//! (<https://docs.python.org/3/library/argparse.html#arguments-containing>); the CLI's
//! three-state flags, `get_three_state_flag` in azure-cli's `azure/cli/core/commands/parameters.py`
//! (<https://github.com/Azure/azure-cli/blob/dev/src/azure-cli-core/azure/cli/core/commands/parameters.py>),
//! which `--auto-mitigate`, `--disabled` and `--skip-query-validation` use
//! (<https://github.com/Azure/azure-cli/blob/dev/src/azure-cli/azure/cli/command_modules/monitor/_params.py>).

use crate::duration::Duration;
use crate::finding::Sink;
use crate::model::SpanMap;
use crate::registry;
use crate::schema::Sp;
use crate::source::Span;

/// A shell word and where it is in the file: `span` covers the word with its quotes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Word {
    pub text: String,
    pub span: Span,
    /// The word contains a variable or command substitution (`$x`, `$(…)`).
    pub dynamic: bool,
    /// The file offset of each byte of `text`, and one more for its end (just after the source
    /// of its last character): a character decoded from an escape (`\"`) sits at its backslash.
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

    /// A span of the word's text, in the file: from its first character to the next one, so
    /// that the span ends after the whole escape of its last character.
    pub fn file_span(&self, s: Span) -> Span {
        Span::new(
            self.offset(s.start),
            self.offset(s.end).max(self.offset(s.start)),
        )
    }

    /// The word read from a decoded string (a YAML scalar) placed in the file by `map`.
    pub fn placed(mut self, map: &SpanMap) -> Word {
        self.span = map.map(self.span);
        for o in &mut self.offsets {
            *o = map.offset_of(*o);
        }
        self
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
                    // Never past the end, even when the word's bytes all sit at one place
                    // (a YAML scalar that could not be mapped character by character).
                    (self.offsets[from - 1] + 1).min(self.span.end)
                },
                self.span.end,
            ),
            dynamic: self.dynamic,
            offsets: self.offsets[from..].to_vec(),
        }
    }
}

/// Whether an unquoted byte ends the command: a newline, `;`, `&&`, `||`, `|`, or the `)` that
/// closes a subshell or a command substitution (`ID=$(az … -o tsv)`).
fn ends_command(b: u8) -> bool {
    matches!(b, b'\n' | b';' | b'|' | b'&' | b')')
}

/// Splits `text[from..]` into words until the end of the command (see [`ends_command`]; `#`
/// at the start of a word is a comment). A line continues after `\`, PowerShell's backtick
/// or cmd.exe's `^`.
pub(super) fn words(text: &str, from: usize) -> Vec<Word> {
    first_words(text, from, usize::MAX)
}

/// The first `n` words of [`words`]: enough to tell the command, without reading all of a
/// command that is not one of ours.
pub(super) fn first_words(text: &str, from: usize, n: usize) -> Vec<Word> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while out.len() < n {
        // Blanks and continuations between words.
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\r' => i += 1,
                b'\\' | b'`' | b'^' if next_is_newline(b, i + 1) => {
                    i += 1;
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                }
                _ => break,
            }
        }
        if i >= b.len() || ends_command(b[i]) || b[i] == b'#' {
            return out;
        }
        let start = i;
        let mut word = String::new();
        let mut offsets = Vec::new();
        // Just after the source of the last character of the text.
        let mut end = start;
        let mut dynamic = false;
        let push = |word: &mut String, offsets: &mut Vec<usize>, c: char, at: usize| {
            offsets.extend((0..c.len_utf8()).map(|k| at + k));
            word.push(c);
        };
        while i < b.len() {
            let c = b[i];
            match c {
                b' ' | b'\t' | b'\r' => break,
                c if ends_command(c) => break,
                b'\\' | b'`' | b'^' if next_is_newline(b, i + 1) => break,
                b'\'' => {
                    let close = text[i + 1..].find('\'').map_or(b.len(), |j| i + 1 + j);
                    for (k, ch) in text[i + 1..close].char_indices() {
                        push(&mut word, &mut offsets, ch, i + 1 + k);
                    }
                    end = close;
                    i = (close + 1).min(b.len());
                }
                b'"' => {
                    let mut j = i + 1;
                    while j < b.len() && b[j] != b'"' {
                        // A line continued inside the quotes: bash removes both.
                        if b[j] == b'\\' && b.get(j + 1) == Some(&b'\n') {
                            j += 2;
                            continue;
                        }
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
                    end = j;
                    i = (j + 1).min(b.len());
                }
                b'$' => {
                    dynamic = true;
                    // A command substitution (`$(…)`, also an Azure Pipelines macro) or a
                    // braced expansion (`${x:-a b}`, a GitHub Actions or Azure Pipelines
                    // expression `${{ vars.WS }}`) is one piece of the word, whatever it holds.
                    let to = match b.get(i + 1) {
                        Some(b'(') => group_end(b, i + 1, b'(', b')'),
                        Some(b'{') => group_end(b, i + 1, b'{', b'}'),
                        _ => i + 1,
                    };
                    for (k, ch) in text[i..to].char_indices() {
                        push(&mut word, &mut offsets, ch, i + k);
                    }
                    i = to;
                    end = i;
                }
                b'\\' if i + 1 < b.len() => {
                    let ch = text[i + 1..].chars().next().expect("in bounds");
                    push(&mut word, &mut offsets, ch, i);
                    i += 1 + ch.len_utf8();
                    end = i;
                }
                // A cmd.exe variable, `%WS%`.
                b'%' if cmd_variable_len(b, i) > 0 => {
                    dynamic = true;
                    let to = i + cmd_variable_len(b, i);
                    for (k, ch) in text[i..to].char_indices() {
                        push(&mut word, &mut offsets, ch, i + k);
                    }
                    i = to;
                    end = i;
                }
                _ => {
                    let ch = text[i..].chars().next().expect("in bounds");
                    push(&mut word, &mut offsets, ch, i);
                    i += ch.len_utf8();
                    end = i;
                }
            }
        }
        offsets.push(end);
        out.push(Word {
            text: word,
            span: Span::new(start, i),
            dynamic,
            offsets,
        });
    }
    out
}

/// Just after the `close` that closes the `open` at `at` (nested pairs and quoted text
/// skipped), or the end of its line if none closes it there: a group never takes in a newline,
/// so that a script of unclosed `$((((` lines is still read in linear time.
fn group_end(b: &[u8], at: usize, open: u8, close: u8) -> usize {
    let mut depth = 0usize;
    let mut i = at;
    while i < b.len() && b[i] != b'\n' {
        match b[i] {
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            // An escaped character outside quotes is itself.
            b'\\' => i += 1,
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    i += if b[i] == b'\\' && q == b'"' { 2 } else { 1 };
                }
                if i >= b.len() || b[i] == b'\n' {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i.min(b.len())
}

/// The length of the cmd.exe variable (`%NAME%`, a name of letters, digits and `_`) or batch
/// parameter (`%1`, `%~dp0`) at `i`, or 0.
fn cmd_variable_len(b: &[u8], i: usize) -> usize {
    // A batch parameter: `%1`, `%*`, `%~2`, `%~dp0`.
    match b.get(i + 1) {
        Some(c) if c.is_ascii_digit() || *c == b'*' => return 2,
        Some(b'~') => {
            let letters = b[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            if b.get(i + 2 + letters).is_some_and(u8::is_ascii_digit) {
                return letters + 3;
            }
        }
        _ => {}
    }
    let name = b[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    if name > 0 && b.get(i + 1 + name) == Some(&b'%') {
        name + 2
    } else {
        0
    }
}

fn next_is_newline(b: &[u8], mut i: usize) -> bool {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t' || b[i] == b'\r') {
        i += 1;
    }
    i < b.len() && b[i] == b'\n'
}

/// A word that is a flag (`-n`, `--name`): not `-` alone, not a shell variable in place of a
/// name (`-$X`), and not a negative number (`-5`, `-.5`), which argparse takes as a value.
pub(super) fn is_flag(w: &Word) -> bool {
    let Some(rest) = w.text.strip_prefix('-') else {
        return false;
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let negative_number = match rest.split_once('.') {
        None => digits(rest),
        Some((whole, fraction)) => digits(whole) && !fraction.is_empty() && digits(fraction),
    };
    // A word with a variable is a flag when its name is written out (`--scopes=$WS`, `-n$N`),
    // not when the variable may be the name (`-$X`).
    let named = rest
        .strip_prefix('-')
        .unwrap_or(rest)
        .starts_with(|c: char| c.is_ascii_alphabetic());
    (!w.dynamic || named) && !rest.is_empty() && !negative_number
}

/// The words after the one at `i`, up to the next flag: a flag's values.
pub(super) fn values(ws: &[Word], i: usize) -> &[Word] {
    let end = (i + 1..ws.len())
        .find(|&j| is_flag(&ws[j]))
        .unwrap_or(ws.len());
    &ws[i + 1..end]
}

/// The flag of the word at `i` and its values: `--name=x` (and `-n=x`: argparse splits any
/// known flag at its first `=`) has the one after the `=`, a short flag with more letters
/// (`-nx`) the rest of the word, any other word the words up to the next flag. The second item is how many words the flag and its values take.
pub(super) fn flag_and_values(ws: &[Word], i: usize) -> (String, Vec<Word>, usize) {
    let w = &ws[i];
    match w.text.split_once('=') {
        Some((f, _)) if f.starts_with('-') => (f.to_string(), vec![w.tail(f.len() + 1)], 1),
        // A short flag with its value glued on: `-ngpu-idle` (argparse reads `-n gpu-idle`).
        _ if is_flag(w)
            && !w.text.starts_with("--")
            && w.text.len() > 2
            && w.text.is_char_boundary(2) =>
        {
            (w.text[..2].to_string(), vec![w.tail(2)], 1)
        }
        _ => {
            let vs = values(ws, i);
            (ws[i].text.clone(), vs.to_vec(), 1 + vs.len())
        }
    }
}

/// Joins several words into one, as the CLI joins the words of a `--condition` given unquoted
/// (one blank between them), keeping each byte's place in the file.
pub(super) fn join(words: &[Word]) -> Word {
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

/// A condition's value as the CLI reads it: its words joined, up to the first one that holds a
/// variable (which may expand to more words, or to flags). `Err` with the word to note when
/// the first word is a variable, or names a file the CLI reads the value from (`@cond.txt`).
pub(super) fn condition_value(args: &[Word]) -> Result<Word, &Word> {
    if let Some(first) = args
        .first()
        .filter(|w| w.dynamic || w.text.starts_with('@'))
    {
        return Err(first);
    }
    let n = args.iter().position(|w| w.dynamic).unwrap_or(args.len());
    Ok(join(&args[..n]))
}

/// A value the CLI reads from a file (`--condition @cond.txt`), or one from a shell variable:
/// not checked, and the finding says which.
pub(super) fn not_checked(sink: &mut Sink, w: &Word, flag: &str) {
    if !w.text.starts_with('@') || w.dynamic {
        unresolved(sink, w, flag);
        return;
    }
    sink.push(
        sink.at(
            &registry::UNRESOLVED_EXPRESSION,
            w.span,
            format!("{flag} `{}` is read from a file and is not checked", w.text),
        )
        .label("read from a file")
        .help("lint the file's condition with `amlguard lint --condition \"…\"`"),
    );
}

/// A word where a flag belongs that may expand to flags the script does not show: a shell
/// variable or array (`"${args[@]}"`, `$EXTRA`), or a PowerShell splat (`@params`). A
/// `--condition` may hide in it, so its absence is not reported.
pub(super) fn may_hold_flags(w: &Word) -> bool {
    w.dynamic || w.text.starts_with('@')
}

/// Whether a flag's values may hold more flags: a variable after its first value (more values,
/// or flags), or any that expands to a list of words (`"${args[@]}"`, `$@`, a splat).
pub(super) fn values_may_hold_flags(values: &[Word]) -> bool {
    values.iter().enumerate().any(|(k, w)| {
        (k > 0 && may_hold_flags(w))
            || w.text.starts_with('@')
            || (w.dynamic
                && ["[@]", "[*]", "$@", "$*"]
                    .iter()
                    .any(|l| w.text.contains(l)))
    })
}

/// The value of `flag` comes from a shell variable: it is not checked, and the finding says so.
pub(super) fn unresolved(sink: &mut Sink, w: &Word, flag: &str) {
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

/// `--condition` (or `--add-condition`) followed by another flag or by nothing: the CLI
/// refuses it.
pub(super) fn condition_without_value(sink: &mut Sink, name: &str, flag: Span) {
    sink.push(
        sink.at(&registry::MISSING_KEY, flag, format!("{name} has no value"))
            .label("needs a condition"),
    );
}

/// A three-state flag (`--disabled`, `--auto-mitigate`): alone it is true, at the flag;
/// with a value, `true` or `false` in any case; anything else is reported.
pub(super) fn three_state(
    flag: &Word,
    name: &str,
    value: Option<&Word>,
    sink: &mut Sink,
) -> Option<Sp<bool>> {
    let Some(w) = value else {
        return Some(Sp::new(true, flag.span));
    };
    match w.text.to_ascii_lowercase().as_str() {
        "true" => Some(Sp::new(true, w.span)),
        "false" => Some(Sp::new(false, w.span)),
        _ => {
            sink.push(
                sink.at(
                    &registry::INVALID_VALUE,
                    w.span,
                    format!("{name} `{}` is not true or false", w.text),
                )
                .label("not a boolean"),
            );
            None
        }
    }
}

/// Reads a flag that `az monitor metrics alert` and `az monitor scheduled-query` take alike
/// (name, description, severity, window, frequency, resource group) into `rule`, or notes it
/// unresolved when its value holds a variable; false for any other flag.
pub(super) fn common_flag(
    rule: &mut crate::model::AlertRule,
    flag: &str,
    arg: &Word,
    sink: &mut Sink,
) -> bool {
    if matches!(flag, "--resource-group" | "-g") {
        // Only compared between rules (duplicate-rule-name): a variable is no finding.
        if !arg.dynamic {
            rule.resource_group = Some(Sp::new(arg.text.clone(), arg.span));
        }
        return true;
    }
    type Set = fn(&mut crate::model::AlertRule, &Word, &str, &mut Sink);
    let set: Set = match flag {
        "--name" | "-n" => |rule, arg, _, _| rule.name = Some(Sp::new(arg.text.clone(), arg.span)),
        "--description" => {
            |rule, arg, _, _| rule.description = Some(Sp::new(arg.text.clone(), arg.span))
        }
        "--severity" | "--sev" => |rule, arg, _, sink| match arg.text.parse() {
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
        "--window-size" => |rule, arg, flag, sink| rule.window = cli_duration(arg, flag, sink),
        "--evaluation-frequency" => {
            |rule, arg, flag, sink| rule.frequency = cli_duration(arg, flag, sink)
        }
        _ => return false,
    };
    if arg.dynamic {
        unresolved(sink, arg, flag);
    } else {
        set(rule, arg, flag, sink);
    }
    true
}

/// The CLI takes `5m`, `1h`, `1d` (and ISO 8601).
pub(super) fn cli_duration(arg: &Word, flag: &str, sink: &mut Sink) -> Option<Sp<Duration>> {
    match Duration::parse(&arg.text) {
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

    /// Each word of `t`: its text, the source its span covers, whether it is dynamic, and the
    /// offset of each byte of its text (and of its end).
    /// A word as the tests spell it: text, source, dynamic, offsets.
    type Split<'a> = (String, &'a str, bool, Vec<usize>);

    fn split(t: &str, from: usize) -> Vec<Split<'_>> {
        words(t, from)
            .into_iter()
            .map(|w| (w.text, &t[w.span.start..w.span.end], w.dynamic, w.offsets))
            .collect()
    }

    fn word<'a>(text: &str, source: &'a str, dynamic: bool, offsets: &[usize]) -> Split<'a> {
        (text.to_string(), source, dynamic, offsets.to_vec())
    }

    #[test]
    fn words_are_split_decoded_and_placed_byte_by_byte() {
        let cases: Vec<(&str, usize, Vec<Split>)> = vec![
            // Blanks between words; a newline ends the command.
            (
                "a  b\t c\r\nd",
                0,
                vec![
                    word("a", "a", false, &[0, 1]),
                    word("b", "b", false, &[3, 4]),
                    word("c", "c", false, &[6, 7]),
                ],
            ),
            // Continuations: a backslash or a backtick, blanks, then the newline.
            (
                "a \\\n  b",
                0,
                vec![
                    word("a", "a", false, &[0, 1]),
                    word("b", "b", false, &[6, 7]),
                ],
            ),
            (
                "a`  \r\nb",
                0,
                vec![
                    word("a", "a", false, &[0, 1]),
                    word("b", "b", false, &[6, 7]),
                ],
            ),
            (
                "a \\\r\n b",
                0,
                vec![
                    word("a", "a", false, &[0, 1]),
                    word("b", "b", false, &[6, 7]),
                ],
            ),
            ("a\\\n", 0, vec![word("a", "a", false, &[0, 1])]),
            ("\\\nb", 0, vec![word("b", "b", false, &[2, 3])]),
            // The end of a command.
            ("a;b", 0, vec![word("a", "a", false, &[0, 1])]),
            ("a|b", 0, vec![word("a", "a", false, &[0, 1])]),
            ("a&&b", 0, vec![word("a", "a", false, &[0, 1])]),
            ("a #c", 0, vec![word("a", "a", false, &[0, 1])]),
            (
                "a#b c",
                0,
                vec![
                    word("a#b", "a#b", false, &[0, 1, 2, 3]),
                    word("c", "c", false, &[4, 5]),
                ],
            ),
            // Single quotes: nothing is escaped; an unclosed one runs to the end.
            (
                "'x y'z",
                0,
                vec![word("x yz", "'x y'z", false, &[1, 2, 3, 5, 6])],
            ),
            ("'abc", 0, vec![word("abc", "'abc", false, &[1, 2, 3, 4])]),
            (
                "'é' x",
                0,
                vec![
                    word("é", "'é'", false, &[1, 2, 3]),
                    word("x", "x", false, &[5, 6]),
                ],
            ),
            (
                "'' x",
                0,
                vec![word("", "''", false, &[1]), word("x", "x", false, &[3, 4])],
            ),
            // Double quotes: an escaped character sits at its backslash or backtick.
            (
                "\"a\\\"b\" c",
                0,
                vec![
                    word("a\"b", "\"a\\\"b\"", false, &[1, 2, 4, 5]),
                    word("c", "c", false, &[7, 8]),
                ],
            ),
            (
                "\"a\\nb\"",
                0,
                vec![word("a\\nb", "\"a\\nb\"", false, &[1, 2, 3, 4, 5])],
            ),
            (
                "\"a\\\\b\"",
                0,
                vec![word("a\\b", "\"a\\\\b\"", false, &[1, 2, 4, 5])],
            ),
            (
                "\"`\"a\"",
                0,
                vec![word("\"a", "\"`\"a\"", false, &[1, 3, 4])],
            ),
            ("\"é\"", 0, vec![word("é", "\"é\"", false, &[1, 2, 3])]),
            ("\"abc", 0, vec![word("abc", "\"abc", false, &[1, 2, 3, 4])]),
            // A variable makes the word dynamic; an escaped `$` does not.
            (
                "\"x$y\"",
                0,
                vec![word("x$y", "\"x$y\"", true, &[1, 2, 3, 4])],
            ),
            ("$x", 0, vec![word("$x", "$x", true, &[0, 1, 2])]),
            (
                "\"a`$b\"",
                0,
                vec![word("a$b", "\"a`$b\"", false, &[1, 2, 4, 5])],
            ),
            (
                "\"a\\$b\"",
                0,
                vec![word("a$b", "\"a\\$b\"", false, &[1, 2, 4, 5])],
            ),
            // Outside quotes a backslash escapes the next character; a last one is itself.
            ("a\\ b", 0, vec![word("a b", "a\\ b", false, &[0, 1, 3, 4])]),
            ("a\\é", 0, vec![word("aé", "a\\é", false, &[0, 1, 2, 4])]),
            ("a\\", 0, vec![word("a\\", "a\\", false, &[0, 1, 2])]),
            // At a word's start too, unless a line end follows (a continuation).
            (
                "\\$x y",
                0,
                vec![
                    word("$x", "\\$x", false, &[0, 2, 3]),
                    word("y", "y", false, &[4, 5]),
                ],
            ),
            (
                "`x y",
                0,
                vec![
                    word("`x", "`x", false, &[0, 1, 2]),
                    word("y", "y", false, &[3, 4]),
                ],
            ),
            (
                "^x y",
                0,
                vec![
                    word("^x", "^x", false, &[0, 1, 2]),
                    word("y", "y", false, &[3, 4]),
                ],
            ),
            // A command substitution is one dynamic piece; a `)` outside it ends the command.
            (
                "$(az x -o 'a)b') y",
                0,
                vec![
                    word(
                        "$(az x -o 'a)b')",
                        "$(az x -o 'a)b')",
                        true,
                        &(0..=16).collect::<Vec<_>>(),
                    ),
                    word("y", "y", false, &[17, 18]),
                ],
            ),
            (
                "a$((1 + (2))) b",
                0,
                vec![
                    word(
                        "a$((1 + (2)))",
                        "a$((1 + (2)))",
                        true,
                        &(0..=13).collect::<Vec<_>>(),
                    ),
                    word("b", "b", false, &[14, 15]),
                ],
            ),
            // Quotes inside: an unclosed substitution runs to the end.
            (
                "$(echo \"x)\" y",
                0,
                vec![word(
                    "$(echo \"x)\" y",
                    "$(echo \"x)\" y",
                    true,
                    &(0..=13).collect::<Vec<_>>(),
                )],
            ),
            (
                r#"$(echo \"x)\" y"#,
                0,
                vec![
                    word(
                        r#"$(echo \"x)""#,
                        r#"$(echo \"x)\""#,
                        true,
                        &(0..=11).chain([13]).collect::<Vec<_>>(),
                    ),
                    word("y", "y", false, &[14, 15]),
                ],
            ),
            ("$(a", 0, vec![word("$(a", "$(a", true, &[0, 1, 2, 3])]),
            // A group never takes in a newline, quoted or not; a continuation it may.
            ("$(a\nb", 0, vec![word("$(a", "$(a", true, &[0, 1, 2, 3])]),
            (
                "$(a 'b\nc') d",
                0,
                vec![word("$(a 'b", "$(a 'b", true, &(0..=6).collect::<Vec<_>>())],
            ),
            (
                "$(a \"b\\\nc\") d",
                0,
                vec![
                    word(
                        "$(a \"b\\\nc\")",
                        "$(a \"b\\\nc\")",
                        true,
                        &(0..=11).collect::<Vec<_>>(),
                    ),
                    word("d", "d", false, &[12, 13]),
                ],
            ),
            (
                "$(a \\\nc) d",
                0,
                vec![
                    word(
                        "$(a \\\nc)",
                        "$(a \\\nc)",
                        true,
                        &(0..=8).collect::<Vec<_>>(),
                    ),
                    word("d", "d", false, &[9, 10]),
                ],
            ),
            ("a) b", 0, vec![word("a", "a", false, &[0, 1])]),
            ("a ) b", 0, vec![word("a", "a", false, &[0, 1])]),
            // A braced expansion too: bash's, and the expressions of GitHub Actions and Azure
            // Pipelines, which are replaced before the shell runs.
            (
                "${{ vars.WS }} x",
                0,
                vec![
                    word(
                        "${{ vars.WS }}",
                        "${{ vars.WS }}",
                        true,
                        &(0..=14).collect::<Vec<_>>(),
                    ),
                    word("x", "x", false, &[15, 16]),
                ],
            ),
            (
                "${x:-a b}c d",
                0,
                vec![
                    word(
                        "${x:-a b}c",
                        "${x:-a b}c",
                        true,
                        &(0..=10).collect::<Vec<_>>(),
                    ),
                    word("d", "d", false, &[11, 12]),
                ],
            ),
            (
                "${x:-'}'} d",
                0,
                vec![
                    word("${x:-'}'}", "${x:-'}'}", true, &(0..=9).collect::<Vec<_>>()),
                    word("d", "d", false, &[10, 11]),
                ],
            ),
            (
                "${{ x",
                0,
                vec![word("${{ x", "${{ x", true, &[0, 1, 2, 3, 4, 5])],
            ),
            // cmd.exe: `^` continues a line, `%NAME%` is a variable.
            (
                "a ^\r\n b",
                0,
                vec![
                    word("a", "a", false, &[0, 1]),
                    word("b", "b", false, &[6, 7]),
                ],
            ),
            (
                "a^ \nb",
                0,
                vec![
                    word("a", "a", false, &[0, 1]),
                    word("b", "b", false, &[4, 5]),
                ],
            ),
            (
                "%WS% x%a_1%y",
                0,
                vec![
                    word("%WS%", "%WS%", true, &[0, 1, 2, 3, 4]),
                    word("x%a_1%y", "x%a_1%y", true, &(5..=12).collect::<Vec<_>>()),
                ],
            ),
            (
                "50% %% %a b%",
                0,
                vec![
                    word("50%", "50%", false, &[0, 1, 2, 3]),
                    word("%%", "%%", false, &[4, 5, 6]),
                    word("%a", "%a", false, &[7, 8, 9]),
                    word("b%", "b%", false, &[10, 11, 12]),
                ],
            ),
            ("a^b", 0, vec![word("a^b", "a^b", false, &[0, 1, 2, 3])]),
            // A continuation inside double quotes is removed, as bash does.
            (
                "\"a\\\nb\" c",
                0,
                vec![
                    word("ab", "\"a\\\nb\"", false, &[1, 4, 5]),
                    word("c", "c", false, &[7, 8]),
                ],
            ),
            // cmd.exe batch parameters.
            (
                "%1 %~dp0 %* %~ %x",
                0,
                vec![
                    word("%1", "%1", true, &[0, 1, 2]),
                    word("%~dp0", "%~dp0", true, &[3, 4, 5, 6, 7, 8]),
                    word("%*", "%*", true, &[9, 10, 11]),
                    word("%~", "%~", false, &[12, 13, 14]),
                    word("%x", "%x", false, &[15, 16, 17]),
                ],
            ),
            // Modifiers of one and of four letters, and a name longer than two.
            (
                "%~f1 %~dpnx0 %WORKSPACE%",
                0,
                vec![
                    word("%~f1", "%~f1", true, &[0, 1, 2, 3, 4]),
                    word("%~dpnx0", "%~dpnx0", true, &(5..=12).collect::<Vec<_>>()),
                    word(
                        "%WORKSPACE%",
                        "%WORKSPACE%",
                        true,
                        &(13..=24).collect::<Vec<_>>(),
                    ),
                ],
            ),
            // A quote that nothing closes inside a group, at the end of the text.
            (
                "$(a 'b",
                0,
                vec![word("$(a 'b", "$(a 'b", true, &(0..=6).collect::<Vec<_>>())],
            ),
            // From an offset on.
            (
                "skip a b",
                5,
                vec![
                    word("a", "a", false, &[5, 6]),
                    word("b", "b", false, &[7, 8]),
                ],
            ),
        ];
        for (t, from, want) in cases {
            assert_eq!(split(t, from), want, "{t:?}");
        }
    }

    /// A flag's `=` glues its value; a word that is no flag is no flag for holding an `=`: it
    /// takes the words after it like any word that is not a flag.
    #[test]
    fn only_a_flag_is_split_at_its_equals_sign() {
        let texts = |t: &str, i: usize| {
            let ws = words(t, 0);
            let (flag, values, taken) = flag_and_values(&ws, i);
            let values: Vec<String> = values.into_iter().map(|w| w.text).collect();
            (flag, values, taken)
        };
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(texts("--name=a b -g c", 0), ("--name".into(), s(&["a"]), 1));
        assert_eq!(texts("x=y b -g c", 0), ("x=y".into(), s(&["b"]), 2));
        assert_eq!(texts("-na b", 0), ("-n".into(), s(&["a"]), 1));
        assert_eq!(
            texts("--name a b -g c", 0),
            ("--name".into(), s(&["a", "b"]), 3)
        );
    }

    #[test]
    fn a_tail_never_starts_after_its_end() {
        // Every byte at one place, as when a scalar could not be mapped.
        let w = Word {
            text: "--n=x".into(),
            span: Span::new(10, 10),
            dynamic: false,
            offsets: vec![10; 6],
        };
        let t = w.tail(4);
        assert!(t.span.start <= t.span.end, "{t:?}");
    }

    #[test]
    fn a_word_with_a_variable_is_a_flag_when_its_name_is_written_out() {
        for (text, flag) in [
            ("--scopes=$WS", true),
            ("-n$N", true),
            ("--x$Y", true),
            ("-$X", false),
            ("--$X", false),
            ("$X", false),
        ] {
            let w = words(text, 0).remove(0);
            assert!(w.dynamic, "{text}");
            assert_eq!(is_flag(&w), flag, "{text}");
        }
    }

    #[test]
    fn first_words_stops_after_n() {
        let t = "az monitor metrics alert create -n a";
        let texts = |ws: Vec<Word>| ws.into_iter().map(|w| w.text).collect::<Vec<_>>();
        assert_eq!(texts(first_words(t, 0, 2)), ["az", "monitor"]);
        assert_eq!(texts(first_words(t, 0, 0)), Vec::<String>::new());
        assert_eq!(texts(first_words(t, 0, 99)), texts(words(t, 0)));
    }

    #[test]
    fn a_tail_keeps_the_places_of_its_bytes() {
        let t = "--name='x y' z";
        let w = &words(t, 0)[0];
        assert_eq!(w.offsets, [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11]);
        let tail = w.tail(7);
        assert_eq!(tail.text, "x y");
        // From just after the `=`, so that the quote is in it.
        assert_eq!(&t[tail.span.start..tail.span.end], "'x y'");
        assert_eq!(tail.offsets, [8, 9, 10, 11]);
        assert_eq!(w.tail(0), *w);
        assert_eq!(w.offset(7), 8);
        assert_eq!(w.offset(9), 10);
        // Past the end, the end's.
        assert_eq!(w.offset(10), 11);
        assert_eq!(w.offset(99), 11);
        let bare = Word {
            text: String::new(),
            span: Span::new(4, 9),
            dynamic: false,
            offsets: Vec::new(),
        };
        assert_eq!(bare.offset(0), 9);
    }
}
