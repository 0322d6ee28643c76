//! Making input text safe to show. File names, log values and rule text are written by whoever
//! controls the input, and amlguard's output lands on terminals and in CI logs, where a control
//! sequence, a bidi override or a workflow command in the data would be acted upon or would make
//! two different strings look the same. Every renderer passes every piece of input text through
//! this module:
//!
//! - control characters (C0, DEL, C1: ESC, NUL, CR, LF inside a value…), bidi controls,
//!   zero-width and other invisible characters are shown as `\u{…}` ([`is_hidden`] lists them);
//! - `::` at the start of a value (after any spaces) becomes `\u{3a}:`, so that a value can never start a GitHub
//!   workflow command (`::error …`, `::add-mask::…`) even when a renderer puts it first on a line;
//! - `##vso[` anywhere becomes `##vso\u{5b}`, because Azure Pipelines runs logging commands found
//!   anywhere in a line.
//!
//! JSON and SARIF keep the data intact instead: the same characters are written as JSON `\uXXXX`
//! escapes ([`JsonEscapes`]), which any JSON reader turns back into the original text.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

/// Characters that must never reach an output as themselves: controls, format characters that
/// change how text is shown (bidi), invisible and zero-width characters, line separators.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}' // soft hyphen
                | '\u{034F}' // combining grapheme joiner
                | '\u{061C}' // Arabic letter mark
                | '\u{115F}'
                | '\u{1160}' // Hangul fillers
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}' // Mongolian selectors and vowel separator
                | '\u{2000}'..='\u{200F}' // odd-width spaces, ZWSP, ZWNJ, ZWJ, LRM, RLM
                | '\u{2028}'..='\u{202F}' // line/paragraph separators, bidi embeddings, NNBSP
                | '\u{205F}'..='\u{206F}' // invisible operators, bidi isolates, deprecated formats
                | '\u{3000}'
                | '\u{3164}' // Hangul filler
                | '\u{FE00}'..='\u{FE0F}' // variation selectors
                | '\u{FEFF}' // byte-order mark, zero-width no-break space
                | '\u{FFA0}' // halfwidth Hangul filler
                | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
                | '\u{1D173}'..='\u{1D17A}' // musical format characters
                | '\u{E0000}'..='\u{E0FFF}' // tags and variation selectors supplement
        )
}

const WORKFLOW: &str = "::";
const VSO: &str = "##vso[";

/// Whether `s` needs any change to be shown.
fn is_clean(s: &str) -> bool {
    !s.trim_start().starts_with(WORKFLOW) && !s.chars().any(is_hidden) && !contains_vso(s)
}

fn contains_vso(s: &str) -> bool {
    s.len() >= VSO.len()
        && s.as_bytes()
            .windows(VSO.len())
            .any(|w| w.eq_ignore_ascii_case(VSO.as_bytes()))
}

/// Input text as it may be shown on a terminal or in a CI log (see the module docs).
pub fn text(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        if is_hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else if c == ':' && s[i..].starts_with(WORKFLOW) && s[..i].trim().is_empty() {
            out.push_str("\\u{3a}");
        } else if c == '[' && i >= 5 && bytes[i - 5..i].eq_ignore_ascii_case(b"##vso") {
            out.push_str("\\u{5b}");
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A serde_json formatter that writes every [`is_hidden`] character as a `\uXXXX` escape and
/// breaks up `##vso[`, so that a JSON document printed to a CI log can neither drive the
/// terminal nor run a logging command, while a JSON reader gets the original text back.
#[derive(Debug, Clone)]
pub struct JsonEscapes<F> {
    inner: F,
}

impl<F> JsonEscapes<F> {
    pub fn new(inner: F) -> Self {
        JsonEscapes { inner }
    }
}

fn write_escaped_fragment<W: ?Sized + io::Write>(w: &mut W, fragment: &str) -> io::Result<()> {
    let bytes = fragment.as_bytes();
    let mut start = 0;
    for (i, c) in fragment.char_indices() {
        let vso_bracket = c == '[' && i >= 5 && bytes[i - 5..i].eq_ignore_ascii_case(b"##vso");
        if is_hidden(c) || vso_bracket {
            w.write_all(&bytes[start..i])?;
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                write!(w, "\\u{:04x}", u)?;
            }
            start = i + c.len_utf8();
        }
    }
    w.write_all(&bytes[start..])
}

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $name<W: ?Sized + io::Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.inner.$name(w $(, $arg)*)
        }
    )*};
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for JsonEscapes<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_escaped_fragment(w, fragment)
    }

    delegate! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
    }
}

/// Writes `value` as pretty JSON with [`JsonEscapes`].
pub fn write_json<T: serde::Serialize + ?Sized>(
    w: &mut dyn io::Write,
    value: &T,
    indent: &[u8],
) -> io::Result<()> {
    let formatter = JsonEscapes::new(serde_json::ser::PrettyFormatter::with_indent(indent));
    let mut ser = serde_json::Serializer::with_formatter(w, formatter);
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// Percent-encodes a relative path for a URI (RFC 3986): unreserved characters and `/` stay,
/// every other byte becomes `%XX`.
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shows_hidden_characters_visibly() {
        assert_eq!(text("Dev\u{200b}iceId"), "Dev\\u{200b}iceId");
        assert_ne!(text("Dev\u{200b}iceId"), text("DeviceId"));
        assert_eq!(text("a\x1b]0;title\x07b"), "a\\u{1b}]0;title\\u{7}b");
        assert_eq!(text("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(text("nul\0"), "nul\\u{0}");
        assert_eq!(text("\u{feff}x"), "\\u{feff}x");
    }

    #[test]
    fn breaks_ci_commands() {
        assert_eq!(text("::error::x"), "\\u{3a}:error::x");
        assert_eq!(text("a\n::error::x"), "a\\u{a}::error::x");
        assert_eq!(text("  ::error::x"), "  \\u{3a}:error::x");
        assert_eq!(
            text("x ##vso[task.setvariable]"),
            "x ##vso\\u{5b}task.setvariable]"
        );
        assert_eq!(text("##VSO[x"), "##VSO\\u{5b}x");
        assert!(matches!(text("plain: text"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_the_data() {
        let s = "a\u{200b}\u{1b}##vso[x]\u{85}\u{1F600}";
        let mut out = Vec::new();
        write_json(&mut out, s, b"  ").unwrap();
        let json = String::from_utf8(out).unwrap();
        assert!(!json.chars().any(is_hidden), "{json}");
        assert!(!json.contains("##vso["), "{json}");
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), s);
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("a b/c%d.yaml"), "a%20b/c%25d.yaml");
        assert_eq!(uri_path("nl\n::x"), "nl%0A%3A%3Ax");
    }

    proptest! {
        #[test]
        fn nothing_hidden_or_commanding_comes_out(s in any::<String>(), prefix in "(::|##vso\\[|\\n::)?") {
            let input = format!("{prefix}{s}");
            let out = text(&input);
            prop_assert!(!out.chars().any(is_hidden));
            prop_assert!(!out.trim_start().starts_with("::"));
            prop_assert!(!out.lines().any(|l| l.starts_with("::")));
            prop_assert!(!out.to_ascii_lowercase().contains("##vso["));
            let mut json = Vec::new();
            write_json(&mut json, &input, b"").unwrap();
            let json = String::from_utf8(json).unwrap();
            prop_assert!(!json.chars().any(is_hidden));
            prop_assert!(!json.to_ascii_lowercase().contains("##vso["));
            prop_assert_eq!(serde_json::from_str::<String>(&json).unwrap(), input);
        }

        #[test]
        fn clean_text_is_unchanged(s in "[a-zA-Z0-9 .,_/-]*") {
            prop_assert_eq!(text(&s), s.as_str());
        }
    }
}
