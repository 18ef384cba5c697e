//! Compulsory school age (Education Act 1996 s.8, as `case-format.md` states it).
//!
//! It starts on the first prescribed day (31 Dec, 31 Mar, 31 Aug) on or after the fifth
//! birthday, and ends on the last Friday of June of the school year (1 Sep - 31 Aug) in which
//! the child turns 16.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The day a child born on `dob` reaches `years` of age. A child born on 29 February reaches
/// it on 1 March in a common year (the law of England and Wales counts the anniversary so).
pub fn birthday(dob: NaiveDate, years: i32) -> NaiveDate {
    let year = dob.year() + years;
    NaiveDate::from_ymd_opt(year, dob.month(), dob.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .expect("1 March exists in every year")
}

/// The first day of compulsory school age.
pub fn starts(dob: NaiveDate) -> NaiveDate {
    let fifth = birthday(dob, 5);
    let y = fifth.year();
    [(y, 3, 31), (y, 8, 31), (y, 12, 31)]
        .into_iter()
        .filter_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
        .find(|p| *p >= fifth)
        .expect("31 December is on or after any day of its year")
}

/// The last day of compulsory school age: the school leaving date.
pub fn ends(dob: NaiveDate) -> NaiveDate {
    let sixteenth = birthday(dob, 16);
    // The school year runs 1 Sep - 31 Aug; it ends in the calendar year after a birthday in
    // September-December, and in the birthday's own year otherwise.
    let year = if sixteenth.month() >= 9 {
        sixteenth.year() + 1
    } else {
        sixteenth.year()
    };
    last_friday_of_june(year)
}

fn last_friday_of_june(year: i32) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(year, 6, 30).expect("30 June exists");
    while d.weekday() != Weekday::Fri {
        d -= Duration::days(1);
    }
    d
}

/// Whether a child born on `dob` is of compulsory school age on `day`.
pub fn is_of_school_age(dob: NaiveDate, day: NaiveDate) -> bool {
    starts(dob) <= day && day <= ends(dob)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    #[test]
    fn ipsea_examples() {
        // Born 23 Sep 2007: turns 16 on 23 Sep 2023, school year 2023/24, ends 28 June 2024.
        assert_eq!(ends(d("2007-09-23")), d("2024-06-28"));
        // Fifth birthday 10 Feb 2024 -> starts 31 Mar 2024.
        assert_eq!(starts(d("2019-02-10")), d("2024-03-31"));
    }

    #[test]
    fn prescribed_days_count_on_the_day() {
        // A fifth birthday on a prescribed day starts school age that day.
        assert_eq!(starts(d("2016-08-31")), d("2021-08-31"));
        assert_eq!(starts(d("2016-12-31")), d("2021-12-31"));
        assert_eq!(starts(d("2016-03-31")), d("2021-03-31"));
        assert_eq!(starts(d("2016-09-01")), d("2021-12-31"));
        assert_eq!(starts(d("2016-01-01")), d("2021-03-31"));
    }

    #[test]
    fn august_and_september_birthdays() {
        // Turns 16 on 31 Aug 2026: school year 2025/26, ends Fri 26 June 2026.
        assert_eq!(ends(d("2010-08-31")), d("2026-06-26"));
        // Turns 16 on 1 Sep 2026: school year 2026/27, ends Fri 25 June 2027.
        assert_eq!(ends(d("2010-09-01")), d("2027-06-25"));
    }

    #[test]
    fn leap_day_births() {
        // Fifth birthday in a common year is 1 March; the next prescribed day is 31 March.
        assert_eq!(starts(d("2016-02-29")), d("2021-03-31"));
        // Born 29 Feb 2016: sixteenth birthday 1 Mar 2032... 2032 is a leap year, so 29 Feb.
        assert_eq!(birthday(d("2016-02-29"), 5), d("2021-03-01"));
        assert_eq!(birthday(d("2016-02-29"), 16), d("2032-02-29"));
        assert_eq!(ends(d("2012-02-29")), d("2028-06-30"));
        assert!(is_of_school_age(d("2012-02-29"), d("2028-06-30")));
        assert!(!is_of_school_age(d("2012-02-29"), d("2028-07-01")));
    }
}
