//! Metric data at Azure Monitor's 1-minute grain: per metric, one series per combination of
//! dimension values, each a map from minute to that minute's pre-aggregated samples.

use std::collections::BTreeMap;
use std::sync::Arc;

/// Minutes since 1970-01-01T00:00Z. The point of minute `m` holds the samples taken in
/// `[m, m + 1)`.
pub type Minute = i64;

/// Dimension values of one series: dimension name (as the data spells it) → value.
pub type Dims = BTreeMap<String, String>;

/// How many records a point keeps as evidence.
pub const EVIDENCE_PER_POINT: usize = 3;

/// The samples of one minute, pre-aggregated the way Azure Monitor stores a metric at 1-minute
/// grain (sum, count, minimum, maximum), so that every time aggregation over a window can be
/// computed from the points: Total is the sum of sums, Count the sum of counts, Average the sum
/// over the count, Minimum and Maximum the extremes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub sum: f64,
    pub count: u64,
    pub min: f64,
    pub max: f64,
}

impl Point {
    /// One sample.
    pub fn sample(value: f64) -> Point {
        Point {
            sum: value,
            count: 1,
            min: value,
            max: value,
        }
    }

    /// Adds one sample.
    pub fn add(&mut self, value: f64) {
        self.merge(&Point::sample(value));
    }

    /// Adds every sample of `other`.
    pub fn merge(&mut self, other: &Point) {
        self.sum += other.sum;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }
}

/// Where a sample came from: a log record's file and line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Evidence {
    pub file: Arc<str>,
    pub line: u64,
}

/// One time series: its dimension values and its points.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub dims: Dims,
    pub points: BTreeMap<Minute, Point>,
    /// The first few records behind each point (at most [`EVIDENCE_PER_POINT`]).
    pub evidence: BTreeMap<Minute, Vec<Evidence>>,
}

impl Series {
    pub fn new(dims: Dims) -> Self {
        Series {
            dims,
            ..Series::default()
        }
    }

    /// Adds a point's samples at `minute`, with the records behind them.
    pub fn add(&mut self, minute: Minute, point: Point, evidence: &[Evidence]) {
        self.points
            .entry(minute)
            .and_modify(|p| p.merge(&point))
            .or_insert(point);
        if !evidence.is_empty() {
            let kept = self.evidence.entry(minute).or_default();
            for e in evidence {
                if kept.len() >= EVIDENCE_PER_POINT {
                    break;
                }
                kept.push(e.clone());
            }
        }
    }
}

/// Every series of one metric, and the dimensions the data determines for it (a rule that
/// filters or splits on any other dimension cannot be evaluated on this data).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricData {
    /// The metric's name as declared.
    pub name: String,
    /// Dimension names the data carries for this metric.
    pub dimensions: Vec<String>,
    pub series: BTreeMap<Dims, Series>,
}

impl MetricData {
    /// The data's spelling of `dimension`, if the data carries it: matched case-insensitively
    /// (as Azure matches dimension names) and regardless of spaces (the display name `Cluster
    /// Name` is the REST name `ClusterName`).
    pub fn dimension(&self, dimension: &str) -> Option<&str> {
        self.dimensions
            .iter()
            .find(|d| same_dimension(d, dimension))
            .map(String::as_str)
    }
}

/// Whether two dimension names are the same dimension: equal but for case and spaces.
pub fn same_dimension(a: &str, b: &str) -> bool {
    fn squeeze(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
    }
    squeeze(a).eq(squeeze(b))
}

/// Metric data keyed by metric name (case-insensitively), and the span of time it covers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesSet {
    metrics: BTreeMap<String, MetricData>,
    span: Option<(Minute, Minute)>,
}

impl SeriesSet {
    pub fn new() -> Self {
        SeriesSet::default()
    }

    /// Declares that the data determines `metric`, with these dimensions: a metric declared but
    /// without points is a metric whose value is known to be absent (no samples), not unknown.
    pub fn declare(&mut self, metric: &str, dimensions: &[&str]) -> &mut MetricData {
        let entry = self
            .metrics
            .entry(metric.to_lowercase())
            .or_insert_with(|| MetricData {
                name: metric.to_string(),
                ..MetricData::default()
            });
        for d in dimensions {
            if entry.dimension(d).is_none() {
                entry.dimensions.push((*d).to_string());
            }
        }
        entry
    }

    /// Adds one sample of `metric` at `minute` to the series with dimension values `dims`,
    /// declaring the metric and its dimensions if needed.
    pub fn add_sample(&mut self, metric: &str, dims: &Dims, minute: Minute, value: f64) {
        self.add(metric, dims, minute, Point::sample(value), &[]);
    }

    /// Adds a point (with the records behind it) to the series with dimension values `dims`.
    pub fn add(
        &mut self,
        metric: &str,
        dims: &Dims,
        minute: Minute,
        point: Point,
        evidence: &[Evidence],
    ) {
        self.observe(minute);
        let names: Vec<&str> = dims.keys().map(String::as_str).collect();
        let data = self.declare(metric, &names);
        data.series
            .entry(dims.clone())
            .or_insert_with(|| Series::new(dims.clone()))
            .add(minute, point, evidence);
    }

    /// Widens the span of time the data covers (a record seen, whatever it contributed).
    pub fn observe(&mut self, minute: Minute) {
        self.span = Some(match self.span {
            None => (minute, minute),
            Some((a, b)) => (a.min(minute), b.max(minute)),
        });
    }

    /// First and last minute the data covers.
    pub fn span(&self) -> Option<(Minute, Minute)> {
        self.span
    }

    /// The data of `metric`, matched case-insensitively.
    pub fn metric(&self, metric: &str) -> Option<&MetricData> {
        self.metrics.get(&metric.to_lowercase())
    }

    pub fn metrics(&self) -> impl Iterator<Item = &MetricData> {
        self.metrics.values()
    }
}

/// `minute` as RFC 3339 UTC (`2026-01-01T10:00:00Z`).
pub fn rfc3339(minute: Minute) -> String {
    minute
        .checked_mul(60)
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map_or_else(|| format!("minute {minute}"), |t| t.to_string())
}

/// The minute that contains `micros` (microseconds since the epoch).
pub fn minute_of_micros(micros: i64) -> Minute {
    micros.div_euclid(60_000_000)
}
