//! The `cme` binary: parse the command line, run the command (`cmd`), exit with its code
//! (0 success, 1 records fail validation, 2 usage or I/O error).

mod cli;
mod cmd;

use clap::Parser;
use cli::Cli;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: loading and laying out thousands of records
/// allocates many small strings from both cores, where glibc's malloc spent a quarter of the
/// time (measured with `perf` on the 10 000-case benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut cli = Cli::parse();
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
