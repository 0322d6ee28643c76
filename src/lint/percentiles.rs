//! inverted-percentile-thresholds: across a rule set, a lower percentile of a distribution
//! alerting above a higher threshold than a higher percentile of the same distribution.

use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::model::{AlertRule, Criterion, Threshold};
use crate::registry;
use crate::schema::Sp;
use crate::source::FileId;
use crate::vocab::{Aggregation, DimensionOperator, Operator};

/// One static upper-bound criterion on a percentile metric, with what makes two comparable:
/// all a rule leaves behind once it is checked.
#[derive(Debug)]
pub(super) struct Bound<'c> {
    file: FileId,
    /// The rule's name, for the message of the lower percentile's rule.
    rule: String,
    metric: usize,
    percentile: f64,
    namespace: &'c str,
    aggregation: Option<Aggregation>,
    filters: Vec<(String, String, Vec<String>)>,
    threshold: Sp<f64>,
}

impl<'c> Bound<'c> {
    /// The bound a criterion sets, if it is a static upper bound on a percentile metric.
    pub(super) fn of(
        catalog: &'c Catalog,
        rule: &AlertRule,
        c: &Criterion,
        metric: usize,
    ) -> Option<Bound<'c>> {
        let m = &catalog.metrics[metric];
        Some(Bound {
            file: rule.file,
            rule: rule.display_name().to_string(),
            metric,
            percentile: m.percentile?,
            namespace: m.namespace.as_str(),
            aggregation: c.aggregation.as_ref().map(|x| x.value),
            filters: filters(c),
            threshold: upper_threshold(c)?.clone(),
        })
    }
}

/// What must match for two bounds to speak of the same distribution.
fn same_series(c: &Catalog, a: &Bound, b: &Bound) -> bool {
    let (ma, mb) = (&c.metrics[a.metric], &c.metrics[b.metric]);
    a.namespace == b.namespace
        && ma.unit.eq_ignore_ascii_case(&mb.unit)
        && a.aggregation == b.aggregation
        && a.filters == b.filters
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

pub(super) fn check(catalog: &Catalog, bounds: &[Bound], out: &mut Vec<Finding>) {
    for low in bounds {
        let (p_low, t_low) = (low.percentile, &low.threshold);
        // The highest percentile with a lower threshold names the clearest contradiction.
        let worst = bounds
            .iter()
            .filter(|high| same_series(catalog, low, high))
            .filter(|high| high.percentile > p_low && high.threshold.value < t_low.value)
            .max_by(|a, b| a.percentile.total_cmp(&b.percentile));
        let Some(high) = worst else {
            continue;
        };
        let t_high = &high.threshold;
        let (ml, mh) = (&catalog.metrics[low.metric], &catalog.metrics[high.metric]);
        out.push(
            Finding::new(
                &registry::INVERTED_PERCENTILE_THRESHOLDS,
                low.file,
                t_low.span,
                format!(
                    "`{}` alerts above {}, but `{}` of rule `{}` already alerts above {}: a lower percentile is never above a higher one",
                    ml.rest_name(),
                    t_low.value,
                    mh.rest_name(),
                    high.rule,
                    t_high.value
                ),
            )
            .label("threshold above the higher percentile's")
            .related(high.file, t_high.span, "the higher percentile's threshold")
            .help(format!(
                "give higher percentiles higher thresholds (P50 ≤ P90 ≤ P95 ≤ P99): raise `{}` to at least {} or lower this one",
                mh.rest_name(),
                t_low.value
            ))
            .source(ml.source.to_string()),
        );
    }
}
