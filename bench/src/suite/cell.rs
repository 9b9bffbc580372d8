//! One (scenario, strategy) result of the comparison.

use super::contender::Contender;
use super::outcome::Outcome;
use super::scenario::Scenario;
use serde::Serialize;

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
