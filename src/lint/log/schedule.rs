//! invalid-log-frequency, invalid-log-window, invalid-log-duration, auto-mitigate-with-mute,
//! failing-periods-out-of-range, lookback-too-long, frequency-above-lookback.

use crate::catalog::schedules::DurationList;
use crate::duration::{Duration, nearest_allowed};
use crate::model::{LogCriterion, LogRule, Sp};
use crate::registry::{self, CheckInfo};

use super::super::RuleContext;
use super::facts;

/// The rule-level schedule: each duration is one Azure accepts, and muting goes with
/// auto-mitigation.
pub(super) fn check(ctx: &mut RuleContext, log: &LogRule) {
    let rule = ctx.rule;
    let catalog = ctx.catalog;
    let limits = &catalog.alert_schedules.log;
    let freq_ok = rule.frequency.as_ref().is_none_or(|f| {
        allowed(
            ctx,
            f,
            &limits.frequencies,
            &registry::INVALID_LOG_FREQUENCY,
            "evaluation frequency",
        )
    });
    if let Some(w) = &rule.window {
        let every_minute = every_minute(ctx);
        let list = windows(ctx);
        let what = if every_minute {
            "window for a rule evaluated every minute"
        } else {
            "window"
        };
        allowed(ctx, w, list, &registry::INVALID_LOG_WINDOW, what);
    }
    if let Some(o) = &log.override_query_time_range {
        allowed(
            ctx,
            o,
            &limits.query_time_range_overrides,
            &registry::INVALID_LOG_DURATION,
            "query time range override",
        );
    }
    if let Some(m) = &log.mute_actions_duration {
        let mute_ok = allowed(
            ctx,
            m,
            &limits.mute_durations,
            &registry::INVALID_LOG_DURATION,
            "mute duration",
        );
        if mute_ok
            && let Some(f) = &rule.frequency
            && freq_ok
            && m.value < f.value
        {
            let finding = ctx
                .at(
                    &registry::INVALID_LOG_DURATION,
                    m.span,
                    format!(
                        "actions are muted for {}, less than the evaluation frequency {}",
                        m.value.iso(),
                        f.value.iso()
                    ),
                )
                .label("shorter than one evaluation")
                .related(rule.file, f.span, "evaluated this often")
                .help(format!(
                    "mute for at least {}, or drop the mute duration",
                    f.value.iso()
                ))
                .source(&limits.mute_durations.source);
            ctx.push(finding);
        }
        if let Some(a) = &rule.auto_mitigate
            && a.value
        {
            let finding = ctx
                .at(
                    &registry::AUTO_MITIGATE_WITH_MUTE,
                    m.span,
                    "a log alert cannot both mute its actions and resolve itself",
                )
                .label("actions muted")
                .related(rule.file, a.span, "auto-mitigation enabled here")
                .help("set auto-mitigation to false to mute, or drop the mute duration")
                .source(facts::SCHEDULE_SOURCE);
            ctx.push(finding);
        }
    }
}

fn every_minute(ctx: &RuleContext) -> bool {
    ctx.rule
        .frequency
        .as_ref()
        .is_some_and(|f| f.value == Duration::minutes(1))
}

/// The windows allowed with the rule's frequency.
fn windows<'a>(ctx: &RuleContext<'a>) -> &'a DurationList {
    let limits = &ctx.catalog.alert_schedules.log;
    if every_minute(ctx) {
        &limits.windows_at_one_minute
    } else {
        &limits.windows
    }
}

/// A criterion's failing periods, and the look-back they give with the window.
pub(super) fn lookback(ctx: &mut RuleContext, log: &LogRule, c: &LogCriterion) {
    let rule = ctx.rule;
    let catalog = ctx.catalog;
    let limits = &catalog.alert_schedules.log;
    let range = &limits.failing_periods;
    let mut periods: Option<&Sp<i64>> = None;
    if let Some(fp) = &c.failing_periods {
        let mut in_range = true;
        for (what, v) in [
            ("numberOfEvaluationPeriods", &fp.evaluation_periods),
            ("minFailingPeriodsToAlert", &fp.min_failing_periods),
        ] {
            if let Some(v) = v
                && !range.contains(&v.value)
            {
                in_range = false;
                let f = ctx
                    .at(
                        &registry::FAILING_PERIODS_OUT_OF_RANGE,
                        v.span,
                        format!(
                            "{what} is {}; Azure takes {} to {}",
                            v.value, range.min, range.max
                        ),
                    )
                    .label(format!("not within {}–{}", range.min, range.max))
                    .help(format!("use {}", v.value.clamp(range.min, range.max)))
                    .source(&range.source);
                ctx.push(f);
            }
        }
        if let (Some(n), Some(m)) = (&fp.evaluation_periods, &fp.min_failing_periods)
            && in_range
            && m.value > n.value
        {
            let f = ctx
                .at(
                    &registry::FAILING_PERIODS_OUT_OF_RANGE,
                    m.span,
                    format!(
                        "{} failing periods are required out of {} evaluated: the rule can never fire",
                        m.value, n.value
                    ),
                )
                .label("more than the periods evaluated")
                .related(rule.file, n.span, "periods evaluated")
                .help(format!(
                    "require at most {} failing periods, or evaluate {} periods",
                    n.value, m.value
                ))
                .source(facts::SCHEDULE_SOURCE);
            ctx.push(f);
        }
        if in_range {
            periods = fp.evaluation_periods.as_ref();
        }
    }
    // A window or frequency Azure does not accept is reported once, as such.
    let Some(window) = rule
        .window
        .as_ref()
        .filter(|w| windows(ctx).contains(&w.value))
    else {
        return;
    };
    let frequency = rule
        .frequency
        .as_ref()
        .filter(|f| limits.frequencies.contains(&f.value));
    let n = periods.map_or(1, |p| p.value.max(1) as u64);
    let product = Duration(window.value.0.saturating_mul(n));
    // The look-back, and the span a finding about it points at.
    let (lookback, at, how) = match &log.override_query_time_range {
        Some(o) => {
            if o.value < product {
                let f = ctx
                    .at(
                        &registry::INVALID_LOG_DURATION,
                        o.span,
                        format!(
                            "the query time range {} is shorter than window × periods ({} × {n} = {})",
                            o.value.iso(),
                            window.value.iso(),
                            product.iso()
                        ),
                    )
                    .label("shorter than the periods evaluated")
                    .related(rule.file, window.span, "window")
                    .help(format!(
                        "override with at least {}, or drop the override",
                        product.iso()
                    ))
                    .source(facts::SCHEDULE_SOURCE);
                ctx.push(f);
            }
            (o.value, o.span, "the query time range override".to_string())
        }
        None => (
            product,
            periods.map_or(window.span, |p| p.span),
            if n == 1 {
                format!("the window {}", window.value.iso())
            } else {
                format!("window × periods ({} × {n})", window.value.iso())
            },
        ),
    };
    let max = &limits.max_lookback;
    if lookback > max.value {
        let f = ctx
            .at(
                &registry::LOOKBACK_TOO_LONG,
                at,
                format!(
                    "the query looks back {} ({how}); Azure allows at most {}",
                    lookback.iso(),
                    max.value.iso()
                ),
            )
            .label(format!("look-back above {}", hours(max.value)))
            .related(rule.file, window.span, "window")
            .help("shorten the window or evaluate fewer periods")
            .source(&max.source);
        ctx.push(f);
    }
    if let Some(freq) = frequency
        && freq.value > lookback
    {
        let f = ctx
            .at(
                &registry::FREQUENCY_ABOVE_LOOKBACK,
                freq.span,
                format!(
                    "evaluated every {}, but the query looks back only {} ({how})",
                    freq.value.iso(),
                    lookback.iso()
                ),
            )
            .label("records between look-backs are never queried")
            .related(rule.file, at, "look-back")
            .help(format!(
                "look back at least {} (a longer window or override), or evaluate more often",
                freq.value.iso()
            ))
            .source(facts::SCHEDULE_SOURCE);
        ctx.push(f);
    }
}

/// `48 hours`, or the ISO form of a duration that is not whole hours.
fn hours(d: Duration) -> String {
    if d.0 == 3600 {
        "1 hour".to_string()
    } else if d.0.is_multiple_of(3600) {
        format!("{} hours", d.0 / 3600)
    } else {
        d.iso()
    }
}

fn allowed(
    ctx: &mut RuleContext,
    d: &Sp<Duration>,
    list: &DurationList,
    check: &'static CheckInfo,
    what: &str,
) -> bool {
    if list.contains(&d.value) {
        return true;
    }
    let names: Vec<String> = list.values.iter().map(|a| a.iso()).collect();
    let f = ctx
        .at(
            check,
            d.span,
            format!(
                "Azure does not accept a log alert {what} of {}",
                d.value.iso()
            ),
        )
        .label("not an allowed value")
        .help(format!(
            "the nearest allowed value is {} (allowed: {})",
            nearest_allowed(d.value, &list.values).iso(),
            names.join(", ")
        ))
        .source(&list.source);
    ctx.push(f);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_hours_are_counted_and_other_durations_written_as_iso() {
        assert_eq!(hours(Duration::hours(48)), "48 hours");
        assert_eq!(hours(Duration::hours(1)), "1 hour");
        assert_eq!(hours(Duration(90)), "PT1M30S");
    }
}
