//! The board's site: figures only, for one whole reporting period, rounded.

use super::published::{self, Block};
use super::statistics::{Cells, csv};
use super::*;

/// What every page of the board's site knows about it.
pub(super) fn board_info(repo: &Repo, content: &Content, period: Option<&crate::period::Period>) -> SiteInfo {
    SiteInfo {
        audience: "board",
        period: period.map(|p| p.label.clone()).unwrap_or_default(),
        rounding_note: repo.pack.reports.rounding().note(),
        ..content.info.clone()
    }
}

/// The board's site: the dashboard's counts, the statistics and the rule catalogue as they
/// stood at the end of a reporting period, every count rounded as the pack says
/// ([`crate::disclosure`]), and nothing that names or describes a child, a family or an
/// officer.
pub(super) fn render_board(
    repo: &Repo,
    content: &Content,
    period: Option<&crate::period::Period>,
    stats: &crate::stats::Stats,
    tera: &Tera,
    theme: &super::theme::Theme,
    dir: &Path,
) -> Result<Summary, BuildError> {
    let pack = &repo.pack;
    let rounding = pack.reports.rounding();
    let info = board_info(repo, content, period);
    let mut pages: Vec<Page> = Vec::new();
    let (cases, _) = crate::stats::countable(&content.files, &content.report);
    let referrals = |s, e| crate::stats::referral_counts(pack, &cases, s, e);
    let blocks = published::blocks(&stats.quarters, &referrals, rounding);
    // The open cases at the period's end are its last quarter's "active at end", as shown there.
    let open_shown = blocks.last().map_or_else(|| "0".to_string(), |b| b.figures[3].clone());
    // Dashboard counts.
    let open: Vec<&CaseState> = content
        .states
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.status == Status::Open)
        .collect();
    let mut cells = Cells::new(Some(rounding));
    let n_open = cells.add_known(open.len(), rounding.range_of_shown(&open_shown));
    let mut queue_cells = Vec::new();
    // The whereabouts-unknown queue is the last quarter's "active, whereabouts unknown", and
    // is shown as that quarter shows it (suppressed there, suppressed here).
    let unknown_shown = blocks.last().map_or_else(|| "0".to_string(), |b| b.figures[4].clone());
    // Replies awaited are casework, not a figure for the board.
    for q in Queue::ALL.into_iter().filter(|q| *q != Queue::AwaitingReplies) {
        let n = content.states.iter().filter(|(_, s)| q.holds(pack, s)).count();
        let i = if q == Queue::WhereaboutsUnknown {
            cells.add_known(n, rounding.range_of_shown(&unknown_shown))
        } else {
            cells.add(n)
        };
        queue_cells.push((q, q.title(), i));
    }
    let failing = content
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.file.starts_with("cases/"))
        .map(|d| d.file.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let n_failing = cells.add(failing);
    let levels: Vec<String> = pack
        .risk
        .as_ref()
        .map(|m| m.ordered().into_iter().map(|l| l.id).collect())
        .unwrap_or_default();
    let risk: Vec<usize> = levels
        .iter()
        .map(|l| cells.add(open.iter().filter(|s| s.risk.as_deref() == Some(l.as_str())).count()))
        .collect();
    let unrated = cells.add_hidden(open.iter().filter(|s| s.risk.is_none()).count());
    cells.group(risk.iter().copied().chain([unrated]).collect(), n_open);
    cells.decide();
    let mut c = base_context(&info, "index.html", "home", "Dashboard");
    c.insert("open", &open_shown);
    c.insert(
        "queues",
        &queue_cells
            .iter()
            .map(|(q, t, i)| {
                let shown = if *q == Queue::WhereaboutsUnknown {
                    unknown_shown.clone()
                } else {
                    cells.show(*i)
                };
                (t.to_string(), shown)
            })
            .collect::<Vec<_>>(),
    );
    c.insert("failing", &cells.show(n_failing));
    c.insert("has_risk", &pack.risk.is_some());
    c.insert(
        "risk",
        &levels
            .iter()
            .zip(&risk)
            .map(|(l, i)| (l.to_string(), view::risk_tag(pack, Some(l.as_str())), cells.show(*i)))
            .collect::<Vec<_>>(),
    );
    pages.push(Page {
        path: "index.html".into(),
        template: "board.html",
        context: c,
    });
    let rules: Vec<RuleRow> = pack
        .rules
        .iter()
        // No live counts for outside the team: one rule owed by every open case would be
        // the open cases again, rounded apart from its quarter.
        .map(|r| RuleRow::new(r, [String::new(), String::new(), String::new()]))
        .collect();
    let mut c = base_context(&info, "policy/rules.html", "rules", "Rule catalogue");
    c.insert("rules", &rules);
    pages.push(Page {
        path: "policy/rules.html".into(),
        template: "rules.html",
        context: c,
    });
    pages.push(policy_page(&info, repo));
    let in_period: Vec<&Block> = blocks
        .iter()
        .filter(|b| period.is_none_or(|p| b.end >= p.start))
        .collect();
    let (page, csvs) = stats_page(&info, stats, &blocks, &in_period);
    pages.push(page);
    let n = pages.len();
    flush(tera, dir, &mut pages, &crate::progress::Quiet)?;
    for (name, bytes) in &theme.assets {
        write_file(dir, name, bytes)?;
    }
    for (name, text) in csvs {
        write_file(dir, &format!("stats/{name}"), text.as_bytes())?;
    }
    Ok(Summary {
        pages: n,
        reused: 0,
        cases: content.states.len(),
        unreadable: content.files.iter().filter(|f| f.case.is_none()).count(),
    })
}

/// A table as the templates' `data_table` macro lays it out.
#[derive(Serialize)]
struct Table {
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The board's statistics page: every published quarter, and the breakdowns of the quarters
/// of the board's own period; with the same tables as CSV.
fn stats_page(
    info: &SiteInfo,
    stats: &crate::stats::Stats,
    blocks: &[Block],
    in_period: &[&Block],
) -> (Page, Vec<(String, String)>) {
    let header =
        |first: &str, rest: Vec<String>| -> Vec<String> { std::iter::once(first.to_string()).chain(rest).collect() };
    let quarters = Table {
        caption: "Figures by quarter".into(),
        header: header("Quarter", published::FIGURES.iter().map(|s| s.to_string()).collect()),
        rows: blocks
            .iter()
            .map(|b| {
                std::iter::once(b.label.clone())
                    .chain(b.figures.iter().cloned())
                    .collect()
            })
            .collect(),
    };
    let outcome_names: Vec<String> = stats.total.closed_by_outcome.iter().map(view::count_label).collect();
    let outcomes = Table {
        caption: "Closures by outcome, by quarter".into(),
        header: header("Quarter", outcome_names.clone()),
        rows: blocks
            .iter()
            .map(|b| {
                std::iter::once(b.label.clone())
                    .chain((0..outcome_names.len()).map(|i| b.outcome(i)))
                    .collect()
            })
            .collect(),
    };
    let columns: Vec<String> = in_period.iter().map(|b| b.label.clone()).collect();
    let referral_table = |id: &str, title: &str, column: &str, pick: fn(&Block) -> &Vec<(String, String)>| {
        (
            id.to_string(),
            Table {
                caption: title.into(),
                header: header(column, columns.clone()),
                rows: published::breakdown_rows(in_period, pick),
            },
        )
    };
    let referrals = [
        referral_table("sources", "Referrals by source", "Source", |b| &b.sources),
        referral_table("reasons", "Referrals by reason", "Reason", |b| &b.reasons),
        referral_table("vulnerabilities", "Referrals by vulnerability", "Vulnerability", |b| {
            &b.vulnerabilities
        }),
    ];
    let as_csv = |t: &Table| csv(&t.header.iter().map(String::as_str).collect::<Vec<_>>(), t.rows.clone());
    let mut csvs = vec![
        ("quarters.csv".to_string(), as_csv(&quarters)),
        ("outcomes-by-quarter.csv".to_string(), as_csv(&outcomes)),
    ];
    csvs.extend(referrals.iter().map(|(id, t)| (format!("{id}.csv"), as_csv(t))));
    let mut c = base_context(info, "stats/index.html", "stats", "Statistics");
    c.insert("rule", &stats.rule);
    c.insert("left_out", &stats.left_out);
    c.insert("quarters", &quarters);
    c.insert("outcomes", &outcomes);
    c.insert(
        "referrals",
        &referrals
            .iter()
            .map(|(id, t)| serde_json::json!({"id": id, "table": t}))
            .collect::<Vec<_>>(),
    );
    (
        Page {
            path: "stats/index.html".into(),
            template: "board_stats.html",
            context: c,
        },
        csvs,
    )
}
