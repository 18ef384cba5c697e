//! The `cme` binary: parse the command line, run the command (`cmd`), exit with its code
//! (0 success, 1 records fail validation, 2 usage or I/O error).

mod cli;
mod cmd;

use cli::Cli;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: loading and laying out thousands of records
/// allocates many small strings from both cores, where glibc's malloc spent a quarter of the
/// time (measured with `perf` on the 10 000-case benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `--repo DIR` as typed, before the command line is parsed (for `--help`).
fn repo_arg() -> Option<std::path::PathBuf> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    args.iter().enumerate().find_map(|(i, a)| {
        let s = a.to_string_lossy();
        match s.strip_prefix("--repo=") {
            Some(v) => Some(v.into()),
            None if s == "--repo" => args.get(i + 1).map(Into::into),
            None => None,
        }
    })
}

fn main() -> ExitCode {
    // A reader that stops reading (`cme check | head -1`) ends the program quietly, as it
    // ends grep or cat, rather than making a print panic.
    #[cfg(unix)]
    // SAFETY: called once, first, before any thread starts; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let mut cmd = <Cli as clap::CommandFactory>::command();
    // Help that speaks of this repository (its officers, the pack's ids), when asked for.
    if std::env::args_os()
        .skip(1)
        .any(|a| a == "-h" || a == "--help" || a == "help")
    {
        let root = repo_arg().unwrap_or_else(cme::load::find_root);
        if let Ok(repo) = cme::load::Repo::open(&root) {
            cmd = cli::teach(cmd, &repo);
        }
    }
    let matches = cmd.get_matches();
    let mut cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.repo = match &cli.repo_given {
        Some(dir) => dir.clone(),
        None => cme::load::find_root(),
    };
    // A process-wide setting, so the program's to make, not the library's: libgit2 re-hashes
    // every object it reads by default, which is most of the cost of walking the history,
    // and git itself does not verify on read either. (`check --audit` re-hashes what a
    // finding rests on before reporting it.)
    git2::opts::strict_hash_verification(false);
    let today = cli.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    match cmd::run(&cli, today) {
        Ok(code) => code,
        Err(e) => {
            cmd::report(&e);
            ExitCode::from(e.exit_code())
        }
    }
}
