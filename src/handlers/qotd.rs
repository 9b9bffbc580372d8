//! Quote of the Day: a quote, then close (RFC 865).

use crate::{Action, MessageHandler, Reply};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The Quote of the Day Protocol (RFC 865): over a stream the server sends
/// a quote as soon as the client connects, then closes; over datagrams it
/// answers every datagram (its content ignored; a typical client sends an
/// empty one) with a quote.
///
/// Quotes are handed out in turn, round-robin from the first, shared by
/// all clients, so the answers are predictable. A quote may span several
/// lines; it is sent as written, followed by a newline. RFC 865 caps a
/// quote at 512 characters: longer ones are refused when the quotes are
/// loaded.
///
/// # Data files
///
/// [`Qotd::default`] holds a few public-domain quotes. [`Qotd::load`]
/// reads a UTF-8 text file of one's own: quotes are separated by blank
/// lines (so a quote and its attribution can be on separate lines), and
/// trailing spaces and line-ending `\r`s are dropped.
///
/// ```text
/// "Well done is better than well said."
/// Benjamin Franklin
///
/// "Brevity is the soul of wit."
/// William Shakespeare
/// ```
///
/// # Examples
///
/// ```
/// use socketserver::handlers::Qotd;
/// use socketserver::{Messages, Server, Udp};
///
/// let quotes = Qotd::parse("First.\n\nSecond.\n").unwrap();
/// let server = Server::builder(Messages::new(quotes)).bind::<Udp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// // A typical QOTD client: an empty datagram, one recvfrom.
/// let client = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let mut answer = [0; 1024];
/// for expected in ["First.\n", "Second.\n", "First.\n"] {
///     client.send_to(b"", addr)?;
///     let n = client.recv(&mut answer)?;
///     assert_eq!(&answer[..n], expected.as_bytes());
/// }
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Qotd {
    quotes: Vec<String>,
    next: AtomicUsize,
}

/// The longest quote RFC 865 allows, in characters.
const MAX_QUOTE: usize = 512;

/// The bundled quotes, in the data-file format.
const BUNDLED: &str = r#""Oh the nerves, the nerves; the mysteries of this machine called man!
Oh the little that unhinges it, poor creatures that we are!"
Charles Dickens, The Chimes (1844)

"Well done is better than well said."
Benjamin Franklin, Poor Richard's Almanack (1737)

"It is a truth universally acknowledged, that a single man in possession
of a good fortune, must be in want of a wife."
Jane Austen, Pride and Prejudice (1813)

"We are such stuff as dreams are made on,
and our little life is rounded with a sleep."
William Shakespeare, The Tempest (1611)

"The only thing we have to fear is fear itself."
Franklin D. Roosevelt, first inaugural address (1933)

"Hope is the thing with feathers
That perches in the soul."
Emily Dickinson (1891)
"#;

impl Default for Qotd {
    /// The bundled public-domain quotes (Dickens, Franklin, Austen,
    /// Shakespeare, Roosevelt, Dickinson).
    fn default() -> Qotd {
        Qotd::parse(BUNDLED).expect("the bundled quotes are well formed")
    }
}

impl Qotd {
    /// Reads quotes from a text file, separated by blank lines.
    ///
    /// # Errors
    ///
    /// A message naming the file and what is wrong: it cannot be read or is
    /// not UTF-8, holds no quote, or a quote (named by its first line) is
    /// longer than 512 characters.
    pub fn load(path: &Path) -> Result<Qotd, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|err| format!("{shown}: cannot read: {err}"))?;
        Qotd::parse(&text).map_err(|err| format!("{shown}: {err}"))
    }

    /// Reads quotes from text in the data-file format (quotes separated by
    /// blank lines).
    ///
    /// # Errors
    ///
    /// As [`load`](Self::load): no quote, or a quote longer than 512
    /// characters.
    ///
    /// # Examples
    ///
    /// ```
    /// use socketserver::handlers::Qotd;
    ///
    /// let quotes = Qotd::parse("One.\n\nTwo,\non two lines.\n").unwrap();
    /// assert_eq!(quotes.quotes(), ["One.", "Two,\non two lines."]);
    ///
    /// let long = "x".repeat(513);
    /// let error = Qotd::parse(&format!("Short.\n\n{long}\n")).unwrap_err();
    /// assert!(error.starts_with("line 3: the quote is 513 characters"), "{error}");
    /// ```
    pub fn parse(text: &str) -> Result<Qotd, String> {
        let quotes = paragraphs(text);
        if quotes.is_empty() {
            return Err("no quotes; write one or more quotes separated by blank lines".to_string());
        }
        for (line, quote) in &quotes {
            check_length(*line, quote)?;
        }
        let quotes = quotes.into_iter().map(|(_, quote)| quote).collect();
        Ok(Qotd { quotes, next: AtomicUsize::new(0) })
    }

    /// All the quotes, in the order they are handed out.
    pub fn quotes(&self) -> &[String] {
        &self.quotes
    }

    /// The next quote in turn.
    pub fn next_quote(&self) -> &str {
        let turn = self.next.fetch_add(1, Ordering::Relaxed);
        &self.quotes[turn % self.quotes.len()]
    }
}

/// The paragraphs of `text`, each with the line it starts on.
fn paragraphs(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end();
        match (&mut current, line.is_empty()) {
            (_, true) => found.extend(current.take()),
            (Some((_, quote)), false) => {
                quote.push('\n');
                quote.push_str(line);
            }
            (None, false) => current = Some((index + 1, line.to_string())),
        }
    }
    found.extend(current);
    found
}

fn check_length(line: usize, quote: &str) -> Result<(), String> {
    let length = quote.chars().count();
    if length > MAX_QUOTE {
        return Err(format!(
            "line {line}: the quote is {length} characters; RFC 865 allows at most {MAX_QUOTE} \
             (separate quotes with a blank line)"
        ));
    }
    Ok(())
}

impl MessageHandler for Qotd {
    type Session = ();

    /// Sends a quote and closes: a stream client needs to send nothing.
    fn greet(&self, _: &mut (), reply: &mut Reply<'_>) -> Action {
        reply.push_str(self.next_quote());
        Action::Close
    }

    /// Answers a datagram, whatever it holds, with a quote.
    fn handle(&self, _: &mut (), _message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push_str(self.next_quote());
        Action::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_quotes_fit_rfc_865() {
        let quotes = Qotd::default();
        assert_eq!(quotes.quotes().len(), 6);
        assert!(quotes.quotes().iter().all(|q| q.chars().count() <= MAX_QUOTE && q.is_ascii()));
        assert!(quotes.quotes()[0].ends_with("Charles Dickens, The Chimes (1844)"));
    }

    #[test]
    fn quotes_go_round_in_turn() {
        let quotes = Qotd::parse("a\n\nb\n\nc").unwrap();
        let seen: Vec<&str> = (0..5).map(|_| quotes.next_quote()).collect();
        assert_eq!(seen, ["a", "b", "c", "a", "b"]);
    }

    #[test]
    fn blank_lines_and_carriage_returns_separate_quotes() {
        let quotes = Qotd::parse("\r\n\r\nOne\r\nline two  \r\n \r\n\r\nTwo\r\n").unwrap();
        assert_eq!(quotes.quotes(), ["One\nline two", "Two"]);
    }

    #[test]
    fn exactly_512_characters_is_allowed_513_is_not() {
        assert!(Qotd::parse(&"é".repeat(512)).is_ok());
        let error = Qotd::parse(&"é".repeat(513)).unwrap_err();
        assert!(error.contains("513 characters"), "{error}");
    }

    #[test]
    fn an_empty_file_is_refused() {
        let error = Qotd::parse("\n  \n").unwrap_err();
        assert!(error.starts_with("no quotes"), "{error}");
    }
}
