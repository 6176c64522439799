//! Clock readings and the two date formats the client meets: the signing scope's UTC day
//! (`YYYY-MM-DD`) and the server's HTTP `Date` header; and the API's integer timestamps as
//! `SystemTime`, for the generated `*_time()` accessors. Calendar arithmetic is `httpdate`'s.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the UNIX epoch, as the signature's `X-TC-Timestamp`.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Nanoseconds since the epoch, for seeding jitter.
pub(crate) fn unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// The last second `httpdate` can format (9999-12-31T23:59:59Z); it panics beyond it.
const LAST_FORMATTABLE: u64 = 253_402_300_799;

/// The UTC date of a UNIX timestamp, formatted `YYYY-MM-DD`. Timestamps after the year 9999
/// give that year's last day rather than a panic.
pub(crate) fn utc_date(timestamp: u64) -> String {
    let time = UNIX_EPOCH + Duration::from_secs(timestamp.min(LAST_FORMATTABLE));
    // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    let http = httpdate::fmt_http_date(time);
    let month = MONTHS
        .iter()
        .position(|m| *m == &http[8..11])
        .expect("httpdate writes English month abbreviations")
        + 1;
    format!("{}-{month:02}-{}", &http[12..16], &http[5..7])
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an HTTP `Date` header (IMF-fixdate, or the obsolete RFC 850 and asctime forms) into
/// UNIX seconds. Used to correct the clock when the server says our signature has expired.
pub(crate) fn parse_http_date(value: &str) -> Option<u64> {
    let time = httpdate::parse_http_date(value).ok()?;
    time.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

/// `value` counted in `1 / per_second` seconds since the epoch. A value before the epoch gives
/// the epoch and one after the year 9999 gives its last second, so a malformed response never
/// panics.
pub(crate) fn from_unix(value: impl Into<i128>, per_second: u32) -> SystemTime {
    let value = value.into().max(0);
    let per_second = i128::from(per_second);
    let seconds = u64::try_from(value / per_second).unwrap_or(u64::MAX);
    if seconds > LAST_FORMATTABLE {
        return UNIX_EPOCH + Duration::from_secs(LAST_FORMATTABLE);
    }
    let fraction = value % per_second;
    let nanos = u32::try_from(fraction * (1_000_000_000 / per_second)).unwrap_or(0);
    UNIX_EPOCH + Duration::new(seconds, nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_around_boundaries() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
        assert_eq!(utc_date(1_704_067_199), "2023-12-31");
        assert_eq!(utc_date(1_704_067_200), "2024-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(4_107_542_400), "2100-03-01");
        assert_eq!(utc_date(LAST_FORMATTABLE), "9999-12-31");
        assert_eq!(utc_date(u64::MAX), "9999-12-31", "clamped, not a panic");
    }

    #[test]
    fn every_month_maps_to_its_number() {
        // The 15th of each month of 2024, 00:00 UTC.
        let days_before = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];
        for (index, days) in days_before.iter().enumerate() {
            let timestamp = 1_704_067_200 + (days + 14) * 86_400;
            assert_eq!(utc_date(timestamp), format!("2024-{:02}-15", index + 1));
        }
    }

    #[test]
    fn http_dates_round_trip() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("Mon, 01 Jan 2024 00:00:00 GMT"),
            Some(1_704_067_200)
        );
        assert_eq!(parse_http_date("garbage"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"), None);
    }

    #[test]
    fn milliseconds_and_seconds() {
        let t = from_unix(1_559_530_931_613_u64, 1000);
        assert_eq!(
            t.duration_since(UNIX_EPOCH).unwrap(),
            Duration::from_millis(1_559_530_931_613)
        );
        let t = from_unix(1_559_530_931_i64, 1);
        assert_eq!(
            t.duration_since(UNIX_EPOCH).unwrap(),
            Duration::from_secs(1_559_530_931)
        );
    }

    #[test]
    fn out_of_range_values_saturate() {
        assert_eq!(from_unix(-5_i64, 1000), UNIX_EPOCH);
        assert_eq!(
            from_unix(u64::MAX, 1),
            UNIX_EPOCH + Duration::from_secs(LAST_FORMATTABLE)
        );
    }
}
