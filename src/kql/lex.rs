//! Splits KQL text into tokens with byte spans. Comments (`// …`) and whitespace are dropped.
//! Never fails: a character that starts no token becomes a `Bad` token for the parser to report.

use std::borrow::Cow;

/// A token; names, numbers and timespans borrow their text from the query.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok<'a> {
    /// A name or keyword: `where`, `EventType`, `project-away`, `$left`.
    Ident(&'a str),
    /// `['Event Type']`: the name, borrowed unless it had escapes.
    Quoted(Cow<'a, str>),
    Number(&'a str),
    Timespan(&'a str),
    /// A string literal's value, borrowed unless it had escapes or doubled quotes.
    Str {
        value: Cow<'a, str>,
        verbatim: bool,
    },
    /// Punctuation and symbolic operators: `|`, `==`, `=~`, `..`, …
    Punct(&'static str),
    /// A character that starts no token, or an unterminated string (with the message).
    Bad(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub tok: Tok<'a>,
    pub start: usize,
    pub end: usize,
}

#[cfg(test)]
const PUNCT: &[&str] = &[
    "==", "!=", "<>", "<=", ">=", "=~", "!~", "..", "=>", "|", "(", ")", "[", "]", "{", "}", ",",
    ";", ":", ".", "=", "<", ">", "+", "-", "*", "/", "%", "!", "?", "~",
];

/// Words that glue to a following `-word` (`project-away`, `mv-expand`, `make-series`).
const HYPHEN_HEADS: &[&str] = &[
    "project",
    "mv",
    "make",
    "top",
    "parse",
    "graph",
    "partition",
];

/// Timespan units, longest first so that `ms` wins over `m`.
const UNITS: &[&str] = &[
    "microseconds",
    "microsecond",
    "milliseconds",
    "millisecond",
    "minutes",
    "minute",
    "seconds",
    "second",
    "ticks",
    "tick",
    "hours",
    "hour",
    "days",
    "day",
    "microsec",
    "millisec",
    "min",
    "sec",
    "ms",
    "d",
    "h",
    "m",
    "s",
];

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The length of the number at the start of `i`: `0x1F` (hex digits after `0x` or `0X`), or
/// `12`, `2.5`, `1e-3`, `.5`: digits, then a fraction and an exponent if each has digits.
/// `None` when `i` starts with neither a digit nor `.` and a digit.
fn number_len(i: &str) -> Option<usize> {
    let b = i.as_bytes();
    let digits = |from: usize| {
        b.get(from..)
            .map_or(0, |d| d.iter().take_while(|c| c.is_ascii_digit()).count())
    };
    if let [b'0', b'x' | b'X', hex @ ..] = b {
        let hex = hex.iter().take_while(|c| c.is_ascii_hexdigit()).count();
        if hex > 0 {
            return Some(2 + hex);
        }
    }
    let mut end = digits(0);
    if end == 0 {
        end = match digits(1) {
            frac if b.first() == Some(&b'.') && frac > 0 => 1 + frac,
            _ => return None,
        };
    } else if b.get(end) == Some(&b'.') {
        let frac = digits(end + 1);
        if frac > 0 {
            end += 1 + frac;
        }
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
        let exp = digits(end + 1 + sign);
        if exp > 0 {
            end += 1 + sign + exp;
        }
    }
    Some(end)
}

/// [`NAME_BYTE`]'s bit for a name's first characters: letters, `_`, `$`.
const NAME_START: u8 = 1;
/// [`NAME_BYTE`]'s bit for the characters after them: letters, digits, `_`.
const NAME_REST: u8 = 2;

/// What each ASCII byte can be in a name: [`NAME_START`], [`NAME_REST`], both or neither.
const NAME_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if b.is_ascii_alphabetic() || b == b'_' {
            t[c] = NAME_START | NAME_REST;
        } else if b == b'$' {
            t[c] = NAME_START;
        } else if b.is_ascii_digit() {
            t[c] = NAME_REST;
        }
        c += 1;
    }
    t
};

fn name_byte(b: u8, bit: u8) -> bool {
    NAME_BYTE[b as usize] & bit != 0
}

/// The length of the name at the start of `i` (which starts with an identifier character):
/// a run of start characters (letters, `_`, `$`), then of letters, digits and `_`.
fn ident_len(i: &str) -> usize {
    let b = i.as_bytes();
    // Nearly every name: an ASCII letter or `_`, then letters, digits and `_` up to an ASCII
    // byte that is none of them nor `$`. The two runs below are then one.
    if b.first().is_some_and(|&c| name_byte(c, NAME_REST)) {
        let end = b
            .iter()
            .position(|&c| !name_byte(c, NAME_REST))
            .unwrap_or(b.len());
        if b.get(end).is_none_or(|&c| c.is_ascii() && c != b'$') {
            return end;
        }
    }
    // Other ASCII names (`$left`, `a$b`), byte by byte.
    let mut starts = 0;
    while starts < b.len() && name_byte(b[starts], NAME_START) {
        starts += 1;
    }
    if starts == b.len() || b[starts].is_ascii() {
        let mut end = starts;
        while end < b.len() && name_byte(b[end], NAME_REST) {
            end += 1;
        }
        if end == b.len() || b[end].is_ascii() {
            return end;
        }
    }
    let mut rest = i.char_indices().skip_while(|(_, c)| is_ident_start(*c));
    match rest.find(|(_, c)| !is_ident_char(*c)) {
        Some((end, _)) => end,
        None => i.len(),
    }
}

/// The punctuation at the start of `rest`, two-character operators first: the operators of
/// [`PUNCT`], matched byte by byte.
fn punct(rest: &str) -> Option<&'static str> {
    let b = rest.as_bytes();
    let first = *b.first()?;
    let two = match (first, b.get(1).copied().unwrap_or(0)) {
        (b'=', b'=') => Some("=="),
        (b'!', b'=') => Some("!="),
        (b'<', b'>') => Some("<>"),
        (b'<', b'=') => Some("<="),
        (b'>', b'=') => Some(">="),
        (b'=', b'~') => Some("=~"),
        (b'!', b'~') => Some("!~"),
        (b'.', b'.') => Some(".."),
        (b'=', b'>') => Some("=>"),
        _ => None,
    };
    if two.is_some() {
        return two;
    }
    Some(match first {
        b'|' => "|",
        b'(' => "(",
        b')' => ")",
        b'[' => "[",
        b']' => "]",
        b'{' => "{",
        b'}' => "}",
        b',' => ",",
        b';' => ";",
        b':' => ":",
        b'.' => ".",
        b'=' => "=",
        b'<' => "<",
        b'>' => ">",
        b'+' => "+",
        b'-' => "-",
        b'*' => "*",
        b'/' => "/",
        b'%' => "%",
        b'!' => "!",
        b'?' => "?",
        b'~' => "~",
        _ => return None,
    })
}

/// The length of the name token at the start of `rest`: a name, and for the heads of
/// hyphenated operators (`project-away`, `mv-expand`) the `-` and the name after it.
fn name_token_len(rest: &str) -> usize {
    let mut len = ident_len(rest);
    if let Some(tail) = rest[len..].strip_prefix('-')
        && HYPHEN_HEADS.contains(&&rest[..len])
        && tail.starts_with(is_ident_start)
    {
        len += 1 + ident_len(tail);
    }
    len
}

/// The timespan unit that `after` (the text after a number) starts with: a unit of [`UNITS`]
/// that no letter, digit or `_` follows, which is the whole run of them (`5m`, not `5m2`).
fn unit_after(after: &str) -> Option<&'static str> {
    let run = after
        .bytes()
        .take_while(|&b| name_byte(b, NAME_REST))
        .count();
    if run == 0 || after[run..].starts_with(is_ident_char) {
        return None;
    }
    UNITS.iter().find(|u| **u == &after[..run]).copied()
}

/// A string literal body after its opening quote `q` (`"` or `'`); returns the decoded value
/// (borrowed from `rest` when nothing needed decoding) and the length consumed (closing quote
/// included), or `None` when the string is not closed on its line.
fn string_body(rest: &str, q: u8, verbatim: bool) -> Option<(Cow<'_, str>, usize)> {
    let quote = char::from(q);
    // Up to the first quote, newline or backslash, the value is the text itself: one
    // vectorised search for those bytes (the quote, `"` or `'`, is ASCII).
    let plain = if verbatim {
        memchr::memchr2(q, b'\n', rest.as_bytes())
    } else {
        memchr::memchr3(q, b'\n', b'\\', rest.as_bytes())
    }
    .unwrap_or(rest.len());
    match rest[plain..].chars().next() {
        Some(c) if c == quote && !(verbatim && rest[plain + 1..].starts_with(quote)) => {
            return Some((Cow::Borrowed(&rest[..plain]), plain + 1));
        }
        None | Some('\n') => return None,
        Some(_) => {}
    }
    let mut value = String::from(&rest[..plain]);
    let mut chars = rest[plain..].char_indices();
    while let Some((i, c)) = chars.next() {
        let i = plain + i;
        if c == '\n' {
            return None;
        }
        if c == quote {
            if verbatim && rest[i + 1..].starts_with(quote) {
                value.push(quote);
                chars.next();
                continue;
            }
            return Some((Cow::Owned(value), i + 1));
        }
        if c == '\\' && !verbatim {
            let (_, e) = chars.next()?;
            match e {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                '\n' => return None,
                other => value.push(other),
            }
            continue;
        }
        value.push(c);
    }
    None
}

pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    tokens::<true>(text)
}

/// The tokens of `text`; `FAST` reads names and plain punctuation by their first byte before
/// the general path (a test compares the two).
fn tokens<'a, const FAST: bool>(text: &'a str) -> Vec<Token<'a>> {
    // About one token per four bytes of typical KQL: one allocation instead of a series of
    // growing copies.
    let mut out = Vec::with_capacity(text.len() / 4 + 4);
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some(&first) = bytes.get(pos) {
        if first.is_ascii_whitespace() {
            pos += 1;
            continue;
        }
        let start = pos;
        let push = |out: &mut Vec<Token<'a>>, tok, len: usize| {
            out.push(Token {
                tok,
                start,
                end: start + len,
            });
            start + len
        };
        // The commonest tokens, told by their first byte: a name that starts no string literal
        // (`h"…"`, `H@'…'`), and punctuation other than the characters that may start something
        // longer (`//`, `.5`, `['`, `~~~`).
        if FAST
            && (first.is_ascii_alphabetic() || first == b'_')
            && !(matches!(first, b'h' | b'H')
                && matches!(bytes.get(pos + 1), Some(b'"' | b'\'' | b'@')))
        {
            // A run of ASCII letters, digits and `_` that ends at an ASCII byte which neither
            // continues a name (`$`) nor may glue a hyphenated operator (`-`) is the whole
            // name: nearly every name. Anything else takes the general path below.
            let run = bytes[pos + 1..]
                .iter()
                .position(|&c| !name_byte(c, NAME_REST))
                .map_or(bytes.len(), |n| pos + 1 + n);
            let len = match bytes.get(run) {
                Some(&c) if !c.is_ascii() || c == b'$' || c == b'-' => name_token_len(&text[pos..]),
                _ => run - pos,
            };
            pos = push(&mut out, Tok::Ident(&text[pos..pos + len]), len);
            continue;
        }
        let rest = &text[pos..];
        if FAST
            && !matches!(first, b'/' | b'.' | b'[' | b'~')
            && let Some(p) = punct(rest)
        {
            pos = push(&mut out, Tok::Punct(p), p.len());
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            pos += c.len_utf8();
            continue;
        }
        if c == '/' && rest.starts_with("//") {
            pos += rest.find('\n').unwrap_or(rest.len());
            continue;
        }
        // ```multi-line``` strings.
        if let Some(body) = rest
            .strip_prefix("```")
            .or_else(|| rest.strip_prefix("~~~"))
        {
            let fence = &rest[..3];
            pos = match body.find(fence) {
                Some(e) => push(
                    &mut out,
                    Tok::Str {
                        value: Cow::Borrowed(&body[..e]),
                        verbatim: true,
                    },
                    e + 6,
                ),
                None => push(&mut out, Tok::Bad("unterminated string"), rest.len()),
            };
            continue;
        }
        // Verbatim and obfuscated strings: @"…", h"…", H@'…'.
        let prefix_len = if matches!(c, 'h' | 'H' | '@') {
            ["h@", "H@", "@", "h", "H"]
                .iter()
                .find(|p| rest.starts_with(**p) && rest[p.len()..].starts_with(['"', '\'']))
                .map_or(0, |p| p.len())
        } else {
            0
        };
        if prefix_len > 0 || c == '"' || c == '\'' {
            let verbatim = rest[..prefix_len].contains('@');
            let quote = rest.as_bytes()[prefix_len];
            let body = &rest[prefix_len + 1..];
            pos = match string_body(body, quote, verbatim) {
                Some((value, len)) => {
                    push(&mut out, Tok::Str { value, verbatim }, prefix_len + 1 + len)
                }
                None => {
                    let line = body.find('\n').unwrap_or(body.len());
                    push(
                        &mut out,
                        Tok::Bad("unterminated string"),
                        prefix_len + 1 + line,
                    )
                }
            };
            continue;
        }
        if c == '[' && (rest[1..].starts_with('\'') || rest[1..].starts_with('"')) {
            let quote = rest.as_bytes()[1];
            if let Some((value, len)) = string_body(&rest[2..], quote, false)
                && rest[2 + len..].starts_with(']')
            {
                pos = push(&mut out, Tok::Quoted(value), 2 + len + 1);
                continue;
            }
        }
        if let Some(n) = number_len(rest) {
            let (num, after) = rest.split_at(n);
            pos = match unit_after(after) {
                Some(u) if !num.starts_with("0x") && !num.starts_with("0X") => {
                    let len = n + u.len();
                    push(&mut out, Tok::Timespan(&rest[..len]), len)
                }
                _ => push(&mut out, Tok::Number(num), n),
            };
            continue;
        }
        if is_ident_start(c) {
            let len = name_token_len(rest);
            pos = push(&mut out, Tok::Ident(&rest[..len]), len);
            continue;
        }
        if let Some(p) = punct(rest) {
            pos = push(&mut out, Tok::Punct(p), p.len());
            continue;
        }
        pos = push(&mut out, Tok::Bad("unexpected character"), c.len_utf8());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number grammar in nom's combinators, as the lexer read it before [`number_len`].
    fn number(i: &str) -> nom::IResult<&str, &str> {
        use nom::Parser;
        use nom::branch::alt;
        use nom::bytes::complete::{tag, tag_no_case, take_while1};
        use nom::character::complete::{digit1, one_of};
        use nom::combinator::{opt, recognize};
        use nom::sequence::pair;
        alt((
            recognize(pair(
                tag_no_case("0x"),
                take_while1(|c: char| c.is_ascii_hexdigit()),
            )),
            recognize((
                digit1,
                opt(pair(tag("."), digit1)),
                opt((one_of("eE"), opt(one_of("+-")), digit1)),
            )),
            recognize((
                tag("."),
                digit1,
                opt((one_of("eE"), opt(one_of("+-")), digit1)),
            )),
        ))
        .parse(i)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn numbers_are_as_long_as_the_combinator_grammar_says(
            text in "[0-9xXa-fA-F.eE+-]{0,3}([0-9]|0x|0X|\\.|e|E|e-|E\\+|[a-z]|٠| ){0,8}"
        ) {
            let expected = number(&text).ok().map(|(_, n)| n.len());
            proptest::prop_assert_eq!(number_len(&text), expected, "{:?}", text);
        }
    }

    #[test]
    fn numbers_of_every_shape() {
        for (text, len) in [
            ("0x1Fg", Some(4)),
            ("0X", Some(1)),
            ("0xg", Some(1)),
            ("12.5e-3m", Some(7)),
            ("12.e3", Some(2)),
            ("1e+", Some(1)),
            ("0e-", Some(1)),
            (".5", Some(2)),
            (".e5", None),
            (".", None),
            ("x1", None),
            ("", None),
        ] {
            assert_eq!(number_len(text), len, "{text:?}");
        }
    }

    fn toks(s: &str) -> Vec<Tok<'_>> {
        tokenize(s).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn timespans_numbers_and_hyphenated_operators() {
        assert_eq!(
            toks("T | project-away A | where x > 5m and y < 1.5e3 // c\n"),
            vec![
                Tok::Ident("T"),
                Tok::Punct("|"),
                Tok::Ident("project-away"),
                Tok::Ident("A"),
                Tok::Punct("|"),
                Tok::Ident("where"),
                Tok::Ident("x"),
                Tok::Punct(">"),
                Tok::Timespan("5m"),
                Tok::Ident("and"),
                Tok::Ident("y"),
                Tok::Punct("<"),
                Tok::Number("1.5e3"),
            ]
        );
    }

    /// The list's operator at the start of `rest`, two characters first, as [`punct`] reads it.
    fn punct_from_the_list(rest: &str) -> Option<&'static str> {
        let b = rest.as_bytes();
        if let Some(two) = b.get(..2)
            && let Some(p) = PUNCT.iter().find(|p| p.as_bytes() == two)
        {
            return Some(p);
        }
        let first = *b.first()?;
        PUNCT.iter().find(|p| p.as_bytes() == [first]).copied()
    }

    #[test]
    fn punctuation_is_read_as_the_list_says_for_every_pair_of_characters() {
        let mut seen = std::collections::BTreeSet::new();
        for a in 0u8..128 {
            for b in 0u8..128 {
                let text = String::from_utf8(vec![a, b]).unwrap();
                assert_eq!(punct(&text), punct_from_the_list(&text), "{text:?}");
                seen.extend(punct(&text));
            }
            let one = String::from_utf8(vec![a]).unwrap();
            assert_eq!(punct(&one), punct_from_the_list(&one), "{one:?}");
        }
        assert_eq!(
            seen.len(),
            PUNCT.len(),
            "every operator of the list is read"
        );
    }

    proptest::proptest! {
        #[test]
        fn names_are_as_long_as_the_character_rules_say(
            text in "[a-zA-Z_$éα٠Ⅰ][a-zA-Z0-9_$éα٠Ⅰ .-]{0,12}"
        ) {
            let mut rest = text.char_indices().skip_while(|(_, c)| is_ident_start(*c));
            let expected = rest.find(|(_, c)| !is_ident_char(*c)).map_or(text.len(), |(i, _)| i);
            proptest::prop_assert_eq!(ident_len(&text), expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn a_unit_is_the_first_of_the_list_that_no_name_character_follows(
            after in "(ms|m|min|h|d|s|tick|micro|second|é|α|٠|[a-z0-9_$.() -]){0,4}"
        ) {
            let expected = UNITS
                .iter()
                .find(|u| after.starts_with(**u) && !after[u.len()..].starts_with(is_ident_char))
                .copied();
            proptest::prop_assert_eq!(unit_after(&after), expected);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn the_first_byte_fast_path_reads_what_the_general_path_reads(
            text in "([a-zA-Z_hH$@é0-9\"'`~|(),;=<>!+*%:{}\\[\\]?./\\\\ \n-]|project-|h@|```|~~~|//|\\['){0,24}"
        ) {
            proptest::prop_assert_eq!(tokens::<true>(&text), tokens::<false>(&text));
        }
    }

    #[test]
    fn every_token_spans_its_own_text() {
        let text = "T | where ['Event Type'] == 'x' and x['k'] has @\"a\" // c\n| project-away A, h'b' | take 5m";
        let spans: Vec<&str> = tokenize(text)
            .iter()
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(
            spans,
            [
                "T",
                "|",
                "where",
                "['Event Type']",
                "==",
                "'x'",
                "and",
                "x",
                "['k']",
                "has",
                "@\"a\"",
                "|",
                "project-away",
                "A",
                ",",
                "h'b'",
                "|",
                "take",
                "5m"
            ]
        );
    }

    #[test]
    fn strings_of_every_kind() {
        assert_eq!(
            toks(r#""a\"b" 'c' @"d""e" @'f' ['g h']"#),
            vec![
                Tok::Str {
                    value: "a\"b".into(),
                    verbatim: false
                },
                Tok::Str {
                    value: "c".into(),
                    verbatim: false
                },
                Tok::Str {
                    value: "d\"e".into(),
                    verbatim: true
                },
                Tok::Str {
                    value: "f".into(),
                    verbatim: true
                },
                Tok::Quoted("g h".into()),
            ]
        );
        assert_eq!(toks("\"open"), vec![Tok::Bad("unterminated string")]);
    }

    /// A string's value borrows the query text unless decoding changed it (an escape, a
    /// doubled quote in a verbatim string): most literals cost no allocation.
    #[test]
    fn plain_strings_are_borrowed() {
        let text = r#""abc" @'d' 'e' "" @"f""g" "h\"i" @'j''' "k" "l""#;
        let found: Vec<_> = tokenize(text)
            .into_iter()
            .map(|t| match t.tok {
                Tok::Str { value, verbatim } => {
                    let borrowed = matches!(value, Cow::Borrowed(_));
                    (value.into_owned(), verbatim, borrowed)
                }
                other => panic!("{other:?}"),
            })
            .collect();
        let expected = [
            ("abc", false, true),
            ("d", true, true),
            ("e", false, true),
            ("", false, true),
            ("f\"g", true, false),
            ("h\"i", false, false),
            ("j'", true, false),
            ("k", false, true),
            ("l", false, true),
        ]
        .map(|(v, verbatim, borrowed)| (v.to_string(), verbatim, borrowed));
        assert_eq!(found, expected);
    }
}
