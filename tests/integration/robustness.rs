//! Bad input never panics: arbitrary bytes, truncated files and mutated valid files give
//! diagnostics (exit 1 or 2), never a crash (exit 101).

use super::*;
use cme::load::{self, Repo};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use std::sync::OnceLock;

fn repo() -> &'static Repo {
    static REPO: OnceLock<Repo> = OnceLock::new();
    REPO.get_or_init(|| Repo::open(&root()).unwrap())
}

fn demo_files() -> &'static Vec<Vec<u8>> {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let (paths, _) = load::case_paths(&root());
        paths.iter().map(|p| std::fs::read(root().join(p)).unwrap()).collect()
    })
}

/// Decodes and validates one file's bytes the way `cme check` does.
fn check_bytes(bytes: Vec<u8>) -> usize {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let file = load::parse_case("cases/2026/EXC-2026-0042.toml", bytes);
    let mut n = file.problems.len();
    if let Some(case) = &file.case {
        n += cme::rules::check_case(repo().policy(), today, file.stem(), case, &file.spans).len();
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_bytes(bytes);
    }

    #[test]
    fn truncated_demo_files_never_panic(which in 0usize..1000, cut in 0usize..100_000) {
        let files = demo_files();
        let f = &files[which % files.len()];
        let cut = cut % (f.len() + 1);
        let n = check_bytes(f[..cut].to_vec());
        // A file cut short is either still whole up to a table boundary, or reported.
        if cut < 20 { prop_assert!(n > 0); }
    }

    #[test]
    fn mutated_demo_files_never_panic(which in 0usize..1000, edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let files = demo_files();
        let mut f = files[which % files.len()].clone();
        for (at, byte) in edits {
            let i = at % f.len();
            f[i] = byte;
        }
        check_bytes(f);
    }

    #[test]
    fn mutated_lines_never_panic(which in 0usize..1000, line in any::<usize>(), value in "[ -~]{0,40}") {
        // Replace the value of one line with arbitrary printable text: wrong types, bad dates,
        // unknown words, broken quotes.
        let files = demo_files();
        let text = String::from_utf8(files[which % files.len()].clone()).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let i = line % lines.len();
        if let Some((k, _)) = lines[i].split_once(" = ") {
            lines[i] = format!("{k} = {value}");
        }
        check_bytes(lines.join("\n").into_bytes());
    }
}

/// The binary itself, on a repository of garbage: exit 1 with diagnostics, never 101.
#[test]
fn the_binary_survives_garbage_files() {
    let repo = empty_repo("manchester");
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for i in 0..24 {
        let bytes = proptest::collection::vec(any::<u8>(), 0..4096)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        write(repo.path(), &format!("cases/2026/EXC-2026-{i:04}.toml"), bytes);
    }
    let deep = format!("a = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
    write(repo.path(), "cases/2026/EXC-2026-0999.toml", deep);
    let o = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["cases"], 25);
    assert!(json["errors"].as_u64().unwrap() >= 25);
}
