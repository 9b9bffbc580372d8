//! A consistency check of the decoders, for fuzzing and property tests.

use super::{Decoder, Framing};

/// Decodes `stream` twice, once whole and once in the reads `splits`
/// describes (each byte is the length of the next read, 0 meaning 1), and
/// panics if the two disagree or a decoder breaks its contract: a message
/// outside what was consumed, past the limit, or a buffer grown past
/// [`Decoder::buffer_limit`].
///
/// Public so fuzz targets (in `fuzz/`) can call it; it is not part of the
/// serving path.
#[doc(hidden)]
pub fn check_split_invariance(framing: Framing, max: usize, stream: &[u8], splits: &[u8]) {
    let whole = decode_all(framing, max, &[stream]);
    let chunks = split_reads(stream, splits);
    assert_eq!(whole, decode_all(framing, max, &chunks), "split changed the messages");
}

/// `stream` cut into the reads `splits` describes (each byte is the
/// length of the next read, 0 meaning 1; the rest in one read), for
/// fuzz targets that feed a decoder or codec piece by piece.
#[doc(hidden)]
pub fn split_reads<'a>(stream: &'a [u8], splits: &[u8]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = stream;
    for &size in splits.iter().cycle().take(stream.len()) {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(usize::from(size.max(1)).min(rest.len()));
        chunks.push(chunk);
        rest = tail;
    }
    if !rest.is_empty() {
        chunks.push(rest);
    }
    chunks
}

/// Every message (or the first error) from the reads in `chunks`.
fn decode_all(framing: Framing, max: usize, chunks: &[&[u8]]) -> Vec<Result<Vec<u8>, String>> {
    let mut decoder = Decoder::new(framing, max);
    let (mut buf, mut out) = (Vec::new(), Vec::new());
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        if !drain(&mut decoder, &mut buf, &mut out, max) {
            return out;
        }
    }
    match decoder.decode_eof(&buf) {
        Ok(Some(frame)) => out.push(Ok(buf[frame.message].to_vec())),
        Ok(None) => {}
        Err(err) => out.push(Err(err.to_string())),
    }
    out
}

/// Takes every complete message from `buf`; `false` after an error.
fn drain(
    decoder: &mut Decoder,
    buf: &mut Vec<u8>,
    out: &mut Vec<Result<Vec<u8>, String>>,
    max: usize,
) -> bool {
    loop {
        match decoder.decode(buf) {
            Ok(Some(frame)) => {
                assert!(frame.message.end <= frame.consumed && frame.consumed <= buf.len());
                assert!(frame.message.len() <= max.max(frame.consumed));
                out.push(Ok(buf[frame.message].to_vec()));
                buf.drain(..frame.consumed);
            }
            Ok(None) => {
                assert!(buf.len() <= decoder.buffer_limit(), "buffer past the decoder's limit");
                return true;
            }
            Err(err) => {
                out.push(Err(err.to_string()));
                return false;
            }
        }
    }
}
