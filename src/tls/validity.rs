//! The validity period of an X.509 certificate, read from its DER.

use std::fmt;
use std::io;
use std::time::{SystemTime, UNIX_EPOCH};

/// When a certificate is valid: its `notBefore` and `notAfter`, in
/// seconds since the Unix epoch (UTC).
///
/// Read from the DER of the certificate's `TBSCertificate` (RFC 5280
/// §4.1): the certificate's signature is not checked here (rustls does
/// that for the client); this is for refusing an expired certificate at
/// start with a clear message.
///
/// # Examples
///
/// ```
/// use socketserver::tls::Validity;
///
/// let validity = Validity { not_before: 0, not_after: 86_400 };
/// assert!(validity.check_at(3_600).is_ok());
/// let err = validity.check_at(90_000).unwrap_err();
/// assert_eq!(err, "expired on 1970-01-02 00:00:00 UTC");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validity {
    /// Valid from (inclusive), seconds since the epoch.
    pub not_before: i64,
    /// Valid until (inclusive), seconds since the epoch.
    pub not_after: i64,
}

impl Validity {
    /// Reads the validity of the certificate `der`.
    ///
    /// # Errors
    ///
    /// `InvalidData` when `der` is not an X.509 certificate as RFC 5280
    /// lays it out.
    pub fn of_certificate(der: &[u8]) -> io::Result<Validity> {
        parse(der).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "not an X.509 certificate (its validity cannot be read)",
            )
        })
    }

    /// Whether the certificate is valid now; the reason when not.
    ///
    /// # Errors
    ///
    /// `expired on …` or `not valid before …`.
    pub fn check(&self) -> Result<(), String> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        self.check_at(now)
    }

    /// Whether the certificate is valid at `now` (seconds since the epoch).
    ///
    /// # Errors
    ///
    /// `expired on …` or `not valid before …`.
    pub fn check_at(&self, now: i64) -> Result<(), String> {
        if now > self.not_after {
            return Err(format!("expired on {}", Utc(self.not_after)));
        }
        if now < self.not_before {
            return Err(format!("not valid before {}", Utc(self.not_before)));
        }
        Ok(())
    }
}

/// Seconds since the epoch, shown as a UTC date and time.
struct Utc(i64);

impl fmt::Display for Utc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (days, secs) = (self.0.div_euclid(86_400), self.0.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        write!(f, "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

/// One DER element: its tag and contents, and what follows it.
fn element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count].iter().fold(0usize, |len, &b| len << 8 | usize::from(b));
        (len, &rest[count..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const VERSION: u8 = 0xa0;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

/// Certificate → TBSCertificate → [version], serial, signature, issuer,
/// validity.
fn parse(der: &[u8]) -> Option<Validity> {
    let (SEQUENCE, certificate, _) = element(der)? else { return None };
    let (SEQUENCE, mut tbs, _) = element(certificate)? else { return None };
    if tbs.first() == Some(&VERSION) {
        tbs = element(tbs)?.2;
    }
    for _ in 0..3 {
        tbs = element(tbs)?.2;
    }
    let (SEQUENCE, validity, _) = element(tbs)? else { return None };
    let (tag, not_before, rest) = element(validity)?;
    let not_before = time(tag, not_before)?;
    let (tag, not_after, _) = element(rest)?;
    Some(Validity { not_before, not_after: time(tag, not_after)? })
}

/// `YYMMDDHHMMSSZ` (years 1950–2049) or `YYYYMMDDHHMMSSZ`.
fn time(tag: u8, text: &[u8]) -> Option<i64> {
    let digits = |s: &[u8]| -> Option<i64> {
        s.iter().try_fold(0i64, |n, &b| b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0')))
    };
    let (year, rest) = match (tag, text.len()) {
        (UTC_TIME, 13) => {
            let yy = digits(&text[..2])?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &text[2..])
        }
        (GENERALIZED_TIME, 15) => (digits(&text[..4])?, &text[4..]),
        _ => return None,
    };
    if rest[10] != b'Z' {
        return None;
    }
    let field = |i: usize| digits(&rest[i..i + 2]);
    let (month, day, hour, minute, second) = (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for days in [-800_000, -1, 0, 1, 59, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn times_of_both_forms() {
        assert_eq!(time(UTC_TIME, b"700101000000Z"), Some(0));
        assert_eq!(time(UTC_TIME, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(time(GENERALIZED_TIME, b"20500101000000Z"), Some(2_524_608_000));
        assert_eq!(time(UTC_TIME, b"701301000000Z"), None);
        assert_eq!(time(UTC_TIME, b"7001010000000"), None);
        assert_eq!(time(GENERALIZED_TIME, b"700101000000Z"), None);
    }

    #[test]
    fn garbage_is_refused() {
        for der in [&b""[..], b"\x30", b"\x30\x82\xff\xff", b"\x30\x03\x30\x01\x00", b"\x04\x00"] {
            assert!(Validity::of_certificate(der).is_err(), "{der:?}");
        }
    }
}
