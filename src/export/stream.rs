//! The text formats, written as a stream: JSON, JSON Lines, long and wide CSV.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::delimited::{Long, Wide};
use super::{io, Export, Format, Options, Record, EXPORT_SCHEMA};
use crate::check::series::SeriesFinding;
use crate::error::{Error, Result};

/// Writes records one at a time in a text format.
pub struct Writer<W: Write> {
    sink: Sink<W>,
    count: usize,
}

/// A series finding as a JSON Lines record of its own, told from report records by `kind`.
#[derive(Serialize)]
struct SeriesRecord<'a> {
    kind: &'static str,
    #[serde(flatten)]
    finding: &'a SeriesFinding,
}

enum Sink<W: Write> {
    Json(W),
    Jsonl(W),
    Csv(Box<Long<W>>),
    CsvWide(Box<Wide<W>>),
}

impl<W: Write> Writer<W> {
    /// Starts an export (writes the JSON opening or the CSV header rows).
    pub fn new(format: Format, mut out: W, path: &Path, options: Options) -> Result<Self> {
        let sink = match format {
            Format::Json => {
                write!(out, "{{\"schema\":\"{EXPORT_SCHEMA}\",\"reports\":[").map_err(io(path))?;
                Sink::Json(out)
            }
            Format::Jsonl => Sink::Jsonl(out),
            Format::Csv => Sink::Csv(Box::new(Long::new(out, path, options)?)),
            Format::CsvWide => Sink::CsvWide(Box::new(Wide::new(out, path, options)?)),
            Format::Xlsx | Format::Sqlite => {
                return Err(Error::Other {
                    path: path.to_path_buf(),
                    message: "not a text format".into(),
                })
            }
        };
        Ok(Writer { sink, count: 0 })
    }

    /// Writes one record.
    pub fn write(&mut self, rec: &Record, path: &Path) -> Result<()> {
        match &mut self.sink {
            Sink::Json(out) => {
                if self.count > 0 {
                    out.write_all(b",").map_err(io(path))?;
                }
                serde_json::to_writer(&mut *out, rec).map_err(|e| io(path)(e.into()))?;
            }
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, rec).map_err(|e| io(path)(e.into()))?;
                out.write_all(b"\n").map_err(io(path))?;
            }
            Sink::Csv(w) => w.write(rec, path)?,
            Sink::CsvWide(w) => w.write(rec, path)?,
        }
        self.count += 1;
        Ok(())
    }

    /// Ends the export with the findings across reports and returns the writer, flushed.
    pub fn finish(self, series: &[SeriesFinding], path: &Path) -> Result<W> {
        let mut out = match self.sink {
            Sink::Json(mut out) => {
                out.write_all(b"],\"series\":[").map_err(io(path))?;
                for (i, f) in series.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",").map_err(io(path))?;
                    }
                    serde_json::to_writer(&mut out, f).map_err(|e| io(path)(e.into()))?;
                }
                out.write_all(b"]}\n").map_err(io(path))?;
                out
            }
            Sink::Jsonl(mut out) => {
                for f in series {
                    let rec = SeriesRecord {
                        kind: "series",
                        finding: f,
                    };
                    serde_json::to_writer(&mut out, &rec).map_err(|e| io(path)(e.into()))?;
                    out.write_all(b"\n").map_err(io(path))?;
                }
                out
            }
            Sink::Csv(w) => w.finish(series, path)?,
            // One row per report: findings across reports are in the other formats.
            Sink::CsvWide(w) => w.finish(path)?,
        };
        out.flush().map_err(io(path))?;
        Ok(out)
    }

    /// Records written so far.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// Where a text export goes: standard output, or a file put in place when complete.
enum Target {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(std::io::BufWriter<crate::files::Output>),
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Target::Stdout(w) => w.write(buf),
            Target::File(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Target::Stdout(w) => w.flush(),
            Target::File(w) => w.flush(),
        }
    }
}

/// A text export to standard output or to a file renamed into place by `finish`.
pub struct Committed {
    writer: Writer<Target>,
    path: PathBuf,
}

impl Committed {
    /// A text export to standard output.
    pub fn stdout(format: Format, path: &Path, options: Options) -> Result<Self> {
        let out = Target::Stdout(std::io::BufWriter::new(std::io::stdout()));
        Ok(Committed {
            writer: Writer::new(format, out, path, options)?,
            path: path.to_path_buf(),
        })
    }

    /// A text export to a file.
    pub fn file(format: Format, path: &Path, options: Options) -> Result<Self> {
        let out = Target::File(std::io::BufWriter::new(crate::files::Output::create(path)?));
        Ok(Committed {
            writer: Writer::new(format, out, path, options)?,
            path: path.to_path_buf(),
        })
    }
}

impl Export for Committed {
    fn write(&mut self, rec: &Record) -> Result<()> {
        self.writer.write(rec, &self.path)
    }

    fn finish(self: Box<Self>, series: &[SeriesFinding]) -> Result<()> {
        let path = self.path;
        match self.writer.finish(series, &path)? {
            Target::Stdout(mut out) => out.flush().map_err(io(&path)),
            Target::File(out) => out
                .into_inner()
                .map_err(|e| Error::Write {
                    path: path.clone(),
                    source: e.into_error(),
                })?
                .commit(),
        }
    }
}
