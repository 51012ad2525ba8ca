//! What the real-software test and the benchmark share (a bench reaches this file with
//! `#[path]`: it cannot import a test crate).

/// Deterministic but well-spread bytes (splitmix64) for files that tests and the bench
/// write; the edge passes WebCrypto's.
pub fn random(seed: u64) -> impl FnMut(&mut [u8]) {
    let mut state = seed;
    move |bytes: &mut [u8]| {
        for byte in bytes {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            *byte = (z ^ (z >> 31)) as u8;
        }
    }
}
