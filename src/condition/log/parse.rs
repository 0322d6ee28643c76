//! The log condition parser: a tokenizer that keeps every token's span, then a committed
//! recursive descent whose error names the offending token and what was expected there.

use crate::source::Span;
use crate::suggest;
use crate::vocab::{Aggregation, DimensionOperator, Operator};

use super::super::At;
use super::super::ParseError;
use super::{Failing, LogCondition, LogDimension, Offsets};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    /// A quoted string, decoded, with the offset of each byte (and its end) in the text.
    Quoted(String, Vec<usize>),
    Op(String),
    Comma,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_op(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '!')
}

fn error(span: Span, message: impl Into<String>, help: Option<String>) -> ParseError {
    ParseError {
        span,
        message: message.into(),
        help,
    }
}

fn tokens(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    while i < src.len() {
        let c = src[i..].chars().next().expect("in bounds");
        if is_blank(c) {
            i += 1;
            continue;
        }
        let start = i;
        if c == '\'' || c == '"' {
            let mut text = String::new();
            let mut offsets = Vec::new();
            i += 1;
            loop {
                let Some(d) = src[i..].chars().next() else {
                    return Err(error(
                        Span::new(start, start + 1),
                        "this quote is never closed",
                        Some(format!("close the query with {c}")),
                    ));
                };
                if d == c {
                    i += 1;
                    break;
                }
                if d == '\\'
                    && let Some(e) = src[i + 1..].chars().next()
                    && (e == '\'' || e == '"' || e == '\\')
                {
                    offsets.push(i);
                    text.push(e);
                    i += 2;
                    continue;
                }
                for k in 0..d.len_utf8() {
                    offsets.push(i + k);
                }
                text.push(d);
                i += d.len_utf8();
            }
            offsets.push(i - 1);
            out.push(Token {
                tok: Tok::Quoted(text, offsets),
                span: Span::new(start, i),
            });
        } else if is_op(c) {
            while i < b.len() && is_op(b[i] as char) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Op(src[start..i].to_string()),
                span: Span::new(start, i),
            });
        } else if c == ',' {
            i += 1;
            out.push(Token {
                tok: Tok::Comma,
                span: Span::new(start, i),
            });
        } else {
            while let Some(d) = src[i..].chars().next() {
                let decimal_comma = d == ','
                    && i > start
                    && b[i - 1].is_ascii_digit()
                    && b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if is_blank(d) || d == '\'' || d == '"' || is_op(d) || (d == ',' && !decimal_comma)
                {
                    break;
                }
                i += d.len_utf8();
            }
            out.push(Token {
                tok: Tok::Word(src[start..i].to_string()),
                span: Span::new(start, i),
            });
        }
    }
    Ok(out)
}

/// Words that cannot name a dimension or a column: they end or join the clauses around them.
const KEYWORDS: [&str; 5] = ["where", "includes", "excludes", "and", "or"];

fn is_keyword(w: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(w))
}

fn word_chars(w: &str) -> bool {
    w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The characters of a column name after `resource id` or of a bare measure column.
fn column_chars(w: &str) -> bool {
    w.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '\\' | ':' | '%' | '-' | '|')
    })
}

fn value_chars(w: &str) -> bool {
    w.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '-' | '.' | '*' | ':' | '~' | '|' | '%' | '_' | ',')
    })
}

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.at)
    }

    fn end(&self) -> Span {
        let e = self.src.trim_end().len();
        Span::new(e, e)
    }

    fn here(&self) -> Span {
        self.peek().map_or(self.end(), |t| t.span)
    }

    fn is_word(&self, k: &str) -> bool {
        self.is_word_at(self.at, k)
    }

    fn is_word_at(&self, i: usize, k: &str) -> bool {
        matches!(self.toks.get(i), Some(Token { tok: Tok::Word(w), .. }) if w.eq_ignore_ascii_case(k))
    }

    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the condition".to_string(),
            Some(t) => format!("`{}`", &self.src[t.span.start..t.span.end]),
        }
    }

    /// Takes the keyword `k` or fails saying what was expected.
    fn keyword(&mut self, k: &str, what: &str) -> Result<Span, ParseError> {
        if self.is_word(k) {
            self.at += 1;
            return Ok(self.toks[self.at - 1].span);
        }
        Err(error(
            self.here(),
            format!("expected `{k}` {what}, found {}", self.found()),
            None,
        ))
    }

    fn word(&mut self, what: &str) -> Result<At<String>, ParseError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Word(w),
                span,
            }) => {
                let r = At::new(w.clone(), *span);
                self.at += 1;
                Ok(r)
            }
            _ => Err(error(
                self.here(),
                format!("expected {what}, found {}", self.found()),
                None,
            )),
        }
    }

    fn count(&mut self, what: &str) -> Result<At<u32>, ParseError> {
        let w = self.word(what)?;
        match w.value.parse::<u32>() {
            Ok(n) => Ok(At::new(n, w.span)),
            Err(_) => Err(error(
                w.span,
                format!("expected {what}, found `{}`", w.value),
                Some("write a whole number, such as 1 or 5".to_string()),
            )),
        }
    }
}

/// Parses one log condition. Blanks (and newlines) between tokens and at either end are
/// allowed; keywords are matched case-insensitively.
pub fn parse(src: &str) -> Result<LogCondition, ParseError> {
    let toks = tokens(src)?;
    let mut p = Parser { src, toks, at: 0 };

    // Aggregation.
    let agg = p.word("an aggregation (avg, min, max, total, count)")?;
    let aggregation = Aggregation::ALL
        .into_iter()
        .find(|a| a.cli().eq_ignore_ascii_case(&agg.value))
        .ok_or_else(|| {
            error(
                agg.span,
                format!(
                    "`{}` is not an aggregation: expected avg, min, max, total or count",
                    agg.value
                ),
                suggest::did_you_mean(&agg.value, Aggregation::ALL.map(Aggregation::cli)),
            )
        })?;

    // `"COLUMN" from`, or `COLUMN [COLUMN…] from`, before the query.
    let from_at = (p.at..p.toks.len())
        .take_while(|&i| !matches!(p.toks[i].tok, Tok::Op(_)))
        .find(|&i| p.is_word_at(i, "from"));
    let measure = match from_at {
        Some(f) if f > p.at => {
            let first = p.toks[p.at].span;
            let last = p.toks[f - 1].span;
            let m = match &p.toks[p.at].tok {
                Tok::Quoted(s, _) if f == p.at + 1 => {
                    At::new(s.clone(), Span::new(first.start + 1, first.end - 1))
                }
                _ => {
                    let text = &src[first.start..last.end];
                    if let Some(bad) = p.toks[p.at..f]
                        .iter()
                        .find(|t| !matches!(&t.tok, Tok::Word(w) if column_chars(w)))
                    {
                        return Err(error(
                            bad.span,
                            format!(
                                "`{}` cannot be part of a measure column",
                                &src[bad.span.start..bad.span.end]
                            ),
                            Some("quote the column: \"COLUMN\" from".to_string()),
                        ));
                    }
                    At::new(text.to_string(), Span::new(first.start, last.end))
                }
            };
            p.at = f + 1;
            Some(m)
        }
        Some(_) => {
            return Err(error(
                p.here(),
                "expected the measure column before `from`",
                Some("write \"COLUMN\" from 'Placeholder_1', or leave both out".to_string()),
            ));
        }
        None => None,
    };

    // The query, in quotes.
    let (query, query_offsets) = match p.peek() {
        Some(Token {
            tok: Tok::Quoted(s, offsets),
            span,
        }) => {
            let r = (
                At::new(s.clone(), Span::new(span.start + 1, span.end - 1)),
                Offsets(offsets.clone()),
            );
            p.at += 1;
            r
        }
        _ => {
            return Err(error(
                p.here(),
                format!("expected the query in quotes, found {}", p.found()),
                Some(
                    "write the query's placeholder in quotes ('Placeholder_1') and define it \
                     with --condition-query Placeholder_1=\"…\""
                        .to_string(),
                ),
            ));
        }
    };

    // Operator.
    let operator = match p.peek() {
        Some(Token {
            tok: Tok::Op(o),
            span,
        }) => {
            let op = match o.as_str() {
                "=" => Operator::Equals,
                "!=" => Operator::NotEquals,
                ">" => Operator::GreaterThan,
                ">=" => Operator::GreaterThanOrEqual,
                "<" => Operator::LessThan,
                "<=" => Operator::LessThanOrEqual,
                _ => {
                    let help = match o.as_str() {
                        "==" => Some("write `=`".to_string()),
                        "=>" => Some("write `>=`".to_string()),
                        "=<" => Some("write `<=`".to_string()),
                        _ => None,
                    };
                    return Err(error(
                        *span,
                        format!("`{o}` is not an operator: expected = != > >= < <="),
                        help,
                    ));
                }
            };
            let r = At::new(op, *span);
            p.at += 1;
            r
        }
        _ => {
            return Err(error(
                p.here(),
                format!(
                    "expected an operator (= != > >= < <=) after the query, found {}",
                    p.found()
                ),
                None,
            ));
        }
    };

    // Threshold: digits, with an optional `.` or `,` fraction.
    let t = p.word("a threshold (a number)")?;
    let number = {
        let (int, frac) = match t.value.split_once(['.', ',']) {
            Some((i, f)) => (i, Some(f)),
            None => (t.value.as_str(), None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(int) && frac.is_none_or(digits))
            .then(|| t.value.replace(',', ".").parse::<f64>().ok())
            .flatten()
    };
    let threshold = match number {
        Some(v) if v.is_finite() => At::new(v, t.span),
        _ => {
            return Err(error(
                t.span,
                format!("expected a threshold (a number), found `{}`", t.value),
                Some("write digits with an optional fraction, such as 0, 5 or 2.5".to_string()),
            ));
        }
    };

    // `resource id COLUMN`.
    let resource_id = if p.is_word("resource") {
        p.at += 1;
        p.keyword("id", "after `resource`")?;
        let c = p.word("the resource id column")?;
        if !column_chars(&c.value) || is_keyword(&c.value) {
            return Err(error(
                c.span,
                format!("`{}` is not a column name", c.value),
                None,
            ));
        }
        Some(c)
    } else {
        None
    };

    // `where DIM includes|excludes V [or V]… [and DIM …]`.
    let mut dimensions = Vec::new();
    if p.is_word("where") {
        p.at += 1;
        loop {
            dimensions.push(dimension(&mut p)?);
            let next_is_dimension = matches!(
                p.peek(),
                Some(Token {
                    tok: Tok::Comma,
                    ..
                })
            ) || p.is_word("and");
            if !next_is_dimension {
                break;
            }
            p.at += 1;
        }
    }

    // `at least N [violations] out of M [aggregated points]`.
    let failing = if p.is_word("at") {
        let start = p.here().start;
        p.at += 1;
        p.keyword("least", "after `at`")?;
        let violations = p.count("the number of violations")?;
        if p.is_word("violations") {
            p.at += 1;
        }
        p.keyword("out", "after the number of violations")?;
        p.keyword("of", "after `out`")?;
        let points = p.count("the number of aggregated points")?;
        let mut end = points.span.end;
        if p.is_word("aggregated") {
            p.at += 1;
            end = p.keyword("points", "after `aggregated`")?.end;
        }
        Some(Failing {
            span: At::new((), Span::new(start, end)),
            violations,
            points,
        })
    } else {
        None
    };

    if let Some(t) = p.peek() {
        let expected = if failing.is_some() {
            "the end of the condition"
        } else if !dimensions.is_empty() {
            "`and`, `or`, `at least …` or the end of the condition"
        } else if resource_id.is_some() {
            "`where`, `at least …` or the end of the condition"
        } else {
            "`resource id`, `where`, `at least …` or the end of the condition"
        };
        return Err(error(
            t.span,
            format!(
                "unexpected `{}`: expected {expected}",
                &src[t.span.start..t.span.end]
            ),
            Some(
                "the clauses come in this order: resource id COLUMN, where …, at least N \
                 violations out of M aggregated points"
                    .to_string(),
            ),
        ));
    }

    Ok(LogCondition {
        aggregation: At::new(aggregation, agg.span),
        measure,
        query,
        query_offsets,
        operator,
        threshold,
        resource_id,
        dimensions,
        failing,
    })
}

fn dimension(p: &mut Parser) -> Result<LogDimension, ParseError> {
    let name = p.word("a dimension name")?;
    if !word_chars(&name.value) || is_keyword(&name.value) {
        return Err(error(
            name.span,
            format!("`{}` is not a dimension name", name.value),
            Some("a dimension is a column of the query's result: letters, digits and _".into()),
        ));
    }
    let op = p.word("includes or excludes")?;
    let operator = if op.value.eq_ignore_ascii_case("includes") {
        DimensionOperator::Include
    } else if op.value.eq_ignore_ascii_case("excludes") {
        DimensionOperator::Exclude
    } else {
        return Err(error(
            op.span,
            format!("expected includes or excludes, found `{}`", op.value),
            suggest::did_you_mean(&op.value, ["includes", "excludes"]),
        ));
    };
    let mut values = Vec::new();
    loop {
        values.push(value(p)?);
        // `,` then `NAME includes|excludes` starts the next dimension, not a value.
        let comma = matches!(
            p.peek(),
            Some(Token {
                tok: Tok::Comma,
                ..
            })
        );
        let next_dimension =
            comma && (p.is_word_at(p.at + 2, "includes") || p.is_word_at(p.at + 2, "excludes"));
        if (comma && !next_dimension) || p.is_word("or") {
            p.at += 1;
            continue;
        }
        break;
    }
    Ok(LogDimension {
        name,
        operator: At::new(operator, op.span),
        values,
    })
}

/// One value: words up to `or`, `and`, `,` or `at least`, kept with the blanks between them.
fn value(p: &mut Parser) -> Result<At<String>, ParseError> {
    let first = p.at;
    while let Some(Token {
        tok: Tok::Word(w), ..
    }) = p.peek()
    {
        let stop = w.eq_ignore_ascii_case("or")
            || w.eq_ignore_ascii_case("and")
            || (w.eq_ignore_ascii_case("at") && p.is_word_at(p.at + 1, "least"));
        if stop {
            break;
        }
        if !value_chars(w) {
            let span = p.toks[p.at].span;
            return Err(error(
                span,
                format!("`{w}` cannot be part of a dimension value"),
                Some("values hold letters, digits and - . * : ~ | % _".to_string()),
            ));
        }
        p.at += 1;
    }
    if p.at == first {
        return Err(error(
            p.here(),
            format!("expected a dimension value, found {}", p.found()),
            Some("write a value, or * for every value".to_string()),
        ));
    }
    let span = Span::new(p.toks[first].span.start, p.toks[p.at - 1].span.end);
    Ok(At::new(p.src[span.start..span.end].to_string(), span))
}
