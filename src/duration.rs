//! Evaluation frequencies and window sizes: ISO 8601 durations (`PT5M`, `PT1H`, `P1D`) as
//! Azure writes them, and the short forms `30s`, `5m`, `1h`, `1d` that people type.

/// A duration in whole seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// The allowed value nearest to `d` (ties go to the earlier one in `allowed`); `d` itself when
/// nothing is allowed.
pub fn nearest_allowed(d: Duration, allowed: &[Duration]) -> Duration {
    allowed
        .iter()
        .min_by_key(|a| a.0.abs_diff(d.0))
        .copied()
        .unwrap_or(d)
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
            "", "P", "PT", "5", "PT5", "PTM", "5x", "PT5M1H", "P1W", "-5m", "PT5.5M", "PT5M5M",
            "P1D1D", "PT1H2H",
        ] {
            assert_eq!(Duration::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn prints_azure_forms() {
        assert_eq!(Duration(300).iso(), "PT5M");
        assert_eq!(Duration(86_400).iso(), "P1D");
        assert_eq!(Duration(5400).iso(), "PT1H30M");
        assert_eq!(Duration(90_000).iso(), "P1DT1H");
        assert_eq!(Duration(0).iso(), "PT0S");
        assert_eq!(
            nearest_allowed(
                Duration::minutes(10),
                &[
                    Duration::minutes(1),
                    Duration::minutes(5),
                    Duration::minutes(15)
                ]
            ),
            Duration::minutes(5)
        );
        assert_eq!(nearest_allowed(Duration(7), &[]), Duration(7));
    }

    proptest! {
        #[test]
        fn iso_round_trips(secs in 0u64..10_000_000) {
            prop_assert_eq!(Duration::parse(&Duration(secs).iso()), Some(Duration(secs)));
        }

        /// Durations built from parts, each often zero (which the uniform draw above almost
        /// never gives: whole hours after whole days), print every non-zero part.
        #[test]
        fn iso_round_trips_part_by_part(
            days in prop_oneof![Just(0u64), 1u64..40],
            hours in prop_oneof![Just(0u64), 1u64..24],
            minutes in prop_oneof![Just(0u64), 1u64..60],
            seconds in prop_oneof![Just(0u64), 1u64..60],
        ) {
            let d = Duration(((days * 24 + hours) * 60 + minutes) * 60 + seconds);
            prop_assert_eq!(Duration::parse(&d.iso()), Some(d), "{}", d.iso());
        }

        #[test]
        fn parsed_text_prints_back_to_the_same_duration(s in "\\PC{0,20}") {
            // Whatever is accepted must mean a duration that prints and re-parses to itself,
            // and must start with a digit or `P` (after trimming): nothing else is a duration.
            if let Some(d) = Duration::parse(&s) {
                prop_assert_eq!(Duration::parse(&d.iso()), Some(d));
                let first = s.trim().chars().next().unwrap();
                prop_assert!(first.is_ascii_digit() || first.eq_ignore_ascii_case(&'p'), "{:?}", s);
            }
        }

        #[test]
        fn short_forms_scale_by_their_unit(n in 0u64..1_000_000, unit in 0usize..4) {
            let (suffix, factor) = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)][unit];
            prop_assert_eq!(Duration::parse(&format!("{n}{suffix}")), Some(Duration(n * factor)));
            let iso = if unit == 3 { format!("P{n}D") } else { format!("PT{n}{}", suffix.to_uppercase()) };
            prop_assert_eq!(Duration::parse(&iso), Some(Duration(n * factor)));
        }
    }
}
