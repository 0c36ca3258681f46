//! The `tablereview` binary: parse arguments, hand them to the library.

use std::process::ExitCode;

use clap::Parser;

// Extraction makes many small, short-lived strings; mimalloc serves them several times
// faster than the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (the bindings do not name it yet).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Memory freed is given back at once rather than after 10 ms: review reads a whole queue
    // in the background, and this keeps its peak under the 32 MB goal at no measured cost.
    // SAFETY: setting an option is allowed at any time; it only changes later purges.
    let cli = tablereview::cli::Cli::parse();
    if matches!(cli.command, tablereview::cli::Command::Review { .. }) {
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    }
    tablereview::cli::run(cli)
}
