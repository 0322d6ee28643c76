//! unknown-metric, unknown-namespace, unsupported-aggregation, deprecated-source (metrics).

use crate::model::Criterion;
use crate::registry;
use crate::suggest;

use super::{RuleContext, either};

/// Checks the criterion's metric; returns its catalog index when it is known.
pub(super) fn check(ctx: &mut RuleContext, c: &Criterion) -> Option<usize> {
    // The criterion's own metric namespace counts when the catalog knows it.
    let mut namespace = ctx.namespace;
    if let Some(ns) = &c.namespace {
        match ctx.catalog.namespace_named(&ns.value) {
            Some(known) => namespace = known,
            None => {
                let known = ctx.catalog.namespaces();
                let help =
                    suggest::did_you_mean(&ns.value, known.iter().copied()).unwrap_or_else(|| {
                        format!("use `{namespace}` (the rule's target) or remove `namespace:`")
                    });
                let f = ctx
                    .at(
                        &registry::UNKNOWN_NAMESPACE,
                        ns.span,
                        format!(
                            "`{}` is not a metric namespace of Azure ML ({})",
                            ns.value,
                            known.join(", ")
                        ),
                    )
                    .label("other namespace")
                    .help(help);
                ctx.push(f);
            }
        }
    }

    let Some(index) = ctx.catalog.metric_in(namespace, c.metric.value.trim()) else {
        let elsewhere: Vec<&str> = ctx
            .catalog
            .namespaces()
            .into_iter()
            .filter(|ns| *ns != namespace)
            .filter(|ns| ctx.catalog.metric_in(ns, c.metric.value.trim()).is_some())
            .collect();
        let near = suggest::nearest(&c.metric.value, ctx.catalog.metric_names_in(namespace), 3);
        let help = if !elsewhere.is_empty() {
            let quoted: Vec<String> = elsewhere.iter().map(|n| format!("`{n}`")).collect();
            format!(
                "`{}` is a metric of {}: point the rule's scopes or namespace there",
                c.metric.value.trim(),
                super::either(&quoted)
            )
        } else if near.is_empty() {
            format!(
                "run `amlguard catalog metrics --namespace {namespace}` for the list, or add the metric with `--catalog`"
            )
        } else {
            let quoted: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
            format!("did you mean {}?", quoted.join(" or "))
        };
        let skip = c.skip_metric_validation.as_ref().is_some_and(|s| s.value);
        let mut message = format!("unknown metric `{}`", c.metric.value);
        if skip {
            message.push_str(
                " (skip-metric-validation makes Azure accept it; the rule would never fire)",
            );
        }
        let f = ctx
            .at(&registry::UNKNOWN_METRIC, c.metric.span, message)
            .label(format!("not a {namespace} metric"))
            .help(help);
        ctx.push(f);
        return None;
    };
    let metric = &ctx.catalog.metrics[index];

    if let Some(rest) = &metric.internal {
        let written = c.metric.value.trim();
        if written.eq_ignore_ascii_case(&metric.name) && !written.eq_ignore_ascii_case(rest) {
            let f = ctx
                .at(
                    &registry::DISPLAY_NAME_USED,
                    c.metric.span,
                    format!("`{written}` is the display name; Azure's REST API calls it `{rest}`"),
                )
                .label("display name")
                .help(format!(
                    "write `{rest}`: ARM, Terraform and the az CLI send the metric name to the REST API"
                ));
            ctx.push(f);
        }
    }

    if let Some(aggregation) = &c.aggregation
        && let Some((allowed, cite)) = ctx.catalog.aggregations(index)
        && !allowed.contains(&aggregation.value)
    {
        let names: Vec<&str> = allowed.iter().map(|a| a.as_str()).collect();
        let mut f = ctx
            .at(
                &registry::UNSUPPORTED_AGGREGATION,
                aggregation.span,
                format!(
                    "`{}` does not support the {} aggregation",
                    metric.rest_name(),
                    aggregation.value
                ),
            )
            .label("aggregation not documented for this metric")
            .help(format!("use {}", either(&names)));
        if let Some(cite) = cite {
            f = f.source(cite.to_string());
        }
        ctx.push(f);
    }

    if let Some(dep) = &metric.deprecated {
        let help = dep.replacement.as_ref().map_or_else(
            || "move the rule to a metric that is not deprecated".to_string(),
            |r| format!("use `{r}` instead"),
        );
        let f = ctx
            .at(
                &registry::DEPRECATED_SOURCE,
                c.metric.span,
                format!(
                    "metric `{}` is deprecated since {}",
                    metric.rest_name(),
                    dep.since
                ),
            )
            .label("deprecated")
            .help(help)
            .source(dep.source.to_string());
        ctx.push(f);
    }
    Some(index)
}
