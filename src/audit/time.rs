//! Record timestamps: RFC 3339 / ISO 8601 as Azure writes them (`2026-11-25T08:00:00.1234567Z`),
//! without a zone (taken as UTC), and the portal's CSV form (`11/25/2026, 8:00:00.000 AM`).
//! Times are microseconds since the Unix epoch.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

pub fn parse(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts.as_microsecond());
    }
    if let Ok(dt) = t.parse::<DateTime>() {
        return TimeZone::UTC
            .to_timestamp(dt)
            .ok()
            .map(Timestamp::as_microsecond);
    }
    for fmt in [
        "%m/%d/%Y, %I:%M:%S%.f %p",
        "%m/%d/%Y %I:%M:%S%.f %p",
        "%m/%d/%Y, %H:%M:%S%.f",
    ] {
        if let Ok(bdt) = jiff::fmt::strtime::parse(fmt, t) {
            if let Ok(dt) = bdt.to_datetime() {
                return TimeZone::UTC
                    .to_timestamp(dt)
                    .ok()
                    .map(Timestamp::as_microsecond);
            }
        }
    }
    None
}

/// RFC 3339 text of a time, for reports.
pub fn format(micros: i64) -> String {
    Timestamp::from_microsecond(micros).map_or_else(|_| micros.to_string(), |t| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_forms() {
        let base = parse("2026-11-25T08:00:00Z").unwrap();
        assert_eq!(parse("2026-11-25T08:00:00.1234567Z"), Some(base + 123_456));
        assert_eq!(parse("2026-11-25T09:00:00+01:00"), Some(base));
        assert_eq!(parse("2026-11-25 08:00:00"), Some(base));
        assert_eq!(parse("11/25/2026, 8:00:00.000 AM"), Some(base));
        assert_eq!(
            parse("11/25/2026, 8:00:00.500 PM"),
            Some(base + 12 * 3_600_000_000 + 500_000)
        );
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("2026-13-25T08:00:00Z"), None);
        assert_eq!(format(base), "2026-11-25T08:00:00Z");
    }
}
