//! The DfE's termly children missing education return (`case-format.md`, Revision 2): the
//! children missing education at the end of a census day, by sex, national curriculum year
//! group, time missing and the DfE's primary reason, and the children missing education at
//! any time in the academic year so far. Each child is counted once, however many cases they
//! have.
//!
//! The figures are computed from the records given (as they stood at the return's commit:
//! `--as-of`); which record date a child became missing education on, and how the pack's
//! referral reasons map onto the DfE's, are the caller's (the pack's) to say.

use crate::model::{Case, Gender, Reason, Vocabulary};
use crate::school_age;
use crate::stood::Facts;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::collections::HashMap;

/// Counts in a fixed order, written as a JSON object in that order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Breakdown(pub Vec<(String, usize)>);

impl Breakdown {
    fn of(keys: &[&str]) -> Breakdown {
        Breakdown(keys.iter().map(|k| (k.to_string(), 0)).collect())
    }

    fn add(&mut self, key: &str) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, n)) => *n += 1,
            None => self.0.push((key.to_string(), 1)),
        }
    }

    pub fn total(&self) -> usize {
        self.0.iter().map(|(_, n)| n).sum()
    }

    pub fn get(&self, key: &str) -> usize {
        self.0.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
    }
}

impl Serialize for Breakdown {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, n) in &self.0 {
            m.serialize_entry(k, n)?;
        }
        m.end()
    }
}

/// The return, in the shape `case-format.md` gives its JSON.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Return {
    pub census: NaiveDate,
    /// The commit the records were read at.
    pub as_of: Option<String>,
    pub total: usize,
    pub by_sex: Breakdown,
    pub by_year_group: Breakdown,
    pub by_time_missing: Breakdown,
    pub by_reason: Breakdown,
    pub any_time_in_year: usize,
    /// Cases open at the end of the census day that the return does not count, and why.
    pub left_out: Vec<LeftOut>,
    /// The checks the figures pass ([`Return::checks`]), as the JSON gives them.
    pub checks: Vec<Checked>,
    /// The cases counted, one per child (for the checks; not part of the DfE's figures).
    #[serde(skip)]
    pub counted: Vec<String>,
    /// Whether every child counted was of compulsory school age on the census day.
    #[serde(skip)]
    pub all_of_school_age: bool,
}

/// One check of the return and whether it passed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Checked {
    pub check: String,
    pub passed: bool,
}

/// A case the return leaves out.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LeftOut {
    pub case: String,
    pub why: String,
}

/// One case, as the return reads it.
pub struct Counted<'a> {
    pub case: &'a Case,
    /// The case as it stood (its dates of referral, closure and reopenings).
    pub facts: Facts,
    /// The day the child became missing education (the record date the pack names), if the
    /// record gives it.
    pub missing_from: Option<NaiveDate>,
}

/// The first day of the academic year `day` falls in (1 September).
pub fn academic_year_start(day: NaiveDate) -> NaiveDate {
    let year = if day.month() >= 9 { day.year() } else { day.year() - 1 };
    NaiveDate::from_ymd_opt(year, 9, 1).expect("1 September exists")
}

/// The national curriculum year group: from the child's age on the 31 August before the
/// academic year (4 = "R", 5 = "1", ... 15 = "11"); "unknown" outside those ages.
pub fn year_group(dob: NaiveDate, census: NaiveDate) -> String {
    let aug31 = academic_year_start(census).pred_opt().expect("31 August exists");
    match aug31.years_since(dob) {
        Some(4) => "R".into(),
        Some(age @ 5..=15) => (age - 4).to_string(),
        _ => "unknown".into(),
    }
}

/// Who a child is, for counting each child once: their UPN where a case gives one, else
/// their names and date of birth (a case without a UPN joins the child whose case has one).
fn child_keys(cases: &[&Case]) -> Vec<String> {
    let name = |c: &Case| {
        format!(
            "{}|{}|{}",
            crate::duplicate::normalise(&c.child.family_name),
            crate::duplicate::normalise(&c.child.given_name),
            c.child.date_of_birth
        )
    };
    let upn_of_name: HashMap<String, String> = cases
        .iter()
        .filter_map(|c| Some((name(c), c.child.upn.clone()?)))
        .collect();
    cases
        .iter()
        .map(
            |c| match c.child.upn.clone().or_else(|| upn_of_name.get(&name(c)).cloned()) {
                Some(upn) => format!("upn:{upn}"),
                None => format!("name:{}", name(c)),
            },
        )
        .collect()
}

/// The return for `census`. `reason_of` is the pack's map from its referral reasons to the
/// DfE's reason ids (`dfe_reasons` lists those ids in the DfE's order); a reason it does not
/// map is counted as "unknown".
pub fn compute(
    counted: &[Counted<'_>],
    census: NaiveDate,
    dfe_reasons: &[&str],
    reason_of: &dyn Fn(Reason) -> Option<String>,
) -> Return {
    let year_start = academic_year_start(census);
    let cases: Vec<&Case> = counted.iter().map(|c| c.case).collect();
    let keys = child_keys(&cases);
    // A child missing education on the census day: one of their cases open at its end, and of
    // compulsory school age that day. With two such cases, the earlier referral speaks.
    let mut on_census: HashMap<&str, &Counted<'_>> = HashMap::new();
    let mut in_year: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut left_out = Vec::new();
    for (c, key) in counted.iter().zip(&keys) {
        let dob = c.case.child.date_of_birth;
        let (age_from, age_to) = (school_age::starts(dob), school_age::ends(dob));
        if c.facts.open_on(census) {
            if school_age::is_of_school_age(dob, census) {
                let e = on_census.entry(key.as_str()).or_insert(c);
                if c.facts.received < e.facts.received {
                    *e = c;
                }
            } else {
                left_out.push(LeftOut {
                    case: c.case.id.clone(),
                    why: if census < age_from {
                        format!("not yet of compulsory school age on the census day (from {age_from})")
                    } else {
                        format!("past compulsory school age on the census day (it ended {age_to})")
                    },
                });
            }
        }
        let open_in_year = c.facts.open_periods().iter().any(|(s, e)| {
            let from = (*s).max(year_start).max(age_from);
            let to = e.unwrap_or(census).min(census).min(age_to);
            from <= to
        });
        if open_in_year {
            in_year.insert(key.as_str());
        }
    }
    let mut by_sex = Breakdown::of(&["F", "M", "X", "unknown"]);
    let mut by_year_group = Breakdown::of(&["R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "unknown"]);
    let mut by_time_missing = Breakdown::of(&["up-to-12-weeks", "over-12-weeks", "unknown"]);
    let mut reasons: Vec<&str> = dfe_reasons.to_vec();
    reasons.push("unknown");
    let mut by_reason = Breakdown::of(&reasons);
    // A child's other open cases on the day: counted once, under the earliest referral.
    for (c, key) in counted.iter().zip(&keys) {
        if let Some(kept) = on_census.get(key.as_str())
            && kept.case.id != c.case.id
            && c.facts.open_on(census)
            && school_age::is_of_school_age(c.case.child.date_of_birth, census)
        {
            left_out.push(LeftOut {
                case: c.case.id.clone(),
                why: format!(
                    "the same child as {} (counted once, under the earlier referral)",
                    kept.case.id
                ),
            });
        }
    }
    left_out.sort_by(|a, b| a.case.cmp(&b.case));
    let mut ids: Vec<String> = Vec::new();
    for c in on_census.values() {
        ids.push(c.case.id.clone());
        let child = &c.case.child;
        by_sex.add(child.gender.map_or("unknown", Gender::as_str));
        by_year_group.add(&year_group(child.date_of_birth, census));
        by_time_missing.add(match c.missing_from {
            Some(d) if d <= census && (census - d).num_days() <= 84 => "up-to-12-weeks",
            Some(d) if d <= census => "over-12-weeks",
            _ => "unknown",
        });
        let reason = reason_of(c.case.referral.reason).filter(|r| dfe_reasons.contains(&r.as_str()));
        by_reason.add(reason.as_deref().unwrap_or("unknown"));
    }
    let mut r = Return {
        census,
        as_of: None,
        total: on_census.len(),
        by_sex,
        by_year_group,
        by_time_missing,
        by_reason,
        any_time_in_year: in_year.len(),
        all_of_school_age: on_census
            .values()
            .all(|c| school_age::is_of_school_age(c.case.child.date_of_birth, census)),
        left_out,
        checks: Vec::new(),
        counted: ids,
    };
    r.checks = r
        .checks()
        .into_iter()
        .map(|(check, passed)| Checked { check, passed })
        .collect();
    r
}

impl Return {
    /// The checks the figures pass before they are sent: each breakdown sums to the total,
    /// and the children on the census day are among those missing education in the year.
    pub fn checks(&self) -> Vec<(String, bool)> {
        let mut out: Vec<(String, bool)> = [
            ("sex", &self.by_sex),
            ("year group", &self.by_year_group),
            ("time missing", &self.by_time_missing),
            ("reason", &self.by_reason),
        ]
        .iter()
        .map(|(what, b)| {
            (
                format!("the children by {what} sum to the total"),
                b.total() == self.total,
            )
        })
        .collect();
        out.push((
            "no child on the census day is missing from the year's count".into(),
            self.total <= self.any_time_in_year,
        ));
        out.push((
            "no child outside compulsory school age on the census day is counted".into(),
            self.all_of_school_age,
        ));
        let distinct: std::collections::HashSet<&String> = self.counted.iter().collect();
        out.push((
            "no child is counted twice (one case per child)".into(),
            distinct.len() == self.total && self.counted.len() == self.total,
        ));
        out
    }
}

/// The words for a sex code of the return.
pub fn sex_label(k: &str) -> String {
    match k {
        "F" => "Female",
        "M" => "Male",
        "X" => "Other (X)",
        _ => "Not known",
    }
    .into()
}

/// The words for a year group of the return.
pub fn year_label(k: &str) -> String {
    match k {
        "R" => "Reception".into(),
        "unknown" => "Not known".into(),
        n => format!("Year {n}"),
    }
}

/// The words for a time-missing band of the return.
pub fn time_label(k: &str) -> String {
    match k {
        "up-to-12-weeks" => "12 weeks or less",
        "over-12-weeks" => "More than 12 weeks",
        _ => "Not known",
    }
    .into()
}

/// The words for one of the DfE's reasons (the pack's label).
pub fn reason_label(d: &crate::pack::Dfe, k: &str) -> String {
    d.reasons
        .iter()
        .find(|x| x.id == k)
        .map(|x| x.label.clone())
        .unwrap_or_else(|| "Not known".into())
}

/// Every line of the return in the order the CSV and the terminal give it:
/// (section, code, description, count).
pub fn lines(r: &Return, d: &crate::pack::Dfe) -> Vec<(&'static str, String, String, usize)> {
    let mut out = vec![(
        "total",
        "total".to_string(),
        "Children missing education at the end of the census day".to_string(),
        r.total,
    )];
    let mut add = |section: &'static str, b: &Breakdown, label: &dyn Fn(&str) -> String| {
        out.extend(b.0.iter().map(|(k, n)| (section, k.clone(), label(k), *n)));
    };
    add("sex", &r.by_sex, &sex_label);
    add("year_group", &r.by_year_group, &year_label);
    add("time_missing", &r.by_time_missing, &time_label);
    add("reason", &r.by_reason, &|k| reason_label(d, k));
    out.push((
        "any_time_in_year",
        "total".to_string(),
        "Children missing education at any time from 1 September to the census day".to_string(),
        r.any_time_in_year,
    ));
    out
}

/// The return as CSV, in a fixed layout: `census,section,code,description,count`, one line
/// per figure, in the order of the DfE's form (total; sex; year group; time missing; reason;
/// any time in the year). Every breakdown lists every code, 0 included.
pub fn csv(r: &Return, d: &crate::pack::Dfe) -> String {
    crate::csv::table(
        &["census", "section", "code", "description", "count"],
        lines(r, d)
            .into_iter()
            .map(|(section, code, label, n)| vec![r.census.to_string(), section.into(), code, label, n.to_string()])
            .collect(),
    )
}

/// The return for a terminal: each figure with its words, the checks and what was left out.
pub fn render_human(
    r: &Return,
    d: &crate::pack::Dfe,
    authority: &str,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    writeln!(out, "DfE return: children missing education, {authority}")?;
    writeln!(
        out,
        "Census day {}{}",
        r.census.format("%A %-d %B %Y"),
        r.as_of
            .as_ref()
            .map(|c| format!(", records as at commit {}", &c[..c.len().min(12)]))
            .unwrap_or_default()
    )?;
    let mut last = "";
    for (section, _, label, n) in lines(r, d) {
        if section != last {
            writeln!(out)?;
            let heading = match section {
                "sex" => "By sex",
                "year_group" => "By national curriculum year group",
                "time_missing" => "By time missing education",
                "reason" => "By the DfE's primary reason",
                _ => "",
            };
            if !heading.is_empty() {
                writeln!(out, "{heading}")?;
            }
            last = section;
        }
        writeln!(out, "  {label:<72} {n:>5}")?;
    }
    writeln!(out)?;
    writeln!(out, "Checks")?;
    for (what, ok) in r.checks() {
        writeln!(out, "  [{}] {what}", if ok { "passed" } else { "FAILED" })?;
    }
    writeln!(out)?;
    if r.left_out.is_empty() {
        writeln!(out, "Left out: no open case.")?;
    } else {
        writeln!(out, "Left out, and why")?;
        for l in &r.left_out {
            writeln!(out, "  {}: {}", l.case, l.why)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn case(id: &str, dob: &str, received: &str, closed: Option<&str>, upn: Option<&str>, gender: &str) -> Case {
        let mut text = format!(
            "format = 1\nid = \"{id}\"\nstatus = \"{}\"\n\n[child]\ngiven_name = \"Ava\"\nfamily_name = \"Example\"\ndate_of_birth = {dob}\ngender = \"{gender}\"\nwhereabouts = \"unknown\"\n",
            if closed.is_some() { "closed" } else { "open" }
        );
        if let Some(u) = upn {
            text.push_str(&format!("upn = \"{u}\"\n"));
        }
        text.push_str(&format!(
            "\n[referral]\nreceived = {received}\nsource = \"school\"\nreason = \"moved-unknown-school\"\n"
        ));
        if let Some(c) = closed {
            text.push_str(&format!(
                "\n[closure]\ndate = {c}\noutcome = \"on-roll\"\nschool = \"X\"\n"
            ));
        }
        let (c, _, problems) = crate::model::decode_case(&text);
        assert!(problems.is_empty(), "{problems:?}");
        c.unwrap()
    }

    fn counted(cases: &[Case]) -> Vec<Counted<'_>> {
        cases
            .iter()
            .map(|c| Counted {
                case: c,
                facts: Facts::now(c),
                missing_from: Some(c.referral.received),
            })
            .collect()
    }

    #[test]
    fn year_groups_follow_the_age_on_the_31_august_before() {
        // Census 1 October 2026: age on 31 August 2026.
        assert_eq!(year_group(day("2022-05-14"), day("2026-10-01")), "R");
        assert_eq!(year_group(day("2021-08-31"), day("2026-10-01")), "1");
        assert_eq!(year_group(day("2021-09-01"), day("2026-10-01")), "R");
        assert_eq!(year_group(day("2011-01-10"), day("2026-10-01")), "11");
        assert_eq!(year_group(day("2009-01-10"), day("2026-10-01")), "unknown");
        // A January census is in the academic year that began the September before.
        assert_eq!(year_group(day("2021-08-31"), day("2027-01-21")), "1");
    }

    #[test]
    fn the_census_counts_each_child_once_with_breakdowns_that_sum() {
        let census = day("2026-10-01");
        let cases = vec![
            // Open on the census day, 8 weeks missing.
            case(
                "EXC-2026-0001",
                "2014-05-14",
                "2026-08-06",
                None,
                Some("A123456789012"),
                "F",
            ),
            // The same child again (same UPN): counted once.
            case(
                "EXC-2026-0002",
                "2014-05-14",
                "2026-09-20",
                None,
                Some("A123456789012"),
                "F",
            ),
            // Over 12 weeks.
            case("EXC-2026-0003", "2012-02-01", "2026-05-01", None, None, "M"),
            // Closed before the census, but open this academic year.
            case(
                "EXC-2026-0004",
                "2013-03-03",
                "2026-08-20",
                Some("2026-09-10"),
                None,
                "X",
            ),
            // Closed before the academic year began: neither.
            case(
                "EXC-2026-0005",
                "2013-04-04",
                "2026-06-01",
                Some("2026-07-01"),
                None,
                "M",
            ),
            // Too young to be of compulsory school age.
            case("EXC-2026-0006", "2022-10-01", "2026-09-02", None, None, "M"),
            // Referred after the census day.
            case("EXC-2026-0007", "2013-05-05", "2026-10-02", None, None, "F"),
        ];
        let r = compute(&counted(&cases), census, &["a", "b"], &|_| Some("b".into()));
        assert_eq!(r.total, 2);
        assert_eq!((r.by_sex.get("F"), r.by_sex.get("M")), (1, 1));
        assert_eq!(r.by_time_missing.get("up-to-12-weeks"), 1, "{:?}", r.by_time_missing);
        assert_eq!(r.by_time_missing.get("over-12-weeks"), 1);
        assert_eq!(r.by_year_group.get("8"), 1, "born May 2014: 12 on 31 Aug 2026, year 8");
        assert_eq!(r.by_year_group.get("10"), 1);
        assert_eq!(r.by_reason.get("b"), 2);
        assert_eq!(r.any_time_in_year, 3);
        assert!(r.checks().iter().all(|(_, ok)| *ok), "{:?}", r.checks());
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains(r#""by_year_group":{"R":0,"1":0,"2":0"#), "{json}");
        // A reason the pack does not map is "unknown".
        let r = compute(&counted(&cases), census, &["a"], &|_| None);
        assert_eq!(r.by_reason.get("unknown"), 2);
    }
}
