//! Command-line interface: argument definitions (clap) and the commands behind them.
//!
//! `main.rs` only parses these arguments and hands them to [`run`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::model::Report;
use crate::{files, summary};

/// Check and correct the tables of Chinese government information-disclosure annual reports.
#[derive(Debug, Parser)]
#[command(name = "tablereview", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 no error findings, 1 error findings (check), 2 could not run."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract the tables of report texts into report JSON.
    Extract {
        /// Report text files (.txt, UTF-8 or GB18030).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write: a file, a folder, or `-` for stdout [default: <stem>.extracted.json beside each input].
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// Check reports (files or folders) and list their findings.
    Check {
        /// Report files or folders (searched recursively for *.txt).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// One JSON object per report per line instead of the readable summary.
        #[arg(long)]
        json: bool,
        /// Ignore reviewed sidecars and check what the text itself says.
        #[arg(long)]
        raw: bool,
        /// Show errors only, not warnings, in the readable summary.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Review reports in the terminal: source text beside the grid, step through flags, fix, approve.
    Review {
        /// Report files or folders (searched recursively for *.txt); several make a queue.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Name recorded in the edit log [default: $USER].
        #[arg(long)]
        reviewer: Option<String>,
        /// Write sidecars into this folder instead of beside each report.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Interface language [default: from LC_ALL / LANG].
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Draw borders with ASCII characters.
        #[arg(long)]
        ascii: bool,
        /// Columns the terminal gives East-Asian ambiguous characters (“ ” ① box drawing).
        #[arg(long, value_name = "1|2", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
        ambiguous_width: u8,
    },
    /// Print a report's grid as text.
    Show {
        /// Report text file.
        file: PathBuf,
        /// Grid notation: compact (`12*` inferred, `_` blank, `?` ambiguous) or labelled.
        #[arg(long, value_enum, default_value_t = ShowFormat::Labelled)]
        format: ShowFormat,
    },
}

/// Interface languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Zh,
}

/// How `show` prints a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Compact,
    Labelled,
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Extract { files, output } => extract(&files, output.as_deref()),
        Command::Check {
            paths,
            json,
            raw,
            quiet,
        } => check(&paths, json, raw, quiet),
        Command::Show { file, format } => show(&file, format),
        Command::Review {
            paths,
            reviewer,
            out_dir,
            lang,
            ascii,
            ambiguous_width,
        } => review(paths, reviewer, out_dir, lang, ascii, ambiguous_width),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tablereview: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn extract(files: &[PathBuf], output: Option<&Path>) -> anyhow::Result<ExitCode> {
    let mut failed = false;
    let to_stdout = output == Some(Path::new("-"));
    let into_dir = output.filter(|o| !to_stdout && (o.is_dir() || files.len() > 1));
    if let Some(dir) = into_dir {
        if !dir.is_dir() {
            anyhow::bail!(
                "{}: not a folder; with several inputs, -o must name an existing folder or `-`",
                dir.display()
            );
        }
    }
    let stdout = std::io::stdout();
    for file in files {
        let report = match crate::extract::extract_file(file) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("tablereview: {e}");
                failed = true;
                continue;
            }
        };
        if to_stdout {
            let mut lock = stdout.lock();
            if files.len() == 1 {
                serde_json::to_writer_pretty(&mut lock, &report)?;
            } else {
                serde_json::to_writer(&mut lock, &report)?;
            }
            writeln!(lock)?;
            continue;
        }
        let target = match (into_dir, output) {
            (Some(dir), _) => dir.join(files::sibling_name(file, "extracted.json")),
            (None, Some(path)) => path.to_path_buf(),
            (None, None) => files::sibling(file, "extracted.json"),
        };
        let json = serde_json::to_vec_pretty(&report)?;
        crate::files::write_atomic(&target, &json)?;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(paths: &[PathBuf], json: bool, raw: bool, quiet: bool) -> anyhow::Result<ExitCode> {
    let (reports, problems) = files::collect_reports(paths);
    let mut any_error = false;
    let mut failed = !problems.is_empty();
    for p in &problems {
        eprintln!("tablereview: {p}");
    }
    let stdout = std::io::stdout();
    for path in reports {
        let report = match load_for_check(&path, raw) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("tablereview: {e}");
                failed = true;
                continue;
            }
        };
        any_error |= report.errors() > 0;
        let mut lock = stdout.lock();
        if json {
            let line = serde_json::json!({
                "path": report.source.path,
                "template": report.template,
                "errors": report.errors(),
                "warnings": report.warnings(),
                "findings": report.findings,
            });
            serde_json::to_writer(&mut lock, &line)?;
            writeln!(lock)?;
        } else {
            write!(lock, "{}", summary::check_summary(&report, !quiet))?;
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The report `check` judges: the reviewed sidecar's values where one exists, unless `raw`.
fn load_for_check(path: &Path, raw: bool) -> Result<Report, Error> {
    if raw {
        return crate::extract::extract_file(path);
    }
    crate::review::reviewed_report(path, None).map(|(report, _)| report)
}

fn show(file: &Path, format: ShowFormat) -> anyhow::Result<ExitCode> {
    let report = crate::extract::extract_file(file)?;
    let text = match format {
        ShowFormat::Compact => summary::compact_grid(&report),
        ShowFormat::Labelled => summary::labelled_grid(&report),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn review(
    paths: Vec<PathBuf>,
    reviewer: Option<String>,
    out_dir: Option<PathBuf>,
    lang: Option<LangArg>,
    ascii: bool,
    ambiguous_width: u8,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let (reports, problems) = files::collect_reports(&paths);
    if let Some(p) = problems.first() {
        anyhow::bail!("{p}");
    }
    if let Some(dir) = &out_dir {
        if !dir.is_dir() {
            anyhow::bail!("{}: --out-dir must be an existing folder", dir.display());
        }
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!("review needs a terminal; use `check` or `extract` in scripts and pipes");
    }
    let lang = crate::tui::strings::Lang::detect(lang.map(|l| match l {
        LangArg::En => "en",
        LangArg::Zh => "zh",
    }));
    let options = crate::tui::Options {
        reviewer: crate::review::reviewer_name(reviewer.as_deref()),
        out_dir,
        lang,
        ascii,
        ambiguous_wide: ambiguous_width == 2,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    crate::tui::run(reports, options)?;
    Ok(ExitCode::SUCCESS)
}
