//! The condition parser: nom combinators for the tokens, a committed recursive descent for the
//! structure, and an error that names the offending token's span and what was expected there.

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{char, digit1, one_of, space0, space1};
use nom::combinator::{opt, recognize};
use nom::sequence::pair;

use crate::source::Span;
use crate::suggest;
use crate::vocab::{Aggregation, DimensionOperator, Operator, Sensitivity};

use super::{At, Condition, ConditionDimension, ConditionThreshold};

type NomResult<'a, T> = IResult<&'a str, T, nom::error::Error<&'a str>>;

/// Why a condition does not parse: the span of the offending token (empty at the end of the
/// text), what was expected there, and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// The operators, as the error message lists them.
pub const OPERATORS: &str = "> >= < <= = != ><";
const KEYWORDS_AFTER_THRESHOLD: [&str; 2] = ["where", "with"];
/// Keywords that cannot stand as a word inside a value. `or`, `and` and `with` followed by a
/// blank end the value; glued to a comma (`x or, y`) they would be read as part of it and
/// printed back as a separator, changing the values (found by fuzzing), so they are refused
/// as words too, as the CLI's lexer does.
const VALUE_KEYWORDS: [&str; 10] = [
    "where",
    "includes",
    "excludes",
    "dynamic",
    "of",
    "since",
    "skipmetricvalidation",
    "or",
    "and",
    "with",
];

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_operator_char(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '!')
}

/// Characters of a bare metric name (the CLI's `metric` rule).
fn is_metric_char(c: char) -> bool {
    is_word(c) || is_space(c) || matches!(c, '.' | '/' | '\\' | ':' | '%' | '-' | ',' | '|')
}

/// Characters of a namespace (the CLI's `namespace` rule).
fn is_namespace_char(c: char) -> bool {
    is_word(c) || matches!(c, '/' | '.')
}

/// Characters of a dimension value (the CLI's `dim_value` rule).
fn is_value_char(c: char) -> bool {
    is_word(c) || is_space(c) || matches!(c, '-' | '.' | '*' | ':' | '~' | ',' | '|' | '%' | '_')
}

fn is_datetime_char(c: char) -> bool {
    is_word(c) || matches!(c, '.' | '-' | ':' | '+')
}

/// Parses one condition. Leading and trailing blanks and a trailing newline are allowed.
pub fn parse(src: &str) -> Result<Condition<'_>, ParseError> {
    Cursor { src }.condition()
}

struct Cursor<'a> {
    src: &'a str,
}

impl<'a> Cursor<'a> {
    fn off(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    fn span(&self, rest: &str, len: usize) -> Span {
        let o = self.off(rest);
        Span::new(o, o + len)
    }

    /// The token at `rest` (up to the next blank), for error spans.
    fn token(&self, rest: &str) -> Span {
        let len = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(rest.len(), |(i, _)| i);
        let len = if len == 0 {
            rest.chars().next().map_or(0, char::len_utf8)
        } else {
            len
        };
        self.span(rest, len)
    }

    fn error(&self, rest: &str, message: impl Into<String>, help: Option<String>) -> ParseError {
        ParseError {
            span: self.token(rest),
            message: message.into(),
            help,
        }
    }

    fn found(rest: &str) -> String {
        match rest.split_whitespace().next() {
            None => "the end of the condition".to_string(),
            Some(t) => format!("`{t}`"),
        }
    }

    /// One or more blanks, or an error naming what should follow.
    fn blanks(&self, rest: &'a str, before: &str) -> Result<&'a str, ParseError> {
        let r: NomResult<&str> = space1(rest);
        r.map(|(rest, _)| rest).map_err(|_| {
            self.error(
                rest,
                format!(
                    "expected a space before {before}, found {}",
                    Self::found(rest)
                ),
                None,
            )
        })
    }

    fn word(rest: &'a str) -> NomResult<'a, &'a str> {
        take_while1(is_word)(rest)
    }

    /// A keyword (ASCII letters in any case: every keyword is ASCII) followed by a blank or the
    /// end. Not nom's `tag_no_case`, which folds Unicode case character by character: that was a
    /// third of the time spent parsing a condition.
    fn keyword<'s>(rest: &'s str, kw: &str) -> Option<&'s str> {
        let after = rest
            .get(..kw.len())
            .filter(|head| head.eq_ignore_ascii_case(kw))
            .map(|_| &rest[kw.len()..])?;
        (after.is_empty() || after.starts_with(is_space) || after.starts_with(['\r', '\n']))
            .then_some(after)
    }

    fn condition(&self) -> Result<Condition<'a>, ParseError> {
        let r: NomResult<&str> = space0(self.src);
        let (rest, _) = r.map_err(|_| self.error(self.src, "unreadable condition", None))?;

        // aggregation
        let start = rest;
        let (_, agg_text) = Self::word(start).map_err(|_| {
            self.error(
                rest,
                format!(
                    "expected an aggregation (avg, min, max, total, count), found {}",
                    Self::found(rest)
                ),
                None,
            )
        })?;
        let agg_span = self.span(start, agg_text.len());
        let aggregation = Aggregation::parse(agg_text).ok_or_else(|| ParseError {
            span: agg_span,
            message: format!("`{agg_text}` is not an aggregation"),
            help: Some(
                suggest::did_you_mean(agg_text, Aggregation::spellings())
                    .unwrap_or_else(|| "aggregations: avg, min, max, total, count".into()),
            ),
        })?;
        let rest = &self.src[agg_span.end..];
        let rest = self.blanks(rest, "the metric")?;

        // [namespace "."] metric
        let (rest, namespace, metric) = self.metric(rest)?;

        // operator
        let (rest, operator) = self.operator(rest)?;
        let r: NomResult<&str> = space0(rest);
        let rest = r.map(|(r, _)| r).unwrap_or(rest);

        // threshold | dynamic
        let (mut rest, threshold) = self.threshold(rest)?;

        let mut dimensions = Vec::new();
        let mut skip = None;
        let mut seen_where = false;
        loop {
            let r: NomResult<&str> = space0(rest);
            let after_blank = r.map(|(r, _)| r).unwrap_or(rest);
            if after_blank
                .trim_end_matches(['\r', '\n', ' ', '\t'])
                .is_empty()
            {
                break;
            }
            if after_blank.len() == rest.len() {
                return Err(self.error(
                    rest,
                    format!(
                        "expected `where`, `with` or the end of the condition, found {}",
                        Self::found(rest)
                    ),
                    None,
                ));
            }
            if !seen_where
                && skip.is_none()
                && let Some(r) = Self::keyword(after_blank, "where")
            {
                seen_where = true;
                rest = self.blanks(r, "the first dimension")?;
                rest = self.dimensions(rest, &mut dimensions)?;
                continue;
            }
            if skip.is_none()
                && let Some(r) = Self::keyword(after_blank, "with")
            {
                let r = self.blanks(r, "`skipmetricvalidation`")?;
                let Some(after) = Self::keyword(r, "skipmetricvalidation") else {
                    return Err(self.error(
                        r,
                        format!("expected `skipmetricvalidation`, found {}", Self::found(r)),
                        suggest::did_you_mean(
                            r.split_whitespace().next().unwrap_or(""),
                            ["skipmetricvalidation"],
                        ),
                    ));
                };
                skip = Some(At::new(
                    (),
                    Span::new(self.off(after_blank), self.off(after)),
                ));
                rest = after;
                continue;
            }
            let expected: Vec<&str> = match (seen_where, skip.is_some()) {
                (false, false) => vec!["where", "with"],
                (true, false) => vec!["with"],
                _ => vec![],
            };
            let word = after_blank.split_whitespace().next().unwrap_or("");
            let list = expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>();
            let message = if list.is_empty() {
                format!(
                    "expected the end of the condition, found {}",
                    Self::found(after_blank)
                )
            } else {
                format!(
                    "expected {} or the end of the condition, found {}",
                    list.join(", "),
                    Self::found(after_blank)
                )
            };
            let candidates: &[&str] = if expected.is_empty() {
                &[]
            } else {
                &KEYWORDS_AFTER_THRESHOLD
            };
            return Err(self.error(
                after_blank,
                message,
                suggest::did_you_mean(word, candidates.iter().copied()),
            ));
        }
        Ok(Condition {
            aggregation: At::new(aggregation, agg_span),
            namespace,
            metric,
            operator,
            threshold,
            dimensions,
            skip_metric_validation: skip,
        })
    }

    /// `[namespace "."] ("'" name "'" | '"' name '"' | bare name)`
    #[allow(clippy::type_complexity)]
    fn metric(
        &self,
        rest: &'a str,
    ) -> Result<(&'a str, Option<At<&'a str>>, At<&'a str>), ParseError> {
        // A namespace is a blank-free prefix ending in the last '.' before the name.
        let head_len = rest
            .find(|c: char| is_space(c) || is_operator_char(c) || c == '\'' || c == '"')
            .unwrap_or(rest.len());
        let head = &rest[..head_len];
        let mut namespace = None;
        let mut rest = rest;
        if let Some(dot) = head.rfind('.') {
            let ns = &head[..dot];
            let after = &rest[dot + 1..];
            let name_follows = dot + 1 < head_len || after.starts_with(['\'', '"']);
            if !ns.is_empty() && ns.chars().all(is_namespace_char) && name_follows {
                namespace = Some(At::new(ns, self.span(rest, ns.len())));
                rest = after;
            }
        }
        if let Some(q) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
            let inner = &rest[1..];
            let r: NomResult<&str> = take_while(|c: char| c != q && c != '\n')(inner);
            let (after, name) = r.map_err(|_| self.error(rest, "unreadable metric name", None))?;
            if !after.starts_with(q) {
                return Err(ParseError {
                    span: self.span(rest, 1),
                    message: format!("this quote {q} is never closed"),
                    help: Some(format!("close the metric name with {q}")),
                });
            }
            if name.trim().is_empty() {
                return Err(self.error(rest, "expected a metric name inside the quotes", None));
            }
            let metric = At::new(name, self.span(inner, name.len()));
            let after = &after[1..];
            let r: NomResult<&str> = space0(after);
            let after_blank = r.map(|(r, _)| r).unwrap_or(after);
            return Ok((after_blank, namespace, metric));
        }
        let r: NomResult<&str> = take_while(is_metric_char)(rest);
        let (after, raw) = r.map_err(|_| self.error(rest, "unreadable metric name", None))?;
        let name = raw.trim_end_matches(is_space);
        if name.is_empty() {
            return Err(self.error(
                rest,
                format!("expected a metric name, found {}", Self::found(rest)),
                None,
            ));
        }
        match after.chars().next() {
            Some(c) if is_operator_char(c) => {}
            None | Some('\r' | '\n') => {
                return Err(ParseError {
                    span: Span::new(self.off(after), self.off(after)),
                    message: format!("expected an operator after the metric: {OPERATORS}"),
                    help: None,
                });
            }
            Some(c) => {
                return Err(ParseError {
                    span: self.span(after, c.len_utf8()),
                    message: format!("`{c}` cannot appear in a metric name"),
                    help: Some(format!("the metric name ends at an operator: {OPERATORS}")),
                });
            }
        }
        Ok((after, namespace, At::new(name, self.span(rest, name.len()))))
    }

    fn operator(&self, rest: &'a str) -> Result<(&'a str, At<Operator>), ParseError> {
        let r: NomResult<&str> = take_while1(is_operator_char)(rest);
        let (after, text) = r.map_err(|_| {
            self.error(
                rest,
                format!(
                    "expected an operator: {OPERATORS}, found {}",
                    Self::found(rest)
                ),
                None,
            )
        })?;
        let span = self.span(rest, text.len());
        match Operator::parse(text).filter(|_| text != "==") {
            Some(op) => Ok((after, At::new(op, span))),
            None => Err(ParseError {
                span,
                message: format!("`{text}` is not an operator; expected one of {OPERATORS}"),
                help: {
                    // `=>` and `=<` are the commonest slips: the reversed operator is meant.
                    let reversed: String = text.chars().rev().collect();
                    Operator::parse(&reversed)
                        .filter(|_| reversed != "><")
                        .map(|_| format!("did you mean `{reversed}`?"))
                        .or_else(|| {
                            suggest::did_you_mean(text, ["<", "<=", "=", ">=", ">", "!=", "><"])
                        })
                        .or_else(|| Some(format!("operators: {OPERATORS}")))
                },
            }),
        }
    }

    fn number(rest: &'a str) -> NomResult<'a, &'a str> {
        recognize(pair(digit1, opt(pair(one_of(".,"), digit1)))).parse(rest)
    }

    fn threshold(&self, rest: &'a str) -> Result<(&'a str, ConditionThreshold<'a>), ParseError> {
        if let Some(r) = Self::keyword(rest, "dynamic") {
            let start = self.off(rest);
            let r = self.blanks(r, "the sensitivity")?;
            let (r2, sens_text) = Self::word(r).map_err(|_| {
                self.error(
                    r,
                    format!(
                        "expected a sensitivity (low, medium, high), found {}",
                        Self::found(r)
                    ),
                    None,
                )
            })?;
            let sens_span = self.span(r, sens_text.len());
            let sensitivity = Sensitivity::parse(sens_text).ok_or_else(|| ParseError {
                span: sens_span,
                message: format!("`{sens_text}` is not a sensitivity (low, medium, high)"),
                help: suggest::did_you_mean(sens_text, ["low", "medium", "high"]),
            })?;
            let r = self.blanks(r2, "the number of violations")?;
            let (r, violations) = self.count(r, "the number of violations")?;
            let r = self.blanks(r, "`of`")?;
            let Some(r) = Self::keyword(r, "of") else {
                return Err(self.error(
                    r,
                    format!("expected `of`, found {}", Self::found(r)),
                    None,
                ));
            };
            let r = self.blanks(r, "the number of windows")?;
            let (mut r, windows) = self.count(r, "the number of windows")?;
            let mut since = None;
            let r_blank: NomResult<&str> = space1(r);
            if let Ok((after_blank, _)) = r_blank
                && let Some(after) = Self::keyword(after_blank, "since")
            {
                let after = self.blanks(after, "the date")?;
                let d: NomResult<&str> = take_while1(is_datetime_char)(after);
                let (after_date, date) = d.map_err(|_| {
                    self.error(
                        after,
                        format!(
                            "expected a date and time such as 2026-01-01T00:00:00Z, found {}",
                            Self::found(after)
                        ),
                        None,
                    )
                })?;
                since = Some(At::new(date, self.span(after, date.len())));
                r = after_date;
            }
            let span = Span::new(start, self.off(r));
            return Ok((
                r,
                ConditionThreshold::Dynamic {
                    span: At::new((), span),
                    sensitivity: At::new(sensitivity, sens_span),
                    violations,
                    windows,
                    since,
                },
            ));
        }
        let (after, text) = Self::number(rest).map_err(|_| {
            self.error(
                rest,
                format!(
                    "expected a threshold (a number) or `dynamic`, found {}",
                    Self::found(rest)
                ),
                Some("thresholds are unsigned numbers such as 90 or 0.5".into()),
            )
        })?;
        // A decimal comma (`1,5`) reads as a point; only then is the text copied.
        let decimal = if text.contains(',') {
            std::borrow::Cow::Owned(text.replace(',', "."))
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        let value: f64 = decimal
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| ParseError {
                span: self.span(rest, text.len()),
                message: format!("threshold {text} is too large"),
                help: Some("thresholds are numbers up to about 1.8e308".into()),
            })?;
        Ok((
            after,
            ConditionThreshold::Static(At::new(value, self.span(rest, text.len()))),
        ))
    }

    fn count(&self, rest: &'a str, what: &str) -> Result<(&'a str, At<u32>), ParseError> {
        let r: NomResult<&str> = digit1(rest);
        let (after, digits) = r.map_err(|_| {
            self.error(
                rest,
                format!(
                    "expected {what} (a whole number), found {}",
                    Self::found(rest)
                ),
                None,
            )
        })?;
        let span = self.span(rest, digits.len());
        let n = digits.parse().map_err(|_| ParseError {
            span,
            message: format!("{what} is too large"),
            help: None,
        })?;
        Ok((after, At::new(n, span)))
    }

    /// `dimension (("and" | ",") dimension)*`
    fn dimensions(
        &self,
        mut rest: &'a str,
        out: &mut Vec<ConditionDimension<'a>>,
    ) -> Result<&'a str, ParseError> {
        loop {
            let (r, dim) = self.dimension(rest)?;
            out.push(dim);
            // What follows the last value: `and` / `, ` + a dimension, or something else.
            if let Some(next) = self.dimension_separator(r) {
                rest = next;
                continue;
            }
            return Ok(r);
        }
    }

    fn dimension_separator(&self, rest: &'a str) -> Option<&'a str> {
        if let Ok((r, _)) = space1::<&str, nom::error::Error<&str>>(rest)
            && let Some(after) = Self::keyword(r, "and")
        {
            return space1::<&str, nom::error::Error<&str>>(after)
                .ok()
                .map(|(r, _)| r);
        }
        let r: NomResult<char> = char(',')(rest);
        if let Ok((after, _)) = r
            && let Ok((after, _)) = space1::<&str, nom::error::Error<&str>>(after)
        {
            return Some(after);
        }
        None
    }

    /// Whether `rest` starts a dimension: `NAME includes|excludes`.
    fn starts_dimension(rest: &str) -> bool {
        let name_len = if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            match rest[1..].find(q) {
                Some(i) => i + 2,
                None => return false,
            }
        } else {
            rest.find(|c: char| !is_word(c)).unwrap_or(rest.len())
        };
        if name_len == 0 {
            return false;
        }
        let after = rest[name_len..].trim_start_matches(is_space);
        after.len() < rest.len() - name_len
            && (Self::keyword(after, "includes").is_some()
                || Self::keyword(after, "excludes").is_some())
    }

    fn dimension(&self, rest: &'a str) -> Result<(&'a str, ConditionDimension<'a>), ParseError> {
        // Name: a word, or (beyond the CLI) a quoted name such as "Vm Family Name".
        let (after_name, name) = if let Some(q) =
            rest.chars().next().filter(|c| *c == '"' || *c == '\'')
        {
            let inner = &rest[1..];
            let Some(end) = inner.find(q) else {
                return Err(ParseError {
                    span: self.span(rest, 1),
                    message: format!("this quote {q} is never closed"),
                    help: Some(format!("close the dimension name with {q}")),
                });
            };
            if inner[..end].trim().is_empty() {
                return Err(self.error(rest, "expected a dimension name inside the quotes", None));
            }
            (
                &inner[end + 1..],
                At::new(&inner[..end], self.span(inner, end)),
            )
        } else {
            let (after, name) = Self::word(rest).map_err(|_| {
                self.error(
                    rest,
                    format!("expected a dimension name, found {}", Self::found(rest)),
                    None,
                )
            })?;
            if name.eq_ignore_ascii_case("includes") || name.eq_ignore_ascii_case("excludes") {
                return Err(self.error(
                    rest,
                    format!("expected a dimension name before `{name}`"),
                    None,
                ));
            }
            (after, At::new(name, self.span(rest, name.len())))
        };
        let r = self.blanks(after_name, "`includes` or `excludes`")?;
        let op_text = r.split(|c: char| c.is_whitespace()).next().unwrap_or("");
        let operator = if let Some(a) = Self::keyword(r, "includes") {
            (a, DimensionOperator::Include)
        } else if let Some(a) = Self::keyword(r, "excludes") {
            (a, DimensionOperator::Exclude)
        } else {
            return Err(self.error(
                r,
                format!(
                    "expected `includes` or `excludes`, found {}",
                    Self::found(r)
                ),
                suggest::did_you_mean(op_text, ["includes", "excludes"]),
            ));
        };
        let op = At::new(operator.1, self.span(r, r.len() - operator.0.len()));
        if operator
            .0
            .trim_end_matches(['\r', '\n', ' ', '\t'])
            .is_empty()
        {
            return Err(ParseError {
                span: Span::new(self.off(operator.0), self.off(operator.0)),
                message: format!(
                    "expected a dimension value after `{}`",
                    &r[..r.len() - operator.0.len()]
                ),
                help: Some("list the values to match, or `*` for all".into()),
            });
        }
        let mut rest = self.blanks(operator.0, "the first value")?;
        let mut values = Vec::new();
        loop {
            let (after, value) = self.value(rest)?;
            values.push(value);
            // `or` / `, ` then another value, unless `, ` introduces the next dimension.
            if let Ok((r, _)) = space1::<&str, nom::error::Error<&str>>(after)
                && let Some(a) = Self::keyword(r, "or")
            {
                rest = self.blanks(a, "the next value")?;
                continue;
            }
            let after = if after.trim_start_matches(is_space).starts_with(',') {
                after.trim_start_matches(is_space)
            } else {
                after
            };
            if let Some(a) = after.strip_prefix(',')
                && let Ok((a, _)) = space1::<&str, nom::error::Error<&str>>(a)
                && !Self::starts_dimension(a)
            {
                rest = a;
                continue;
            }
            return Ok((
                after,
                ConditionDimension {
                    name,
                    operator: op,
                    values,
                },
            ));
        }
    }

    /// One value: value characters up to a separator (` or `, ` and `, ` with `, `, `) or the end.
    fn value(&self, rest: &'a str) -> Result<(&'a str, At<&'a str>), ParseError> {
        let mut end = 0;
        let bytes = rest.as_bytes();
        while end < rest.len() {
            let c = rest[end..].chars().next().expect("in bounds");
            if c == ','
                && bytes
                    .get(end + 1)
                    .is_some_and(|b| *b == b' ' || *b == b'\t')
            {
                break;
            }
            if is_space(c) {
                let after = rest[end..].trim_start_matches(is_space);
                if after.is_empty()
                    || after.starts_with(['\r', '\n'])
                    || after.starts_with(", ")
                    || after.starts_with(",\t")
                    || ["or", "and", "with"]
                        .iter()
                        .any(|k| Self::keyword(after, k).is_some())
                {
                    break;
                }
            } else if !is_value_char(c) {
                if c == '\r' || c == '\n' {
                    break;
                }
                return Err(ParseError {
                    span: self.span(&rest[end..], c.len_utf8()),
                    message: format!("`{c}` cannot appear in a dimension value"),
                    help: Some(
                        "values may hold letters, digits, blanks and - . * : ~ , | % _".into(),
                    ),
                });
            }
            end += c.len_utf8();
        }
        let value = rest[..end].trim_end_matches(is_space);
        // `, ` separates values, so a value ending in a comma could not be written back
        // unambiguously (found by fuzzing).
        if value.ends_with(',') {
            return Err(ParseError {
                span: self.span(&rest[value.len() - 1..], 1),
                message: "a dimension value cannot end with `,`".into(),
                help: Some("separate values with `or` or with `, `".into()),
            });
        }
        // Keywords are tokens of their own in the CLI's lexer: a value cannot hold one as a word.
        let mut word_at = 0;
        for word in value.split(is_space) {
            if VALUE_KEYWORDS.iter().any(|k| word.eq_ignore_ascii_case(k)) {
                return Err(ParseError {
                    span: self.span(&rest[word_at..], word.len()),
                    message: format!(
                        "`{word}` is a keyword and cannot appear in a dimension value"
                    ),
                    help: Some(
                        if ["or", "and", "with"]
                            .iter()
                            .any(|k| word.eq_ignore_ascii_case(k))
                        {
                            "between values write ` or ` or `, `; between dimensions ` and `; \
                         `with` starts `with skipmetricvalidation`"
                                .into()
                        } else {
                            "a condition has one `where`; join dimensions with `and`".into()
                        },
                    ),
                });
            }
            word_at += word.len() + 1;
        }
        if value.is_empty() {
            return Err(self.error(
                rest,
                format!("expected a dimension value, found {}", Self::found(rest)),
                None,
            ));
        }
        Ok((
            &rest[value.len()..],
            At::new(value, self.span(rest, value.len())),
        ))
    }
}
