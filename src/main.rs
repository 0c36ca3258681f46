//! The `tablereview` binary: parse arguments, hand them to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tablereview::cli::run(tablereview::cli::Cli::parse())
}
