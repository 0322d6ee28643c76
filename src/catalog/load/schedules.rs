//! The `alert-schedules:` section: what Azure accepts in metric and log alert schedules.
//! A list or limit a file gives replaces the one loaded before it, citation included.

use crate::duration::Duration;
use crate::registry;
use crate::schema::{self, MapReader};
use crate::source::Span;
use crate::yaml::Node;

use super::super::schedules::{DurationLimit, DurationList, Range, USER_CITATION};
use super::Loader;

const METRIC_KEYS: &[&str] = &["frequencies", "windows"];
const LOG_KEYS: &[&str] = &[
    "frequencies",
    "windows-at-one-minute",
    "windows",
    "query-time-range-overrides",
    "mute-durations",
    "max-lookback",
    "failing-periods",
];
const DURATION_HELP: &str = "write an ISO 8601 duration such as PT5M, PT1H or P1D";

impl Loader<'_, '_> {
    pub(super) fn alert_schedules(&mut self, node: &Node) {
        let Some(mut top) = MapReader::new(node, "`alert-schedules`", self.sink) else {
            return;
        };
        if let Some((_, n)) = top.get("metric")
            && let Some(mut r) = MapReader::new(n, "the metric alert schedule", self.sink)
        {
            if let Some(l) = self.duration_list(&mut r, "frequencies") {
                self.catalog.alert_schedules.metric.frequencies = l;
            }
            if let Some(l) = self.duration_list(&mut r, "windows") {
                self.catalog.alert_schedules.metric.windows = l;
            }
            r.finish(METRIC_KEYS, &[], self.sink);
        }
        if let Some((_, n)) = top.get("log")
            && let Some(mut r) = MapReader::new(n, "the log alert schedule", self.sink)
        {
            if let Some(l) = self.duration_list(&mut r, "frequencies") {
                self.catalog.alert_schedules.log.frequencies = l;
            }
            if let Some(l) = self.duration_list(&mut r, "windows-at-one-minute") {
                self.catalog.alert_schedules.log.windows_at_one_minute = l;
            }
            if let Some(l) = self.duration_list(&mut r, "windows") {
                self.catalog.alert_schedules.log.windows = l;
            }
            if let Some(l) = self.duration_list(&mut r, "query-time-range-overrides") {
                self.catalog.alert_schedules.log.query_time_range_overrides = l;
            }
            if let Some(l) = self.duration_list(&mut r, "mute-durations") {
                self.catalog.alert_schedules.log.mute_durations = l;
            }
            if let Some(l) = self.duration_limit(&mut r, "max-lookback") {
                self.catalog.alert_schedules.log.max_lookback = l;
            }
            if let Some(l) = self.range(&mut r, "failing-periods") {
                self.catalog.alert_schedules.log.failing_periods = l;
            }
            r.finish(LOG_KEYS, &[], self.sink);
        }
        top.finish(&["metric", "log"], &[], self.sink);
    }

    fn bad(&mut self, span: Span, label: &str, message: String, help: Option<String>) {
        let f = self
            .sink
            .at(&registry::INVALID_VALUE, span, message)
            .label(label)
            .maybe_help(help);
        self.sink.push(f);
    }

    /// The entry's `source:`: required in the built-in catalog, [`USER_CITATION`] when a user
    /// file cites nothing.
    fn citation(&mut self, r: &mut MapReader) -> Option<String> {
        if self.builtin {
            let node = r.required("source", self.sink)?;
            return schema::text(node, "source", self.sink).map(|s| s.value);
        }
        match r.get("source") {
            Some((_, node)) => schema::text(node, "source", self.sink).map(|s| s.value),
            None => Some(USER_CITATION.into()),
        }
    }

    fn duration(&mut self, node: &Node, key: &str) -> Option<Duration> {
        let text = schema::text(node, key, self.sink)?;
        match Duration::parse(&text.value) {
            Some(d) if d.0 > 0 => Some(d),
            Some(_) => {
                self.bad(
                    text.span,
                    "zero",
                    format!("`{key}` holds a zero duration"),
                    Some(DURATION_HELP.into()),
                );
                None
            }
            None => {
                self.bad(
                    text.span,
                    "not a duration",
                    format!("`{}` is not a duration", text.value),
                    Some(DURATION_HELP.into()),
                );
                None
            }
        }
    }

    /// `key: {values: [PT5M, ...], source: "..."}`. `None` (after a diagnostic) unless every
    /// value is a duration and the list is not empty.
    fn duration_list(&mut self, r: &mut MapReader, key: &'static str) -> Option<DurationList> {
        let (_, node) = r.get(key)?;
        let mut m = MapReader::new(node, "a list of allowed durations", self.sink)?;
        let values_node = m.required("values", self.sink);
        let source = self.citation(&mut m);
        m.finish(&["values", "source"], &[], self.sink);
        let items = schema::list(values_node?, "values", false, self.sink)?;
        let mut values = Vec::new();
        let mut ok = true;
        for item in items {
            match self.duration(item, "values") {
                Some(d) if !values.contains(&d) => values.push(d),
                Some(_) => {}
                None => ok = false,
            }
        }
        if ok && values.is_empty() {
            self.bad(
                values_node?.span,
                "empty",
                format!("`{key}` allows no duration"),
                Some("list at least one duration Azure accepts".into()),
            );
            return None;
        }
        values.sort();
        Some(DurationList {
            values,
            source: source?,
        })
        .filter(|_| ok)
    }

    /// `key: {value: P2D, source: "..."}`.
    fn duration_limit(&mut self, r: &mut MapReader, key: &'static str) -> Option<DurationLimit> {
        let (_, node) = r.get(key)?;
        let mut m = MapReader::new(node, "a duration limit", self.sink)?;
        let value = m.required("value", self.sink);
        let source = self.citation(&mut m);
        m.finish(&["value", "source"], &[], self.sink);
        let value = self.duration(value?, "value")?;
        Some(DurationLimit {
            value,
            source: source?,
        })
    }

    /// `key: {min: 1, max: 6, source: "..."}`.
    fn range(&mut self, r: &mut MapReader, key: &'static str) -> Option<Range> {
        let (_, node) = r.get(key)?;
        let mut m = MapReader::new(node, "a range", self.sink)?;
        let min = m
            .required("min", self.sink)
            .and_then(|n| schema::integer(n, "min", self.sink));
        let max = m
            .required("max", self.sink)
            .and_then(|n| schema::integer(n, "max", self.sink));
        let source = self.citation(&mut m);
        m.finish(&["min", "max", "source"], &[], self.sink);
        let (min, max) = (min?, max?);
        if min.value < 1 || max.value < min.value {
            self.bad(
                if min.value < 1 { min.span } else { max.span },
                "not a count of periods",
                format!(
                    "`{key}` runs from {} to {}: not a range of counts",
                    min.value, max.value
                ),
                Some("give 1 ≤ min ≤ max".into()),
            );
            return None;
        }
        Some(Range {
            min: min.value,
            max: max.value,
            source: source?,
        })
    }
}
