//! The comparison as one Markdown table (readable in a terminal too).

use super::cell::Cell;
use super::contender::Contender;
use super::outcome::Outcome;
use crate::report::human_latency;

/// The table: one line per scenario × server with the result, p50 and
/// p99, its ratio to each comparison server in the same scenario, wrong
/// answers and errors.
pub fn markdown(cells: &[Cell]) -> String {
    let mut out = String::from("| scenario | server | result | p50 | p99 |");
    for baseline in Contender::BASELINES {
        out.push_str(&format!(" ÷ {} |", baseline.name()));
    }
    out.push_str(" wrong | errors |\n|---|---|---:|---:|---:|");
    out.push_str(&"---:|".repeat(Contender::BASELINES.len()));
    out.push_str("---:|---:|\n");
    for cell in cells {
        let columns = columns(cells, cell);
        out.push_str(&format!("| {} | {} | {} |\n", cell.scenario, cell.strategy, columns.join(" | ")));
    }
    out
}

/// The cell of `baseline` in the same scenario as `cell`.
fn baseline_of<'a>(cells: &'a [Cell], cell: &Cell, baseline: Contender) -> Option<&'a Cell> {
    cells.iter().find(|other| other.scenario == cell.scenario && other.strategy == baseline.name())
}

/// `cell`'s figure divided by `base`'s (req/s, or KiB per connection).
pub fn ratio(cell: &Cell, base: Option<&Cell>) -> Option<f64> {
    let (mine, theirs) = match (&cell.outcome, base.map(|b| &b.outcome)) {
        (Outcome::Measured(a), Some(Outcome::Measured(b))) => (a.req_per_s, b.req_per_s),
        (Outcome::RssPerConnKib(a), Some(Outcome::RssPerConnKib(b))) => (*a, *b),
        _ => return None,
    };
    (theirs > 0.0).then(|| mine / theirs)
}

/// Result, p50, p99, the ratios, wrong, errors.
fn columns(cells: &[Cell], cell: &Cell) -> Vec<String> {
    let dash = || "—".to_string();
    let ratios = Contender::BASELINES.iter().map(|&baseline| {
        ratio(cell, baseline_of(cells, cell, baseline)).map_or_else(dash, |r| format!("{r:.2}×"))
    });
    let mut out = match &cell.outcome {
        Outcome::Measured(report) => vec![
            format!("{} req/s", thousands(report.req_per_s)),
            human_latency(report.latency_us.p50),
            human_latency(report.latency_us.p99),
        ],
        Outcome::RssPerConnKib(kib) => vec![format!("{kib:.1} KiB/conn"), dash(), dash()],
        Outcome::NotApplicable(_) => vec!["n/a".to_string(), dash(), dash()],
        Outcome::Failed(_) => vec!["failed".to_string(), dash(), dash()],
    };
    out.extend(ratios);
    match &cell.outcome {
        Outcome::Measured(report) => out.extend([report.wrong.to_string(), report.errors.to_string()]),
        _ => out.extend([dash(), dash()]),
    }
    out
}

/// `41234.6` as `41,235`.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::scenario::Scenario;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(41234.6), "41,235");
        assert_eq!(thousands(1234567.0), "1,234,567");
    }

    #[test]
    fn memory_is_compared_with_each_baseline_present() {
        let cells = [
            Cell::new(Scenario::RssPerIdle, Contender::Reference, Outcome::RssPerConnKib(10.0)),
            Cell::new(Scenario::RssPerIdle, Contender::Tokio, Outcome::RssPerConnKib(2.0)),
            Cell::new(Scenario::RssPerIdle, Contender::Threads, Outcome::RssPerConnKib(15.0)),
            Cell::new(Scenario::RssPerIdle, Contender::Pool, Outcome::NotApplicable("why".into())),
        ];
        let table = markdown(&cells);
        assert!(
            table.contains(
                "| rss-per-idle | threads | 15.0 KiB/conn | — | — | 7.50× | — | — | 1.50× | — | — |"
            ),
            "{table}"
        );
        assert!(table.contains("| rss-per-idle | pool | n/a |"), "{table}");
    }
}
