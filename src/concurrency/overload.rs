//! What a bounded strategy does when it is full.

#[cfg(feature = "config")]
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// What a bounded strategy does with a request when every worker is busy
/// and the queue is full.
///
/// # Examples
///
/// ```
/// use socketserver::Overload;
///
/// assert_eq!("reject".parse::<Overload>(), Ok(Overload::Reject));
/// assert!("drop".parse::<Overload>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "config", derive(Deserialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Overload {
    /// Stop accepting until there is room: back-pressure onto the listen
    /// backlog, so clients wait rather than fail. The default.
    #[default]
    Wait,
    /// Refuse at once: the handler's [`busy`](crate::RequestHandler::busy)
    /// may answer, then the connection closes.
    Reject,
}

impl FromStr for Overload {
    type Err = String;

    fn from_str(text: &str) -> Result<Overload, String> {
        match text {
            "wait" => Ok(Overload::Wait),
            "reject" => Ok(Overload::Reject),
            _ => Err(format!("`{text}` is not an overload policy; accepted: wait, reject")),
        }
    }
}

impl fmt::Display for Overload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Overload::Wait => "wait",
            Overload::Reject => "reject",
        })
    }
}
