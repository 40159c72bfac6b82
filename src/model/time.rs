//! Time: the calendar date a lead assessed a rating ([`Date`]), the instant a change was
//! recorded ([`Timestamp`]), and the parsing of what spreadsheets write for dates. Built on
//! `jiff`: ISO 8601 with offsets, UK day-first dates, and the user's local calendar.
//!
//! An assessment date is a calendar date in the user's time zone: `25/07/2026 00:30` written
//! by a UK spreadsheet in summer is local time, so the 25th, while `2026-07-24T23:30:00Z` is
//! the same instant and also the 25th in London.

pub use jiff::civil::Date;
use jiff::tz::TimeZone;

/// An instant, in milliseconds since 1970-01-01 UTC: when a change was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current instant.
    pub fn now() -> Timestamp {
        Timestamp(jiff::Timestamp::now().as_millisecond())
    }

    fn jiff(self) -> jiff::Timestamp {
        // Outside jiff's range (only in a hand-edited file): the nearest end.
        let ms = self.0.clamp(
            jiff::Timestamp::MIN.as_millisecond() + 1,
            jiff::Timestamp::MAX.as_millisecond() - 1,
        );
        jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-25T14:30:00.000Z`.
    ///
    /// ```
    /// use capmatrix::model::Timestamp;
    /// assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T00:00:00.000Z");
    /// assert_eq!(Timestamp(1_795_564_800_000).to_rfc3339(), "2026-11-25T00:00:00.000Z");
    /// ```
    pub fn to_rfc3339(self) -> String {
        format!("{:.3}", self.jiff())
    }

    /// The calendar date of this instant in a time zone.
    pub fn date_in(self, tz: &TimeZone) -> Date {
        self.jiff().to_zoned(tz.clone()).date()
    }

    /// The calendar date of this instant in the user's time zone.
    pub fn local_date(self) -> Date {
        self.date_in(&local_zone())
    }

    /// Local date and time to the minute, e.g. `2026-11-25 14:30`, for the history panel.
    pub fn local_minute(self) -> String {
        self.jiff()
            .to_zoned(local_zone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// The user's time zone (UTC when the system's cannot be found).
pub fn local_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// Today in the user's time zone.
pub fn today() -> Date {
    Timestamp::now().local_date()
}

/// The earliest assessment date accepted: nothing in a skills matrix predates it.
pub const EARLIEST: Date = jiff::civil::date(1900, 1, 1);

/// Parses a date as spreadsheets and people write it, to the calendar date in `tz`:
/// ISO 8601 dates (`2026-11-25`), date-times without an offset (local time:
/// `2026-11-25T14:30`, `2026-11-25 14:30:00`), instants with an offset or `Z`
/// (`2026-07-24T23:30:00Z`, converted to `tz`), and UK day-first dates with an optional time
/// (`25/11/2026`, `25/07/2026 14:30`). `None` for anything else, and for dates before 1900.
///
/// ```
/// use capmatrix::model::time::{Date, parse_date_in};
/// use jiff::tz::TimeZone;
/// let london = TimeZone::posix("GMT0BST,M3.5.0/1,M10.5.0").unwrap();
/// let d = |y, m, day| Some(Date::new(y, m, day).unwrap());
/// assert_eq!(parse_date_in("2026-11-25", &london), d(2026, 11, 25));
/// assert_eq!(parse_date_in("25/07/2026 00:30", &london), d(2026, 7, 25));
/// assert_eq!(parse_date_in("2026-07-24T23:30:00Z", &london), d(2026, 7, 25));
/// assert_eq!(parse_date_in("2026-01-31T23:30:00Z", &london), d(2026, 1, 31));
/// assert_eq!(parse_date_in("2026-07-25T00:30:00+01:00", &london), d(2026, 7, 25));
/// assert_eq!(parse_date_in("31/02/2026", &london), None);
/// assert_eq!(parse_date_in("5/3/2026", &london), d(2026, 3, 5));
/// assert_eq!(parse_date_in("05/03/2026 09:05:30", &london), d(2026, 3, 5));
/// assert_eq!(parse_date_in("05/03/26", &london), None);
/// assert_eq!(parse_date_in("next Tuesday", &london), None);
/// ```
pub fn parse_date_in(text: &str, tz: &TimeZone) -> Option<Date> {
    let text = text.trim();
    let date = if let Ok(t) = text.parse::<jiff::Timestamp>() {
        t.to_zoned(tz.clone()).date()
    } else if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        dt.date()
    } else {
        day_first(text)?
    };
    (date >= EARLIEST).then_some(date)
}

/// As [`parse_date_in`], in the user's time zone.
pub fn parse_date(text: &str) -> Option<Date> {
    parse_date_in(text, &local_zone())
}

/// `25/11/2026` or `25/11/2026 14:30[:05]`: a date as UK spreadsheets display it (day first;
/// the time, local, does not change the day).
fn day_first(text: &str) -> Option<Date> {
    if let Ok(d) = Date::strptime("%d/%m/%Y", text) {
        return Some(d);
    }
    ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"]
        .into_iter()
        .find_map(|f| jiff::civil::DateTime::strptime(f, text).ok())
        .map(|dt| dt.date())
}

/// Whole months from `from` to `to` (0 when `to` is earlier): a rating assessed on 25 May
/// is 6 months old on 25 November and still 5 on the 24th.
///
/// ```
/// use capmatrix::model::time::{Date, months_between};
/// let d = |y, m, day| Date::new(y, m, day).unwrap();
/// assert_eq!(months_between(d(2026, 5, 25), d(2026, 11, 25)), 6);
/// assert_eq!(months_between(d(2026, 5, 25), d(2026, 11, 24)), 5);
/// assert_eq!(months_between(d(2025, 11, 30), d(2026, 2, 28)), 2);
/// assert_eq!(months_between(d(2026, 11, 25), d(2026, 1, 1)), 0);
/// ```
pub fn months_between(from: Date, to: Date) -> u32 {
    if to <= from {
        return 0;
    }
    let mut months =
        (i32::from(to.year()) - i32::from(from.year())) * 12 + i32::from(to.month() - from.month());
    if to.day() < from.day() {
        months -= 1;
    }
    months.max(0) as u32
}

/// `date` minus whole months (clamped to the month's last day, and to 1900).
pub fn months_before(date: Date, months: u32) -> Date {
    date.checked_sub(jiff::Span::new().months(i64::from(months.min(12_000))))
        .unwrap_or(EARLIEST)
        .max(EARLIEST)
}

/// The last day of `date`'s month.
pub fn month_end(date: Date) -> Date {
    date.last_of_month()
}
