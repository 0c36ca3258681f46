//! tablereview: check and correct the tables of Chinese government information-disclosure
//! annual reports (政府信息公开工作年度报告).
//!
//! The core (model, template, extract, check, sidecar, export) never touches the terminal;
//! the review screen lives under [`tui`].

pub mod check;
pub mod cli;
pub mod decode;
pub mod error;
pub mod extract;
pub mod files;
pub mod history;
pub mod model;
pub mod review;
pub mod sidecar;
pub mod summary;
pub mod synth;
pub mod template;
pub mod tui;
pub mod value;

pub use error::{Error, Result};
pub use model::Report;
