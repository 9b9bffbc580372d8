//! What one run of the comparison came to.

use crate::report::Report;
use serde::Serialize;

/// The result of one cell.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A load ran; its report.
    Measured(Box<Report>),
    /// Server memory per idle connection, KiB.
    RssPerConnKib(f64),
    /// The strategy cannot take part, and why.
    NotApplicable(String),
    /// The run could not be made, and why.
    Failed(String),
}
