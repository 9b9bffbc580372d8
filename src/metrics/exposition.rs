//! The exposition text of one or more servers.

use super::family::FAMILIES;
use crate::Stats;
use std::fmt::{self, Write};

const RESPONSES: &str = "socketserver_http_responses_total";
const DURATION: &str = "socketserver_request_duration_seconds";

/// The metrics of one or more servers in the Prometheus text exposition
/// format (version 0.0.4), each server's samples told apart by its
/// labels.
///
/// Every family is written once, with a sample per server added, so the
/// text of several servers (or of a supervisor's children) is one valid
/// exposition.
///
/// # Examples
///
/// ```
/// use socketserver::metrics::Exposition;
/// use socketserver::Stats;
///
/// let (a, b) = (Stats::default(), Stats::default());
/// let text = Exposition::new().add(&[("child", "1")], &a).add(&[("child", "2")], &b).render();
/// assert!(text.contains("socketserver_requests_total{child=\"2\"} 0\n"));
/// assert!(text.contains("socketserver_request_duration_seconds_bucket{child=\"1\",le=\"+Inf\"} 0\n"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Exposition {
    /// Each server's labels, written as `name="value",` pairs, and stats.
    sources: Vec<(String, Stats)>,
}

impl Exposition {
    /// An exposition of no server yet.
    pub fn new() -> Exposition {
        Exposition::default()
    }

    /// Adds a server's `stats`, its samples labelled with `labels` (such
    /// as `[("handler", "hello")]`; none for a single server). Values are
    /// escaped as the format requires.
    ///
    /// # Panics
    ///
    /// Panics if a label name is not a Prometheus label name (a letter or
    /// `_`, then letters, digits and `_`), or is `le` or `code`, which the
    /// histogram and the HTTP responses use.
    pub fn add(&mut self, labels: &[(&str, &str)], stats: &Stats) -> &mut Exposition {
        let mut text = String::new();
        for (name, value) in labels {
            assert!(is_label_name(name), "`{name}` is not a usable Prometheus label name");
            let _ = write!(text, "{name}=\"{}\",", Escaped(value));
        }
        self.sources.push((text, *stats));
        self
    }

    /// The exposition text: `HELP`, `TYPE` and the samples of each
    /// family, one line each, ending with a newline.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for family in FAMILIES {
            header(&mut out, family.name, family.help, family.kind);
            for (labels, stats) in &self.sources {
                let _ = writeln!(out, "{}{} {}", family.name, Braced(labels, ""), (family.value)(stats));
            }
        }
        self.responses(&mut out);
        self.durations(&mut out);
        out
    }

    fn responses(&self, out: &mut String) {
        header(out, RESPONSES, "HTTP responses written whole, by status class.", "counter");
        for (labels, stats) in &self.sources {
            for (class, count) in stats.http_responses.iter().enumerate() {
                let code = format!("code=\"{}xx\"", class + 1);
                let _ = writeln!(out, "{RESPONSES}{} {count}", Braced(labels, &code));
            }
        }
    }

    fn durations(&self, out: &mut String) {
        let help = "How long requests took: HTTP requests, first byte to last; raw handler runs.";
        header(out, DURATION, help, "histogram");
        for (labels, stats) in &self.sources {
            let durations = &stats.durations;
            for (bound, count) in durations.cumulative() {
                let le = format!("le=\"{}\"", bound.as_secs_f64());
                let _ = writeln!(out, "{DURATION}_bucket{} {count}", Braced(labels, &le));
            }
            let count = durations.count();
            let _ = writeln!(out, "{DURATION}_bucket{} {count}", Braced(labels, "le=\"+Inf\""));
            let _ = writeln!(out, "{DURATION}_sum{} {}", Braced(labels, ""), durations.sum().as_secs_f64());
            let _ = writeln!(out, "{DURATION}_count{} {count}", Braced(labels, ""));
        }
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && !matches!(name, "le" | "code")
}

/// A source's labels (each ending in a comma) and one more label, in
/// braces; nothing when there are none.
struct Braced<'a>(&'a str, &'a str);

impl fmt::Display for Braced<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0, self.1) {
            ("", "") => Ok(()),
            (labels, "") => write!(f, "{{{}}}", labels.trim_end_matches(',')),
            (labels, more) => write!(f, "{{{labels}{more}}}"),
        }
    }
}

/// A label value with `\`, `"` and newlines escaped.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '\\' => f.write_str("\\\\")?,
                '"' => f.write_str("\\\"")?,
                '\n' => f.write_str("\\n")?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}
