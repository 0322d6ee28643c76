//! Record timestamps: RFC 3339 / ISO 8601 as Azure writes them (`2026-11-25T08:00:00.1234567Z`),
//! without a zone (taken as UTC), and the portal's CSV form (`11/25/2026, 8:00:00.000 AM`).
//! Times are microseconds since the Unix epoch.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

pub fn parse(text: &str) -> Option<i64> {
    if let Some(t) = fast_utc(text.as_bytes()) {
        return Some(t);
    }
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
        if let Ok(bdt) = jiff::fmt::strtime::parse(fmt, t)
            && let Ok(dt) = bdt.to_datetime()
        {
            return TimeZone::UTC
                .to_timestamp(dt)
                .ok()
                .map(Timestamp::as_microsecond);
        }
    }
    None
}

/// The form nearly every Azure record uses, `YYYY-MM-DDTHH:MM:SS[.fffffff]Z`, parsed without
/// the general parser; anything else (and any out-of-range field) falls back to jiff.
fn fast_utc(b: &[u8]) -> Option<i64> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || *b.last()? != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let micros = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', frac @ ..] if !frac.is_empty() && frac.len() <= 9 => {
            let mut v = 0i64;
            for (i, &c) in frac.iter().enumerate() {
                if !c.is_ascii_digit() {
                    return None;
                }
                if i < 6 {
                    v = v * 10 + i64::from(c - b'0');
                }
            }
            v * 10i64.pow(6u32.saturating_sub(frac.len() as u32))
        }
        _ => return None,
    };
    // Before 1970 jiff rounds sub-microsecond fractions towards zero: leave those to it.
    if y < 1970
        || !(1..=12).contains(&mo)
        || d < 1
        || d > days_in_month(y, mo)
        || h > 23
        || mi > 59
        || s > 59
    {
        return None;
    }
    Some((days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s) * 1_000_000 + micros)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// RFC 3339 text of a time, for reports. Times past jiff's range (its last instant is
/// 9999-12-30T22:00Z, which the fast path can exceed) are written out by hand.
pub fn format(micros: i64) -> String {
    Timestamp::from_microsecond(micros).map_or_else(|_| format_civil(micros), |t| t.to_string())
}

fn format_civil(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    let mut out = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        t / 3600,
        (t / 60) % 60,
        t % 60
    );
    if frac != 0 {
        let f = format!("{frac:06}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// The proleptic Gregorian date of a day since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The fast path agrees with jiff on every instant it accepts.
        #[test]
        fn fast_path_agrees_with_jiff(secs in -2_000_000_000i64..4_000_000_000, frac in 0u32..10_000_000, digits in 0usize..8) {
            let ts = Timestamp::from_second(secs).unwrap();
            let base = ts.strftime("%Y-%m-%dT%H:%M:%S").to_string();
            let f = format!("{frac:07}");
            let text = if digits == 0 { format!("{base}Z") } else { format!("{base}.{}Z", &f[..digits.min(7)]) };
            let slow: Timestamp = text.parse().unwrap();
            match fast_utc(text.as_bytes()) {
                Some(fast) => prop_assert_eq!(fast, slow.as_microsecond()),
                None => prop_assert!(secs < 0, "{text} took the slow path"),
            }
            prop_assert_eq!(parse(&text), Some(slow.as_microsecond()));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// On text of the fast path's shape with any two digits in each field, any separators
        /// and any fraction, the fast path gives jiff's answer or declines; it declines no
        /// canonical time that jiff reads. Month ends and leap days are drawn often.
        #[test]
        fn fast_path_accepts_only_what_jiff_accepts(
            y in prop_oneof![1970i64..2200, Just(2000i64), Just(2100i64)],
            mo in 0i64..14,
            d in prop_oneof![0i64..33, 28i64..32],
            h in 0i64..26, mi in 0i64..62, s in 0i64..62,
            seps in proptest::sample::select(vec!["--T::", "--T::", "/-T::", "-/T::", "-- ::", "--T.:", "--T:."]),
            frac in "(\\.[0-9]{0,11})?",
        ) {
            let sep: Vec<char> = seps.chars().collect();
            let text = format!("{y:04}{}{mo:02}{}{d:02}{}{h:02}{}{mi:02}{}{s:02}{frac}Z", sep[0], sep[1], sep[2], sep[3], sep[4]);
            let slow = text.parse::<Timestamp>().ok().map(|t| t.as_microsecond());
            let fast = fast_utc(text.as_bytes());
            if fast.is_some() {
                prop_assert_eq!(fast, slow, "{}", text);
            } else if seps == "--T::" && frac.len() <= 10 && s != 60 {
                // (A leap second, :60, is left to jiff.)
                prop_assert!(slow.is_none(), "{} took the slow path", text);
            }
        }
    }

    #[test]
    fn month_ends_and_leap_days_are_exact_on_the_fast_path() {
        let fast = |s: &str| fast_utc(format!("{s}T00:00:00Z").as_bytes());
        let jiff = |s: &str| {
            format!("{s}T00:00:00Z")
                .parse::<Timestamp>()
                .ok()
                .map(|t| t.as_microsecond())
        };
        for day in [
            "2028-02-29",
            "2000-02-29",
            "2026-04-30",
            "2026-12-31",
            "2026-02-28",
        ] {
            assert!(fast(day).is_some(), "{day} takes the fast path");
            assert_eq!(fast(day), jiff(day), "{day}");
        }
        for day in [
            "2027-02-29",
            "2100-02-29",
            "2026-04-31",
            "2026-06-31",
            "2026-09-31",
            "2026-11-31",
        ] {
            assert_eq!((fast(day), jiff(day)), (None, None), "{day}");
        }
    }

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

    #[test]
    fn times_past_jiffs_range_are_still_rfc_3339() {
        let t = parse("9999-12-31T23:59:59.5Z").unwrap();
        assert_eq!(format(t), "9999-12-31T23:59:59.5Z");
        assert_eq!(
            format_civil(parse("2026-11-25T08:00:00.25Z").unwrap()),
            "2026-11-25T08:00:00.25Z"
        );
        // The edges of the 400-year cycle the algorithm counts in (it starts on 1 March) and of
        // its centuries, where the leap-day corrections change the year a day falls in.
        for day in [
            "2000-02-29",
            "2000-03-01",
            "2099-12-31",
            "2100-02-28",
            "2100-03-01",
            "2101-02-28",
            "2200-02-28",
            "2300-02-28",
            "2399-02-28",
            "2400-02-29",
            "2400-03-01",
            "1900-02-28",
            "1600-02-29",
            "0000-03-01",
        ] {
            let text = format!("{day}T23:59:59Z");
            let t = text.parse::<Timestamp>().unwrap().as_microsecond();
            assert_eq!(format_civil(t), text);
        }
    }

    proptest! {
        /// The hand-written form agrees with jiff wherever jiff has one.
        #[test]
        fn civil_format_agrees_with_jiff(micros in -62_167_219_200_000_000i64..253_402_300_800_000_000) {
            if let Ok(t) = Timestamp::from_microsecond(micros) {
                prop_assert_eq!(format_civil(micros), t.to_string());
            }
        }
    }
}
