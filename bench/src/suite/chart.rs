//! The comparison as a grouped bar chart (SVG, drawn with `plotters`):
//! requests per second on a log scale, one group per scenario, one bar
//! per strategy.

use super::cell::Cell;
use super::contender::Contender;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Colours of the servers' bars, in `Contender::ALL` order: greys and
/// purples for the comparisons, the Okabe–Ito colours for the strategies.
const COLOURS: [RGBColor; 7] = [
    RGBColor(90, 90, 90),
    RGBColor(150, 150, 150),
    RGBColor(204, 121, 167),
    RGBColor(120, 80, 160),
    RGBColor(230, 159, 0),
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
];
/// Share of a group's width its bars take.
const GROUP_FILL: f64 = 0.8;

/// Draws the req/s of every measured cell into an SVG file at `path`.
///
/// # Errors
///
/// A message when nothing was measured or the file cannot be written.
pub fn write_svg(cells: &[Cell], path: &Path) -> Result<(), String> {
    let scenarios = measured_scenarios(cells);
    let rates: Vec<f64> = cells.iter().filter_map(Cell::req_per_s).filter(|r| *r > 0.0).collect();
    if scenarios.is_empty() || rates.is_empty() {
        return Err("no scenario measured requests per second; no chart drawn".to_string());
    }
    let (low, high) = log_range(&rates);
    draw(cells, &scenarios, low, high, path).map_err(|err| format!("cannot draw {}: {err}", path.display()))
}

/// Scenario names that have at least one req/s figure, in table order.
fn measured_scenarios(cells: &[Cell]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for cell in cells.iter().filter(|c| c.req_per_s().is_some()) {
        if !names.contains(&cell.scenario) {
            names.push(cell.scenario);
        }
    }
    names
}

/// Powers of ten around the figures.
fn log_range(rates: &[f64]) -> (f64, f64) {
    let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let max = rates.iter().copied().fold(0.0, f64::max);
    let low = 10f64.powf(min.log10().floor());
    // At least 4× headroom above the tallest bar, for the legend.
    let high = 10f64.powf((max * 4.0).log10().ceil()).max(low * 10.0);
    (low, high)
}

fn draw(
    cells: &[Cell],
    scenarios: &[&str],
    low: f64,
    high: f64,
    path: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (1200, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("socketserver: requests per second by scenario and server", ("sans-serif", 22))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..scenarios.len() as f64, (low..high).log_scale())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(scenarios.len() + 1)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|rate| short_rate(*rate))
        .y_desc("requests per second (log scale)")
        .draw()?;
    let width = GROUP_FILL / Contender::ALL.len() as f64;
    for (j, contender) in Contender::ALL.iter().enumerate() {
        let colour = COLOURS[j];
        let bars = scenarios.iter().enumerate().filter_map(|(i, scenario)| {
            let cell = cells.iter().find(|c| c.scenario == *scenario && c.strategy == contender.name())?;
            let rate = cell.req_per_s().filter(|r| *r > 0.0)?;
            let x0 = i as f64 + (1.0 - GROUP_FILL) / 2.0 + j as f64 * width;
            Some(Rectangle::new([(x0, low), (x0 + width * 0.9, rate)], colour.filled()))
        });
        chart
            .draw_series(bars)?
            .label(contender.name())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled()));
    }
    for (i, scenario) in scenarios.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, low));
        let style = TextStyle::from(("sans-serif", 15)).pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(scenario.to_string(), (x, y + 10), style))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;
    root.present()?;
    Ok(())
}

/// `1000` as `1k`, `2500000` as `2.5M`.
fn short_rate(rate: f64) -> String {
    let (value, unit) = match rate {
        r if r >= 1e6 => (r / 1e6, "M"),
        r if r >= 1e3 => (r / 1e3, "k"),
        r => (r, ""),
    };
    let text = format!("{value:.1}");
    format!("{}{unit}", text.strip_suffix(".0").unwrap_or(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_short() {
        assert_eq!(short_rate(1000.0), "1k");
        assert_eq!(short_rate(2_500_000.0), "2.5M");
        assert_eq!(short_rate(10.0), "10");
    }

    #[test]
    fn the_range_leaves_room_above_the_tallest_bar() {
        assert_eq!(log_range(&[1500.0, 95_000.0]), (1000.0, 1_000_000.0));
        assert_eq!(log_range(&[20.0]), (10.0, 100.0));
    }
}
