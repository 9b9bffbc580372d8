//! Fuzzes the HTTP request reader (head parsing with its limits, then
//! `Content-Length` or chunked body framing): no input panics it, breaks
//! a limit, or desynchronises its buffer, and any split of the input into
//! reads yields the same requests.
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run -O http_request` (from the
//! repository root).

#![no_main]

use libfuzzer_sys::fuzz_target;
use socketserver::http::check_request_reader;

fuzz_target!(|data: &[u8]| {
    // The first bytes choose the read sizes; the rest is the stream.
    let (splits, stream) = data.split_at(data.len().min(8));
    let _ = check_request_reader(stream, splits);
});
