//! The statistics pages: tables, charts and CSV files of the report figures, with the
//! board's disclosure control.

use super::*;

use crate::csv::table as csv;

#[derive(Serialize)]
struct Chart {
    id: String,
    svg: String,
}

/// The counts of a page of figures, shown exact (the team's) or rounded (for outside the
/// team: [`crate::disclosure`]), so that a template (or an override of it) is only ever
/// given the figures as they may be shown.
#[derive(Default)]
pub(super) struct Cells {
    values: Vec<u64>,
    rounding: Option<crate::disclosure::Rounding>,
}

impl Cells {
    pub(super) fn new(rounding: Option<crate::disclosure::Rounding>) -> Cells {
        Cells {
            values: Vec::new(),
            rounding,
        }
    }
    pub(super) fn add(&mut self, v: usize) -> usize {
        self.values.push(v as u64);
        self.values.len() - 1
    }
    pub(super) fn show(&self, i: usize) -> String {
        let v = self.values[i];
        match &self.rounding {
            Some(r) => r.count(v),
            None => v.to_string(),
        }
    }
    /// A chart bar, at the height shown.
    pub(super) fn bar(&self, label: String, i: usize) -> chart::Bar {
        let v = self.values[i];
        match &self.rounding {
            Some(r) => chart::Bar {
                label,
                value: r.round(v) as f64,
                text: (v > 0 && r.round(v) == 0).then(|| crate::disclosure::LOW.to_string()),
            },
            None => chart::Bar {
                label,
                value: v as f64,
                text: None,
            },
        }
    }
    /// `part` as a per cent of `whole` (exact, or from the rounded counts).
    pub(super) fn percent(&self, part: usize, whole: usize) -> String {
        let (p, w) = (self.values[part], self.values[whole]);
        match &self.rounding {
            Some(r) => r.percent(p, w),
            None if w == 0 => "-".into(),
            None => format!("{:.0}%", 100.0 * p as f64 / w as f64),
        }
    }
    /// A figure worked out over the count `over` (a median), shown only where a rate over
    /// that count would be.
    pub(super) fn over(&self, over: usize, v: Option<f64>, f: fn(Option<f64>) -> String) -> String {
        match &self.rounding {
            Some(r) if v.is_some() && !r.shows_rate_over(self.values[over]) => crate::disclosure::SUPPRESSED.into(),
            _ => f(v),
        }
    }
}

pub(super) fn days(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "-".into())
}

/// One row per deadline rule and quarter in which any fell due: (rule, what it asks, quarter,
/// due, met on time, met late, never met, overdue, % on time).
pub(super) fn deadline_rows(st: &Stats) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for d in &st.deadlines {
        for p in d.periods.iter().filter(|p| p.due > 0) {
            rows.push(vec![
                d.rule.to_string(),
                d.asks.clone(),
                p.label.clone(),
                p.due.to_string(),
                p.met.to_string(),
                p.late.to_string(),
                p.never_met.to_string(),
                p.overdue.to_string(),
                format!("{:.0}%", 100.0 * p.met as f64 / p.due as f64),
            ]);
        }
    }
    rows
}

/// The statistics page's context and its CSV files: exact for the team's site, rounded for
/// the board's (`rounding`).
pub(super) fn stats_page(
    st: &Stats,
    rounding: Option<crate::disclosure::Rounding>,
) -> (Context, Vec<(String, String)>) {
    let mut cells = Cells::new(rounding);
    struct Period {
        label: String,
        r: usize,
        k: usize,
        u: usize,
        a: usize,
        au: usize,
        c: usize,
        outcomes: Vec<usize>,
        successes: usize,
        counted: usize,
        median: Option<f64>,
    }
    let add_period = |cells: &mut Cells, f: &stats::Figures| Period {
        label: f.label.clone(),
        r: cells.add(f.registered),
        k: cells.add(f.whereabouts_known),
        u: cells.add(f.whereabouts_unknown),
        a: cells.add(f.active_at_end),
        au: cells.add(f.active_unknown_at_end),
        c: cells.add(f.closed),
        outcomes: f.closed_by_outcome.iter().map(|o| cells.add(o.count)).collect(),
        successes: cells.add(f.successes),
        counted: cells.add(f.counted_closures),
        median: f.median_days_to_resolution,
    };
    let quarters: Vec<Period> = st.quarters.iter().map(|f| add_period(&mut cells, f)).collect();
    let total = add_period(&mut cells, &st.total);
    let months: Vec<(String, usize, usize)> = st
        .months
        .iter()
        .map(|f| (f.label.clone(), cells.add(f.registered), cells.add(f.active_at_end)))
        .collect();
    let counts = |cells: &mut Cells, v: &[stats::Count]| -> Vec<(String, usize)> {
        v.iter().map(|x| (view::words(&x.label), cells.add(x.count))).collect()
    };
    let sources = counts(&mut cells, &st.by_source);
    let reasons = counts(&mut cells, &st.by_reason);
    let vulnerabilities = counts(&mut cells, &st.by_vulnerability);
    let schools: Vec<(String, [usize; 6])> = st
        .schools
        .iter()
        .map(|s| {
            let l = cells.add(s.leavers);
            let (lo, ll) = (cells.add(s.leavers_on_time), cells.add(s.leavers_late));
            let j = cells.add(s.joiners);
            let (jo, jl) = (cells.add(s.joiners_on_time), cells.add(s.joiners_late));
            (s.school.clone(), [l, lo, ll, j, jo, jl])
        })
        .collect();

    let period_header = [
        "Period",
        "Registered",
        "Whereabouts known",
        "Whereabouts unknown",
        "Active at end",
        "Active, whereabouts unknown",
        "Closed",
        "Success rate",
        "Median days to resolution",
    ];
    let period_row = |p: &Period| -> Vec<String> {
        vec![
            p.label.clone(),
            cells.show(p.r),
            cells.show(p.k),
            cells.show(p.u),
            cells.show(p.a),
            cells.show(p.au),
            cells.show(p.c),
            cells.percent(p.successes, p.counted),
            cells.over(p.c, p.median, days),
        ]
    };
    let quarter_rows: Vec<Vec<String>> = quarters.iter().map(period_row).collect();
    let month_header = ["Month", "Registered", "Active at end"];
    let month_rows: Vec<Vec<String>> = months
        .iter()
        .map(|(l, r, a)| vec![l.clone(), cells.show(*r), cells.show(*a)])
        .collect();
    let outcome_header: Vec<String> = std::iter::once("Period".to_string())
        .chain(st.total.closed_by_outcome.iter().map(|o| view::words(&o.key)))
        .collect();
    let outcome_rows: Vec<Vec<String>> = quarters
        .iter()
        .chain(std::iter::once(&total))
        .map(|q| {
            std::iter::once(q.label.clone())
                .chain(q.outcomes.iter().map(|&i| cells.show(i)))
                .collect()
        })
        .collect();
    let count_rows = |v: &[(String, usize)]| -> Vec<Vec<String>> {
        v.iter().map(|(l, i)| vec![l.clone(), cells.show(*i)]).collect()
    };
    let school_header = [
        "School",
        "Leavers",
        "Leavers notified on time",
        "Leavers notified late",
        "Joiners",
        "Joiners notified on time",
        "Joiners notified late",
    ];
    let school_rows: Vec<Vec<String>> = schools
        .iter()
        .map(|(n, c)| {
            std::iter::once(n.clone())
                .chain(c.iter().map(|&i| cells.show(i)))
                .collect()
        })
        .collect();
    let bars = |v: &[(String, usize)]| -> Vec<chart::Bar> { v.iter().map(|(l, i)| cells.bar(l.clone(), *i)).collect() };
    let outcome_bars: Vec<chart::Bar> = st
        .total
        .closed_by_outcome
        .iter()
        .zip(&total.outcomes)
        .map(|(o, &i)| cells.bar(view::words(&o.key), i))
        .collect();
    let note = match rounding {
        Some(r) => format!(" Counts are rounded to the nearest {}.", r.base),
        None => String::new(),
    };
    let charts = vec![
        Chart {
            id: "registered-by-month".into(),
            svg: chart::columns(
                "registered-by-month",
                "Referrals registered each month",
                &format!("Column chart of referrals registered per month; the table below gives the figures.{note}"),
                &st.months
                    .iter()
                    .zip(&months)
                    .map(|(f, m)| cells.bar(f.start.format("%b %Y").to_string(), m.1))
                    .collect::<Vec<_>>(),
            ),
        },
        Chart {
            id: "active-by-month".into(),
            svg: chart::columns(
                "active-by-month",
                "Active cases at the end of each month",
                &format!("Column chart of cases open at each month end; the table below gives the figures.{note}"),
                &st.months
                    .iter()
                    .zip(&months)
                    .map(|(f, m)| cells.bar(f.start.format("%b %Y").to_string(), m.2))
                    .collect::<Vec<_>>(),
            ),
        },
        Chart {
            id: "outcomes".into(),
            svg: chart::bars(
                "outcomes",
                "Closures by outcome",
                &format!("Bar chart of closures by outcome; the table gives the figures.{note}"),
                &outcome_bars,
            ),
        },
        Chart {
            id: "sources".into(),
            svg: chart::bars(
                "sources",
                "Referrals by source",
                &format!("Bar chart of referrals by who made them; the table gives the figures.{note}"),
                &bars(&sources),
            ),
        },
        Chart {
            id: "reasons".into(),
            svg: chart::bars(
                "reasons",
                "Referrals by reason",
                &format!("Bar chart of referrals by reason; the table gives the figures.{note}"),
                &bars(&reasons),
            ),
        },
        Chart {
            id: "vulnerabilities".into(),
            svg: chart::bars(
                "vulnerabilities",
                "Referrals by vulnerability",
                &format!("Bar chart of referrals by recorded vulnerability; the table gives the figures.{note}"),
                &bars(&vulnerabilities),
            ),
        },
    ];
    #[derive(Serialize)]
    struct CountTable {
        key: &'static str,
        title: &'static str,
        column: &'static str,
        rows: Vec<Vec<String>>,
    }
    let summary: Vec<(String, String)> = vec![
        ("Referrals registered".into(), cells.show(total.r)),
        (
            "Whereabouts known / unknown (as recorded at the end of the period)".into(),
            format!("{} / {}", cells.show(total.k), cells.show(total.u)),
        ),
        (
            "Active cases at the end of the period".into(),
            format!("{} ({} whereabouts unknown)", cells.show(total.a), cells.show(total.au)),
        ),
        ("Closed".into(), cells.show(total.c)),
        ("Success rate".into(), cells.percent(total.successes, total.counted)),
        (
            "Median days from referral to closure".into(),
            cells.over(total.c, total.median, days),
        ),
    ];
    let mut c = Context::new();
    // Only what the page names: the figures themselves go through `cells` above, so that a
    // template (or an override of it) cannot show the board an unsuppressed count.
    c.insert(
        "stats",
        &serde_json::json!({ "rule": st.rule, "from": st.from, "to": st.to }),
    );
    c.insert("summary", &summary);
    c.insert("rounding_note", &rounding.map(|r| r.note()).unwrap_or_default());
    c.insert("left_out", &st.left_out);
    c.insert("period_header", &period_header);
    c.insert("quarters", &quarter_rows);
    c.insert("month_header", &month_header);
    c.insert("months", &month_rows);
    c.insert("outcome_header", &outcome_header);
    c.insert("outcome_rows", &outcome_rows);
    c.insert(
        "count_tables",
        &[
            CountTable {
                key: "sources",
                title: "Referrals by source",
                column: "Source",
                rows: count_rows(&sources),
            },
            CountTable {
                key: "reasons",
                title: "Referrals by reason",
                column: "Reason",
                rows: count_rows(&reasons),
            },
            CountTable {
                key: "vulnerabilities",
                title: "Referrals by vulnerability",
                column: "Vulnerability",
                rows: count_rows(&vulnerabilities),
            },
        ],
    );
    c.insert("school_header", &school_header);
    c.insert("schools", &school_rows);
    c.insert(
        "charts",
        &charts
            .into_iter()
            .map(|ch| (ch.id.clone(), ch))
            .collect::<BTreeMap<_, _>>(),
    );
    let outcome_header_refs: Vec<&str> = outcome_header.iter().map(String::as_str).collect();
    let csvs = vec![
        ("months.csv".to_string(), csv(&month_header, month_rows)),
        ("quarters.csv".to_string(), csv(&period_header, quarter_rows)),
        (
            "outcomes-by-quarter.csv".to_string(),
            csv(&outcome_header_refs, outcome_rows),
        ),
        (
            "sources.csv".to_string(),
            csv(&["Source", "Referrals"], count_rows(&sources)),
        ),
        (
            "reasons.csv".to_string(),
            csv(&["Reason", "Referrals"], count_rows(&reasons)),
        ),
        (
            "vulnerabilities.csv".to_string(),
            csv(&["Vulnerability", "Referrals"], count_rows(&vulnerabilities)),
        ),
        ("schools.csv".to_string(), csv(&school_header, school_rows)),
    ];
    (c, csvs)
}
