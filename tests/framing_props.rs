//! Framing: any split of an encoded stream into reads yields the same
//! messages, for every framing; limits are enforced as early as possible.

use proptest::collection::vec;
use proptest::prelude::*;
use socketserver::{Decoder, FrameError, Framing};

const MAX: usize = 256;

/// Feeds `stream` to a decoder in pieces cut at `cuts`, the way reads
/// arrive, and returns every message it yields (then `decode_eof`'s).
fn decode_in_pieces(
    framing: Framing,
    max: usize,
    stream: &[u8],
    cuts: &[usize],
) -> Result<Vec<Vec<u8>>, FrameError> {
    let mut decoder: Decoder = framing.decoder(max);
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
    points.push(stream.len());
    points.sort_unstable();
    let (mut buffer, mut messages, mut from) = (Vec::new(), Vec::new(), 0);
    for point in points {
        buffer.extend_from_slice(&stream[from..point]);
        from = point;
        while let Some(frame) = decoder.decode(&buffer)? {
            messages.push(buffer[frame.message.clone()].to_vec());
            buffer.drain(..frame.consumed);
        }
    }
    while let Some(frame) = decoder.decode_eof(&buffer)? {
        messages.push(buffer[frame.message.clone()].to_vec());
        buffer.drain(..frame.consumed);
    }
    assert!(buffer.is_empty(), "{} bytes left undecoded", buffer.len());
    Ok(messages)
}

fn encode_all(framing: Framing, messages: &[Vec<u8>]) -> Vec<u8> {
    let mut stream = Vec::new();
    for message in messages {
        framing.encode(message, &mut stream);
    }
    stream
}

/// Non-empty lines: no `\n`, and no trailing `\r` (which the decoder
/// strips, as a `\r\n` terminator).
fn line() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 1..64)
        .prop_filter("no trailing CR", |l| l.last() != Some(&b'\r'))
}

fn cuts() -> impl Strategy<Value = Vec<usize>> {
    vec(any::<usize>(), 0..12)
}

proptest! {
    #[test]
    fn lines_survive_any_split(messages in vec(line(), 0..12), cuts in cuts()) {
        let stream = encode_all(Framing::Lines, &messages);
        prop_assert_eq!(decode_in_pieces(Framing::Lines, MAX, &stream, &cuts)?, messages);
    }

    #[test]
    fn crlf_lines_survive_any_split(messages in vec(line(), 0..12), cuts in cuts()) {
        let stream: Vec<u8> = messages.iter().flat_map(|m| m.iter().copied().chain(*b"\r\n")).collect();
        prop_assert_eq!(decode_in_pieces(Framing::Lines, MAX, &stream, &cuts)?, messages);
    }

    #[test]
    fn length_prefixed_survives_any_split(messages in vec(vec(any::<u8>(), 1..MAX), 0..8), cuts in cuts()) {
        let stream = encode_all(Framing::LengthPrefixed, &messages);
        prop_assert_eq!(decode_in_pieces(Framing::LengthPrefixed, MAX, &stream, &cuts)?, messages);
    }

    #[test]
    fn fixed_length_survives_any_split(len in 1usize..32, count in 0usize..10, seed in any::<u8>(), cuts in cuts()) {
        let messages: Vec<Vec<u8>> =
            (0..count).map(|i| (0..len).map(|j| seed.wrapping_add((i * 31 + j) as u8)).collect()).collect();
        let framing = Framing::FixedLength(len);
        let stream = encode_all(framing, &messages);
        prop_assert_eq!(decode_in_pieces(framing, MAX, &stream, &cuts)?, messages);
    }

    #[test]
    fn until_close_survives_any_split(message in vec(any::<u8>(), 1..MAX), cuts in cuts()) {
        let stream = encode_all(Framing::UntilClose, std::slice::from_ref(&message));
        prop_assert_eq!(decode_in_pieces(Framing::UntilClose, MAX, &stream, &cuts)?, vec![message]);
    }

    #[test]
    fn oversized_messages_are_too_long(extra in 1usize..64, cuts in cuts()) {
        let message = vec![b'a'; MAX + extra];
        for framing in [Framing::Lines, Framing::LengthPrefixed, Framing::UntilClose] {
            let stream = encode_all(framing, std::slice::from_ref(&message));
            let result = decode_in_pieces(framing, MAX, &stream, &cuts);
            prop_assert!(
                matches!(result, Err(FrameError::TooLong { limit: MAX, .. })),
                "{}: {:?}", framing, result
            );
        }
    }
}

#[test]
fn a_huge_length_prefix_is_refused_once_its_four_bytes_arrive() {
    let mut decoder = Framing::LengthPrefixed.decoder(MAX);
    let header = u32::MAX.to_be_bytes();
    for arrived in 1..4 {
        assert_eq!(decoder.decode(&header[..arrived]), Ok(None), "after {arrived} bytes");
    }
    assert_eq!(
        decoder.decode(&header),
        Err(FrameError::TooLong { limit: MAX, announced: Some(u64::from(u32::MAX)) })
    );
}

#[test]
fn a_long_line_is_refused_before_its_newline() {
    let mut decoder = Framing::Lines.decoder(8);
    let mut buffer = Vec::new();
    for (i, byte) in b"0123456789".iter().enumerate() {
        buffer.push(*byte);
        let result = decoder.decode(&buffer);
        if i < 9 {
            assert_eq!(result, Ok(None), "refused after {} bytes", i + 1);
        } else {
            assert!(matches!(result, Err(FrameError::TooLong { limit: 8, .. })), "{result:?}");
        }
    }
}

#[test]
fn a_cut_short_message_is_truncated() {
    let mut stream = Vec::new();
    Framing::LengthPrefixed.encode(b"hello", &mut stream);
    let mut decoder = Framing::LengthPrefixed.decoder(MAX);
    assert_eq!(decoder.decode_eof(&stream[..6]), Err(FrameError::Truncated { expected: 9, received: 6 }));
    let mut fixed = Framing::FixedLength(4).decoder(MAX);
    assert_eq!(fixed.decode_eof(b"ab"), Err(FrameError::Truncated { expected: 4, received: 2 }));
}
