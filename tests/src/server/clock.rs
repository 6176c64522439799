//! The server's notion of "now" (shiftable for clock-skew tests) and the two date formats the
//! endpoint needs, computed by hand so the package stays free of a date crate.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The system clock shifted by an adjustable number of seconds.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    pub(crate) fn new(offset_secs: i64) -> Clock {
        Clock {
            offset_secs: AtomicI64::new(offset_secs),
        }
    }

    pub(crate) fn set_offset_secs(&self, offset_secs: i64) {
        self.offset_secs.store(offset_secs, Ordering::SeqCst);
    }

    /// Unix seconds as the server believes them to be.
    pub(crate) fn now(&self) -> i64 {
        system_unix_secs().saturating_add(self.offset_secs.load(Ordering::SeqCst))
    }
}

/// Unix seconds on the real system clock.
pub fn system_unix_secs() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// `YYYY-MM-DD` in UTC: the date that goes into a TC3 credential scope.
pub fn utc_date(unix_secs: i64) -> String {
    let t = CivilTime::from_unix(unix_secs);
    format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
}

/// RFC 7231 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`, for the `Date:` header.
pub fn http_date(unix_secs: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = CivilTime::from_unix(unix_secs);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[t.weekday],
        t.day,
        MONTHS[t.month as usize - 1],
        t.year,
        t.hour,
        t.minute,
        t.second
    )
}

/// A broken-down UTC time (proleptic Gregorian calendar).
struct CivilTime {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    second: i64,
    /// 0 = Sunday.
    weekday: usize,
}

impl CivilTime {
    /// Howard Hinnant's `civil_from_days`, valid for every `i64` day count we can meet here.
    fn from_unix(unix_secs: i64) -> CivilTime {
        let days = unix_secs.div_euclid(86_400);
        let secs_of_day = unix_secs.rem_euclid(86_400);

        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153; // March = 0
        let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);

        CivilTime {
            year,
            month,
            day,
            hour: secs_of_day / 3600,
            minute: secs_of_day / 60 % 60,
            second: secs_of_day % 60,
            // 1970-01-01 was a Thursday.
            weekday: (days + 4).rem_euclid(7) as usize,
        }
    }
}
