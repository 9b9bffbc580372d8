//! How soon a dead child is restarted: at once after a long life, then
//! doubling delays while it keeps dying young, so a crash loop does not
//! spin.

use std::time::Duration;

/// A child that lived this long was not crash-looping.
const STABLE: Duration = Duration::from_secs(10);
/// The delay after the second death in a row of a young child.
const FIRST_DELAY: Duration = Duration::from_millis(100);
/// The longest delay.
const MAX_DELAY: Duration = Duration::from_secs(10);

/// The restart delays of one process slot.
#[derive(Debug, Default)]
pub struct Backoff {
    /// Deaths in a row of children that lived less than [`STABLE`].
    young_deaths: u32,
}

impl Backoff {
    /// The delay before restarting a child that lived `lived`.
    pub fn after_death(&mut self, lived: Duration) -> Duration {
        if lived >= STABLE {
            self.young_deaths = 0;
        }
        let delay = match self.young_deaths {
            0 => Duration::ZERO,
            n => FIRST_DELAY.saturating_mul(1 << (n - 1).min(16)).min(MAX_DELAY),
        };
        self.young_deaths = self.young_deaths.saturating_add(1);
        delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_loop_backs_off_and_a_long_life_resets() {
        let mut backoff = Backoff::default();
        let young = Duration::from_millis(5);
        let delays: Vec<u128> = (0..10).map(|_| backoff.after_death(young).as_millis()).collect();
        assert_eq!(delays, [0, 100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
        assert_eq!(backoff.after_death(Duration::from_secs(60)), Duration::ZERO);
        assert_eq!(backoff.after_death(young), FIRST_DELAY);
    }
}
