//! The compact series notation of rule unit tests, as `promtool test rules` writes it
//! ("Unit testing for rules", https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/):
//!
//! - `a` one sample; `_` a minute without samples;
//! - `a+bxn` is `a a+b a+2b … a+nb` (n + 1 samples), `a-bxn` counts down the same way;
//! - `axn` is `a` n + 1 times (short for `a+0xn`); `_xn` is n minutes without samples.
//!
//! Terms are separated by blanks. Prometheus's `stale` has no Azure counterpart (a metric
//! without samples in a minute simply has no point there): it is rejected with a hint to write
//! `_`. Values are finite decimal numbers (`-2`, `0.5`, `1e3`).
//!
//! The grammar is `grammar/series.ebnf`.

use std::fmt;

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::tag;
use nom::character::complete::{char, digit1, multispace0, one_of};
use nom::combinator::{opt, recognize};
use nom::number::complete::recognize_float;
use nom::sequence::preceded;

use crate::source::Span;

/// The most samples one series may expand to: a year of minutes and then some. A typo such
/// as `0x99999999999` is an error, not an allocation of terabytes.
pub const MAX_SAMPLES: u64 = 1_000_000;

/// One term of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Term {
    /// `a`.
    Value(f64),
    /// `a+bxn` / `a-bxn`: `start`, then `times` further samples each `step` apart (`step` is
    /// negative for `-`).
    Ramp { start: f64, step: f64, times: u64 },
    /// `axn`: `value`, `times + 1` times.
    Repeat { value: f64, times: u64 },
    /// `_` (`times` = 1) or `_xn`.
    Missing { times: u64 },
}

impl Term {
    /// How many samples (or gaps) the term stands for.
    pub fn len(&self) -> u64 {
        match *self {
            Term::Value(_) => 1,
            Term::Ramp { times, .. } | Term::Repeat { times, .. } => times.saturating_add(1),
            Term::Missing { times } => times,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Term::Value(v) => write!(f, "{v}"),
            Term::Ramp { start, step, times } => {
                let sign = if step.is_sign_negative() { '-' } else { '+' };
                write!(f, "{start}{sign}{}x{times}", step.abs())
            }
            Term::Repeat { value, times } => write!(f, "{value}x{times}"),
            Term::Missing { times: 1 } => f.write_str("_"),
            Term::Missing { times } => write!(f, "_x{times}"),
        }
    }
}

/// A term with its byte range in the notation text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpannedTerm {
    pub term: Term,
    pub span: Span,
}

/// Why a notation does not parse, at a byte range of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

/// Prints terms in the notation (the canonical form: `parse(print(t)) == t`).
pub fn print(terms: &[Term]) -> String {
    terms
        .iter()
        .map(Term::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Expands terms into one entry per interval: a sample, or `None` for a gap.
pub fn expand(terms: &[Term]) -> Vec<Option<f64>> {
    let mut out = Vec::new();
    for t in terms {
        match *t {
            Term::Value(v) => out.push(Some(v)),
            Term::Ramp { start, step, times } => {
                out.extend((0..=times).map(|k| Some(start + step * k as f64)));
            }
            Term::Repeat { value, times } => out.extend((0..=times).map(|_| Some(value))),
            Term::Missing { times } => out.extend((0..times).map(|_| None)),
        }
    }
    out
}

/// Parses a series notation. Every term is checked (the first bad one is reported), the values
/// must be finite, and the whole must expand to at most [`MAX_SAMPLES`] entries.
pub fn parse(text: &str) -> Result<Vec<SpannedTerm>, SeriesError> {
    let mut terms = Vec::new();
    let mut rest = text;
    let offset = |rest: &str| text.len() - rest.len();
    let mut total: u64 = 0;
    loop {
        let (after_blank, _) = ws0(rest).unwrap_or((rest, ""));
        rest = after_blank;
        if rest.is_empty() {
            break;
        }
        let start = offset(rest);
        let Ok((after, term)) = term(rest) else {
            return Err(bad_term(text, start));
        };
        let end = offset(after);
        // A term must end at a blank or at the end: `1+2x3y` is one bad term, not two.
        if after
            .chars()
            .next()
            .is_some_and(|c| !c.is_ascii_whitespace())
        {
            return Err(bad_term(text, start));
        }
        let span = Span::new(start, end);
        let term = check(term, span)?;
        total = total.saturating_add(term.len());
        if total > MAX_SAMPLES {
            return Err(SeriesError {
                message: format!("the series expands to more than {MAX_SAMPLES} samples"),
                span,
                help: Some("a test needs minutes or hours of data, not years".into()),
            });
        }
        terms.push(SpannedTerm { term, span });
        rest = after;
    }
    if terms.is_empty() {
        return Err(SeriesError {
            message: "the series has no values".into(),
            span: Span::new(0, text.len()),
            help: Some("write values such as `0 0 1+1x5 _x3`".into()),
        });
    }
    Ok(terms)
}

/// Non-finite values and counts too large for `u64` are errors, located at the term.
fn check(raw: RawTerm, span: Span) -> Result<Term, SeriesError> {
    let number = |s: &str| -> Result<f64, SeriesError> {
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(SeriesError {
                message: format!("`{s}` is too large for a metric value"),
                span,
                help: None,
            }),
        }
    };
    let count = |s: &str| -> Result<u64, SeriesError> {
        s.parse::<u64>().map_err(|_| SeriesError {
            message: format!("`{s}` is too many repetitions"),
            span,
            help: Some(format!("a series holds at most {MAX_SAMPLES} samples")),
        })
    };
    Ok(match raw {
        RawTerm::Missing(None) => Term::Missing { times: 1 },
        RawTerm::Missing(Some(n)) => Term::Missing { times: count(n)? },
        RawTerm::Value(v, None) => Term::Value(number(v)?),
        RawTerm::Value(v, Some((None, n))) => Term::Repeat {
            value: number(v)?,
            times: count(n)?,
        },
        RawTerm::Value(v, Some((Some((sign, step)), n))) => {
            let step = number(step)?;
            Term::Ramp {
                start: number(v)?,
                step: if sign == '-' { -step } else { step },
                times: count(n)?,
            }
        }
    })
}

fn bad_term(text: &str, start: usize) -> SeriesError {
    // Blanks are ASCII (as the parser reads them); the word is at least its first character,
    // whole, so the span always falls on character boundaries.
    let first = text[start..].chars().next().map_or(0, char::len_utf8);
    let end = text[start + first..]
        .find(|c: char| c.is_ascii_whitespace())
        .map_or(text.len(), |i| start + first + i);
    let word = &text[start..end];
    let help = if word.eq_ignore_ascii_case("stale") {
        "Azure metrics have no staleness marker: write `_` for a minute without samples".to_string()
    } else {
        "terms are `a`, `a+bxn`, `a-bxn`, `axn`, `_` and `_xn` (e.g. `0+1x10`, `_x3`), separated by blanks"
            .to_string()
    };
    SeriesError {
        message: format!("`{word}` is not a series term"),
        span: Span::new(start, end),
        help: Some(help),
    }
}

/// A term as text pieces, before the numbers are converted.
enum RawTerm<'a> {
    Missing(Option<&'a str>),
    /// The value, then `x n` with an optional `+step`/`-step`.
    Value(&'a str, Option<(Option<(char, &'a str)>, &'a str)>),
}

fn ws0(i: &str) -> IResult<&str, &str> {
    multispace0(i)
}

fn term(i: &str) -> IResult<&str, RawTerm<'_>> {
    if let Ok((rest, _)) = char::<&str, nom::error::Error<&str>>('_').parse(i) {
        let (rest, n) = opt(preceded(char('x'), digit1)).parse(rest)?;
        return Ok((rest, RawTerm::Missing(n)));
    }
    let (rest, value) = number(i)?;
    let (rest, tail) =
        opt((opt((one_of("+-"), number)), preceded(tag("x"), digit1))).parse(rest)?;
    Ok((rest, RawTerm::Value(value, tail)))
}

/// A finite decimal number; `inf` and `nan` are not numbers here.
fn number(i: &str) -> IResult<&str, &str> {
    recognize((opt(one_of("+-")), recognize_float_unsigned)).parse(i)
}

fn recognize_float_unsigned(i: &str) -> IResult<&str, &str> {
    // `recognize_float` takes its own sign; the caller has taken one already.
    match i.chars().next() {
        Some(c) if c.is_ascii_digit() || c == '.' => recognize_float(i),
        _ => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Float,
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<Option<f64>> {
        let terms: Vec<Term> = parse(text).unwrap().into_iter().map(|t| t.term).collect();
        expand(&terms)
    }

    #[test]
    fn expands_as_promtool_documents() {
        assert_eq!(values("-2+4x3"), [-2.0, 2.0, 6.0, 10.0].map(Some));
        assert_eq!(values(" 1-2x4"), [1.0, -1.0, -3.0, -5.0, -7.0].map(Some));
        assert_eq!(values("1x4"), [1.0; 5].map(Some));
        assert_eq!(values("1 _x3 2"), [Some(1.0), None, None, None, Some(2.0)]);
        assert_eq!(values("0+1x10").len(), 11);
        assert_eq!(values("_"), [None]);
        assert_eq!(values("1.5e1 .5 -0.25"), [15.0, 0.5, -0.25].map(Some));
        assert_eq!(values("1\n  2\t3"), [1.0, 2.0, 3.0].map(Some));
    }

    #[test]
    fn bad_terms_are_located() {
        let e = parse("0 1 stale 2").unwrap_err();
        assert_eq!(e.span, Span::new(4, 9));
        assert!(e.help.unwrap().contains("no staleness marker"));
        let e = parse("0 1+2y3").unwrap_err();
        assert_eq!(e.span, Span::new(2, 7));
        assert_eq!(e.message, "`1+2y3` is not a series term");
        let e = parse("1 2 inf").unwrap_err();
        assert_eq!(e.span, Span::new(4, 7));
        let e = parse("1 2x").unwrap_err();
        assert_eq!(e.span, Span::new(2, 4));
        let e = parse("   ").unwrap_err();
        assert_eq!(e.message, "the series has no values");
        let e = parse("0x99999999999").unwrap_err();
        assert!(e.message.contains("more than"), "{e:?}");
        let e = parse("1e999").unwrap_err();
        assert!(e.message.contains("too large"), "{e:?}");
        let e = parse("1 0x99999999999999999999999").unwrap_err();
        assert_eq!(e.span, Span::new(2, 27));
    }

    #[test]
    fn a_unicode_blank_is_part_of_a_bad_term_and_spans_whole_characters() {
        // Found by the series fuzz target: a blank outside ASCII after a term.
        let text = "1\u{2003}2";
        let e = parse(text).unwrap_err();
        assert_eq!(e.span, Span::new(0, text.len()));
        let text = "0 \u{a0}x";
        let e = parse(text).unwrap_err();
        assert_eq!(e.span, Span::new(2, text.len()));
        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
    }

    #[test]
    fn prints_canonically() {
        let terms: Vec<Term> = parse("1  2+0.5x3 4-1x2 5x2 _ _x4")
            .unwrap()
            .into_iter()
            .map(|t| t.term)
            .collect();
        assert_eq!(print(&terms), "1 2+0.5x3 4-1x2 5x2 _ _x4");
    }
}
