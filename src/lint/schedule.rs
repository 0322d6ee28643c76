//! invalid-frequency, invalid-window, window-shorter-than-frequency, severity-out-of-range.

use crate::catalog::schedules::DurationList;
use crate::duration::{Duration, nearest_allowed};
use crate::registry;

use super::RuleContext;

/// What severity findings cite (the schedule lists cite their own source from the catalog).
const REFERENCE: &str = "Microsoft.Insights/metricAlerts 2018-03-01 template reference (https://learn.microsoft.com/en-us/azure/templates/microsoft.insights/2018-03-01/metricalerts)";

pub(super) fn check(ctx: &mut RuleContext) {
    let rule = ctx.rule;
    let catalog = ctx.catalog;
    let limits = &catalog.alert_schedules.metric;
    severity(ctx, REFERENCE);
    let freq_ok = rule.frequency.as_ref().is_none_or(|f| {
        allowed(
            ctx,
            f.value,
            f.span,
            &limits.frequencies,
            &registry::INVALID_FREQUENCY,
            "frequency",
        )
    });
    let window_ok = rule.window.as_ref().is_none_or(|w| {
        allowed(
            ctx,
            w.value,
            w.span,
            &limits.windows,
            &registry::INVALID_WINDOW,
            "window",
        )
    });
    if let (Some(f), Some(w), true, true) = (&rule.frequency, &rule.window, freq_ok, window_ok)
        && w.value < f.value
    {
        let fix = limits
            .windows
            .values
            .iter()
            .find(|a| **a >= f.value)
            .copied()
            .unwrap_or(f.value);
        let finding = ctx
            .at(
                &registry::WINDOW_SHORTER_THAN_FREQUENCY,
                w.span,
                format!(
                    "window {} is shorter than the evaluation frequency {}",
                    w.value.iso(),
                    f.value.iso()
                ),
            )
            .label("part of every period is never evaluated")
            .related(rule.file, f.span, "evaluated this often")
            .help(format!("use a window of at least {}", fix.iso()))
            .source(&limits.windows.source);
        ctx.push(finding);
    }
}

/// severity-out-of-range, for metric and log rules alike (`reference` is the rule kind's
/// template reference).
pub(super) fn severity(ctx: &mut RuleContext, reference: &str) {
    if let Some(sev) = &ctx.rule.severity
        && !(0..=4).contains(&sev.value)
    {
        let f = ctx
            .at(
                &registry::SEVERITY_OUT_OF_RANGE,
                sev.span,
                format!("severity {} is not one of 0–4", sev.value),
            )
            .label("0 (critical) to 4 (verbose)")
            .help(format!("use {}", sev.value.clamp(0, 4)))
            .source(reference);
        ctx.push(f);
    }
}

fn allowed(
    ctx: &mut RuleContext,
    d: Duration,
    span: crate::source::Span,
    list: &DurationList,
    check: &'static crate::registry::CheckInfo,
    what: &str,
) -> bool {
    if list.contains(&d) {
        return true;
    }
    let names: Vec<String> = list.values.iter().map(|a| a.iso()).collect();
    let f = ctx
        .at(
            check,
            span,
            format!("Azure does not accept a {what} of {}", d.iso()),
        )
        .label(format!("not an allowed {what}"))
        .help(format!(
            "the nearest allowed {what} is {} (allowed: {})",
            nearest_allowed(d, &list.values).iso(),
            names.join(", ")
        ))
        .source(&list.source);
    ctx.push(f);
    false
}
