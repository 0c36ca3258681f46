//! The `tablereview` binary: parse arguments, hand them to the library.

use std::process::ExitCode;

use clap::Parser;

// Extraction makes many small, short-lived strings; mimalloc serves them several times
// faster than the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tablereview::cli::run(tablereview::cli::Cli::parse())
}
