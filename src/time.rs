//! The timestamps servers send: ISO 8601 token expiry times
//! (`2026-11-24T19:52:39.000000Z`, `2015-02-05T00:03:44.123-06:00`) and the
//! HTTP `Date` header (`Mon, 23 Nov 2026 19:52:39 GMT`), as seconds since the
//! Unix epoch. Only what these servers write is accepted; anything else is
//! `None`, never a panic.

/// Seconds since 1970-01-01T00:00:00Z of an ISO 8601 date-time with a `Z` or
/// `±HH:MM` offset (no offset means UTC), fraction of seconds ignored.
pub(crate) fn parse_iso8601(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = text.get(..10)?;
    let separator = text.get(10..11)?;
    if separator != "T" && separator != "t" && separator != " " {
        return None;
    }
    let time = text.get(11..19)?;
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let hhmm = rest[1..].replace(':', "");
            if hhmm.len() != 4 {
                return None;
            }
            let hours = number(&hhmm[..2])?;
            let minutes = number(&hhmm[2..])?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let (year, month, day) = date_parts(date)?;
    let seconds = time_of_day(time)?;
    Some(days_from_civil(year, month, day)? * 86_400 + seconds - offset)
}

/// Seconds since the epoch of an HTTP `Date` in the IMF-fixdate form
/// (RFC 9110), the only one current servers send.
pub(crate) fn parse_http_date(text: &str) -> Option<i64> {
    let mut parts = text.split_whitespace();
    let _weekday = parts.next()?;
    let day = number(parts.next()?)?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = number(parts.next()?)?;
    let seconds = time_of_day(parts.next()?)?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    Some(days_from_civil(year, month, day)? * 86_400 + seconds)
}

fn number(digits: &str) -> Option<i64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 9 {
        return None;
    }
    digits.parse().ok()
}

fn date_parts(date: &str) -> Option<(i64, i64, i64)> {
    let mut fields = date.split('-');
    let year = number(fields.next()?)?;
    let month = number(fields.next()?)?;
    let day = number(fields.next()?)?;
    fields.next().is_none().then_some((year, month, day))
}

fn time_of_day(time: &str) -> Option<i64> {
    let mut fields = time.split(':');
    let hours = number(fields.next()?)?;
    let minutes = number(fields.next()?)?;
    let seconds = number(fields.next()?)?;
    if fields.next().is_some() || hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    Some(hours * 3600 + minutes * 60 + seconds)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keystone_forms() {
        // 2026-11-24T19:52:39Z, checked with `date -u -d ... +%s`.
        let expected = 1_795_549_959;
        for text in [
            "2026-11-24T19:52:39.000000Z",
            "2026-11-24T19:52:39Z",
            "2026-11-24T19:52:39",
            "2026-11-24T19:52:39+00:00",
            "2026-11-24T21:52:39.5+02:00",
            "2026-11-24T13:52:39.470-06:00",
            "2026-11-24T13:52:39-0600",
        ] {
            assert_eq!(parse_iso8601(text), Some(expected), "{text}");
        }
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso8601("2000-03-01T00:00:00Z"), Some(951_868_800));
    }

    #[test]
    fn garbage_is_none() {
        for text in [
            "",
            "tomorrow",
            "2026-13-24T19:52:39Z",
            "2026-11-24T25:52:39Z",
            "2026-11-24T19:52:39.Z",
            "2026-11-24T19:52:39+2",
            "2026-11-24X19:52:39Z",
            "2026-11-24T19:52:39Zjunk",
            "2026-11-2é19:52:39Z",
        ] {
            assert_eq!(parse_iso8601(text), None, "{text}");
        }
    }

    #[test]
    fn http_date() {
        assert_eq!(
            parse_http_date("Tue, 24 Nov 2026 19:52:39 GMT"),
            Some(1_795_549_959)
        );
        assert_eq!(parse_http_date("Tue, 24 Nov 2026 19:52:39 PST"), None);
        assert_eq!(parse_http_date("Tuesday"), None);
    }
}
