//! Fuzzes the `FixedLength(7)` decoder: any split of any input into reads
//! yields the same messages, and no input breaks the decoder's contract.
//! Run: `cargo fuzz run framing_fixed_length` (from the repository root).

#![no_main]

use libfuzzer_sys::fuzz_target;
use socketserver::framing::check_split_invariance;
use socketserver::Framing;

fuzz_target!(|data: &[u8]| {
    // The first bytes choose the read sizes; the rest is the stream.
    let (splits, stream) = data.split_at(data.len().min(8));
    check_split_invariance(Framing::FixedLength(7), 64, stream, splits);
});
