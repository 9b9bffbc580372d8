//! The comparison as one Markdown table (readable in a terminal too).

use super::cell::Cell;
use super::contender::Contender;
use super::outcome::Outcome;
use crate::cli::bench::report::human_latency;

/// The table: one line per scenario × strategy with the result, p99,
/// ratio to the reference in the same scenario, wrong answers and errors.
pub fn markdown(cells: &[Cell]) -> String {
    let mut out = String::from(
        "| scenario | strategy | result | p99 | × reference | wrong | errors |\n\
         |---|---|---:|---:|---:|---:|---:|\n",
    );
    for cell in cells {
        let reference = reference_of(cells, cell);
        let columns = columns(cell, reference);
        out.push_str(&format!("| {} | {} | {} |\n", cell.scenario, cell.strategy, columns.join(" | ")));
    }
    out
}

/// The reference server's cell in the same scenario.
fn reference_of<'a>(cells: &'a [Cell], cell: &Cell) -> Option<&'a Cell> {
    cells
        .iter()
        .find(|other| other.scenario == cell.scenario && other.strategy == Contender::Reference.name())
}

/// Result, p99, ratio, wrong, errors.
fn columns(cell: &Cell, reference: Option<&Cell>) -> [String; 5] {
    let dash = || "—".to_string();
    match &cell.outcome {
        Outcome::Measured(report) => {
            let ratio = match reference.and_then(Cell::req_per_s) {
                Some(base) if base > 0.0 => format!("{:.2}×", report.req_per_s / base),
                _ => dash(),
            };
            [
                format!("{} req/s", thousands(report.req_per_s)),
                human_latency(report.latency_us.p99),
                ratio,
                report.wrong.to_string(),
                report.errors.to_string(),
            ]
        }
        Outcome::RssPerConnKib(kib) => {
            let ratio = match reference.map(|r| &r.outcome) {
                Some(Outcome::RssPerConnKib(base)) if *base > 0.0 => format!("{:.2}×", kib / base),
                _ => dash(),
            };
            [format!("{kib:.1} KiB/conn"), dash(), ratio, dash(), dash()]
        }
        Outcome::NotApplicable(_) => ["n/a".to_string(), dash(), dash(), dash(), dash()],
        Outcome::Failed(_) => ["failed".to_string(), dash(), dash(), dash(), dash()],
    }
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
    use crate::cli::bench::suite::scenario::Scenario;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(41234.6), "41,235");
        assert_eq!(thousands(1234567.0), "1,234,567");
    }

    #[test]
    fn memory_is_compared_with_the_reference() {
        let cells = [
            Cell::new(Scenario::RssPerIdle, Contender::Reference, Outcome::RssPerConnKib(10.0)),
            Cell::new(Scenario::RssPerIdle, Contender::Threads, Outcome::RssPerConnKib(15.0)),
            Cell::new(Scenario::RssPerIdle, Contender::Pool, Outcome::NotApplicable("why".into())),
        ];
        let table = markdown(&cells);
        assert!(table.contains("| rss-per-idle | threads | 15.0 KiB/conn | — | 1.50× | — | — |"), "{table}");
        assert!(table.contains("| rss-per-idle | pool | n/a |"), "{table}");
    }
}
