//! The two demo authorities pass `cme check` and cover the format's vocabularies.

use super::*;
use cme::load::{self, Repo};
use cme::model::*;
use std::collections::BTreeSet;

fn cases(root: &std::path::Path) -> (Repo, Vec<Case>) {
    let repo = Repo::open(root).unwrap();
    let (paths, problems) = repo.store.case_paths();
    assert!(problems.is_empty());
    let cases = paths
        .iter()
        .map(|p| {
            load::read_case(&repo.store, p, 1 << 20)
                .case
                .unwrap_or_else(|| panic!("{p} decodes"))
        })
        .collect();
    (repo, cases)
}

#[test]
fn the_manchester_demo_passes_with_zero_errors() {
    let (code, json) = check_json(&root(), &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["errors"], 0);
    assert!(json["cases"].as_u64().unwrap() >= 40);
}

#[test]
fn the_worcestershire_demo_passes_with_zero_errors() {
    let (code, json) = check_json(&worcestershire_demo(), &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["errors"], 0);
    assert!(json["cases"].as_u64().unwrap() >= 25);
}

#[test]
fn the_manchester_demo_covers_every_value() {
    let (repo, cases) = cases(&root());
    let statuses: BTreeSet<_> = cases.iter().map(|c| c.status).collect();
    assert_eq!(statuses.len(), Status::ALL.len());
    let outcomes: BTreeSet<_> = cases
        .iter()
        .filter_map(|c| c.closure.as_ref().map(|cl| cl.outcome))
        .collect();
    assert_eq!(outcomes.len(), Outcome::ALL.len(), "{outcomes:?}");
    let sources: BTreeSet<_> = cases.iter().map(|c| c.referral.source).collect();
    assert_eq!(sources.len(), Source::ALL.len(), "{sources:?}");
    let reasons: BTreeSet<_> = cases.iter().map(|c| c.referral.reason).collect();
    assert_eq!(reasons.len(), Reason::ALL.len(), "{reasons:?}");
    let where_: BTreeSet<_> = cases.iter().map(|c| c.child.whereabouts).collect();
    assert_eq!(where_.len(), Whereabouts::ALL.len());
    let vulns: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c.child.vulnerabilities.iter().map(String::as_str))
        .collect();
    for v in &repo.pack.vulnerabilities {
        assert!(vulns.contains(v.id.as_str()), "no demo case has {}", v.id);
    }
    assert!(
        cases.iter().any(|c| !c.reopened.is_empty() && c.is_open()),
        "a reopened open case"
    );
    assert!(
        cases.iter().any(|c| !c.reopened.is_empty() && !c.is_open()),
        "a reopened and re-closed case"
    );
    assert!(
        cases.iter().any(|c| c.referral.assigned_to.is_none()),
        "unassigned cases for triage"
    );
}

#[test]
fn the_worcestershire_demo_has_reviews_at_every_risk_level() {
    let (repo, cases) = cases(&worcestershire_demo());
    let levels: BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| cme::risk::rating(&repo.pack, c))
        .map(|r| r.level)
        .collect();
    assert_eq!(levels, BTreeSet::from(["HI", "LO", "MED"]));
    let open_unknown_reviewed = cases
        .iter()
        .filter(|c| c.is_open() && c.child.whereabouts == Whereabouts::Unknown && !c.reviews.is_empty())
        .count();
    assert!(open_unknown_reviewed >= 3);
    let vulns: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c.child.vulnerabilities.iter().map(String::as_str))
        .collect();
    for v in &repo.pack.vulnerabilities {
        assert!(vulns.contains(v.id.as_str()), "no demo case has {}", v.id);
    }
}
