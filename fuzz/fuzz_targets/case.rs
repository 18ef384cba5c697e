//! Parse, validate and render one case file from arbitrary bytes: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn repo() -> &'static cme::load::Repo {
    static REPO: OnceLock<cme::load::Repo> = OnceLock::new();
    REPO.get_or_init(|| cme::load::Repo::open(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))).expect("the demo repository"))
}

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let file = cme::load::parse_case("cases/2026/EXC-2026-0042.toml", data.to_vec());
    if let Some(case) = &file.case {
        let _ = cme::rules::check_case(repo(), today, file.stem(), case, &file.spans);
        let _ = cme::state::CaseState::compute(repo(), case, today);
        let _ = cme::site::render_case_page(repo(), &file, today);
    }
    // The history diff reads any text too.
    let _ = cme::audit::diff::diff(None, Some(&cme::audit::diff::flatten(data)));
});
