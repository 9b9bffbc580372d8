//! What a codec is given to decode.

/// The bytes a [`Codec`](crate::Codec) decodes from: everything the
/// client sent that no message has used up yet, the server's limit on a
/// message, and whether more can come.
///
/// The engine builds one for every call to
/// [`Codec::decode`](crate::Codec::decode); build one yourself to test a
/// codec without a server.
///
/// # Examples
///
/// ```
/// use socketserver::codec::Input;
///
/// let input = Input::new(b"get k\r\n").ended();
/// assert_eq!(input.bytes(), b"get k\r\n");
/// assert!(input.is_ended());
/// assert!(!input.is_datagram());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    bytes: &'a [u8],
    max_message_size: usize,
    ended: bool,
    datagram: bool,
}

impl<'a> Input<'a> {
    /// Input of `bytes` from a stream that may bring more, with no limit
    /// on a message's size (`usize::MAX`).
    pub fn new(bytes: &'a [u8]) -> Input<'a> {
        Input { bytes, max_message_size: usize::MAX, ended: false, datagram: false }
    }

    /// The same input, limited to messages of `max` bytes (the server's
    /// [`max_message_size`](crate::ServerConfig::max_message_size)).
    pub fn max_message_size(mut self, max: usize) -> Input<'a> {
        self.max_message_size = max;
        self
    }

    /// The same input, with nothing more to come: the client shut down
    /// its side, or these bytes are one datagram.
    pub fn ended(mut self) -> Input<'a> {
        self.ended = true;
        self
    }

    /// The same input as one whole datagram (which is also
    /// [`ended`](Self::ended)).
    pub fn datagram(mut self) -> Input<'a> {
        self.datagram = true;
        self.ended = true;
        self
    }

    /// The bytes not yet used up by a message, oldest first.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The most bytes one message may take. A codec may refuse a message
    /// sooner by its own rules; the engine refuses one that fills its
    /// buffer (see [`Codec::buffer_limit`](crate::Codec::buffer_limit)).
    pub fn limit(&self) -> usize {
        self.max_message_size
    }

    /// Whether nothing more will arrive: what is left is all there is.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Whether the bytes are one whole datagram.
    pub fn is_datagram(&self) -> bool {
        self.datagram
    }
}
