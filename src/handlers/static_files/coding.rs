//! Content codings: the precompressed files beside a file, and which one
//! a client's `Accept-Encoding` prefers (RFC 9110 §12.5.3).

use std::fmt;

/// A content coding the server can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Coding {
    /// Brotli, from `file.br`.
    Brotli,
    /// Zstandard, from `file.zst`.
    Zstd,
    /// Gzip, from `file.gz` (or compressed on the fly).
    Gzip,
}

/// The codings tried for precompressed files, in the server's order of
/// preference when the client weighs them equally.
pub(super) const SIDECARS: [Coding; 3] = [Coding::Brotli, Coding::Zstd, Coding::Gzip];

impl Coding {
    /// The `Content-Encoding` token.
    pub(super) fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Zstd => "zstd",
            Coding::Gzip => "gzip",
        }
    }

    /// The extension of the precompressed file beside the original.
    pub(super) fn extension(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Zstd => "zst",
            Coding::Gzip => "gz",
        }
    }
}

impl fmt::Display for Coding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

/// A parsed `Accept-Encoding`: each coding's weight (q-value, 0 to 1000
/// thousandths), `*` for the codings not named.
#[derive(Debug, Default)]
pub(super) struct AcceptEncoding {
    named: Vec<(String, u16)>,
    any: Option<u16>,
}

impl AcceptEncoding {
    /// Parses the field's value; malformed items are skipped, and a
    /// malformed weight counts as 0 (refused), the safe reading.
    pub(super) fn parse(value: &str) -> AcceptEncoding {
        let mut accept = AcceptEncoding::default();
        for item in value.split(',').map(str::trim).filter(|item| !item.is_empty()) {
            let mut params = item.split(';');
            let coding = params.next().unwrap_or("").trim().to_ascii_lowercase();
            let weight = params
                .find_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .map_or(1000, |q| weight(q.trim()).unwrap_or(0));
            match coding.as_str() {
                "*" => accept.any = Some(weight),
                "x-gzip" => accept.named.push(("gzip".to_string(), weight)),
                _ => accept.named.push((coding, weight)),
            }
        }
        accept
    }

    /// The weight of `token`: named, else `*`'s, else 0 (not acceptable)
    /// for a coding; `identity` is acceptable unless refused (§12.5.3).
    pub(super) fn weight(&self, token: &str) -> u16 {
        let named = self.named.iter().filter(|(c, _)| c == token).map(|(_, w)| *w).max();
        match (named, self.any) {
            (Some(w), _) => w,
            (None, Some(w)) => w,
            (None, None) if token == "identity" => 1,
            (None, None) => 0,
        }
    }

    /// The best of `available` codings: the highest weight above 0 and
    /// at least identity's, ties going to the earlier in `available`.
    pub(super) fn best(&self, available: impl IntoIterator<Item = Coding>) -> Option<Coding> {
        let identity = self.weight("identity");
        let mut best: Option<(Coding, u16)> = None;
        for coding in available {
            let w = self.weight(coding.token());
            if w > 0 && w >= identity && best.is_none_or(|(_, b)| w > b) {
                best = Some((coding, w));
            }
        }
        best.map(|(coding, _)| coding)
    }
}

/// A q-value, `0` to `1` with up to three decimals, in thousandths.
fn weight(q: &str) -> Option<u16> {
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(frac),
        "1" if frac == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_choose_the_coding() {
        let all = SIDECARS;
        assert_eq!(AcceptEncoding::parse("gzip, br").best(all), Some(Coding::Brotli));
        assert_eq!(AcceptEncoding::parse("gzip, br;q=0.5").best(all), Some(Coding::Gzip));
        assert_eq!(AcceptEncoding::parse("br;q=0, gzip").best(all), Some(Coding::Gzip));
        assert_eq!(AcceptEncoding::parse("zstd;q=0.9, gzip;q=0.8").best(all), Some(Coding::Zstd));
        assert_eq!(AcceptEncoding::parse("*").best(all), Some(Coding::Brotli));
        assert_eq!(AcceptEncoding::parse("*;q=0").best(all), None);
        assert_eq!(AcceptEncoding::parse("identity").best(all), None);
        assert_eq!(AcceptEncoding::parse("gzip;q=0.5, identity").best(all), None);
        assert_eq!(AcceptEncoding::parse("x-gzip").best(all), Some(Coding::Gzip));
        assert_eq!(AcceptEncoding::parse("GZIP;Q=1.0").best(all), Some(Coding::Gzip));
        assert_eq!(AcceptEncoding::parse("gzip;q=2").best(all), None);
        assert_eq!(AcceptEncoding::parse("gzip;q=0.001").best(all), Some(Coding::Gzip));
        assert_eq!(AcceptEncoding::parse("").best(all), None);
        assert_eq!(AcceptEncoding::parse("gzip").best([Coding::Brotli]), None);
    }
}
