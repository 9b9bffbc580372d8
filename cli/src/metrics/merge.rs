//! Several expositions made one.

/// One exposition holding the samples of every text in `texts`: each
/// family's `HELP` and `TYPE` once, then its samples from each text in
/// turn, families in the order first seen. The texts are ours
/// (`socketserver::metrics::Exposition`), so each sample's labels
/// already tell its source apart.
pub fn merge(texts: &[String]) -> String {
    let mut families: Vec<Family> = Vec::new();
    for text in texts {
        let mut current = None;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# HELP ") {
                current = Some(family(&mut families, rest.split(' ').next().unwrap_or_default(), line));
            } else if let Some((index, new)) = current {
                let family = &mut families[index];
                match line.starts_with("# TYPE ") {
                    true if new => family.header.push_str(&format!("{line}\n")),
                    true => {}
                    false => family.samples.push_str(&format!("{line}\n")),
                }
            }
        }
    }
    families.into_iter().map(|family| family.header + &family.samples).collect()
}

/// One family's `HELP` and `TYPE` lines and its samples so far.
struct Family {
    name: String,
    header: String,
    samples: String,
}

/// The index of family `name`, added with its `HELP` line if new, and
/// whether it is new.
fn family(families: &mut Vec<Family>, name: &str, help: &str) -> (usize, bool) {
    if let Some(index) = families.iter().position(|family| family.name == name) {
        return (index, false);
    }
    families.push(Family { name: name.to_string(), header: format!("{help}\n"), samples: String::new() });
    (families.len() - 1, true)
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn each_family_is_written_once_with_every_source_sample() {
        let one = "# HELP a A.\n# TYPE a counter\na{child=\"1\"} 1\n# HELP b B.\n# TYPE b gauge\nb{child=\"1\"} 2\n";
        let two = one.replace("child=\"1\"", "child=\"2\"");
        let merged = merge(&[one.to_string(), two]);
        let want = "# HELP a A.\n# TYPE a counter\na{child=\"1\"} 1\na{child=\"2\"} 1\n\
                    # HELP b B.\n# TYPE b gauge\nb{child=\"1\"} 2\nb{child=\"2\"} 2\n";
        assert_eq!(merged, want);
    }
}
