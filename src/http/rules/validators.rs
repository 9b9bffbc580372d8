//! A representation's validators and the preconditions they answer
//! (RFC 9110 §8.8, §13).

use super::entity_tag::entity_tags;
use super::{EntityTag, Precondition};
use crate::http::{HttpRequest, Method};
use std::time::SystemTime;

/// The validators of a representation, its entity tag and its
/// modification time, against which a request's preconditions are
/// evaluated.
///
/// [`precondition`](Self::precondition) decides `304`, `412` or proceed
/// for any method (a `PUT` with `If-Match` included);
/// [`Representation`](super::Representation) uses them for a body it
/// answers whole, in ranges or not at all.
///
/// # Examples
///
/// ```
/// use socketserver::http::{EntityTag, HttpRequest, HttpResponse, Precondition, Validators};
/// use std::io;
/// use std::time::SystemTime;
///
/// /// `DELETE /draft`, only if the client saw the current version.
/// fn delete(req: &HttpRequest, version: u64, changed: SystemTime) -> io::Result<HttpResponse> {
///     let current = Validators::new().etag(EntityTag::strong(format!("v{version}"))?).last_modified(changed);
///     Ok(match current.precondition(req) {
///         Precondition::Proceed => HttpResponse::new(204),
///         _ => HttpResponse::text(412, format!("the draft is at v{version}; read it again\n")),
///     })
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    etag: Option<EntityTag>,
    modified: Option<SystemTime>,
}

impl Validators {
    /// No validators: only `*` lists match, and dates are ignored.
    pub fn new() -> Validators {
        Validators::default()
    }

    /// The representation's entity tag, sent as `ETag`.
    pub fn etag(mut self, tag: EntityTag) -> Validators {
        self.etag = Some(tag);
        self
    }

    /// When the representation last changed, sent as `Last-Modified`
    /// (to the second, as HTTP dates are).
    pub fn last_modified(mut self, time: SystemTime) -> Validators {
        self.modified = Some(time);
        self
    }

    /// The entity tag, if there is one.
    pub(crate) fn tag(&self) -> Option<&EntityTag> {
        self.etag.as_ref()
    }

    /// The `Last-Modified` field value, if there is a time.
    pub(crate) fn last_modified_field(&self) -> Option<String> {
        self.modified.map(httpdate::fmt_http_date)
    }

    /// Evaluates `If-Match`, `If-Unmodified-Since`, `If-None-Match` and
    /// `If-Modified-Since` in the order of RFC 9110 §13.2.2:
    ///
    /// 1. `If-Match` (strong comparison; `*` matches) fails with `412`;
    ///    only without it, `If-Unmodified-Since` fails with `412` when
    ///    the representation changed after the date.
    /// 2. `If-None-Match` (weak comparison; `*` matches) that matches is
    ///    `304` for `GET` and `HEAD`, `412` for other methods; only
    ///    without it, and only for `GET` and `HEAD`, `If-Modified-Since`
    ///    is `304` when nothing changed after the date.
    ///
    /// Unparsable dates are ignored, as §13.1.3 and §13.1.4 ask. Call it
    /// only when the request would otherwise succeed (a `404` or `405`
    /// ignores preconditions, §13.2.1).
    pub fn precondition(&self, req: &HttpRequest) -> Precondition {
        let safe = matches!(req.method(), Method::Get | Method::Head);
        if let Some(list) = field(req, "if-match") {
            if !self.matches(&list, EntityTag::strong_eq) {
                return Precondition::Failed;
            }
        } else if let (Some(since), Some(modified)) = (date(req, "if-unmodified-since"), self.modified) {
            if httpdate::HttpDate::from(modified) > since {
                return Precondition::Failed;
            }
        }
        if let Some(list) = field(req, "if-none-match") {
            if self.matches(&list, EntityTag::weak_eq) {
                return if safe { Precondition::NotModified } else { Precondition::Failed };
            }
        } else if let (true, Some(since), Some(modified)) =
            (safe, date(req, "if-modified-since"), self.modified)
        {
            if httpdate::HttpDate::from(modified) <= since {
                return Precondition::NotModified;
            }
        }
        Precondition::Proceed
    }

    /// Whether a `Range` may be honoured under `If-Range` (RFC 9110
    /// §13.1.5): yes without one; with an entity tag, when it matches
    /// strongly; with a date, when it is exactly the `Last-Modified` sent.
    pub(crate) fn if_range_allows(&self, req: &HttpRequest) -> bool {
        let Some(value) = req.header("if-range").map(str::trim) else {
            return true;
        };
        if value.starts_with('"') || value.starts_with("W/") {
            let sent = entity_tags(value).next();
            return self.etag.as_ref().zip(sent).is_some_and(|(tag, sent)| tag.strong_eq(sent));
        }
        self.last_modified_field().is_some_and(|stamp| stamp == value)
    }

    /// Whether a list field (`*` or entity tags) matches by `compare`.
    fn matches(&self, list: &str, compare: fn(&EntityTag, (bool, &str)) -> bool) -> bool {
        if list.trim() == "*" {
            return true;
        }
        let Some(tag) = &self.etag else {
            return false;
        };
        entity_tags(list).any(|sent| compare(tag, sent))
    }
}

/// Every value of a list field joined, or `None` when absent.
fn field(req: &HttpRequest, name: &str) -> Option<String> {
    let values: Vec<&[u8]> =
        req.headers().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v).collect();
    (!values.is_empty())
        .then(|| values.iter().map(|v| String::from_utf8_lossy(v)).collect::<Vec<_>>().join(","))
}

fn date(req: &HttpRequest, name: &str) -> Option<httpdate::HttpDate> {
    req.header(name).and_then(|value| value.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const STAMP: &str = "Tue, 14 Nov 2023 22:13:20 GMT";

    fn validators() -> Validators {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        Validators::new().etag(EntityTag::strong("v1").unwrap()).last_modified(time)
    }

    fn verdict(method: Method, headers: &[(&str, &str)]) -> Precondition {
        validators().precondition(&HttpRequest::fake(method, "/", headers))
    }

    #[test]
    fn rfc9110_13_1_1_if_match_is_strong_and_fails_with_412() {
        assert_eq!(verdict(Method::Get, &[("If-Match", "\"v1\"")]), Precondition::Proceed);
        assert_eq!(verdict(Method::Put, &[("If-Match", "\"x\", \"v1\"")]), Precondition::Proceed);
        assert_eq!(verdict(Method::Put, &[("If-Match", "*")]), Precondition::Proceed);
        assert_eq!(verdict(Method::Put, &[("If-Match", "W/\"v1\"")]), Precondition::Failed);
        assert_eq!(verdict(Method::Put, &[("If-Match", "\"v2\"")]), Precondition::Failed);
        let bare =
            Validators::new().precondition(&HttpRequest::fake(Method::Put, "/", &[("If-Match", "\"v1\"")]));
        assert_eq!(bare, Precondition::Failed, "no tag matches no listed tag");
    }

    #[test]
    fn rfc9110_13_1_2_if_none_match_is_weak_304_for_get_412_otherwise() {
        assert_eq!(verdict(Method::Get, &[("If-None-Match", "W/\"v1\"")]), Precondition::NotModified);
        assert_eq!(verdict(Method::Head, &[("If-None-Match", "*")]), Precondition::NotModified);
        assert_eq!(verdict(Method::Get, &[("If-None-Match", "\"v0\"")]), Precondition::Proceed);
        assert_eq!(verdict(Method::Post, &[("If-None-Match", "*")]), Precondition::Failed);
    }

    #[test]
    fn rfc9110_13_2_2_dates_only_without_their_tag_fields() {
        let old = "Sat, 01 Jan 2000 00:00:00 GMT";
        assert_eq!(verdict(Method::Get, &[("If-Unmodified-Since", old)]), Precondition::Failed);
        assert_eq!(
            verdict(Method::Get, &[("If-Match", "\"v1\""), ("If-Unmodified-Since", old)]),
            Precondition::Proceed
        );
        assert_eq!(verdict(Method::Get, &[("If-Modified-Since", STAMP)]), Precondition::NotModified);
        assert_eq!(verdict(Method::Get, &[("If-Modified-Since", old)]), Precondition::Proceed);
        assert_eq!(verdict(Method::Post, &[("If-Modified-Since", STAMP)]), Precondition::Proceed);
        let stale = [("If-None-Match", "\"v0\""), ("If-Modified-Since", STAMP)];
        assert_eq!(verdict(Method::Get, &stale), Precondition::Proceed);
        assert_eq!(verdict(Method::Get, &[("If-Modified-Since", "garbage")]), Precondition::Proceed);
    }

    #[test]
    fn rfc9110_13_1_5_if_range_takes_a_strong_tag_or_the_exact_date() {
        let allows = |value: &str| {
            validators().if_range_allows(&HttpRequest::fake(Method::Get, "/", &[("If-Range", value)]))
        };
        assert!(allows("\"v1\"") && allows(STAMP));
        assert!(!allows("W/\"v1\"") && !allows("\"v0\"") && !allows("Sat, 01 Jan 2000 00:00:00 GMT"));
        assert!(validators().if_range_allows(&HttpRequest::fake(Method::Get, "/", &[])));
    }
}
