//! Command-line interface: argument definitions (clap) and the commands behind them.
//!
//! `main.rs` only parses these arguments and hands them to [`run`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::{batch, files, summary};

mod export;
pub use export::{ExportArgs, FormatArg, KeysListArgs};

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
        /// Report files (.txt in UTF-8 or GB18030, web pages .html/.htm, Word .docx/.doc, PDF .pdf) or folders (searched recursively for them).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write: a file, a folder, or `-` for stdout (one JSON per line for several)
        /// [default: <stem>.extracted.json beside each input].
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// No progress bar.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Export the reviewed dataset: every value with its status and source, as JSON, JSON Lines,
    /// long or wide CSV, Excel or SQLite.
    Export(export::ExportArgs),
    /// Print the dictionary of keys: template, canonical key, Chinese labels, kind, unit.
    KeysList(export::KeysListArgs),
    /// Check reports (files or folders) and list their findings.
    Check {
        /// Report files or folders (searched recursively for *.txt, *.html, *.htm, *.docx, *.doc, *.pdf).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// One JSON object per report per line instead of the readable summary.
        #[arg(long)]
        json: bool,
        /// Ignore reviewed sidecars and check what the text itself says.
        #[arg(long)]
        raw: bool,
        /// Errors only (no warnings) in the readable output; no progress bar.
        #[arg(short, long)]
        quiet: bool,
        /// Check every report afresh, neither reading nor writing the results cache
        /// ($TABLEREVIEW_CACHE_DIR, else $XDG_CACHE_HOME/tablereview or ~/.cache/tablereview).
        #[arg(long)]
        no_cache: bool,
        /// Read reviews from this folder, as `review --out-dir` wrote them.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        #[command(flatten)]
        series: SeriesArgs,
    },
    /// Review reports in the terminal: source text beside the grid, step through flags, fix, approve.
    Review {
        /// Report files or folders (searched recursively for *.txt, *.html, *.htm, *.docx, *.doc, *.pdf); several make a queue.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Name recorded in the edit log [default: $USER].
        #[arg(long)]
        reviewer: Option<String>,
        /// Write sidecars into this folder instead of beside each report.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Remove the reports' review locks first, whoever holds them (a review on another
        /// machine that is gone, a lock that cannot be read); saying whose each was.
        #[arg(long)]
        break_lock: bool,
        /// Interface language [default: from LC_ALL / LANG].
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Draw borders with ASCII characters.
        #[arg(long)]
        ascii: bool,
        /// Columns the terminal gives East-Asian ambiguous characters (“ ” ① box drawing).
        #[arg(long, value_name = "1|2", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
        ambiguous_width: u8,
        #[command(flatten)]
        series: SeriesArgs,
    },
    /// Print the review screen's active keymap as TOML (`action = ["key", …]`), to copy into
    /// keys.toml in the config folder ($TABLEREVIEW_CONFIG_DIR, else $XDG_CONFIG_HOME/tablereview).
    Keys,
    /// Print a report's grid as text.
    Show {
        /// Report text file.
        file: PathBuf,
        /// Grid notation: compact (`12*` inferred, `_` blank, `?` ambiguous) or labelled.
        #[arg(long, value_enum, default_value_t = ShowFormat::Labelled)]
        format: ShowFormat,
    },
}

/// The checks across one body's reports of consecutive years.
#[derive(Debug, Clone, clap::Args)]
pub struct SeriesArgs {
    /// Names of renamed bodies (`bodies.toml`: a table per body with `aliases`)
    /// [default: bodies.toml at the top of each folder given].
    #[arg(long, value_name = "FILE")]
    pub bodies: Option<PathBuf>,
    /// Check each report alone: no carry-over, in-force, duplicate or gap checks across reports.
    #[arg(long)]
    pub no_series: bool,
}

impl SeriesArgs {
    /// The bodies mapping the series checks use, or none when they are off.
    fn bodies_for(
        &self,
        paths: &[PathBuf],
    ) -> Result<Option<crate::check::series::Bodies>, crate::error::Error> {
        if self.no_series {
            return Ok(None);
        }
        crate::batch::series::bodies_for(paths, self.bodies.as_deref()).map(Some)
    }
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

static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// When the command started (for the first-frame measurement).
pub fn started() -> std::time::Instant {
    *STARTED.get_or_init(std::time::Instant::now)
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    started();
    let result = match cli.command {
        Command::Extract {
            files,
            output,
            quiet,
        } => extract(&files, output.as_deref(), quiet),
        Command::Export(args) => export::run(&args),
        Command::KeysList(args) => export::keys_list(&args),
        Command::Check {
            paths,
            json,
            raw,
            quiet,
            no_cache,
            out_dir,
            series,
        } => check(
            &paths,
            json,
            raw,
            quiet,
            no_cache,
            out_dir.as_deref(),
            &series,
        ),
        Command::Show { file, format } => show(&file, format),
        Command::Keys => keys(),
        Command::Review {
            paths,
            reviewer,
            out_dir,
            break_lock,
            lang,
            ascii,
            ambiguous_width,
            series,
        } => {
            if break_lock {
                break_locks(&paths, out_dir.as_deref());
            }
            review(
                paths,
                reviewer,
                out_dir,
                lang,
                ascii,
                ambiguous_width,
                &series,
            )
        }
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tablereview: {}", one_line(&err));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes on one line, each cause once: a library error already names its
/// source (`cannot write: …`), so the chain would repeat it.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    crate::summary::printable(&line).into_owned()
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    // serde_json wraps the write error it met and does not give it out as its source.
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
    })
}

/// A progress bar on stderr for large batches, when stderr is a terminal.
fn progress(len: usize, quiet: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if quiet || len < 50 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} reports {elapsed} (eta {eta})",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Expands paths, printing what could not be found; true when something was missing.
fn inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, bool) {
    let (reports, problems) = files::collect_reports(paths);
    for p in &problems {
        eprintln!("tablereview: {}", crate::summary::printable(&p.to_string()));
    }
    // A folder's text beside a document of the same name was left out: say which was read.
    for r in &reports {
        if let Some(text) = files::text_beside(r) {
            eprintln!(
                "tablereview: {}: read from the document; {} beside it is taken for the same report and not read",
                crate::summary::printable(&r.display().to_string()),
                crate::summary::printable(&text.display().to_string())
            );
        }
    }
    (reports, !problems.is_empty())
}

fn extract(paths: &[PathBuf], output: Option<&Path>, quiet: bool) -> anyhow::Result<ExitCode> {
    let (files, mut failed) = inputs(paths);
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
    // An output that is one of the inputs would replace the report it was read from.
    if let Some(out) = output.filter(|_| !to_stdout && into_dir.is_none()) {
        if let Some(f) = files.iter().find(|f| files::same_file(f, out)) {
            anyhow::bail!(
                "{}: is the input {}; writing the report there would replace it; name another file with -o",
                crate::summary::printable(&out.display().to_string()),
                crate::summary::printable(&f.display().to_string())
            );
        }
    }
    let bar = progress(files.len(), quiet);
    let stdout = std::io::stdout();
    let single = files.len() == 1;
    batch::ordered(
        &files,
        |file| crate::extract::extract_file(file),
        |file, result| -> anyhow::Result<()> {
            if let Some(b) = &bar {
                b.inc(1);
            }
            let report = match result {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("tablereview: {}", crate::summary::printable(&e.to_string()));
                    failed = true;
                    return Ok(());
                }
            };
            if to_stdout {
                let mut lock = stdout.lock();
                if single {
                    serde_json::to_writer_pretty(&mut lock, &report)?;
                } else {
                    serde_json::to_writer(&mut lock, &report)?;
                }
                writeln!(lock)?;
                return Ok(());
            }
            let target = match (into_dir, output) {
                (Some(dir), _) => dir.join(files::sibling_name(file, "extracted.json")),
                (None, Some(path)) => path.to_path_buf(),
                (None, None) => files::sibling(file, "extracted.json"),
            };
            files::write_atomic(&target, &serde_json::to_vec_pretty(&report)?)?;
            Ok(())
        },
    )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Counts for `check`'s closing summary.
#[derive(Debug, Default)]
struct Tally {
    reports: usize,
    clean: usize,
    with_errors: usize,
    with_warnings: usize,
    approved: usize,
    from_cache: usize,
}

fn check(
    paths: &[PathBuf],
    json: bool,
    raw: bool,
    quiet: bool,
    no_cache: bool,
    out_dir: Option<&Path>,
    series: &SeriesArgs,
) -> anyhow::Result<ExitCode> {
    use crate::batch::check::{check_report, CheckOutput};
    let bodies = series.bodies_for(paths)?;
    let (reports, mut failed) = inputs(paths);
    let bar = progress(reports.len(), quiet);
    let output = match (json, quiet) {
        (true, _) => CheckOutput::Json,
        (false, false) => CheckOutput::Text,
        (false, true) => CheckOutput::TextErrorsOnly,
    };
    let cache = if no_cache {
        None
    } else {
        match crate::cache::default_dir().map(|d| crate::cache::CheckCache::open(&d)) {
            Some(Ok(cache)) => cache,
            Some(Err(why)) => {
                eprintln!(
                    "tablereview: warning: {}",
                    crate::summary::printable(&why.to_string())
                );
                None
            }
            None => None,
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut tally = Tally::default();
    let mut facts = Vec::with_capacity(if bodies.is_some() { reports.len() } else { 0 });
    batch::ordered(
        &reports,
        |path| {
            let how = crate::batch::check::How {
                output,
                raw,
                series: bodies.is_some(),
                out_dir,
            };
            check_report(path, how, cache.as_ref())
        },
        |_, result| -> anyhow::Result<()> {
            if let Some(b) = &bar {
                b.inc(1);
            }
            let checked = match result {
                Ok(c) => c,
                Err(e) => {
                    out.flush()?;
                    let msg = format!("tablereview: {}", crate::summary::printable(&e.to_string()));
                    match &bar {
                        Some(b) => b.suspend(|| eprintln!("{msg}")),
                        None => eprintln!("{msg}"),
                    }
                    failed = true;
                    return Ok(());
                }
            };
            let (e, w) = (checked.outcome.errors, checked.outcome.warnings);
            tally.reports += 1;
            tally.clean += usize::from(e == 0 && w == 0);
            tally.with_errors += usize::from(e > 0);
            tally.with_warnings += usize::from(w > 0);
            tally.approved += usize::from(checked.approved);
            tally.from_cache += usize::from(checked.from_cache);
            out.write_all(&checked.outcome.output)?;
            if let (Some(cache), Some((key, record))) = (&cache, &checked.new_cache_record) {
                cache.put(*key, record);
            }
            // Copied here, on this thread: kept in a worker's heap, each would pin a page of
            // that worker's freed extraction garbage (+9.5 MB at 10,000 reports).
            facts.extend(checked.facts.clone());
            Ok(())
        },
    )?;
    // Across reports, once every report has been read: each report kept only its facts.
    let found = match &bodies {
        Some(b) => crate::batch::series::run(&facts, b, raw),
        None => Vec::new(),
    };
    if json {
        for f in &found {
            out.write_all(&crate::batch::series::json_line(f))?;
        }
    } else {
        out.write_all(crate::batch::series::text_block(&found, !quiet).as_bytes())?;
    }
    let (series_errors, series_warnings) = crate::batch::series::counts(&found);
    out.flush()?;
    drop(out);
    if let Some(cache) = cache {
        cache.finish();
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut line = format!(
        "{} report{}: {} clean, {} with errors, {} with warnings, {} approved",
        tally.reports,
        if tally.reports == 1 { "" } else { "s" },
        tally.clean,
        tally.with_errors,
        tally.with_warnings,
        tally.approved
    );
    if series_errors + series_warnings > 0 {
        line.push_str(&format!(
            "; across reports {series_errors} error{}, {series_warnings} warning{}",
            if series_errors == 1 { "" } else { "s" },
            if series_warnings == 1 { "" } else { "s" },
        ));
    }
    if tally.from_cache > 0 {
        // Says why a re-check was instant, and that those results were not recomputed.
        line.push_str(&format!(
            " ({} unchanged, answered from the results cache)",
            tally.from_cache
        ));
    }
    if json {
        // Standard output stays one JSON object per line.
        if !quiet {
            eprintln!("{line}");
        }
    } else {
        writeln!(stdout.lock(), "{line}")?;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if tally.with_errors > 0 || series_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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

/// `review --break-lock`: removes the review lock of every report under `paths`, saying whose
/// each was, before the review opens them.
fn break_locks(paths: &[PathBuf], out_dir: Option<&Path>) {
    for r in &files::collect_reports(paths).0 {
        let side = crate::review::sidecar_path(r, out_dir);
        if let Some(whose) = crate::review::break_lock(&side) {
            eprintln!(
                "tablereview: {}: removed the lock of {}",
                crate::summary::printable(&crate::review::lock_path(&side).display().to_string()),
                crate::summary::printable(&whose)
            );
        }
    }
}

/// With no `--reviewer`, `$USER` or remembered name: asks once on the terminal and remembers
/// the answer in the config folder, so the edit log never says `unknown`.
fn ask_reviewer(lang: crate::tui::strings::Lang, config: Option<&Path>) -> anyhow::Result<String> {
    let s = lang.strings();
    eprint!("{}", s.ask_reviewer);
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let name = line.trim().to_string();
    if name.is_empty() {
        anyhow::bail!("{}", s.no_reviewer);
    }
    if let Some(dir) = config {
        if let Err(e) = crate::config::remember_reviewer(&name, dir) {
            eprintln!("tablereview: {e}");
        }
    }
    Ok(name)
}

/// `keys`: the active keymap; a bad keys file is named on stderr and the defaults printed.
fn keys() -> anyhow::Result<ExitCode> {
    let (map, warning) = crate::tui::keymap::Keymap::load(crate::config::dir().as_deref());
    if let Some(w) = warning {
        eprintln!("tablereview: {w}");
    }
    std::io::stdout().write_all(map.to_toml().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn review(
    paths: Vec<PathBuf>,
    reviewer: Option<String>,
    out_dir: Option<PathBuf>,
    lang: Option<LangArg>,
    ascii: bool,
    ambiguous_width: u8,
    series: &SeriesArgs,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        anyhow::bail!(
            "{}",
            crate::error::Error::NotFound {
                path: missing.clone()
            }
        );
    }
    let bodies = series.bodies_for(&paths)?;
    // The screen opens on the first report; the rest of a large folder is walked behind it.
    let mut walk = files::ReportWalk::new(paths);
    let first = match walk.next() {
        Some(Ok(path)) => path,
        Some(Err(e)) => anyhow::bail!("{e}"),
        None => anyhow::bail!("no reports to review"),
    };
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
    let (keymap, keys_warning) = crate::tui::keymap::Keymap::load(crate::config::dir().as_deref());
    if let Some(w) = &keys_warning {
        eprintln!("tablereview: {w}");
    }
    let config_dir = crate::config::dir();
    let reviewer = match crate::config::reviewer(reviewer.as_deref(), config_dir.as_deref()) {
        Some(name) => name,
        None => ask_reviewer(lang, config_dir.as_deref())?,
    };
    let options = crate::tui::Options {
        keymap: std::sync::Arc::new(keymap),
        notice: keys_warning,
        resume: crate::tui::last_report(config_dir.as_deref()),
        config_dir,
        reviewer,
        out_dir,
        lang,
        ascii,
        ambiguous_wide: ambiguous_width == 2,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        bodies,
    };
    crate::tui::run(first, walk, options)?;
    Ok(ExitCode::SUCCESS)
}
