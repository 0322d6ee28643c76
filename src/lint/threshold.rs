//! threshold-out-of-range, condition-never-fires, condition-always-fires,
//! invalid-dynamic-threshold.

use crate::model::{Criterion, DynamicThreshold, Threshold};
use crate::registry;
use crate::vocab::{Aggregation, Operator};

use super::RuleContext;

pub(super) fn check(ctx: &mut RuleContext, c: &Criterion, metric: Option<usize>) {
    match &c.threshold {
        None => {}
        Some(Threshold::Dynamic(d)) => dynamic(ctx, c, d),
        Some(Threshold::Static(t)) => {
            let (Some(m), Some(aggregation), Some(operator)) =
                (metric, &c.aggregation, &c.operator)
            else {
                return;
            };
            let Some((lo, hi)) = range(ctx, m, aggregation.value) else {
                return;
            };
            let metric = &ctx.catalog.metrics[m];
            let op = operator.value;
            let t_val = t.value;
            let range_text = match hi {
                Some(hi) => format!("{lo} to {hi}"),
                None => format!("{lo} or more"),
            };
            let what = format!(
                "{} ({} of a {} metric)",
                metric.rest_name(),
                aggregation.value,
                metric.kind.as_str()
            );
            if t_val < lo || hi.is_some_and(|h| t_val > h) {
                let verdict = if always(op, t_val, lo, hi) {
                    "so the condition always holds"
                } else if never(op, t_val, lo, hi) {
                    "so the condition never holds"
                } else {
                    "a unit mistake?"
                };
                let f = ctx
                    .at(
                        &registry::THRESHOLD_OUT_OF_RANGE,
                        t.span,
                        format!("threshold {t_val} is outside the range of {what}: {range_text}"),
                    )
                    .label(verdict)
                    .help(format!(
                        "express the threshold in the metric's unit ({range_text})"
                    ))
                    .source(metric.source.to_string());
                ctx.push(f);
            } else {
                // At the edge of the range: a condition that never or always holds.
                let verdict = if never(op, t_val, lo, hi) {
                    Some((
                        &registry::CONDITION_NEVER_FIRES,
                        "can never be true",
                        "never true",
                        "reverse the operator or change the threshold",
                    ))
                } else if always(op, t_val, lo, hi) {
                    Some((
                        &registry::CONDITION_ALWAYS_FIRES,
                        "is always true",
                        "always true",
                        "use a strict operator or a meaningful threshold",
                    ))
                } else {
                    None
                };
                if let Some((check, says, label, help)) = verdict {
                    let f = ctx
                        .at(
                            check,
                            operator.span,
                            format!(
                                "`{} {} {t_val}` {says}: {what} ranges {range_text}",
                                metric.rest_name(),
                                op.symbol()
                            ),
                        )
                        .label(label)
                        .help(help)
                        .related(ctx.rule.file, t.span, "threshold at the edge of the range")
                        .source(metric.source.to_string());
                    ctx.push(f);
                }
            }
        }
    }
}

/// The values the aggregated metric can take. Total and Count add samples up, so they have
/// no upper bound even for a percentage.
fn range(ctx: &RuleContext, m: usize, agg: Aggregation) -> Option<(f64, Option<f64>)> {
    let metric = &ctx.catalog.metrics[m];
    let lo = metric.min?;
    let hi = match agg {
        Aggregation::Total | Aggregation::Count => None,
        _ => metric.max,
    };
    let lo = if agg == Aggregation::Count {
        0f64.max(lo)
    } else {
        lo
    };
    Some((lo, hi))
}

/// No value in `[lo, hi]` satisfies `v op t`.
fn never(op: Operator, t: f64, lo: f64, hi: Option<f64>) -> bool {
    match op {
        Operator::GreaterThan => hi.is_some_and(|h| t >= h),
        Operator::GreaterThanOrEqual => hi.is_some_and(|h| t > h),
        Operator::LessThan => t <= lo,
        Operator::LessThanOrEqual => t < lo,
        Operator::Equals => t < lo || hi.is_some_and(|h| t > h),
        Operator::NotEquals | Operator::GreaterOrLessThan => hi == Some(lo) && t == lo,
    }
}

/// Every value in `[lo, hi]` satisfies `v op t`.
fn always(op: Operator, t: f64, lo: f64, hi: Option<f64>) -> bool {
    match op {
        Operator::GreaterThan => t < lo,
        Operator::GreaterThanOrEqual => t <= lo,
        Operator::LessThan => hi.is_some_and(|h| t > h),
        Operator::LessThanOrEqual => hi.is_some_and(|h| t >= h),
        Operator::Equals => hi == Some(lo) && t == lo,
        Operator::NotEquals | Operator::GreaterOrLessThan => t < lo || hi.is_some_and(|h| t > h),
    }
}

fn dynamic(ctx: &mut RuleContext, c: &Criterion, d: &DynamicThreshold) {
    if let Some(operator) = &c.operator
        && !operator.value.allowed_for_dynamic()
    {
        let f = ctx
            .at(
                &registry::INVALID_DYNAMIC_THRESHOLD,
                operator.span,
                format!(
                    "`{}` cannot be used with a dynamic threshold",
                    operator.value
                ),
            )
            .label("not allowed with `dynamic`")
            .help("use GreaterThan, LessThan or GreaterOrLessThan (`><`)");
        ctx.push(f);
    }
    let (Some(periods), Some(failing)) = (&d.evaluation_periods, &d.min_failing_periods) else {
        return;
    };
    let (n, min) = (periods.value, failing.value);
    if n < 1 {
        let f = ctx
            .at(
                &registry::INVALID_DYNAMIC_THRESHOLD,
                periods.span,
                format!("evaluation-periods is {n}; it must be at least 1"),
            )
            .label("at least 1");
        ctx.push(f);
    }
    if min < 1 || min > n.max(1) {
        let f = ctx
            .at(
                &registry::INVALID_DYNAMIC_THRESHOLD,
                failing.span,
                format!("min-failing-periods is {min} of {n} evaluation periods"),
            )
            .label("cannot be met")
            .help(format!("use a value from 1 to {}", n.max(1)));
        ctx.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// `never` and `always` agree with sampling the range. The threshold is drawn at, just
        /// beside and away from both ends, and the range is often a single value or unbounded:
        /// the edges are where the verdicts change.
        #[test]
        fn verdicts_match_sampling(
            op in 0usize..7,
            near in 0usize..9,
            far in -5i32..110,
            lo in -3i32..3,
            span in prop_oneof![Just(Some(0)), Just(Some(1)), Just(None), proptest::option::of(0i32..100)],
        ) {
            let op = Operator::ALL[op];
            let lo = lo as f64;
            let hi = span.map(|s| lo + s as f64);
            let top_end = hi.unwrap_or(lo + 50.0);
            let t = [lo - 1.0, lo - 0.5, lo, lo + 0.5, top_end - 0.5, top_end, top_end + 0.5, top_end + 1.0, far as f64][near];
            let top = hi.unwrap_or(lo + 1000.0);
            let samples: Vec<f64> = (0..=4000).map(|i| lo + (top - lo) * i as f64 / 4000.0)
                .chain([t, t - 0.5, t + 0.5].into_iter().filter(|v| *v >= lo && *v <= top))
                .collect();
            let any = samples.iter().any(|&v| op.holds(v, t));
            let all = samples.iter().all(|&v| op.holds(v, t));
            if never(op, t, lo, hi) { prop_assert!(!any); }
            if always(op, t, lo, hi) { prop_assert!(all); }
            if !any { prop_assert!(never(op, t, lo, hi)); }
            if all { prop_assert!(always(op, t, lo, hi)); }
        }
    }
}
