//! tablereview: check and correct the tables of Chinese government information-disclosure
//! annual reports (政府信息公开工作年度报告).
//!
//! The core (model, template, extract, check, sidecar, export) never touches the terminal;
//! the review screen lives under [`tui`].
//!
//! ```
//! use tablereview::extract::extract_text;
//! use tablereview::model::{CellStatus, Source};
//!
//! let text = "某县2023年政府信息公开工作年度报告\n\
//!             四、政府信息公开行政复议、行政诉讼情况\n\
//!             1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
//!             五、存在的主要问题及改进情况\n";
//! let source = Source { path: "r.txt".into(), sha256: String::new(), encoding: "utf-8".into(), reader: None };
//! let report = extract_text(text, source);
//! assert_eq!(report.template, "gov-2021");
//! let upheld = report.cell("appeals.review.upheld").unwrap();
//! assert_eq!((upheld.value, upheld.status), (Some(1.0), CellStatus::Ok));
//! // The other two tables are missing: errors a reviewer must see.
//! assert_eq!(report.errors(), 2);
//! ```

pub mod batch;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod decode;
pub mod error;
pub mod export;
pub mod extract;
pub mod files;
pub mod history;
pub mod model;
pub mod narrative;
pub mod read;
pub mod review;
pub mod sidecar;
pub mod summary;
pub mod synth;
pub mod template;
pub mod tui;
pub mod value;

pub use error::{Error, Result};
pub use model::Report;
