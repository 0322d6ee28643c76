//! The fixed vocabularies of Azure metric alerts: aggregations, operators, dimension operators.
//! Source: ARM resource Microsoft.Insights/metricAlerts, API 2018-03-01
//! (https://learn.microsoft.com/en-us/azure/templates/microsoft.insights/2018-03-01/metricalerts).

use std::fmt;

use serde::Serialize;

/// A metric criterion's `timeAggregation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Aggregation {
    Average,
    Minimum,
    Maximum,
    Total,
    Count,
}

impl Aggregation {
    pub const ALL: [Aggregation; 5] = [
        Aggregation::Average,
        Aggregation::Minimum,
        Aggregation::Maximum,
        Aggregation::Total,
        Aggregation::Count,
    ];

    /// ARM spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Average => "Average",
            Aggregation::Minimum => "Minimum",
            Aggregation::Maximum => "Maximum",
            Aggregation::Total => "Total",
            Aggregation::Count => "Count",
        }
    }

    /// The az CLI spelling (`avg`, `min`, `max`, `total`, `count`).
    pub fn cli(self) -> &'static str {
        match self {
            Aggregation::Average => "avg",
            Aggregation::Minimum => "min",
            Aggregation::Maximum => "max",
            Aggregation::Total => "total",
            Aggregation::Count => "count",
        }
    }

    /// ARM and CLI spellings, case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s) || a.cli().eq_ignore_ascii_case(s))
    }

    /// Every accepted spelling, for suggestions.
    pub fn spellings() -> impl Iterator<Item = &'static str> + Clone {
        Self::ALL.into_iter().flat_map(|a| [a.as_str(), a.cli()])
    }
}

impl fmt::Display for Aggregation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A criterion's comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Operator {
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    Equals,
    NotEquals,
    /// Dynamic thresholds only: deviation in either direction (`><` in the CLI).
    GreaterOrLessThan,
}

impl Operator {
    pub const ALL: [Operator; 7] = [
        Operator::GreaterThan,
        Operator::GreaterThanOrEqual,
        Operator::LessThan,
        Operator::LessThanOrEqual,
        Operator::Equals,
        Operator::NotEquals,
        Operator::GreaterOrLessThan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Operator::GreaterThan => "GreaterThan",
            Operator::GreaterThanOrEqual => "GreaterThanOrEqual",
            Operator::LessThan => "LessThan",
            Operator::LessThanOrEqual => "LessThanOrEqual",
            Operator::Equals => "Equals",
            Operator::NotEquals => "NotEquals",
            Operator::GreaterOrLessThan => "GreaterOrLessThan",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Operator::GreaterThan => ">",
            Operator::GreaterThanOrEqual => ">=",
            Operator::LessThan => "<",
            Operator::LessThanOrEqual => "<=",
            Operator::Equals => "=",
            Operator::NotEquals => "!=",
            Operator::GreaterOrLessThan => "><",
        }
    }

    /// Names and symbols, case-insensitively; `==` is taken for `=`.
    pub fn parse(s: &str) -> Option<Self> {
        if s == "==" {
            return Some(Operator::Equals);
        }
        Self::ALL
            .into_iter()
            .find(|o| o.as_str().eq_ignore_ascii_case(s) || o.symbol() == s)
    }

    pub fn spellings() -> impl Iterator<Item = &'static str> + Clone {
        Self::ALL.into_iter().flat_map(|o| [o.as_str(), o.symbol()])
    }

    /// The operators of a log alert criterion (`scheduledQueryRules`): the static comparisons,
    /// with `Equal` (the service's spelling) as well as `Equals` (the REST specification's).
    pub fn parse_log(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("Equal") {
            return Some(Operator::Equals);
        }
        Self::parse(s).filter(|o| !matches!(o, Operator::NotEquals | Operator::GreaterOrLessThan))
    }

    /// The spellings [`Operator::parse_log`] accepts, for suggestions.
    pub fn log_spellings() -> impl Iterator<Item = &'static str> + Clone {
        [
            "GreaterThan",
            "GreaterThanOrEqual",
            "LessThan",
            "LessThanOrEqual",
            "Equal",
            ">",
            ">=",
            "<",
            "<=",
            "=",
        ]
        .into_iter()
    }

    /// Whether `value OP threshold` holds.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Operator::GreaterThan => value > threshold,
            Operator::GreaterThanOrEqual => value >= threshold,
            Operator::LessThan => value < threshold,
            Operator::LessThanOrEqual => value <= threshold,
            Operator::Equals => value == threshold,
            Operator::NotEquals => value != threshold,
            Operator::GreaterOrLessThan => value != threshold,
        }
    }

    /// Operators Azure accepts with a dynamic threshold.
    pub fn allowed_for_dynamic(self) -> bool {
        matches!(
            self,
            Operator::GreaterThan | Operator::LessThan | Operator::GreaterOrLessThan
        )
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dimension filter's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DimensionOperator {
    Include,
    Exclude,
    StartsWith,
}

impl DimensionOperator {
    pub const ALL: [DimensionOperator; 3] = [
        DimensionOperator::Include,
        DimensionOperator::Exclude,
        DimensionOperator::StartsWith,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DimensionOperator::Include => "Include",
            DimensionOperator::Exclude => "Exclude",
            DimensionOperator::StartsWith => "StartsWith",
        }
    }

    /// ARM names and the CLI's `includes` / `excludes`, case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "include" | "includes" => Some(DimensionOperator::Include),
            "exclude" | "excludes" => Some(DimensionOperator::Exclude),
            "startswith" => Some(DimensionOperator::StartsWith),
            _ => None,
        }
    }
}

impl fmt::Display for DimensionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dynamic threshold's sensitivity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Sensitivity {
    Low,
    Medium,
    High,
}

impl Sensitivity {
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Low => "Low",
            Sensitivity::Medium => "Medium",
            Sensitivity::High => "High",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Sensitivity::Low, Sensitivity::Medium, Sensitivity::High]
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arm_and_cli_spellings() {
        assert_eq!(Aggregation::parse("avg"), Some(Aggregation::Average));
        assert_eq!(Aggregation::parse("TOTAL"), Some(Aggregation::Total));
        assert_eq!(Aggregation::parse("sum"), None);
        assert_eq!(Operator::parse(">="), Some(Operator::GreaterThanOrEqual));
        assert_eq!(Operator::parse("lessthan"), Some(Operator::LessThan));
        assert_eq!(
            DimensionOperator::parse("include"),
            Some(DimensionOperator::Include)
        );
        assert_eq!(
            DimensionOperator::parse("excludes"),
            Some(DimensionOperator::Exclude)
        );
    }
}
