//! The canonical form of a log condition: CLI aggregation names, lower-case keywords, one
//! blank between tokens, the query in single quotes (`\'` and `\\` escaped), a measure column
//! in double quotes, and the failing periods in the long form the CLI's help shows.

use std::fmt::Write;

use super::LogCondition;
use crate::vocab::DimensionOperator;

/// Prints a condition in canonical form; `parse(print(c)) == c`.
pub fn print(c: &LogCondition) -> String {
    let mut out = String::with_capacity(64 + c.query.value.len());
    out.push_str(c.aggregation.value.cli());
    out.push(' ');
    if let Some(m) = &c.measure {
        out.push('"');
        for ch in m.value.chars() {
            if ch == '"' || ch == '\\' {
                out.push('\\');
            }
            out.push(ch);
        }
        out.push_str("\" from ");
    }
    out.push('\'');
    for ch in c.query.value.chars() {
        if ch == '\'' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push_str("' ");
    out.push_str(c.operator.value.symbol());
    // `{}` writes every finite f64 in plain decimal digits, the shortest that reads back.
    let v = if c.threshold.value == 0.0 {
        0.0
    } else {
        c.threshold.value
    };
    let _ = write!(out, " {v}");
    if let Some(r) = &c.resource_id {
        let _ = write!(out, " resource id {}", r.value);
    }
    for (i, d) in c.dimensions.iter().enumerate() {
        out.push_str(if i == 0 { " where " } else { " and " });
        out.push_str(&d.name.value);
        out.push_str(match d.operator.value {
            DimensionOperator::Exclude => " excludes ",
            _ => " includes ",
        });
        let values: Vec<&str> = d.values.iter().map(|v| v.value.as_str()).collect();
        out.push_str(&values.join(" or "));
    }
    if let Some(f) = &c.failing {
        let _ = write!(
            out,
            " at least {} violations out of {} aggregated points",
            f.violations.value, f.points.value
        );
    }
    out
}
