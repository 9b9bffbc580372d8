//! The bytes a slow client sends, one at a time.

/// A request head that never ends: `prefix` (the start of a real request)
/// and then `filler` over and over, never the bytes that would finish it.
#[derive(Debug, Clone)]
pub struct Drip {
    prefix: Vec<u8>,
    filler: Vec<u8>,
}

impl Drip {
    /// `prefix`, then `filler` repeated (a non-empty filler).
    ///
    /// # Panics
    ///
    /// When `filler` is empty.
    pub fn new(prefix: Vec<u8>, filler: Vec<u8>) -> Drip {
        assert!(!filler.is_empty(), "a drip needs filler bytes");
        Drip { prefix, filler }
    }

    /// The byte sent at position `at` of the connection.
    pub fn byte(&self, at: usize) -> u8 {
        match at.checked_sub(self.prefix.len()) {
            None => self.prefix[at],
            Some(past) => self.filler[past % self.filler.len()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Drip;

    #[test]
    fn the_prefix_comes_first_then_the_filler_forever() {
        let drip = Drip::new(b"GET".to_vec(), b"ab".to_vec());
        let bytes: Vec<u8> = (0..8).map(|at| drip.byte(at)).collect();
        assert_eq!(bytes, b"GETababa");
    }
}
