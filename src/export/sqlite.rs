//! The SQLite export (rusqlite, SQLite bundled): tables `reports`, `cells`, `findings`,
//! `edits`, `measures`, `series` and the `keys` dictionary, indexed so that a year-on-year
//! join is one query (the `year_on_year` view is that query). Schema in docs/formats.md.
//!
//! The database is built in a temp file beside the target without a journal (nobody else
//! can see it yet) and renamed into place when complete.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};

use super::{Export, Options, Record};
use crate::check::series::SeriesFinding;
use crate::error::{Error, Result};
use crate::files::Output;
use crate::template::vocabulary;

/// The schema, created before the first record.
pub const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  organization TEXT,
  organization_normalized TEXT,
  province TEXT,
  city TEXT,
  county TEXT,
  body TEXT,
  year INTEGER,
  template TEXT NOT NULL,
  status TEXT NOT NULL,
  reviewer TEXT,
  review_reason TEXT,
  errors INTEGER NOT NULL,
  warnings INTEGER NOT NULL
);
CREATE TABLE keys (
  template TEXT NOT NULL,
  key TEXT NOT NULL,
  canonical_key TEXT NOT NULL,
  table_id TEXT NOT NULL,
  row_key TEXT NOT NULL,
  column_key TEXT NOT NULL,
  table_label TEXT NOT NULL,
  row_label TEXT NOT NULL,
  column_label TEXT NOT NULL,
  kind TEXT NOT NULL,
  unit TEXT,
  PRIMARY KEY (template, key)
) WITHOUT ROWID;
CREATE TABLE cells (
  report_id INTEGER NOT NULL REFERENCES reports(id),
  key TEXT NOT NULL,
  canonical_key TEXT NOT NULL,
  value REAL,
  status TEXT NOT NULL,
  raw TEXT,
  flags TEXT NOT NULL,
  place TEXT,
  PRIMARY KEY (report_id, key)
) WITHOUT ROWID;
CREATE TABLE findings (
  report_id INTEGER NOT NULL REFERENCES reports(id),
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  cells TEXT NOT NULL,
  message TEXT NOT NULL,
  dismissed_reason TEXT,
  dismissed_by TEXT,
  dismissed_at TEXT
);
CREATE TABLE edits (
  report_id INTEGER NOT NULL REFERENCES reports(id),
  seq INTEGER NOT NULL,
  step INTEGER NOT NULL,
  at TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  cell TEXT NOT NULL,
  action TEXT NOT NULL,
  old REAL,
  new REAL,
  old_status TEXT NOT NULL,
  new_status TEXT NOT NULL
);
CREATE TABLE measures (
  report_id INTEGER NOT NULL REFERENCES reports(id),
  measure TEXT NOT NULL,
  label TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (report_id, measure)
) WITHOUT ROWID;
CREATE TABLE series (
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  body TEXT NOT NULL,
  message TEXT NOT NULL,
  this_source TEXT NOT NULL,
  this_year INTEGER,
  this_cells TEXT NOT NULL,
  last_source TEXT NOT NULL,
  last_year INTEGER,
  last_cells TEXT NOT NULL
);
";

/// Indexes and views, made once the rows are in (faster than keeping them up to date).
pub const INDEXES: &str = "
CREATE INDEX reports_body_year ON reports(body, year);
CREATE INDEX cells_canonical ON cells(canonical_key, report_id);
CREATE INDEX findings_report ON findings(report_id);
CREATE INDEX edits_report ON edits(report_id);
CREATE VIEW year_on_year AS
  SELECT r.body, r.year, c.canonical_key,
         c.value, c.status, r.id AS report_id,
         p.year AS last_year, pc.value AS last_value, pc.status AS last_status,
         p.id AS last_report_id
  FROM reports r
  JOIN cells c ON c.report_id = r.id
  JOIN reports p ON p.body = r.body AND p.year = r.year - 1
  JOIN cells pc ON pc.report_id = p.id AND pc.canonical_key = c.canonical_key;
";

/// A database being built in a temp file.
pub struct Db {
    out: Output,
    conn: Connection,
    path: PathBuf,
}

fn serr(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::Other {
        path: path.to_path_buf(),
        message: format!("cannot write the database: {e}"),
    }
}

impl Db {
    /// Starts a database that `finish` will put at `path`.
    pub fn create(path: &Path, _options: Options) -> Result<Self> {
        let out = Output::create(path)?;
        let Some(tmp) = out.temp_path().map(Path::to_path_buf) else {
            return Err(Error::Other {
                path: path.to_path_buf(),
                message: "a SQLite export needs a regular file; name one with -o".into(),
            });
        };
        let e = serr(path);
        let conn = Connection::open(&tmp).map_err(&e)?;
        // Nobody reads the temp file before it is renamed: no journal, no syncs until the end.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;",
        )
        .map_err(&e)?;
        conn.execute_batch(SCHEMA).map_err(&e)?;
        conn.execute_batch("BEGIN").map_err(&e)?;
        conn.execute(
            "INSERT INTO meta VALUES ('schema', ?1)",
            [super::EXPORT_SCHEMA],
        )
        .map_err(&e)?;
        {
            let mut st = conn
                .prepare("INSERT INTO keys VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")
                .map_err(&e)?;
            for k in vocabulary::entries() {
                st.execute(params![
                    k.template,
                    k.key,
                    k.canonical_key,
                    k.table,
                    k.row,
                    k.column,
                    k.table_label,
                    k.row_label,
                    k.column_label,
                    k.kind,
                    k.unit
                ])
                .map_err(&e)?;
            }
        }
        Ok(Db {
            out,
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Statements are prepared per record: cheap next to the rows they insert, and it keeps
    /// rusqlite's statement cache (one more dependency) out.
    fn insert(&mut self, rec: &Record) -> rusqlite::Result<()> {
        let c = &self.conn;
        c.prepare(
            "INSERT INTO reports (source, sha256, organization, organization_normalized, province, city, county, body, year, template, status, reviewer, review_reason, errors, warnings) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
        )?
        .execute(params![
            rec.source,
            rec.sha256,
            rec.organization,
            rec.organization_normalized,
            rec.region.province,
            rec.region.city,
            rec.region.county,
            rec.body,
            rec.year,
            rec.template,
            rec.status,
            rec.reviewer,
            rec.review_reason,
            rec.errors as i64,
            rec.warnings as i64
        ])?;
        let id = c.last_insert_rowid();
        let mut st = c.prepare("INSERT INTO cells VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")?;
        for cell in &rec.cells {
            st.execute(params![
                id,
                cell.key,
                cell.canonical_key(),
                cell.value,
                cell.status,
                cell.raw,
                cell.flags,
                cell.place.map(|p| p.to_string())
            ])?;
        }
        let mut st = c.prepare("INSERT INTO findings VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")?;
        for f in &rec.findings {
            let d = f.dismissed.as_ref();
            st.execute(params![
                id,
                f.rule.as_ref(),
                f.severity.as_str(),
                f.cells.join(" "),
                f.message,
                d.map(|d| &d.reason),
                d.map(|d| &d.reviewer),
                d.map(|d| &d.at)
            ])?;
        }
        if !rec.edits.is_empty() {
            let mut st =
                c.prepare("INSERT INTO edits VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")?;
            for e in &rec.edits {
                st.execute(params![
                    id,
                    e.seq as i64,
                    e.step as i64,
                    e.at,
                    e.reviewer,
                    e.cell,
                    e.action.as_str(),
                    e.old,
                    e.new,
                    e.old_status.as_str(),
                    e.new_status.as_str()
                ])?;
            }
        }
        if !rec.measures.is_empty() {
            let mut st = c.prepare("INSERT INTO measures VALUES (?1,?2,?3,?4)")?;
            for (m, v) in &rec.measures {
                st.execute(params![id, m.id, m.label, v])?;
            }
        }
        Ok(())
    }

    fn series(&mut self, series: &[SeriesFinding]) -> rusqlite::Result<()> {
        let mut st = self
            .conn
            .prepare("INSERT INTO series VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")?;
        for f in series {
            st.execute(params![
                f.rule,
                f.severity_name(),
                f.body,
                f.message,
                f.this.path,
                f.this.year,
                f.this.cells.join(" "),
                f.last.path,
                f.last.year,
                f.last.cells.join(" ")
            ])?;
        }
        Ok(())
    }
}

impl Export for Db {
    fn write(&mut self, rec: &Record) -> Result<()> {
        let path = self.path.clone();
        self.insert(rec).map_err(serr(&path))
    }

    fn finish(mut self: Box<Self>, series: &[SeriesFinding]) -> Result<()> {
        let path = self.path.clone();
        let e = serr(&path);
        self.series(series).map_err(&e)?;
        self.conn.execute_batch(INDEXES).map_err(&e)?;
        self.conn.execute_batch("COMMIT").map_err(&e)?;
        let Db { out, conn, .. } = *self;
        conn.close().map_err(|(_, err)| e(err))?;
        out.commit()
    }
}
