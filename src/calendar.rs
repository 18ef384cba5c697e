//! Working days, school days, weeks and months, exactly as `case-format.md` defines them.
//!
//! Bank holidays come from `policy/calendar/bank-holidays.json` in the shape of the public
//! GOV.UK feed (division `england-and-wales`), so a council can drop in the official file.
//! Term dates come from the file `cme.toml` names (`policy/calendar/terms.toml`).

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::RangeInclusive;

/// The years a date typed on the command line may fall in: wide enough for any record,
/// narrow enough that no date arithmetic can overflow.
pub const INPUT_YEARS: RangeInclusive<i32> = 1900..=2199;

/// A date typed on the command line (`--today`, `--date`, `--as-of` ...): `YYYY-MM-DD`, in
/// [`INPUT_YEARS`].
/// A day as GOV.UK writes it in running text: "1 October 2026".
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

pub fn parse_input_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(format!("\"{s}\" is not a date like 2026-11-22"));
    }
    let d = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("{t} is not a real day (check the month and the day)"))?;
    if !INPUT_YEARS.contains(&d.year()) {
        return Err(format!(
            "{d} is out of range: dates run from {} to {}",
            INPUT_YEARS.start(),
            INPUT_YEARS.end()
        ));
    }
    Ok(d)
}

/// The GOV.UK feed's division this tool counts.
pub const DIVISION: &str = "england-and-wales";

#[derive(Clone, Debug)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    holiday_years: RangeInclusive<i32>,
    terms: Vec<Term>,
    pub holidays_file: String,
    pub terms_file: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub name: String,
    #[serde(deserialize_with = "crate::pack::toml_date")]
    pub start: NaiveDate,
    #[serde(deserialize_with = "crate::pack::toml_date")]
    pub end: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TermsFile {
    #[serde(default)]
    #[allow(dead_code)]
    authority: Option<String>,
    #[serde(rename = "term", default)]
    terms: Vec<Term>,
}

#[derive(Deserialize)]
struct Division {
    events: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    date: String,
}

/// A date the calendar files do not reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotCovered {
    pub date: NaiveDate,
    pub file: String,
    pub covered: String,
}

impl fmt::Display for NotCovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is outside the bank holidays in {} (it covers {}); add that year's bank holidays from the GOV.UK feed",
            self.date, self.file, self.covered
        )
    }
}

/// A date counted in school days, and whether term dates ran out so working days were counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counted {
    pub date: NaiveDate,
    pub fell_back: bool,
}

/// Why a calendar file could not be used.
#[derive(Debug)]
pub struct CalendarFileError {
    pub file: String,
    pub message: String,
    pub span: Option<std::ops::Range<usize>>,
    pub text: Option<String>,
}

impl Calendar {
    /// Builds a calendar from the two files' texts. `terms` is `None` when the file is absent:
    /// school days then fall back to working days (with a warning wherever they are counted).
    pub fn from_texts(
        holidays_file: &str,
        holidays_json: &str,
        terms_file: &str,
        terms: Option<&str>,
    ) -> Result<Calendar, CalendarFileError> {
        let err = |file: &str, message: String, span, text: Option<&str>| CalendarFileError {
            file: file.to_string(),
            message,
            span,
            text: text.map(str::to_string),
        };
        let feed: BTreeMap<String, Division> = serde_json::from_str(holidays_json).map_err(|e| {
            err(
                holidays_file,
                format!("is not a bank-holidays file in the GOV.UK shape: {e}"),
                None,
                None,
            )
        })?;
        let division = feed.get(DIVISION).ok_or_else(|| {
            err(
                holidays_file,
                format!("has no \"{DIVISION}\" division; use the GOV.UK bank-holidays.json"),
                None,
                None,
            )
        })?;
        let mut holidays = BTreeSet::new();
        for e in &division.events {
            let d = NaiveDate::parse_from_str(&e.date, "%Y-%m-%d").map_err(|_| {
                err(
                    holidays_file,
                    format!("has a bank holiday dated \"{}\", which is not a date", e.date),
                    None,
                    None,
                )
            })?;
            holidays.insert(d);
        }
        let (Some(first), Some(last)) = (holidays.first(), holidays.last()) else {
            return Err(err(holidays_file, "lists no bank holidays".into(), None, None));
        };
        let holiday_years = first.year()..=last.year();
        let mut term_list = Vec::new();
        if let Some(text) = terms {
            let parsed: TermsFile = toml::from_str(text).map_err(|e| {
                err(
                    terms_file,
                    format!("cannot be read: {}", e.message()),
                    e.span(),
                    Some(text),
                )
            })?;
            term_list = parsed.terms;
            for t in &term_list {
                if t.end < t.start {
                    return Err(err(
                        terms_file,
                        format!("term \"{}\" ends ({}) before it starts ({})", t.name, t.end, t.start),
                        None,
                        None,
                    ));
                }
            }
            term_list.sort_by_key(|t| t.start);
            for w in term_list.windows(2) {
                if w[1].start <= w[0].end {
                    return Err(err(
                        terms_file,
                        format!("terms \"{}\" and \"{}\" overlap", w[0].name, w[1].name),
                        None,
                        None,
                    ));
                }
            }
        }
        Ok(Calendar {
            holidays,
            holiday_years,
            terms: term_list,
            holidays_file: holidays_file.to_string(),
            terms_file: terms_file.to_string(),
        })
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The first and last day the term dates speak for, if there are any.
    pub fn terms_cover(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((self.terms.first()?.start, self.terms.last()?.end))
    }

    fn covered(&self, d: NaiveDate) -> Result<(), NotCovered> {
        if self.holiday_years.contains(&d.year()) {
            Ok(())
        } else {
            Err(NotCovered {
                date: d,
                file: self.holidays_file.clone(),
                covered: format!("{}-{}", self.holiday_years.start(), self.holiday_years.end()),
            })
        }
    }

    pub fn is_bank_holiday(&self, d: NaiveDate) -> bool {
        self.holidays.contains(&d)
    }

    /// Monday to Friday and not a bank holiday.
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, NotCovered> {
        self.covered(d)?;
        Ok(!matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d))
    }

    /// A working day inside a term. Only meaningful where the terms cover `d`.
    fn is_school_day(&self, d: NaiveDate) -> Result<bool, NotCovered> {
        let in_term = self.terms.iter().any(|t| t.start <= d && d <= t.end);
        Ok(in_term && self.is_working_day(d)?)
    }

    /// "N working days after D": D is not counted; the Nth counted day is the answer.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate, NotCovered> {
        self.step(from, n, |d| self.is_working_day(d))
    }

    /// Working days in (`from`, `to`]; negative when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, NotCovered> {
        let (a, b, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        let mut n = 0i64;
        let mut d = a;
        while d < b {
            d += Duration::days(1);
            if self.is_working_day(d)? {
                n += 1;
            }
        }
        Ok(sign * n)
    }

    /// "N school days after D", falling back to working days where the terms do not cover
    /// the days counted.
    pub fn add_school_days(&self, from: NaiveDate, n: u32) -> Result<Counted, NotCovered> {
        if let Some((first, last)) = self.terms_cover()
            && from + Duration::days(1) >= first
        {
            let date = self.step(from, n, |d| {
                if d > last {
                    // Signal "ran past the terms" with a sentinel error, handled below.
                    return Err(NotCovered {
                        date: d,
                        file: String::new(),
                        covered: String::new(),
                    });
                }
                self.is_school_day(d)
            });
            match date {
                Ok(date) => return Ok(Counted { date, fell_back: false }),
                Err(e) if !e.file.is_empty() => return Err(e),
                Err(_) => {}
            }
        }
        Ok(Counted {
            date: self.add_working_days(from, n)?,
            fell_back: true,
        })
    }

    fn step(
        &self,
        from: NaiveDate,
        n: u32,
        counts: impl Fn(NaiveDate) -> Result<bool, NotCovered>,
    ) -> Result<NaiveDate, NotCovered> {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().ok_or_else(|| NotCovered {
                date: d,
                file: self.holidays_file.clone(),
                covered: String::new(),
            })?;
            if counts(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }
}

/// A period a deadline is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// Calendar days.
    Days(u32),
    WorkingDays(u32),
    SchoolDays(u32),
    Weeks(u32),
    Months(u32),
}

impl Period {
    pub fn count(self) -> u32 {
        match self {
            Period::Days(n) | Period::WorkingDays(n) | Period::SchoolDays(n) | Period::Weeks(n) | Period::Months(n) => {
                n
            }
        }
    }

    /// The date this period after `from` falls on (with whether school days fell back).
    pub fn after(self, cal: &Calendar, from: NaiveDate) -> Result<Counted, NotCovered> {
        let plain = |date| Counted { date, fell_back: false };
        Ok(match self {
            Period::Days(n) => plain(from + Duration::days(n.into())),
            Period::WorkingDays(n) => plain(cal.add_working_days(from, n)?),
            Period::SchoolDays(n) => cal.add_school_days(from, n)?,
            Period::Weeks(n) => plain(add_weeks(from, n)),
            Period::Months(n) => plain(add_months(from, n)),
        })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match *self {
            Period::Days(n) => (n, "day"),
            Period::WorkingDays(n) => (n, "working day"),
            Period::SchoolDays(n) => (n, "school day"),
            Period::Weeks(n) => (n, "week"),
            Period::Months(n) => (n, "month"),
        };
        write!(f, "{n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

/// "N weeks after D" = D + 7N days.
pub fn add_weeks(from: NaiveDate, n: u32) -> NaiveDate {
    from + Duration::weeks(n.into())
}

/// "N months after D": the same day N months later, clamped to the end of a shorter month.
pub fn add_months(from: NaiveDate, n: u32) -> NaiveDate {
    from.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub fn demo() -> Calendar {
        let root = env!("CARGO_MANIFEST_DIR");
        let json = std::fs::read_to_string(format!("{root}/policy/calendar/bank-holidays.json")).unwrap();
        let terms = std::fs::read_to_string(format!("{root}/policy/calendar/terms.toml")).unwrap();
        Calendar::from_texts("bank-holidays.json", &json, "terms.toml", Some(&terms)).unwrap()
    }

    #[test]
    fn working_days_skip_weekends_and_christmas() {
        let c = demo();
        // Fri 18 Dec 2026 + 5 working days: 21, 22, 23, 24 Dec, then 25 (Fri, Christmas),
        // 26-27 weekend, 28 Dec (substitute for Boxing Day) are skipped: 29 Dec.
        assert_eq!(c.add_working_days(d("2026-12-18"), 5).unwrap(), d("2026-12-29"));
        // Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar.
        assert_eq!(c.add_working_days(d("2027-03-25"), 1).unwrap(), d("2027-03-30"));
        // D itself never counts, even when it is a working day.
        assert_eq!(c.add_working_days(d("2026-11-23"), 1).unwrap(), d("2026-11-24"));
        assert_eq!(c.working_days_between(d("2026-12-18"), d("2026-12-29")).unwrap(), 5);
        assert_eq!(c.working_days_between(d("2026-12-29"), d("2026-12-18")).unwrap(), -5);
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d("2026-08-31"), 6), d("2027-02-28"));
        assert_eq!(add_months(d("2027-08-31"), 6), d("2028-02-29"));
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_weeks(d("2026-12-28"), 8), d("2027-02-22"));
    }

    #[test]
    fn dates_outside_the_bank_holidays_are_refused() {
        let c = demo();
        let e = c.add_working_days(d("2028-12-20"), 30).unwrap_err();
        assert_eq!(e.date, d("2029-01-01"));
        assert!(e.to_string().contains("GOV.UK"));
    }

    #[test]
    fn school_days_fall_back_outside_terms() {
        let c = Calendar::from_texts(
            "bh.json",
            r#"{"england-and-wales":{"division":"england-and-wales","events":[{"title":"x","date":"2026-12-25","notes":"","bunting":true}]}}"#,
            "terms.toml",
            Some("[[term]]\nname = \"Autumn\"\nstart = 2026-09-03\nend = 2026-10-23\n[[term]]\nname = \"Autumn 2\"\nstart = 2026-11-02\nend = 2026-12-18\n"),
        )
        .unwrap();
        // Fri 16 Oct + 10 school days: 19-23 Oct (5), half term, 2-6 Nov (5) -> 6 Nov.
        assert_eq!(
            c.add_school_days(d("2026-10-16"), 10).unwrap(),
            Counted {
                date: d("2026-11-06"),
                fell_back: false
            }
        );
        // Past the last term: counted as working days, and said so.
        let late = c.add_school_days(d("2026-12-14"), 10).unwrap();
        assert!(late.fell_back);
        assert_eq!(late.date, d("2026-12-29"));
    }

    #[test]
    fn malformed_files_are_named() {
        let e = Calendar::from_texts("bh.json", "{", "t.toml", None).unwrap_err();
        assert_eq!(e.file, "bh.json");
        let e = Calendar::from_texts("bh.json", r#"{"scotland":{"events":[]}}"#, "t.toml", None).unwrap_err();
        assert!(e.message.contains("england-and-wales"));
    }
}

#[cfg(test)]
mod properties {
    use super::tests::{d, demo};
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn cal() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(demo)
    }

    fn any_day() -> impl Strategy<Value = NaiveDate> {
        // 2018-01-01 .. 2027-06-30, leaving room for N days after.
        (0i64..3467).prop_map(|n| d("2018-01-01") + Duration::days(n))
    }

    proptest! {
        #[test]
        fn adding_then_counting_working_days_round_trips(from in any_day(), n in 0u32..200) {
            let due = cal().add_working_days(from, n).unwrap();
            prop_assert_eq!(cal().working_days_between(from, due).unwrap(), i64::from(n));
        }

        #[test]
        fn a_due_date_is_never_a_weekend_or_bank_holiday(from in any_day(), n in 1u32..200) {
            let due = cal().add_working_days(from, n).unwrap();
            prop_assert!(cal().is_working_day(due).unwrap());
            let school = cal().add_school_days(from, n).unwrap();
            prop_assert!(cal().is_working_day(school.date).unwrap());
        }

        #[test]
        fn school_days_are_never_fewer_calendar_days_than_working_days(from in any_day(), n in 1u32..100) {
            let w = cal().add_working_days(from, n).unwrap();
            let s = cal().add_school_days(from, n).unwrap();
            prop_assert!(s.date >= w);
        }
    }

    #[test]
    fn substitute_days() {
        let c = cal();
        // 25-26 Dec 2027 fall on a weekend: 27 and 28 Dec are the substitute days.
        assert_eq!(c.add_working_days(d("2027-12-24"), 1).unwrap(), d("2027-12-29"));
        // 1 Jan 2028 is a Saturday: Monday 3 Jan is the bank holiday.
        assert_eq!(c.add_working_days(d("2027-12-31"), 1).unwrap(), d("2028-01-04"));
        // 2022's one-off days: the State Funeral (19 Sep) and the Platinum Jubilee (2-3 Jun).
        assert!(!c.is_working_day(d("2022-09-19")).unwrap());
        assert_eq!(c.add_working_days(d("2022-06-01"), 1).unwrap(), d("2022-06-06"));
    }

    #[test]
    fn term_boundaries_count_inclusively() {
        let c = cal();
        // Autumn 2 2026 ends Fri 18 Dec; Spring 1 2027 starts Tue 5 Jan.
        let last = c.add_school_days(d("2026-12-17"), 1).unwrap();
        assert_eq!(last.date, d("2026-12-18"));
        let next = c.add_school_days(d("2026-12-18"), 1).unwrap();
        assert_eq!(
            next,
            Counted {
                date: d("2027-01-05"),
                fell_back: false
            }
        );
        // The first day of a term counts.
        assert_eq!(c.add_school_days(d("2026-09-02"), 1).unwrap().date, d("2026-09-03"));
    }
}
