//! A snapshot of a server's request-duration histogram.

use std::time::Duration;

/// The histogram's upper bounds in microseconds, from 100 µs to 10 s:
/// Prometheus's default buckets, with finer ones below a millisecond,
/// where a small server's answers fall.
pub(crate) const BOUNDS_MICROS: [u64; 16] = [
    100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
    2_500_000, 5_000_000, 10_000_000,
];

/// How long a server's requests took, as a histogram: part of
/// [`Stats`](crate::Stats).
///
/// A request here is an HTTP request (from its first byte to its
/// response's last) or a raw handler's run (from `setup` to `finish`).
///
/// # Examples
///
/// ```
/// # let stats = socketserver::Stats::default();
/// let durations = stats.durations;
/// for (bound, count) in durations.cumulative() {
///     println!("{} requests took at most {bound:?}", count);
/// }
/// println!("{} in all, {:?} together", durations.count(), durations.sum());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Durations {
    buckets: [u64; BOUNDS_MICROS.len() + 1],
    sum_micros: u64,
}

impl Durations {
    pub(crate) fn new(buckets: [u64; BOUNDS_MICROS.len() + 1], sum_micros: u64) -> Durations {
        Durations { buckets, sum_micros }
    }

    /// Each bucket's upper bound with the number of requests that took at
    /// most that long (cumulative, as Prometheus counts), shortest first;
    /// requests longer than the last bound are only in
    /// [`count`](Self::count).
    pub fn cumulative(&self) -> impl Iterator<Item = (Duration, u64)> + '_ {
        BOUNDS_MICROS.iter().zip(&self.buckets).scan(0, |total, (&bound, &count)| {
            *total += count;
            Some((Duration::from_micros(bound), *total))
        })
    }

    /// How many requests were timed.
    pub fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }

    /// Their durations added together (to the microsecond).
    pub fn sum(&self) -> Duration {
        Duration::from_micros(self.sum_micros)
    }
}
