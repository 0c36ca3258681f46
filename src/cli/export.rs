//! `export` and `keys-list`: the reviewed dataset, and the dictionary of its keys.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;

use super::{files, inputs, progress, SeriesArgs};
use crate::batch;
use crate::export::{self as ex, Format};
use crate::summary::printable;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Json,
    Jsonl,
    /// Long: one row per value.
    Csv,
    /// Wide: one row per report, one column per key.
    CsvWide,
    Xlsx,
    Sqlite,
}

/// The arguments of `export`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// Report files or folders (searched recursively for *.txt, *.html, *.htm, *.docx, *.doc, *.pdf).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output file, or `-` for stdout (text formats only).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Output format [default: from the output's extension: .json, .jsonl, .csv, .xlsx,
    /// .sqlite or .db; jsonl for stdout].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Only reports a reviewer approved.
    #[arg(long)]
    pub only_approved: bool,
    /// Also export reports a reviewer rejected (status `rejected`).
    #[arg(long)]
    pub include_rejected: bool,
    /// Add the derived measures (实质公开率, 不予公开率, 复议纠错率, …; docs/formats.md).
    #[arg(long)]
    pub measures: bool,
    /// Start CSV with a UTF-8 byte-order mark, for Excel on Chinese Windows.
    #[arg(long)]
    pub bom: bool,
    /// A second CSV header row with the Chinese labels.
    #[arg(long)]
    pub labels: bool,
    /// Read reviews from this folder, as `review --out-dir` wrote them.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Write what could be read even when some reports could not (exit code 2 still).
    #[arg(long)]
    pub partial: bool,
    /// No progress bar or summary.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub series: SeriesArgs,
}

/// Dictionary output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeysFormat {
    Csv,
    Json,
}

/// The arguments of `keys-list`.
#[derive(Debug, Clone, clap::Args)]
pub struct KeysListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = KeysFormat::Csv)]
    pub format: KeysFormat,
    /// Only this format's keys (`gov-2021`, `gov-2019`).
    #[arg(long, value_name = "KEY")]
    pub template: Option<String>,
}

fn format_of(args: &ExportArgs, to_stdout: bool) -> anyhow::Result<Format> {
    Ok(match args.format {
        Some(FormatArg::Json) => Format::Json,
        Some(FormatArg::Jsonl) => Format::Jsonl,
        Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::CsvWide) => Format::CsvWide,
        Some(FormatArg::Xlsx) => Format::Xlsx,
        Some(FormatArg::Sqlite) => Format::Sqlite,
        None if to_stdout => Format::Jsonl,
        None => Format::from_path(&args.output).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: cannot tell the format from the name; use .json, .jsonl, .csv, .xlsx, .sqlite or .db, or --format",
                printable(&args.output.display().to_string())
            )
        })?,
    })
}

/// Runs `export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let output = args.output.as_path();
    let to_stdout = output == Path::new("-");
    let format = format_of(args, to_stdout)?;
    let bodies = args.series.bodies_for(&args.paths)?;
    let (reports, mut failed) = inputs(&args.paths);
    // An export over a report or its review would replace what it is made from.
    if !to_stdout {
        let clash = reports.iter().find(|r| {
            files::same_file(r, output)
                || files::same_place(&files::sibling(r, crate::sidecar::SIDECAR_SUFFIX), output)
                || files::same_place(
                    &crate::review::sidecar_path(r, args.out_dir.as_deref()),
                    output,
                )
        });
        if let Some(r) = clash {
            anyhow::bail!(
                "{}: is {} or its review; exporting there would replace it; name another file with -o",
                printable(&output.display().to_string()),
                printable(&r.display().to_string())
            );
        }
    }
    let options = ex::Options {
        measures: args.measures,
        bom: args.bom,
        labels: args.labels,
    };
    let edits = format == Format::Sqlite;
    let bar = progress(reports.len(), args.quiet);
    // A file export is written beside its target and put in place only when complete.
    let mut writer = ex::open(format, output, options)?;
    let (mut skipped_rejected, mut skipped_unapproved, mut unread) = (0, 0, 0);
    let mut written = 0usize;
    let mut facts = Vec::new();
    batch::ordered(
        &reports,
        |path| ex::record_and_facts(path, args.out_dir.as_deref(), &options, edits),
        |_, result| -> anyhow::Result<()> {
            if let Some(b) = &bar {
                b.inc(1);
            }
            let (record, status, report_facts) = match result {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("tablereview: {}", printable(&e.to_string()));
                    unread += 1;
                    return Ok(());
                }
            };
            let approved = status == Some(crate::sidecar::ReviewStatus::Approved);
            if record.status == "rejected" && !args.include_rejected {
                skipped_rejected += 1;
                return Ok(());
            }
            if args.only_approved && !approved {
                skipped_unapproved += 1;
                return Ok(());
            }
            writer.write(&record)?;
            written += 1;
            // Only what is exported is checked across reports: a rejected duplicate is gone.
            facts.push(report_facts);
            Ok(())
        },
    )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    failed |= unread > 0;
    if failed && !args.partial && !to_stdout {
        // Dropping the writer removes its temp file: the previous export stays as it was.
        drop(writer);
        let what = match unread {
            0 => "some inputs could not be read".to_string(),
            1 => "1 report could not be read".to_string(),
            n => format!("{n} reports could not be read"),
        };
        anyhow::bail!(
            "{}: not written, {what} (named above); the file is as it was; --partial writes the rest",
            printable(&output.display().to_string())
        );
    }
    let series = match &bodies {
        Some(bodies) => crate::batch::series::run(&facts, bodies, false),
        None => Vec::new(),
    };
    writer.finish(&series)?;
    if !args.quiet {
        let mut line = if written == 1 {
            "exported 1 report".to_string()
        } else {
            format!("exported {written} reports")
        };
        if skipped_rejected > 0 {
            line.push_str(&format!(
                "; left out {skipped_rejected} rejected (--include-rejected adds them)"
            ));
        }
        if skipped_unapproved > 0 {
            line.push_str(&format!("; left out {skipped_unapproved} not approved"));
        }
        if unread > 0 {
            line.push_str(&format!("; {unread} could not be read"));
        }
        eprintln!("{line}");
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `keys-list`: every key of the formats with its labels, kind, unit and canonical key.
pub fn keys_list(args: &KeysListArgs) -> anyhow::Result<ExitCode> {
    use crate::template::vocabulary;
    if let Some(t) = &args.template {
        if crate::template::by_key(t).is_none() {
            anyhow::bail!(
                "--template {}: no such format; use gov-2021 or gov-2019",
                printable(t)
            );
        }
    }
    let entries: Vec<&vocabulary::Entry> = vocabulary::entries()
        .iter()
        .filter(|e| args.template.as_deref().is_none_or(|t| e.template == t))
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        KeysFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &entries)?;
            out.write_all(b"\n")?;
        }
        KeysFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(vocabulary::COLUMNS)?;
            for e in entries {
                w.write_record(e.fields())?;
            }
            w.flush()?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
