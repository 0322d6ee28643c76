//! unknown-metric, unknown-namespace, unsupported-aggregation, deprecated-source (metrics).

use crate::registry;
use crate::rules::Criterion;
use crate::suggest;

use super::{RuleContext, either};

/// Checks the criterion's metric; returns its catalog index when it is known.
pub(super) fn check(ctx: &mut RuleContext, c: &Criterion) -> Option<usize> {
    if let Some(ns) = &c.namespace
        && !ns.value.trim().eq_ignore_ascii_case(&ctx.catalog.namespace)
    {
        let f = ctx
            .at(
                &registry::UNKNOWN_NAMESPACE,
                ns.span,
                format!(
                    "`{}` is not the Azure ML workspace metric namespace",
                    ns.value
                ),
            )
            .label("other namespace")
            .help(format!(
                "use `{}` or remove `namespace:`",
                ctx.catalog.namespace
            ));
        ctx.push(f);
    }

    let Some(index) = ctx.catalog.metric(c.metric.value.trim()) else {
        let near = suggest::nearest(&c.metric.value, ctx.catalog.metric_names(), 3);
        let help = if near.is_empty() {
            "run `amlguard catalog metrics` for the list, or add the metric with `--catalog`"
                .to_string()
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
            .label("not a Microsoft.MachineLearningServices/workspaces metric")
            .help(help);
        ctx.push(f);
        return None;
    };
    let metric = &ctx.catalog.metrics[index];

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
                    metric.name, aggregation.value
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
                format!("metric `{}` is deprecated since {}", metric.name, dep.since),
            )
            .label("deprecated")
            .help(help)
            .source(dep.source.to_string());
        ctx.push(f);
    }
    Some(index)
}
