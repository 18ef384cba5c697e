//! The statistics pages: tables, charts and CSV files of the report figures, with the
//! board's disclosure control.

use super::*;

pub(super) use crate::csv::table as csv;

#[derive(Serialize)]
struct Chart {
    id: String,
    svg: String,
}

/// The counts of a page of figures, shown exact (the team's) or rounded (for outside the
/// team: [`crate::disclosure`]), so that a template (or an override of it) is only ever
/// given the figures as they may be shown. Counts that add up are declared as groups, so
/// that rounding is backed by secondary suppression where a group would pin a small count.
#[derive(Default)]
pub(super) struct Cells {
    values: Vec<u64>,
    hidden: Vec<bool>,
    fixed: Vec<Option<(u64, u64)>>,
    groups: Vec<crate::disclosure::Group>,
    suppressed: Vec<bool>,
    rounding: Option<crate::disclosure::Rounding>,
    decided: bool,
}

impl Cells {
    pub(super) fn new(rounding: Option<crate::disclosure::Rounding>) -> Cells {
        Cells {
            rounding,
            ..Default::default()
        }
    }
    pub(super) fn add(&mut self, v: usize) -> usize {
        self.values.push(v as u64);
        self.hidden.push(false);
        self.fixed.push(None);
        self.values.len() - 1
    }
    /// A count a reader already knows this much of from elsewhere (another period's figure
    /// as shown there, or a count taken as known): never shown or suppressed here.
    pub(super) fn add_known(&mut self, v: usize, range: (u64, u64)) -> usize {
        let i = self.add_hidden(v);
        self.fixed[i] = Some(range);
        i
    }
    /// A count never shown (a reader knows nothing of it), that a group adds up with.
    pub(super) fn add_hidden(&mut self, v: usize) -> usize {
        let i = self.add(v);
        self.hidden[i] = true;
        i
    }
    /// `total` is the sum of `parts`.
    pub(super) fn group(&mut self, parts: Vec<usize>, total: usize) {
        self.groups.push(crate::disclosure::Group { parts, total });
    }
    /// Decides, once every count and group is in, which are suppressed as well as rounded.
    pub(super) fn decide(&mut self) {
        self.suppressed = match &self.rounding {
            Some(r) => r.secondary(&self.values, &self.hidden, &self.fixed, &self.groups),
            None => vec![false; self.values.len()],
        };
        self.decided = true;
    }
    fn suppressed(&self, i: usize) -> bool {
        assert!(self.decided, "Cells::decide is called before a figure is shown");
        self.suppressed.get(i).copied().unwrap_or(false)
    }
    pub(super) fn show(&self, i: usize) -> String {
        let v = self.values[i];
        match &self.rounding {
            _ if self.suppressed(i) => crate::disclosure::SUPPRESSED.into(),
            Some(r) => r.count(v),
            None => v.to_string(),
        }
    }
    /// A chart bar, at the height shown.
    pub(super) fn bar(&self, label: String, i: usize) -> chart::Bar {
        let v = self.values[i];
        match &self.rounding {
            _ if self.suppressed(i) => chart::Bar {
                label,
                value: 0.0,
                text: Some(crate::disclosure::SUPPRESSED.into()),
            },
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
            _ if self.suppressed(part) || self.suppressed(whole) => crate::disclosure::SUPPRESSED.into(),
            Some(r) => r.percent(p, w),
            None if w == 0 => "-".into(),
            None => format!("{:.0}%", 100.0 * p as f64 / w as f64),
        }
    }
    /// A median worked out over the count `over`, shown only where a rate over that count
    /// would be, and for outside the team rounded as the counts are (a median of a few cases
    /// is one child's case).
    pub(super) fn median(&self, over: usize, v: Option<f64>) -> String {
        match (&self.rounding, v) {
            // A suppressed count gives nothing away through what is worked out over it: not
            // even that there was nothing to work out.
            (Some(_), _) if self.suppressed(over) => crate::disclosure::SUPPRESSED.into(),
            (_, None) => "-".into(),
            (Some(r), Some(_)) if !r.shows_rate_over(self.values[over]) => crate::disclosure::SUPPRESSED.into(),
            (Some(r), Some(d)) => format!("about {}", r.round(d.round().max(0.0) as u64)),
            (None, Some(d)) => format!("{d:.0}"),
        }
    }
}

/// The cells of one period's figures: those shown, and the rest kept hidden so that the
/// groups they add up in still hold (registered = known + unknown, declared here).
pub(super) struct FigureCells {
    pub r: usize,
    pub k: usize,
    pub u: usize,
    pub a: usize,
    pub au: usize,
    pub c: usize,
    /// Successes and the closures the success rate counts (shown only as a rate).
    pub s: usize,
    pub cc: usize,
    pub median: Option<f64>,
}

impl FigureCells {
    pub(super) fn add(
        cells: &mut Cells,
        x: &stats::Figures,
        shown: &dyn Fn(crate::pack::Figure) -> bool,
    ) -> FigureCells {
        use crate::pack::Figure;
        let mut add = |f: Figure, n: usize| {
            if shown(f) { cells.add(n) } else { cells.add_hidden(n) }
        };
        let fc = FigureCells {
            r: add(Figure::Registered, x.registered),
            k: add(Figure::WhereaboutsKnown, x.whereabouts_known),
            u: add(Figure::WhereaboutsUnknown, x.whereabouts_unknown),
            a: add(Figure::ActiveAtEnd, x.active_at_end),
            au: add(Figure::ActiveUnknownAtEnd, x.active_unknown_at_end),
            c: add(Figure::Closed, x.closed),
            s: add(Figure::SuccessRate, x.successes),
            cc: add(Figure::SuccessRate, x.counted_closures),
            median: x.median_days_to_resolution,
        };
        cells.group(vec![fc.k, fc.u], fc.r);
        fc
    }
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

/// The team's statistics page's context and its CSV files: exact figures (the board's is
/// [`super::board`]'s, published by quarter).
pub(super) fn stats_page(st: &Stats) -> (Context, Vec<(String, String)>) {
    let mut cells = Cells::new(None);
    struct Period {
        label: String,
        f: FigureCells,
        outcomes: Vec<usize>,
    }
    let add_period = |cells: &mut Cells, f: &stats::Figures| Period {
        label: f.label.clone(),
        f: FigureCells::add(cells, f, &|_| true),
        outcomes: f.closed_by_outcome.iter().map(|o| cells.add(o.count)).collect(),
    };
    let quarters: Vec<Period> = st.quarters.iter().map(|f| add_period(&mut cells, f)).collect();
    let total = add_period(&mut cells, &st.total);
    let months: Vec<(String, usize, usize)> = st
        .months
        .iter()
        .map(|f| (f.label.clone(), cells.add(f.registered), cells.add(f.active_at_end)))
        .collect();
    let counts = |cells: &mut Cells, v: &[stats::Count]| -> Vec<(String, usize)> {
        v.iter().map(|x| (view::count_label(x), cells.add(x.count))).collect()
    };
    let sources = counts(&mut cells, &st.by_source);
    let reasons = counts(&mut cells, &st.by_reason);
    let vulnerabilities = counts(&mut cells, &st.by_vulnerability);
    // Schools: on time + late + not recorded (never shown) = leavers; likewise joiners.
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
    cells.decide();

    let period_header: Vec<&str> = std::iter::once("Period").chain(super::published::FIGURES).collect();
    let period_row = |p: &Period| -> Vec<String> {
        vec![
            p.label.clone(),
            cells.show(p.f.r),
            cells.show(p.f.k),
            cells.show(p.f.u),
            cells.show(p.f.a),
            cells.show(p.f.au),
            cells.show(p.f.c),
            cells.percent(p.f.s, p.f.cc),
            cells.median(p.f.c, p.f.median),
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
    let note = "";
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
        ("Referrals registered".into(), cells.show(total.f.r)),
        (
            "Whereabouts known / unknown (as recorded at the end of the period)".into(),
            format!("{} / {}", cells.show(total.f.k), cells.show(total.f.u)),
        ),
        (
            "Active cases at the end of the period".into(),
            format!(
                "{} ({} whereabouts unknown)",
                cells.show(total.f.a),
                cells.show(total.f.au)
            ),
        ),
        ("Closed".into(), cells.show(total.f.c)),
        ("Success rate".into(), cells.percent(total.f.s, total.f.cc)),
        (
            "Median days from referral to closure".into(),
            cells.median(total.f.c, total.f.median),
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
    c.insert("rounding_note", "");
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
