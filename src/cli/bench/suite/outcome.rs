//! What one (scenario, strategy) cell of the comparison came to.

use super::contender::Contender;
use super::scenario::Scenario;
use crate::cli::bench::report::Report;
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

/// One row of the results: a scenario, a strategy, an outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Scenario name.
    pub scenario: &'static str,
    /// Strategy name.
    pub strategy: &'static str,
    /// What happened.
    pub outcome: Outcome,
}

impl Cell {
    /// A cell for `scenario` × `contender`.
    pub fn new(scenario: Scenario, contender: Contender, outcome: Outcome) -> Cell {
        Cell { scenario: scenario.name(), strategy: contender.name(), outcome }
    }

    /// Requests per second, when a load ran.
    pub fn req_per_s(&self) -> Option<f64> {
        match &self.outcome {
            Outcome::Measured(report) => Some(report.req_per_s),
            _ => None,
        }
    }
}
