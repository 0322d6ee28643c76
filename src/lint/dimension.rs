//! unknown-dimension, dimension-not-applicable, newer-source-only, invalid-dimension-value,
//! duplicate-dimension-filter, display-name-used, deprecated-source (dimensions).

use std::collections::HashMap;

use crate::catalog::Support;
use crate::model::{Criterion, DimensionFilter};
use crate::registry;
use crate::suggest;

use super::{RuleContext, english_list, metric_label};

pub(super) fn check(ctx: &mut RuleContext, c: &Criterion, metric: Option<usize>) {
    let mut seen: HashMap<usize, &DimensionFilter> = HashMap::new();
    let mut seen_unknown: HashMap<String, &DimensionFilter> = HashMap::new();
    for filter in &c.dimensions {
        let name = filter.name.value.trim();
        let Some(dim) = ctx.catalog.dimension(name) else {
            unknown(ctx, c, filter, metric);
            if let Some(first) = seen_unknown.insert(name.to_lowercase(), filter) {
                duplicate(ctx, filter, first);
            }
            continue;
        };
        if let Some(first) = seen.insert(dim, filter) {
            duplicate(ctx, filter, first);
        }
        display_name(ctx, filter, dim);
        deprecated(ctx, filter, dim);
        if let Some(m) = metric {
            applicability(ctx, filter, m, dim);
        }
        values(ctx, filter, dim);
    }
}

fn unknown(ctx: &mut RuleContext, c: &Criterion, filter: &DimensionFilter, metric: Option<usize>) {
    // Prefer suggestions among the metric's own dimensions, then all.
    let own: Vec<&str> = metric
        .map(|m| {
            ctx.catalog
                .dimensions_of(m)
                .into_iter()
                .flat_map(|d| {
                    let d = &ctx.catalog.dimensions[d];
                    std::iter::once(d.name.as_str()).chain(d.internal.as_deref())
                })
                .collect()
        })
        .unwrap_or_default();
    let help = suggest::did_you_mean(&filter.name.value, own.iter().copied())
        .or_else(|| suggest::did_you_mean(&filter.name.value, ctx.catalog.dimension_names()))
        .unwrap_or_else(|| "run `amlguard catalog dimensions` for the list".to_string());
    let f = ctx
        .at(
            &registry::UNKNOWN_DIMENSION,
            filter.name.span,
            format!(
                "unknown dimension `{}` on `{}`",
                filter.name.value,
                metric_label(c)
            ),
        )
        .label("no Azure ML metric has this dimension")
        .help(help);
    ctx.push(f);
}

fn duplicate(ctx: &mut RuleContext, filter: &DimensionFilter, first: &DimensionFilter) {
    let f = ctx
        .at(
            &registry::DUPLICATE_DIMENSION_FILTER,
            filter.name.span,
            format!(
                "dimension `{}` is filtered twice in this criterion",
                filter.name.value
            ),
        )
        .label("second filter")
        .related(ctx.rule.file, first.name.span, "first filter")
        .help("merge the values into one filter");
    ctx.push(f);
}

fn display_name(ctx: &mut RuleContext, filter: &DimensionFilter, dim: usize) {
    let d = &ctx.catalog.dimensions[dim];
    if let Some(rest) = &d.internal {
        let written = filter.name.value.trim();
        if written.eq_ignore_ascii_case(&d.name) && !written.eq_ignore_ascii_case(rest) {
            let f = ctx
                .at(
                    &registry::DISPLAY_NAME_USED,
                    filter.name.span,
                    format!("`{written}` is the display name; Azure's REST API calls it `{rest}`"),
                )
                .label("display name")
                .help(format!("write `{rest}`"));
            ctx.push(f);
        }
    }
}

fn deprecated(ctx: &mut RuleContext, filter: &DimensionFilter, dim: usize) {
    let d = &ctx.catalog.dimensions[dim];
    if let Some(dep) = &d.deprecated {
        let help = dep.replacement.as_ref().map_or_else(
            || "remove the filter".to_string(),
            |r| format!("filter on `{r}` instead"),
        );
        let f = ctx
            .at(
                &registry::DEPRECATED_SOURCE,
                filter.name.span,
                format!("dimension `{}` is deprecated since {}", d.name, dep.since),
            )
            .label("deprecated")
            .help(help)
            .source(dep.source.to_string());
        ctx.push(f);
    }
}

fn applicability(ctx: &mut RuleContext, filter: &DimensionFilter, m: usize, dim: usize) {
    let catalog = ctx.catalog;
    let metric = &catalog.metrics[m];
    let d = &catalog.dimensions[dim];
    match catalog.support(m, dim) {
        Support::Primary(_) => {}
        Support::SecondaryOnly(cite) => {
            let what = if catalog.has_specific_pairs(dim) {
                format!(
                    "dimension `{}` on `{}` is documented only by {}",
                    d.name,
                    metric.rest_name(),
                    source_title(ctx, &cite.source)
                )
            } else {
                format!(
                    "dimension `{}` is named by {} without saying which metrics carry it",
                    d.name,
                    source_title(ctx, &cite.source)
                )
            };
            let f = ctx
                .at(&registry::NEWER_SOURCE_ONLY, filter.name.span, what)
                .label("accepted on a newer source's word")
                .source(cite.to_string());
            ctx.push(f);
        }
        Support::None => {
            let with: Vec<&str> = catalog
                .metrics_with(dim)
                .into_iter()
                .filter(|&i| catalog.metrics[i].namespace == metric.namespace)
                .map(|i| catalog.metrics[i].rest_name())
                .collect();
            let own: Vec<&str> = catalog
                .dimensions_of(m)
                .into_iter()
                .filter(|&i| catalog.support(m, i) != Support::None && !any_metric_only(catalog, i))
                .map(|i| catalog.dimensions[i].rest_name())
                .collect();
            let mut help = if with.is_empty() {
                format!("`{}` applies to no metric of {}", d.name, metric.namespace)
            } else if with.len() > 5 {
                format!(
                    "`{}` applies only to {}, {}, {}, {} and {} more (`amlguard catalog dimensions`)",
                    d.name,
                    with[0],
                    with[1],
                    with[2],
                    with[3],
                    with.len() - 4
                )
            } else {
                format!("`{}` applies only to {}", d.name, english_list(&with))
            };
            if own.is_empty() {
                help.push_str(&format!("; `{}` has no dimensions", metric.rest_name()));
            } else {
                help.push_str(&format!(
                    "; `{}` has {}",
                    metric.rest_name(),
                    english_list(&own)
                ));
            }
            let sources: Vec<String> = d
                .applies_to
                .iter()
                .map(|a| a.source.source.clone())
                .collect();
            let mut sources_dedup = sources.clone();
            sources_dedup.dedup();
            let f = ctx
                .at(
                    &registry::DIMENSION_NOT_APPLICABLE,
                    filter.name.span,
                    format!(
                        "metric `{}` has no dimension `{}`",
                        metric.rest_name(),
                        d.name
                    ),
                )
                .label(format!("not a dimension of {}", metric.rest_name()))
                .help(help)
                .source(sources_dedup.join(", "));
            ctx.push(f);
        }
    }
}

/// A dimension that no source pairs with specific metrics.
fn any_metric_only(catalog: &crate::catalog::Catalog, dim: usize) -> bool {
    !catalog.has_specific_pairs(dim)
}

fn source_title(ctx: &RuleContext, id: &str) -> String {
    ctx.catalog
        .source_info(id)
        .map_or_else(|| id.to_string(), |s| format!("`{}` ({})", s.id, s.title))
}

fn values(ctx: &mut RuleContext, filter: &DimensionFilter, dim: usize) {
    let d = &ctx.catalog.dimensions[dim];
    let Some(set) = &d.values else { return };
    for v in &filter.values {
        let value = v.value.trim();
        if value == "*"
            || set
                .values
                .iter()
                .any(|a| a.value.eq_ignore_ascii_case(value))
        {
            continue;
        }
        let valid: Vec<&str> = set.values.iter().map(|a| a.value.as_str()).collect();
        let mut help = format!("valid values: {}", valid.join(", "));
        if let Some(dym) = suggest::did_you_mean(value, valid.iter().copied()) {
            help = format!("{dym} ({help})");
        }
        let f = ctx
            .at(
                &registry::INVALID_DIMENSION_VALUE,
                v.span,
                format!("`{value}` is not a valid value of `{}`", d.name),
            )
            .label("matches no time series")
            .help(help)
            .source(set.source.to_string());
        ctx.push(f);
    }
}
