//! The canonical form of a condition: CLI aggregation names, lower-case keywords, one blank
//! between tokens, names quoted with `"` when they are not a single word.

use std::fmt::Write;

use super::{Condition, ConditionThreshold};
use crate::vocab::DimensionOperator;

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn name(out: &mut String, s: &str) {
    if is_word(s) {
        out.push_str(s);
    } else if s.contains('"') {
        let _ = write!(out, "'{s}'");
    } else {
        let _ = write!(out, "\"{s}\"");
    }
}

/// Prints a condition in canonical form; `parse(print(c)) == c`.
pub fn print(c: &Condition) -> String {
    let mut out = String::with_capacity(64);
    out.push_str(c.aggregation.value.cli());
    out.push(' ');
    if let Some(ns) = &c.namespace {
        out.push_str(ns.value);
        out.push('.');
    }
    name(&mut out, c.metric.value);
    out.push(' ');
    out.push_str(c.operator.value.symbol());
    out.push(' ');
    match &c.threshold {
        ConditionThreshold::Static(t) => {
            // `{}` writes every finite f64 in plain decimal digits (never an exponent), the
            // shortest that reads back to the same number; -0 is 0 (the grammar has no sign).
            let v = if t.value == 0.0 { 0.0 } else { t.value };
            let _ = write!(out, "{v}");
        }
        ConditionThreshold::Dynamic {
            sensitivity,
            violations,
            windows,
            since,
            ..
        } => {
            let _ = write!(
                out,
                "dynamic {} {} of {}",
                sensitivity.value.as_str().to_ascii_lowercase(),
                violations.value,
                windows.value
            );
            if let Some(s) = since {
                let _ = write!(out, " since {}", s.value);
            }
        }
    }
    for (i, d) in c.dimensions.iter().enumerate() {
        out.push_str(if i == 0 { " where " } else { " and " });
        name(&mut out, d.name.value);
        out.push_str(match d.operator.value {
            DimensionOperator::Exclude => " excludes ",
            _ => " includes ",
        });
        for (j, v) in d.values.iter().enumerate() {
            if j > 0 {
                out.push_str(" or ");
            }
            out.push_str(v.value);
        }
    }
    if c.skip_metric_validation.is_some() {
        out.push_str(" with skipmetricvalidation");
    }
    out
}
