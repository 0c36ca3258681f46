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
    // The PDF parser runs as this binary in a child process of its own (read::pdf).
    if std::env::args_os().nth(1).as_deref() == Some(tablereview::read::pdf::CHILD_ARG.as_ref()) {
        // A short-lived process: memory given back would only be faulted in again, which
        // cost a third of its time (docs/performance.md).
        // SAFETY: setting an option is allowed at any time; it only changes later purges.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
        return tablereview::read::pdf::child_main();
    }
    if let Ok(exe) = std::env::current_exe() {
        tablereview::read::pdf::isolate_with(exe);
    }
    let cli = tablereview::cli::Cli::parse();
    // How soon freed memory goes back to the system. Review reads a whole queue in the
    // background: at once keeps its peak under the 32 MB goal at no measured cost. A batch
    // of thousands of reports left to mimalloc's default held 40-55 MB at 10,000 reports;
    // 25 ms holds about 29 MB for 2% of the time, where at once would cost 18%
    // (docs/performance.md).
    let purge_delay_ms = match cli.command {
        tablereview::cli::Command::Review { .. } => 0,
        _ => 25,
    };
    // SAFETY: setting an option is allowed at any time; it only changes later purges.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, purge_delay_ms) };
    tablereview::cli::run(cli)
}
