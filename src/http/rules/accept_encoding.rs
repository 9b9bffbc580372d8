//! Which content coding a client's `Accept-Encoding` prefers (RFC 9110
//! §12.5.3).

use super::ContentCoding;
use crate::http::HttpRequest;

/// A parsed `Accept-Encoding`: each coding's weight (q-value, in
/// thousandths), `*` for the codings not named.
///
/// [`best`](Self::best) picks among the codings a handler has. Whenever
/// it had a choice (any coding available), the answer depends on this
/// field, so the response is due `Vary: Accept-Encoding` (§12.5.5) even
/// when the choice is the identity body or the request sent no
/// `Accept-Encoding`; [`Representation::negotiated`](super::Representation::negotiated)
/// adds it.
///
/// # Examples
///
/// ```
/// use socketserver::http::{AcceptEncoding, ContentCoding::{Brotli, Gzip}};
///
/// let have = [Brotli, Gzip];
/// assert_eq!(AcceptEncoding::parse("gzip, br").best(&have), Some(Brotli));
/// assert_eq!(AcceptEncoding::parse("gzip, br;q=0.5").best(&have), Some(Gzip));
/// assert_eq!(AcceptEncoding::parse("br;q=0, gzip;q=0.5, identity").best(&have), None);
/// assert_eq!(AcceptEncoding::parse("*").best(&have), Some(Brotli));
/// assert_eq!(AcceptEncoding::parse("").best(&have), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AcceptEncoding {
    named: Vec<(String, u16)>,
    any: Option<u16>,
}

impl AcceptEncoding {
    /// The request's `Accept-Encoding` (every field line joined); without
    /// one, only the identity body is acceptable (no preference stated,
    /// and the safe reading).
    pub fn of(req: &HttpRequest) -> AcceptEncoding {
        let values: Vec<String> = req
            .headers()
            .filter(|(name, _)| name.eq_ignore_ascii_case("accept-encoding"))
            .map(|(_, value)| String::from_utf8_lossy(value).into_owned())
            .collect();
        AcceptEncoding::parse(&values.join(","))
    }

    /// Parses the field's value; malformed items are skipped, and a
    /// malformed weight counts as 0 (refused), the safe reading.
    pub fn parse(value: &str) -> AcceptEncoding {
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

    /// The best of the `available` codings: the highest weight above 0
    /// and at least the identity body's, ties going to the earlier in
    /// `available` (list them in the server's order of preference);
    /// `None` for the identity body.
    pub fn best(&self, available: &[ContentCoding]) -> Option<ContentCoding> {
        let identity = self.weight("identity");
        let mut best: Option<(ContentCoding, u16)> = None;
        for &coding in available {
            let w = self.weight(coding.token());
            if w > 0 && w >= identity && best.is_none_or(|(_, b)| w > b) {
                best = Some((coding, w));
            }
        }
        best.map(|(coding, _)| coding)
    }

    /// The weight of `token`: named, else `*`'s, else 0 (not acceptable)
    /// for a coding; `identity` is acceptable unless refused (§12.5.3).
    fn weight(&self, token: &str) -> u16 {
        let named = self.named.iter().filter(|(c, _)| c == token).map(|(_, w)| *w).max();
        match (named, self.any) {
            (Some(w), _) => w,
            (None, Some(w)) => w,
            (None, None) if token == "identity" => 1,
            (None, None) => 0,
        }
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
    use crate::http::Method;
    use ContentCoding::*;

    #[test]
    fn rfc9110_12_5_3_weights_choose_the_coding() {
        let all = [Brotli, Zstd, Gzip];
        let best = |value: &str| AcceptEncoding::parse(value).best(&all);
        assert_eq!(best("gzip, br"), Some(Brotli));
        assert_eq!(best("gzip, br;q=0.5"), Some(Gzip));
        assert_eq!(best("br;q=0, gzip"), Some(Gzip));
        assert_eq!(best("zstd;q=0.9, gzip;q=0.8"), Some(Zstd));
        assert_eq!(best("*"), Some(Brotli));
        assert_eq!(best("*;q=0"), None);
        assert_eq!(best("identity"), None);
        assert_eq!(best("gzip;q=0.5, identity"), None);
        assert_eq!(best("x-gzip"), Some(Gzip));
        assert_eq!(best("GZIP;Q=1.0"), Some(Gzip));
        assert_eq!(best("gzip;q=2"), None);
        assert_eq!(best("gzip;q=0.001"), Some(Gzip));
        assert_eq!(best(""), None);
        assert_eq!(AcceptEncoding::parse("gzip").best(&[Brotli]), None);
        assert_eq!(AcceptEncoding::parse("deflate").best(&[Gzip, Deflate]), Some(Deflate));
    }

    #[test]
    fn every_accept_encoding_line_counts() {
        let req = HttpRequest::fake(
            Method::Get,
            "/",
            &[("Accept-Encoding", "gzip;q=0.1"), ("accept-encoding", "br")],
        );
        assert_eq!(AcceptEncoding::of(&req).best(&[Gzip, Brotli]), Some(Brotli));
        assert_eq!(AcceptEncoding::of(&HttpRequest::fake(Method::Get, "/", &[])).best(&[Gzip]), None);
    }
}
