//! The board's site: figures only, for one whole reporting period, rounded.

use super::statistics::{Cells, stats_page};
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
    // Dashboard counts.
    let open: Vec<&CaseState> = content
        .states
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.status == Status::Open)
        .collect();
    let mut cells = Cells::new(Some(rounding));
    let n_open = cells.add(open.len());
    let mut queue_cells = Vec::new();
    for q in Queue::ALL {
        let n = content.states.iter().filter(|(_, s)| q.holds(pack, s)).count();
        queue_cells.push((q.title(), cells.add(n)));
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
    let mut breaking: HashMap<&str, usize> = HashMap::new();
    for d in &content.report.diagnostics {
        *breaking.entry(d.rule.as_str()).or_default() += 1;
    }
    let rule_cells: Vec<[usize; 3]> = pack
        .rules
        .iter()
        .map(|r| {
            let overdue = open
                .iter()
                .filter(|s| {
                    s.deadlines
                        .iter()
                        .any(|d| *d.rule == r.id && d.state == crate::deadline::State::Overdue)
                })
                .count();
            let owed = open
                .iter()
                .filter(|s| s.deadlines.iter().any(|d| *d.rule == r.id && !d.state.is_done()))
                .count();
            [
                cells.add(breaking.get(r.id.as_str()).copied().unwrap_or(0)),
                cells.add(overdue),
                cells.add(owed),
            ]
        })
        .collect();
    cells.decide();
    let mut c = base_context(&info, "index.html", "home", "Dashboard");
    c.insert("open", &cells.show(n_open));
    c.insert(
        "queues",
        &queue_cells
            .iter()
            .map(|(t, i)| (t.to_string(), cells.show(*i)))
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
        .zip(&rule_cells)
        .map(|(r, cs)| RuleRow::new(r, [cells.show(cs[0]), cells.show(cs[1]), cells.show(cs[2])]))
        .collect();
    let mut c = base_context(&info, "policy/rules.html", "rules", "Rule catalogue");
    c.insert("rules", &rules);
    pages.push(Page {
        path: "policy/rules.html".into(),
        template: "rules.html",
        context: c,
    });
    pages.push(policy_page(&info, repo));
    let (stats_context, csvs) = stats_page(stats, Some(rounding));
    let mut c = base_context(&info, "stats/index.html", "stats", "Statistics");
    c.extend(stats_context);
    pages.push(Page {
        path: "stats/index.html".into(),
        template: "stats.html",
        context: c,
    });
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
