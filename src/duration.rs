//! Evaluation frequencies and window sizes: ISO 8601 durations (`PT5M`, `PT1H`, `P1D`) as
//! Azure writes them, and the short forms `30s`, `5m`, `1h`, `1d` that people type.

/// A duration in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

impl Duration {
    pub const fn minutes(m: u64) -> Self {
        Duration(m * 60)
    }

    pub const fn hours(h: u64) -> Self {
        Duration(h * 3600)
    }

    /// Parses `PT5M`, `PT1H30M`, `P1D`, `PT24H`, `P1DT2H` or `5m`, `90s`, `1h`, `1d`
    /// (case-insensitive). Fractions and year/month/week units are not accepted.
    pub fn parse(text: &str) -> Option<Duration> {
        let s = text.trim();
        let upper = s.to_ascii_uppercase();
        if let Some(rest) = upper.strip_prefix('P') {
            return parse_iso(rest);
        }
        let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
        let n: u64 = digits.parse().ok()?;
        let secs = match unit.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" => n,
            "m" | "min" | "mins" | "minute" | "minutes" => n.checked_mul(60)?,
            "h" | "hour" | "hours" => n.checked_mul(3600)?,
            "d" | "day" | "days" => n.checked_mul(86_400)?,
            _ => return None,
        };
        Some(Duration(secs))
    }

    /// The ISO 8601 form Azure prints (`PT5M`, `PT1H`, `P1D`).
    pub fn iso(self) -> String {
        let mut s = self.0;
        let days = s / 86_400;
        s %= 86_400;
        let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
        let mut out = String::from("P");
        if days > 0 {
            out.push_str(&format!("{days}D"));
        }
        if h > 0 || m > 0 || sec > 0 || days == 0 {
            out.push('T');
            if h > 0 {
                out.push_str(&format!("{h}H"));
            }
            if m > 0 {
                out.push_str(&format!("{m}M"));
            }
            if sec > 0 || (h == 0 && m == 0) {
                out.push_str(&format!("{sec}S"));
            }
        }
        out
    }
}

fn parse_iso(rest: &str) -> Option<Duration> {
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return None;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let mut total: u64 = 0;
    let mut any = false;
    for (part, units) in [
        (Some(date), &[('D', 86_400u64)][..]),
        (time, &[('H', 3600), ('M', 60), ('S', 1)][..]),
    ] {
        let Some(mut part) = part else { continue };
        let mut last = 0;
        while !part.is_empty() {
            let end = part.find(|c: char| !c.is_ascii_digit())?;
            if end == 0 {
                return None;
            }
            let n: u64 = part[..end].parse().ok()?;
            let unit = part[end..].chars().next()?;
            let pos = units.iter().position(|(u, _)| *u == unit)?;
            if pos < last {
                return None;
            }
            last = pos + 1;
            total = total.checked_add(n.checked_mul(units[pos].1)?)?;
            any = true;
            part = &part[end + 1..];
        }
    }
    any.then_some(Duration(total))
}

/// Evaluation frequencies Azure accepts for metric alerts.
/// Source: Microsoft.Insights metricAlerts 2018-03-01 ARM template reference, https://learn.microsoft.com/en-us/azure/templates/microsoft.insights/2018-03-01/metricalerts (`evaluationFrequency`).
pub const ALLOWED_FREQUENCIES: [Duration; 5] = [
    Duration::minutes(1),
    Duration::minutes(5),
    Duration::minutes(15),
    Duration::minutes(30),
    Duration::hours(1),
];

/// Window sizes Azure accepts for metric alerts.
/// Source: Microsoft.Insights metricAlerts 2018-03-01 ARM template reference, https://learn.microsoft.com/en-us/azure/templates/microsoft.insights/2018-03-01/metricalerts (`windowSize`).
pub const ALLOWED_WINDOWS: [Duration; 8] = [
    Duration::minutes(1),
    Duration::minutes(5),
    Duration::minutes(15),
    Duration::minutes(30),
    Duration::hours(1),
    Duration::hours(6),
    Duration::hours(12),
    Duration::hours(24),
];

/// The allowed value nearest to `d` (ties go to the shorter one).
pub fn nearest_allowed(d: Duration, allowed: &[Duration]) -> Duration {
    *allowed
        .iter()
        .min_by_key(|a| a.0.abs_diff(d.0))
        .expect("non-empty list")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_iso_and_short_forms() {
        assert_eq!(Duration::parse("PT5M"), Some(Duration(300)));
        assert_eq!(Duration::parse("pt1h"), Some(Duration(3600)));
        assert_eq!(Duration::parse("P1D"), Some(Duration(86_400)));
        assert_eq!(Duration::parse("PT24H"), Some(Duration(86_400)));
        assert_eq!(Duration::parse("PT1H30M"), Some(Duration(5400)));
        assert_eq!(Duration::parse("5m"), Some(Duration(300)));
        assert_eq!(Duration::parse("1d"), Some(Duration(86_400)));
        for bad in [
            "", "P", "PT", "5", "PT5", "PTM", "5x", "PT5M1H", "P1W", "-5m", "PT5.5M",
        ] {
            assert_eq!(Duration::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn prints_azure_forms() {
        assert_eq!(Duration(300).iso(), "PT5M");
        assert_eq!(Duration(86_400).iso(), "P1D");
        assert_eq!(Duration(5400).iso(), "PT1H30M");
        assert_eq!(
            nearest_allowed(Duration::minutes(10), &ALLOWED_FREQUENCIES),
            Duration::minutes(5)
        );
    }

    proptest! {
        #[test]
        fn iso_round_trips(secs in 0u64..10_000_000) {
            prop_assert_eq!(Duration::parse(&Duration(secs).iso()), Some(Duration(secs)));
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = Duration::parse(&s);
        }
    }
}
