//! Governance reports and the DfE return, laid out for the screen and for A4 paper: exact for
//! the team, rounded for outside it ([`crate::disclosure`]). A template is given only the
//! figures as they may be shown (strings), never the counts behind them.

use super::statistics::{Cells, FigureCells};
use super::*;
use crate::dfe::Return;
use crate::disclosure::Rounding;
use crate::pack::{Figure, ReportAudience};
use crate::report::{Part, Report};

/// A table as a page shows it.
#[derive(Serialize, Default)]
pub(super) struct Table {
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// A review form (one per whereabouts-unknown case), printed on its own page.
#[derive(Serialize)]
struct Form {
    title: String,
    rows: Vec<(String, String)>,
    tables: Vec<Table>,
    scores: Vec<(String, String)>,
}

#[derive(Serialize, Default)]
pub(super) struct SectionView {
    kind: &'static str,
    title: String,
    intro: String,
    tables: Vec<Table>,
    forms: Vec<Form>,
    /// (what was checked, passed)
    checks: Vec<(String, bool)>,
    /// (case, why): never on a page for outside the team.
    left_out: Vec<(String, String)>,
}

/// The report as its template reads it.
#[derive(Serialize)]
pub(super) struct ReportView {
    title: String,
    recipient: String,
    audience: &'static str,
    period: String,
    period_id: String,
    as_of: String,
    commit: String,
    source: String,
    authority: String,
    rounding_note: String,
    left_out: usize,
    produced: String,
    /// Shown while the policy is past its review date (WOR-POLICY-REVIEW).
    review_warning: String,
    review_rule: String,
    sections: Vec<SectionView>,
}

/// A cell of a table before the figures are decided: words, a count, a rate of two counts,
/// or a median over a count.
enum V {
    T(String),
    C(usize),
    P(usize, usize),
    M(usize, Option<f64>),
}

/// A table whose figures are shown once every count and group of its section is in.
struct Pending {
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<V>>,
}

impl Pending {
    fn shown(self, cells: &Cells) -> Table {
        Table {
            caption: self.caption,
            header: self.header,
            rows: self
                .rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|v| match v {
                            V::T(t) => t,
                            V::C(i) => cells.show(i),
                            V::P(p, w) => cells.percent(p, w),
                            V::M(over, m) => cells.median(over, m),
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

/// A figure of a period, as a cell of a table.
fn figure_v(fc: &FigureCells, f: Figure) -> V {
    match f {
        Figure::Registered => V::C(fc.r),
        Figure::WhereaboutsKnown => V::C(fc.k),
        Figure::WhereaboutsUnknown => V::C(fc.u),
        Figure::ActiveAtEnd => V::C(fc.a),
        Figure::ActiveUnknownAtEnd => V::C(fc.au),
        Figure::Closed => V::C(fc.c),
        Figure::SuccessRate => V::P(fc.s, fc.cc),
        Figure::MedianDaysToResolution => V::M(fc.c, fc.median),
    }
}

/// A table of counts by key (outcome, source, reason ...) that add up to `total`.
fn count_table(
    cells: &mut Cells,
    caption: &str,
    column: &str,
    counts: &[crate::stats::Count],
    total: Option<usize>,
) -> Pending {
    let ids: Vec<usize> = counts.iter().map(|c| cells.add(c.count)).collect();
    if let Some(t) = total {
        cells.group(ids.clone(), t);
    }
    Pending {
        caption: caption.into(),
        header: vec![column.into(), "Number".into()],
        rows: counts
            .iter()
            .zip(ids)
            .map(|(c, i)| vec![V::T(view::count_label(c)), V::C(i)])
            .collect(),
    }
}

/// The DfE return's section (the team's: exact): its tables, checks and what was left out.
pub(super) fn dfe_section(pack: &crate::pack::Pack, r: &Return) -> SectionView {
    use crate::dfe::{sex_label, time_label, year_label};
    let reason_label = |k: &str| match pack.dfe.as_ref() {
        Some(d) => crate::dfe::reason_label(d, k),
        None => "Not known".to_string(),
    };
    let table = |caption: &str, column: &str, b: &crate::dfe::Breakdown, label: &dyn Fn(&str) -> String| Table {
        caption: caption.into(),
        header: vec![column.into(), "Children".into()],
        rows: b.0.iter().map(|(k, n)| vec![label(k), n.to_string()]).collect(),
    };
    SectionView {
        kind: "dfe",
        title: format!("DfE return: census day {}", view::date(r.census)),
        intro: format!(
            "Children missing education at the end of the census day: {}. Children missing education at any time from 1 September to the census day: {}.",
            r.total, r.any_time_in_year
        ),
        tables: vec![
            table("By sex", "Sex", &r.by_sex, &sex_label),
            table(
                "By national curriculum year group",
                "Year group",
                &r.by_year_group,
                &year_label,
            ),
            table(
                "By time missing education at the census day",
                "Time missing",
                &r.by_time_missing,
                &time_label,
            ),
            table("By the DfE's primary reason", "Reason", &r.by_reason, &reason_label),
        ],
        forms: Vec::new(),
        checks: r.checks(),
        left_out: r.left_out.iter().map(|l| (l.case.clone(), l.why.clone())).collect(),
    }
}

/// A section of a report for outside the team: its period's quarters as they are published
/// everywhere ([`super::published`]), never a total over them.
fn board_section(repo: &Repo, report: &Report, part: &Part, blocks: &[super::published::Block]) -> SectionView {
    use super::published::{self, Block};
    let mine: Vec<&Block> = blocks
        .iter()
        // The quarters of the report's period (the first may start with the first referral).
        .filter(|b| b.end >= report.period.start)
        .collect();
    let columns: Vec<String> = mine.iter().map(|b| b.label.clone()).collect();
    let header = |first: &str, rest: Vec<String>| std::iter::once(first.to_string()).chain(rest).collect::<Vec<_>>();
    let index = |f: &Figure| -> usize {
        match f {
            Figure::Registered => 0,
            Figure::WhereaboutsKnown => 1,
            Figure::WhereaboutsUnknown => 2,
            Figure::ActiveAtEnd => 3,
            Figure::ActiveUnknownAtEnd => 4,
            Figure::Closed => 5,
            Figure::SuccessRate => 6,
            Figure::MedianDaysToResolution => 7,
        }
    };
    let view = |kind: &'static str, title: &str, intro: String, tables: Vec<Table>| SectionView {
        kind,
        title: title.into(),
        intro,
        tables,
        ..Default::default()
    };
    match part {
        Part::Figures { figures, .. } => view(
            "figures",
            "Figures",
            format!(
                "By quarter, each record counted as it stood at the quarter's end; the same figures as every other output for outside the team gives. Success means the child was found and re-integrated into education ({}).",
                success_words(repo)
            ),
            vec![Table {
                caption: format!("Figures by quarter, {}", report.period.label),
                header: header("Quarter", figures.iter().map(|f| f.label().to_string()).collect()),
                rows: mine
                    .iter()
                    .map(|b| {
                        std::iter::once(b.label.clone())
                            .chain(figures.iter().map(|f| b.figures[index(f)].clone()))
                            .collect()
                    })
                    .collect(),
            }],
        ),
        Part::Outcomes { outcomes, .. } => view(
            "outcomes",
            "Cases closed, by outcome",
            "A quarter with too few closures to break down gives none.".into(),
            vec![Table {
                caption: "Closures by outcome, by quarter".into(),
                header: header("Outcome", columns.clone()),
                rows: outcomes
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        std::iter::once(view::count_label(o))
                            .chain(mine.iter().map(|b| b.outcome(i)))
                            .collect()
                    })
                    .collect(),
            }],
        ),
        Part::Referrals { .. } => view(
            "referrals",
            "Referrals",
            "A quarter with too few referrals to break down gives none.".into(),
            vec![
                Table {
                    caption: "Referrals by source".into(),
                    header: header("Source", columns.clone()),
                    rows: published::breakdown_rows(&mine, |b| &b.sources),
                },
                Table {
                    caption: "Referrals by reason".into(),
                    header: header("Reason", columns.clone()),
                    rows: published::breakdown_rows(&mine, |b| &b.reasons),
                },
                Table {
                    caption: "Referrals by vulnerability".into(),
                    header: header("Vulnerability", columns.clone()),
                    rows: published::breakdown_rows(&mine, |b| &b.vulnerabilities),
                },
            ],
        ),
        // Refused for the board when the pack is loaded; never shown whatever the pack says.
        Part::Deadlines { .. } | Part::Dfe { .. } => {
            withheld("This section follows single cases' dates and is for the team only.")
        }
        Part::ActiveCases { .. } | Part::ReviewForms { .. } => {
            withheld("This section describes single children and is for the team only.")
        }
    }
}

/// A board report's quarters as they are published everywhere, worked out once per report.
fn board_blocks(report: &Report, r: Rounding) -> Vec<super::published::Block> {
    let Some(p) = report.published.as_ref() else {
        return Vec::new();
    };
    let referrals = |s: NaiveDate, _: NaiveDate| {
        p.quarters
            .iter()
            .position(|q| q.start == s)
            .and_then(|i| p.referrals.get(i).cloned())
            .unwrap_or_default()
    };
    super::published::blocks(&p.quarters, &referrals, r)
}

/// A team report's section of figures, exact: every count in, then shown.
fn figures_section(repo: &Repo, report: &Report, part: &Part) -> Option<SectionView> {
    let mut cells = Cells::new(None);
    let (kind, title, intro, pending): (&'static str, String, Vec<V>, Vec<Pending>) = match part {
        Part::Figures { figures, total, by } => {
            let t = FigureCells::add(&mut cells, total, &|f| figures.contains(&f));
            let mut tables = vec![Pending {
                caption: format!("Figures for {}", report.period.label),
                header: vec!["Figure".into(), "Number".into()],
                rows: figures
                    .iter()
                    .map(|f| vec![V::T(f.label().into()), figure_v(&t, *f)])
                    .collect(),
            }];
            if !by.is_empty() {
                let rows: Vec<FigureCells> = by
                    .iter()
                    .map(|x| FigureCells::add(&mut cells, x, &|f| figures.contains(&f)))
                    .collect();
                // The shorter periods partition the report's: their flows add up to its.
                for pick in [
                    |f: &FigureCells| f.r,
                    |f: &FigureCells| f.k,
                    |f: &FigureCells| f.u,
                    |f: &FigureCells| f.c,
                ] {
                    cells.group(rows.iter().map(pick).collect(), pick(&t));
                }
                tables.push(Pending {
                    caption: "The same, period by period".into(),
                    header: std::iter::once("Period".to_string())
                        .chain(figures.iter().map(|f| f.label().to_string()))
                        .collect(),
                    rows: by
                        .iter()
                        .zip(&rows)
                        .map(|(x, fc)| {
                            std::iter::once(V::T(x.label.clone()))
                                .chain(figures.iter().map(|f| figure_v(fc, *f)))
                                .collect()
                        })
                        .collect(),
                });
            }
            (
                "figures",
                "Figures".to_string(),
                vec![V::T(format!(
                    "Each record counted as it stood at the end of the period. Success means the child was found and re-integrated into education ({}).",
                    success_words(repo)
                ))],
                tables,
            )
        }
        Part::Outcomes { closed, outcomes } => {
            let c = cells.add(*closed);
            let mut t = count_table(&mut cells, "Closures by outcome", "Outcome", outcomes, Some(c));
            t.rows.push(vec![V::T("All closures".into()), V::C(c)]);
            ("outcomes", "Cases closed, by outcome".into(), Vec::new(), vec![t])
        }
        Part::Referrals {
            registered,
            sources,
            reasons,
            vulnerabilities,
        } => {
            let r = cells.add(*registered);
            let tables = vec![
                count_table(&mut cells, "Referrals by source", "Source", sources, Some(r)),
                count_table(&mut cells, "Referrals by reason", "Reason", reasons, Some(r)),
                count_table(
                    &mut cells,
                    "Referrals by vulnerability",
                    "Vulnerability",
                    vulnerabilities,
                    None,
                ),
            ];
            (
                "referrals",
                "Referrals".into(),
                vec![
                    V::T("Referrals received in the period: ".into()),
                    V::C(r),
                    V::T(".".into()),
                ],
                tables,
            )
        }
        Part::Deadlines { rules } => {
            let rows = rules
                .iter()
                .map(|d| {
                    let p = d.periods.first();
                    let get = |f: fn(&crate::stats::Compliance) -> usize| p.map(f).unwrap_or(0);
                    let due = cells.add(get(|p| p.due));
                    let met = cells.add(get(|p| p.met));
                    let late = cells.add(get(|p| p.late));
                    let never = cells.add(get(|p| p.never_met));
                    let overdue = cells.add(get(|p| p.overdue));
                    cells.group(vec![met, late, never, overdue], due);
                    vec![
                        V::T(d.rule.to_string()),
                        V::T(d.asks.clone()),
                        V::C(due),
                        V::C(met),
                        V::C(late),
                        V::C(never),
                        V::C(overdue),
                        V::P(met, due),
                    ]
                })
                .collect();
            (
                "deadlines",
                "Deadlines kept".into(),
                vec![V::T("Each deadline of the policy that fell due in the period: met on time, met late, never met (the case closed without it), or still overdue.".into())],
                vec![Pending {
                    caption: "Deadlines kept, by rule".into(),
                    header: ["Rule", "Asks for", "Fell due", "Met on time", "Met late", "Never met", "Overdue", "On time"]
                        .map(String::from)
                        .to_vec(),
                    rows,
                }],
            )
        }
        Part::Dfe { returns } => {
            let mut s = SectionView {
                kind: "dfe",
                title: "DfE return".into(),
                intro: if returns.is_empty() {
                    "No census day of the DfE's collection falls in this period.".into()
                } else {
                    String::new()
                },
                ..Default::default()
            };
            for r in returns {
                let d = dfe_section(&repo.pack, r);
                s.intro.push_str(&format!("{} {} ", d.title, d.intro));
                s.tables.extend(d.tables.into_iter().map(|mut t| {
                    t.caption = format!("{}, {}", t.caption, view::date(r.census));
                    t
                }));
                s.checks.extend(d.checks);
                s.left_out.extend(d.left_out);
            }
            return Some(s);
        }
        Part::ActiveCases { .. } | Part::ReviewForms { .. } => return None,
    };
    cells.decide();
    let intro = intro
        .into_iter()
        .map(|v| Pending {
            caption: String::new(),
            header: Vec::new(),
            rows: vec![vec![v]],
        })
        .flat_map(|p| p.shown(&cells).rows.into_iter().flatten())
        .collect::<String>();
    Some(SectionView {
        kind,
        title,
        intro,
        tables: pending.into_iter().map(|t| t.shown(&cells)).collect(),
        ..Default::default()
    })
}

/// A team report's section.
fn section(repo: &Repo, report: &Report, part: &Part) -> SectionView {
    if let Some(s) = figures_section(repo, report, part) {
        return s;
    }
    match part {
        Part::ActiveCases { cases } => SectionView {
            kind: "active-cases",
            title: format!("Active cases ({})", cases.len()),
            intro: format!(
                "Every case open at the end of {}, most urgent first.",
                view::date(report.as_of)
            ),
            tables: vec![Table {
                caption: "Active cases".into(),
                header: [
                    "Case",
                    "Child",
                    "Officer",
                    "Referred",
                    "Whereabouts",
                    "Risk",
                    "Next deadline",
                    "Overdue",
                ]
                .map(String::from)
                .to_vec(),
                rows: {
                    let mut v: Vec<&crate::report::ActiveCase> = cases.iter().collect();
                    v.sort_by_key(|c| (std::cmp::Reverse(c.overdue), c.priority, c.received));
                    v.into_iter()
                        .map(|c| {
                            vec![
                                c.id.clone(),
                                c.child.clone(),
                                c.officer.clone().unwrap_or_else(|| "Unassigned".into()),
                                view::date(c.received),
                                view::words(c.whereabouts.as_str()),
                                c.risk.clone().unwrap_or_else(|| "-".into()),
                                match &c.next {
                                    Some((rule, asks, due, overdue)) => format!(
                                        "{rule}: {asks}, {}{}",
                                        if *overdue { "was due " } else { "due " },
                                        view::opt_date(*due)
                                    ),
                                    None => "-".into(),
                                },
                                c.overdue.to_string(),
                            ]
                        })
                        .collect()
                },
            }],
            ..Default::default()
        },
        Part::ReviewForms { forms } => SectionView {
            kind: "review-forms",
            title: format!("Whereabouts unknown: review forms ({})", forms.len()),
            intro: format!(
                "One form per case whose whereabouts are unknown, filled from the record as it stood on {}. Each form starts a new page when printed.",
                view::date(report.as_of)
            ),
            forms: forms
                .iter()
                .map(|f| Form {
                    title: format!("{}: {}", f.id, f.child),
                    rows: vec![
                        ("Pupil".into(), f.child.clone()),
                        ("Date of birth".into(), view::date(f.date_of_birth)),
                        (
                            "Previous school".into(),
                            f.previous_school.clone().unwrap_or_else(|| "Not known".into()),
                        ),
                        ("Last day in school".into(), view::opt_date(f.last_day_in_school)),
                        ("Meeting date".into(), view::date(report.period.start)),
                        (
                            "Officer".into(),
                            f.officer.clone().unwrap_or_else(|| "Unassigned".into()),
                        ),
                    ],
                    tables: f
                        .checks
                        .iter()
                        .map(|(title, items)| Table {
                            caption: title.clone(),
                            header: ["Type of enquiry", "Check", "Date completed", "By"]
                                .map(String::from)
                                .to_vec(),
                            rows: items
                                .iter()
                                .map(|i| {
                                    vec![
                                        i.group.clone().unwrap_or_default(),
                                        i.label.clone(),
                                        if i.done {
                                            view::opt_date(i.date)
                                        } else {
                                            "Not done".into()
                                        },
                                        i.by.clone().unwrap_or_default(),
                                    ]
                                })
                                .collect(),
                        })
                        .collect(),
                    scores: match &f.last_review {
                        Some(r) => vec![
                            ("Last review".into(), view::date(r.date)),
                            (
                                "CME / leaver score".into(),
                                r.cme_score
                                    .map(|s| {
                                        format!(
                                            "{s}{}",
                                            r.cme_meaning.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
                                        )
                                    })
                                    .unwrap_or_else(|| "Not scored".into()),
                            ),
                            (
                                "Safeguarding score".into(),
                                r.safeguarding_score
                                    .map(|s| {
                                        format!(
                                            "{s}{}",
                                            r.safeguarding_meaning
                                                .as_ref()
                                                .map(|m| format!(": {m}"))
                                                .unwrap_or_default()
                                        )
                                    })
                                    .unwrap_or_else(|| "Not scored".into()),
                            ),
                            ("Matrix result".into(), r.level.clone().unwrap_or_else(|| "-".into())),
                            (
                                "Closure decision".into(),
                                r.decision
                                    .map(|d| view::words(d.as_str()))
                                    .unwrap_or_else(|| "Not yet decided".into()),
                            ),
                            (
                                "Signed off by".into(),
                                r.signed_off_by.clone().unwrap_or_else(|| "Not yet signed off".into()),
                            ),
                            ("Comments".into(), r.comments.clone().unwrap_or_default()),
                            decision_due(f.decision_due),
                        ],
                        None => vec![
                            ("Last review".into(), "None yet: score the case at this meeting".into()),
                            ("CME / leaver score".into(), "Not yet scored".into()),
                            ("Safeguarding score".into(), "Not yet scored".into()),
                            ("Matrix result".into(), "Not yet scored".into()),
                            ("Closure decision".into(), "Not yet decided".into()),
                            decision_due(f.decision_due),
                        ],
                    },
                })
                .collect(),
            ..Default::default()
        },
        _ => unreachable!("figures_section shows every section of figures"),
    }
}

/// A section a report for outside the team never shows, whatever the pack says (the pack is
/// refused when it asks for one).
fn withheld(why: &str) -> SectionView {
    SectionView {
        kind: "withheld",
        title: "Withheld".into(),
        intro: why.into(),
        ..Default::default()
    }
}

fn decision_due(d: Option<(NaiveDate, bool)>) -> (String, String) {
    (
        "Decision due".into(),
        match d {
            Some((due, true)) => format!("{} (overdue)", view::date(due)),
            Some((due, false)) => view::date(due),
            None => "-".into(),
        },
    )
}

/// The view of a worked-out report: rounded where it is for outside the team.
pub(super) fn report_view(repo: &Repo, report: &Report) -> ReportView {
    let rounding = (report.def.audience == ReportAudience::Board).then(|| repo.pack.reports.rounding());
    ReportView {
        title: report.def.title.clone(),
        recipient: report.def.recipient.clone(),
        audience: report.def.audience.word(),
        period: report.period.label.clone(),
        period_id: report.period.id.clone(),
        as_of: view::date(report.as_of),
        commit: report.commit.clone().unwrap_or_default(),
        source: report.def.source.clone(),
        authority: report.authority.clone(),
        rounding_note: rounding.map(|r| r.note()).unwrap_or_default(),
        left_out: report.left_out,
        produced: chrono::Local::now().format("%-d %B %Y at %H:%M").to_string(),
        review_warning: review_warning(repo, report.as_of),
        review_rule: repo.pack.pack.review_rule.clone().unwrap_or_default(),
        sections: match rounding {
            Some(r) => {
                let blocks = board_blocks(report, r);
                report
                    .parts
                    .iter()
                    .map(|p| board_section(repo, report, p, &blocks))
                    .collect()
            }
            None => report.parts.iter().map(|p| section(repo, report, p)).collect(),
        },
    }
}

/// A report as one HTML file that stands alone (its style inside it, nothing fetched), for
/// `cme report NAME`.
pub fn report_html(repo: &Repo, report: &Report) -> Result<String, BuildError> {
    let own_dirs = repo.git.as_ref().map(|g| g.own_dirs.clone()).unwrap_or_default();
    let theme = theme::Theme::load(&repo.root, &own_dirs)?;
    let tera = tera_of(&theme)?;
    let mut c = Context::new();
    c.insert("r", &report_view(repo, report));
    c.insert("inline_css", &css(&theme));
    c.insert("root", "");
    tera.render("report.html", &c).map_err(tera_error)
}

fn css(theme: &theme::Theme) -> String {
    theme
        .assets
        .iter()
        .find(|(n, _)| *n == "assets/cme.css")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
        // Nothing in a style element can close it.
        .replace("</", "<\\/")
}

/// The report's page on a site (linking the site's style sheet).
pub(super) fn report_page(repo: &Repo, report: &Report, path: &str) -> Page {
    let mut c = Context::new();
    c.insert("r", &report_view(repo, report));
    c.insert("inline_css", "");
    c.insert("root", &"../".repeat(path.matches('/').count()));
    Page {
        path: path.to_string(),
        template: "report.html",
        context: c,
    }
}

/// One row of the Reports page.
#[derive(Serialize)]
struct ReportRow {
    title: String,
    recipient: String,
    every: String,
    audience: &'static str,
    source: String,
    period: String,
    link: String,
}

/// The Reports pages: each report the pack names for its latest period (on the board's
/// site: the reports for outside the team of the site's own period), and on the team's site
/// the DfE return for each census day so far.
pub(super) fn render_reports(
    repo: &Repo,
    content: &Content,
    info: &SiteInfo,
    board_period: Option<&crate::period::Period>,
    today: NaiveDate,
    tera: &Tera,
    dir: &Path,
) -> Result<usize, BuildError> {
    let policy = repo.policy();
    let history = match &content.trail {
        Trail::History(h) => Some(h),
        Trail::Unavailable(_) => None,
    };
    let style = repo.pack.reports.quarters;
    // Every report of the build reads the same records as they stood, and the states the
    // build worked out for today.
    let (cases, left_out) = crate::stats::countable(&content.files, &content.report);
    let shared = crate::report::Shared {
        stood: crate::stood::AsStood::new(&cases, history),
        states: content.states.iter().map(|(_, s)| (s.id.as_str(), s)).collect(),
    };
    let mut rows = Vec::new();
    let mut pages = Vec::new();
    for def in &repo.pack.report_defs {
        let period = match (board_period, def.audience) {
            (None, ReportAudience::Team) => crate::period::containing(def.period, today, style, &repo.calendar),
            (None, ReportAudience::Board) => crate::period::last_ended(def.period, today, style, &repo.calendar),
            (Some(p), ReportAudience::Board) if p.kind == def.period => Some(p.clone()),
            (Some(_), _) => None,
        };
        let mut row = ReportRow {
            title: def.title.clone(),
            recipient: def.recipient.clone(),
            every: def.period.word().to_string(),
            audience: def.audience.word(),
            source: def.source.clone(),
            period: String::new(),
            link: String::new(),
        };
        match period {
            Some(p) => {
                let report = crate::report::compute(
                    def,
                    p,
                    policy,
                    &crate::report::Read {
                        files: &content.files,
                        check: &content.report,
                        as_of: today,
                        history,
                        authority: &repo.config.authority.name,
                        commit: (!info.commit.is_empty()).then(|| info.commit.clone()),
                        shared: Some(&shared),
                    },
                );
                let file = format!("{}-{}.html", def.id, report.period.id);
                row.period = report.period.label.clone();
                row.link = file.clone();
                pages.push(report_page(repo, &report, &format!("reports/{file}")));
            }
            None if board_period.is_some() && def.audience == ReportAudience::Team => continue,
            None if board_period.is_some() => {
                row.period = format!("Build the board's site with --period {} for this report", def.period);
            }
            None => row.period = format!("No {} the calendar reaches", def.period),
        }
        rows.push(row);
    }
    let mut c = base_context(info, "reports/index.html", "reports", "Reports");
    c.insert("reports", &rows);
    let dfe = repo.pack.dfe.as_ref();
    c.insert("dfe_source", &dfe.map(|d| d.source.clone()).unwrap_or_default());
    pages.push(Page {
        path: "reports/index.html".into(),
        template: "reports.html",
        context: c,
    });
    if board_period.is_none()
        && let Some(d) = dfe
    {
        let mut days: Vec<&crate::pack::CensusDay> = d.census_days.iter().filter(|c| c.date <= today).collect();
        days.sort_by_key(|c| std::cmp::Reverse(c.date));
        let returns: Vec<SectionView> = days
            .iter()
            .filter_map(|c| {
                let r = crate::report::dfe_return(policy, &cases, c.date)?;
                let mut s = dfe_section(&repo.pack, &r);
                s.title = format!("{}: census day {}", c.term, view::date(c.date));
                Some(s)
            })
            .collect();
        let mut c = base_context(info, "reports/dfe.html", "reports", "DfE return");
        c.insert("dfe_source", &d.source);
        c.insert(
            "dfe_unchecked",
            &if d.reasons_checked.is_none() {
                format!(
                    "The DfE reasons in [dfe] of policy/{}/policy.toml have not been checked against the DfE's current collection guide. Compare them, correct the pack, and set reasons_checked before keying in a return.",
                    repo.pack.pack.id
                )
            } else {
                String::new()
            },
        );
        c.insert("returns", &returns);
        c.insert("left_out", &left_out);
        pages.push(Page {
            path: "reports/dfe.html".into(),
            template: "dfe.html",
            context: c,
        });
    }
    let n = pages.len();
    flush(tera, dir, &mut pages, &crate::progress::Quiet)?;
    Ok(n)
}

/// The outcomes the pack counts as success, in words ("on roll, home educated").
fn success_words(repo: &Repo) -> String {
    repo.pack
        .reports
        .success_outcomes
        .iter()
        .map(|o| view::words(o.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}
