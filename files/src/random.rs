//! Randomness is a parameter: the edge fills bytes from WebCrypto's
//! `crypto.getRandomValues`, tests from a fixed sequence. Nothing here reads the OS (no
//! getrandom): on wasm32 it would need a JS backend the worker does not configure.

/// Fills a buffer with cryptographically secure random bytes (salts, keys).
pub trait Random {
    fn fill(&mut self, bytes: &mut [u8]);
}

impl<F: FnMut(&mut [u8])> Random for F {
    fn fill(&mut self, bytes: &mut [u8]) {
        self(bytes)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::Random;

    /// Deterministic bytes for tests (splitmix64): never for real files.
    #[derive(Default)]
    pub(crate) struct Counter(u64);

    impl Random for Counter {
        fn fill(&mut self, bytes: &mut [u8]) {
            for byte in bytes {
                self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = self.0;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                *byte = (z ^ (z >> 31)) as u8;
            }
        }
    }

    #[test]
    fn a_closure_is_a_source_of_randomness() {
        let mut calls = 0;
        let mut fill = |bytes: &mut [u8]| {
            calls += 1;
            bytes.fill(9);
        };
        let mut buffer = [0u8; 4];
        Random::fill(&mut fill, &mut buffer);
        assert_eq!((buffer, calls), ([9; 4], 1));
    }
}
