//! inverted-percentile-thresholds: across a rule set, a lower percentile of a distribution
//! alerting above a higher threshold than a higher percentile of the same distribution.

use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::model::{AlertRule, Criterion, Threshold};
use crate::registry;
use crate::schema::Sp;
use crate::vocab::{DimensionOperator, Operator};

/// One static upper-bound criterion on a percentile metric, with what makes two comparable.
pub(super) struct Bound<'a> {
    pub rule: &'a AlertRule,
    pub criterion: &'a Criterion,
    pub metric: usize,
    pub namespace: &'a str,
}

/// What must match for two bounds to speak of the same distribution.
fn same_series(c: &Catalog, a: &Bound, b: &Bound) -> bool {
    let (ma, mb) = (&c.metrics[a.metric], &c.metrics[b.metric]);
    a.namespace == b.namespace
        && ma.unit.eq_ignore_ascii_case(&mb.unit)
        && a.criterion.aggregation.as_ref().map(|x| x.value)
            == b.criterion.aggregation.as_ref().map(|x| x.value)
        && filters(a.criterion) == filters(b.criterion)
}

/// The dimension filters, normalised: lowercased, sorted names and values.
fn filters(c: &Criterion) -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<_> = c
        .dimensions
        .iter()
        .map(|d| {
            let mut values: Vec<String> = d
                .values
                .iter()
                .map(|v| v.value.trim().to_lowercase())
                .collect();
            values.sort();
            (
                d.name.value.trim().to_lowercase(),
                format!(
                    "{:?}",
                    d.operator
                        .as_ref()
                        .map_or(DimensionOperator::Include, |o| o.value)
                ),
                values,
            )
        })
        .collect();
    out.sort();
    out
}

fn upper_threshold(c: &Criterion) -> Option<&Sp<f64>> {
    match (&c.threshold, c.operator.as_ref().map(|o| o.value)) {
        (
            Some(Threshold::Static(t)),
            Some(Operator::GreaterThan | Operator::GreaterThanOrEqual),
        ) => Some(t),
        _ => None,
    }
}

/// Whether a criterion is a static upper bound on a percentile metric.
pub(super) fn is_bound(catalog: &Catalog, c: &Criterion, metric: usize) -> bool {
    catalog.metrics[metric].percentile.is_some() && upper_threshold(c).is_some()
}

pub(super) fn check(catalog: &Catalog, bounds: &[Bound], out: &mut Vec<Finding>) {
    for low in bounds {
        let (Some(p_low), Some(t_low)) = (
            catalog.metrics[low.metric].percentile,
            upper_threshold(low.criterion),
        ) else {
            continue;
        };
        // The highest percentile with a lower threshold names the clearest contradiction.
        let worst = bounds
            .iter()
            .filter(|high| same_series(catalog, low, high))
            .filter_map(|high| {
                let p_high = catalog.metrics[high.metric].percentile?;
                let t_high = upper_threshold(high.criterion)?;
                (p_high > p_low && t_high.value < t_low.value).then_some((high, p_high, t_high))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((high, _, t_high)) = worst else {
            continue;
        };
        let (ml, mh) = (&catalog.metrics[low.metric], &catalog.metrics[high.metric]);
        out.push(
            Finding::new(
                &registry::INVERTED_PERCENTILE_THRESHOLDS,
                low.rule.file,
                t_low.span,
                format!(
                    "`{}` alerts above {}, but `{}` of rule `{}` already alerts above {}: a lower percentile is never above a higher one",
                    ml.rest_name(),
                    t_low.value,
                    mh.rest_name(),
                    high.rule.display_name(),
                    t_high.value
                ),
            )
            .label("threshold above the higher percentile's")
            .related(high.rule.file, t_high.span, "the higher percentile's threshold")
            .help(format!(
                "give higher percentiles higher thresholds (P50 ≤ P90 ≤ P95 ≤ P99): raise `{}` to at least {} or lower this one",
                mh.rest_name(),
                t_low.value
            ))
            .source(ml.source.to_string()),
        );
    }
}
