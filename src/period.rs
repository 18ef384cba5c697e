//! Reporting periods: a week, month, quarter, half-term, term or year, named the way a
//! council names them (`2026-W48`, `2026-10`, `2026-Q2`, `autumn-1-2026`, `autumn-2026`,
//! `2026`), or by its kind alone (`month`: the last month that has ended).
//!
//! Quarters and years follow the pack's `quarters` style: financial (April to March, as
//! councils report; `2026-Q1` is April to June 2026 and `2026` is April 2026 to March 2027) or
//! calendar. Half-terms are the entries of the calendar's terms file, and a term is the
//! half-terms that start in the same season (autumn: September to December; spring: January
//! to March; summer: April to August); each runs to the day before the next one starts, so
//! that the periods of a kind leave no day out.

use crate::calendar::Calendar;
use crate::pack::QuarterStyle;
use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use serde::Serialize;
use std::fmt;

/// The kinds of period a report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Week,
    Month,
    Quarter,
    HalfTerm,
    Term,
    Year,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Week,
        Kind::Month,
        Kind::Quarter,
        Kind::HalfTerm,
        Kind::Term,
        Kind::Year,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Kind::Week => "week",
            Kind::Month => "month",
            Kind::Quarter => "quarter",
            Kind::HalfTerm => "half-term",
            Kind::Term => "term",
            Kind::Year => "year",
        }
    }

    /// Whether figures for outside the team may cover a period of this kind. They are
    /// published by quarter (see `site::published`): a quarter, or a year of quarters.
    pub fn for_outside_the_team(self) -> bool {
        matches!(self, Kind::Quarter | Kind::Year)
    }

    /// How an officer names one, for help and errors.
    pub fn example(self) -> &'static str {
        match self {
            Kind::Week => "2026-W48 (an ISO week, Monday to Sunday)",
            Kind::Month => "2026-10",
            Kind::Quarter => "2026-Q2",
            Kind::HalfTerm => "autumn-1-2026 (a term's name in the terms file)",
            Kind::Term => "autumn-2026",
            Kind::Year => "2026",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// One reporting period: its first and last day (inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    pub kind: Kind,
    /// How it is named on the command line and in file names (`2026-Q2`).
    pub id: String,
    /// How people read it ("Quarter 2 of 2026/27 (July to September 2026)").
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Whether the period has ended by `today` (its last day is before today).
    pub fn ended(&self, today: NaiveDate) -> bool {
        self.end < today
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        (self.start..=self.end).contains(&day)
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_day(start: NaiveDate, months: u32) -> NaiveDate {
    (start + Months::new(months)).pred_opt().expect("a day before")
}

fn week(year: i32, w: u32) -> Option<Period> {
    let start = NaiveDate::from_isoywd_opt(year, w, Weekday::Mon)?;
    Some(Period {
        kind: Kind::Week,
        id: format!("{year}-W{w:02}"),
        label: format!(
            "Week {w} of {year} (Monday {} to Sunday {})",
            crate::calendar::long_date(start),
            crate::calendar::long_date(start + Duration::days(6))
        ),
        start,
        end: start + Duration::days(6),
    })
}

fn month(year: i32, m: u32) -> Option<Period> {
    let start = ymd(year, m, 1)?;
    Some(Period {
        kind: Kind::Month,
        id: format!("{year}-{m:02}"),
        label: start.format("%B %Y").to_string(),
        start,
        end: last_day(start, 1),
    })
}

fn quarter(year: i32, q: u32, style: QuarterStyle) -> Option<Period> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let start = match style {
        QuarterStyle::Calendar => ymd(year, 3 * (q - 1) + 1, 1)?,
        QuarterStyle::Financial => ymd(year, 4, 1)? + Months::new(3 * (q - 1)),
    };
    let end = last_day(start, 3);
    let months = format!("{} to {}", start.format("%B"), end.format("%B %Y"));
    let label = match style {
        QuarterStyle::Calendar => format!("Quarter {q} of {year} ({months})"),
        QuarterStyle::Financial => format!("Quarter {q} of {year}/{:02} ({months})", (year + 1) % 100),
    };
    Some(Period {
        kind: Kind::Quarter,
        id: format!("{year}-Q{q}"),
        label,
        start,
        end,
    })
}

fn year(y: i32, style: QuarterStyle) -> Option<Period> {
    let (start, label) = match style {
        QuarterStyle::Calendar => (ymd(y, 1, 1)?, format!("The year {y}")),
        QuarterStyle::Financial => (
            ymd(y, 4, 1)?,
            format!("The year {y}/{:02} (April {y} to March {})", (y + 1) % 100, y + 1),
        ),
    };
    Some(Period {
        kind: Kind::Year,
        id: y.to_string(),
        label,
        start,
        end: last_day(start, 12),
    })
}

fn slug(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

fn season(start: NaiveDate) -> &'static str {
    match start.month() {
        9..=12 => "autumn",
        1..=3 => "spring",
        _ => "summer",
    }
}

/// The half-terms of the calendar, each to the day before the next starts.
fn half_terms(cal: &Calendar) -> Vec<Period> {
    let mut terms: Vec<_> = cal.terms().to_vec();
    terms.sort_by_key(|t| t.start);
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let end = terms
                .get(i + 1)
                .and_then(|n| n.start.pred_opt())
                .unwrap_or(t.end)
                .max(t.end);
            Period {
                kind: Kind::HalfTerm,
                id: slug(&t.name),
                label: format!(
                    "{} ({} to {})",
                    t.name,
                    crate::calendar::long_date(t.start),
                    crate::calendar::long_date(end)
                ),
                start: t.start,
                end,
            }
        })
        .collect()
}

/// The terms: half-terms that start in the same season of the same academic year, together.
fn terms(cal: &Calendar) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    for h in half_terms(cal) {
        let (s, y) = (season(h.start), h.start.year());
        let id = format!("{s}-{y}");
        match out.last_mut() {
            Some(t) if t.id == id => t.end = h.end,
            _ => out.push(Period {
                kind: Kind::Term,
                id,
                label: String::new(),
                start: h.start,
                end: h.end,
            }),
        }
    }
    for t in &mut out {
        let (s, y) = t.id.split_once('-').expect("season-year");
        let mut name = s.to_string();
        name[..1].make_ascii_uppercase();
        t.label = format!(
            "{name} term {y} ({} to {})",
            crate::calendar::long_date(t.start),
            crate::calendar::long_date(t.end)
        );
    }
    out
}

/// The period of `kind` that `day` falls in, if the calendar reaches it.
pub fn containing(kind: Kind, day: NaiveDate, style: QuarterStyle, cal: &Calendar) -> Option<Period> {
    match kind {
        Kind::Week => {
            let w = day.iso_week();
            week(w.year(), w.week())
        }
        Kind::Month => month(day.year(), day.month()),
        Kind::Quarter => {
            let (y, q) = match style {
                QuarterStyle::Calendar => (day.year(), day.month0() / 3 + 1),
                QuarterStyle::Financial => {
                    let y = if day.month() >= 4 { day.year() } else { day.year() - 1 };
                    (y, ((day.month0() + 9) % 12) / 3 + 1)
                }
            };
            quarter(y, q, style)
        }
        Kind::Year => match style {
            QuarterStyle::Calendar => year(day.year(), style),
            QuarterStyle::Financial => year(if day.month() >= 4 { day.year() } else { day.year() - 1 }, style),
        },
        Kind::HalfTerm => half_terms(cal).into_iter().find(|p| p.contains(day)),
        Kind::Term => terms(cal).into_iter().find(|p| p.contains(day)),
    }
}

/// The last period of `kind` that ended before `today`.
pub fn last_ended(kind: Kind, today: NaiveDate, style: QuarterStyle, cal: &Calendar) -> Option<Period> {
    match kind {
        Kind::HalfTerm => half_terms(cal).into_iter().rfind(|p| p.ended(today)),
        Kind::Term => terms(cal).into_iter().rfind(|p| p.ended(today)),
        _ => {
            let current = containing(kind, today, style, cal)?;
            containing(kind, current.start.pred_opt()?, style, cal)
        }
    }
}

/// Reads a period as an officer writes it: `2026-W48`, `2026-10`, `2026-Q2`, `2026`, a
/// half-term (`autumn-1-2026`) or term (`autumn-2026`) of the terms file, or a kind alone
/// (`month`: the last one that has ended before `today`).
pub fn parse(s: &str, today: NaiveDate, style: QuarterStyle, cal: &Calendar) -> Result<Period, String> {
    let s = s.trim();
    let bad = || {
        format!(
            "\"{s}\" is not a reporting period; give one of: {}, or a kind alone ({}) for the last that has ended",
            Kind::ALL.map(|k| format!("{} {}", k.word(), k.example())).join("; "),
            Kind::ALL.map(Kind::word).join(", ")
        )
    };
    if let Some(kind) = Kind::ALL.into_iter().find(|k| k.word() == s.to_ascii_lowercase()) {
        return last_ended(kind, today, style, cal).ok_or_else(|| {
            format!(
                "no {kind} has ended before {today} that the calendar reaches; add the terms to {}",
                cal.terms_file
            )
        });
    }
    let lower = s.to_ascii_lowercase();
    if let Some(p) = half_terms(cal).into_iter().chain(terms(cal)).find(|p| p.id == lower) {
        return Ok(p);
    }
    let num = |t: &str| t.parse::<u32>().ok();
    let found = match lower.split_once('-') {
        None if lower.len() == 4 => lower.parse::<i32>().ok().and_then(|y| year(y, style)),
        Some((y, rest)) if y.len() == 4 => {
            let y: i32 = y.parse().map_err(|_| bad())?;
            if let Some(w) = rest.strip_prefix('w') {
                num(w).and_then(|w| week(y, w))
            } else if let Some(q) = rest.strip_prefix('q') {
                num(q).and_then(|q| quarter(y, q, style))
            } else if rest.len() == 2 {
                num(rest).and_then(|m| month(y, m))
            } else {
                None
            }
        }
        _ => None,
    };
    found.ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::{d, demo};

    #[test]
    fn each_kind_is_read_and_named() {
        let cal = demo();
        let today = d("2026-11-30");
        let f = QuarterStyle::Financial;
        let q = parse("2026-Q2", today, f, &cal).unwrap();
        assert_eq!((q.start, q.end), (d("2026-07-01"), d("2026-09-30")));
        assert_eq!(q.label, "Quarter 2 of 2026/27 (July to September 2026)");
        let q4 = parse("2026-q4", today, f, &cal).unwrap();
        assert_eq!((q4.start, q4.end), (d("2027-01-01"), d("2027-03-31")));
        let c = parse("2026-Q1", today, QuarterStyle::Calendar, &cal).unwrap();
        assert_eq!((c.start, c.end), (d("2026-01-01"), d("2026-03-31")));
        let m = parse("2026-02", today, f, &cal).unwrap();
        assert_eq!((m.start, m.end), (d("2026-02-01"), d("2026-02-28")));
        let w = parse("2026-W48", today, f, &cal).unwrap();
        assert_eq!((w.start, w.end), (d("2026-11-23"), d("2026-11-29")));
        let y = parse("2025", today, f, &cal).unwrap();
        assert_eq!((y.start, y.end), (d("2025-04-01"), d("2026-03-31")));
        for bad in ["2026-13", "2026-Q5", "2026-W60", "soon", "", "20-10", "2026-1"] {
            let e = parse(bad, today, f, &cal).unwrap_err();
            assert!(e.contains("is not a reporting period"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_kind_alone_is_the_last_that_has_ended() {
        let cal = demo();
        let f = QuarterStyle::Financial;
        let m = parse("month", d("2026-11-30"), f, &cal).unwrap();
        assert_eq!(m.id, "2026-10");
        // On the first of a month, the month before has ended.
        assert_eq!(parse("month", d("2026-11-01"), f, &cal).unwrap().id, "2026-10");
        assert_eq!(parse("quarter", d("2026-11-30"), f, &cal).unwrap().id, "2026-Q2");
        assert_eq!(parse("year", d("2026-11-30"), f, &cal).unwrap().id, "2025");
        assert_eq!(parse("week", d("2026-11-30"), f, &cal).unwrap().id, "2026-W48");
    }

    #[test]
    fn half_terms_and_terms_leave_no_day_out() {
        let cal = demo();
        let halves = half_terms(&cal);
        assert!(halves.len() >= 6);
        for pair in halves.windows(2) {
            assert_eq!(pair[0].end.succ_opt(), Some(pair[1].start), "{pair:?}");
        }
        let terms = terms(&cal);
        for pair in terms.windows(2) {
            assert_eq!(pair[0].end.succ_opt(), Some(pair[1].start), "{pair:?}");
        }
        let a = parse("autumn-2024", d("2026-11-30"), QuarterStyle::Financial, &cal).unwrap();
        assert_eq!(a.start, d("2024-09-04"));
        assert_eq!(a.kind, Kind::Term);
        let h = parse("autumn-1-2024", d("2026-11-30"), QuarterStyle::Financial, &cal).unwrap();
        assert_eq!((h.start, h.kind), (d("2024-09-04"), Kind::HalfTerm));
        assert!(h.end < a.end);
    }
}
