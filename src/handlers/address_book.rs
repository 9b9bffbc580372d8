//! Address book: a name in, the office out.

use crate::{Action, MessageHandler, Reply};
#[cfg(feature = "config")]
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
#[cfg(feature = "config")]
use toml::Spanned;

/// Looks up an employee's office by name, case-insensitively: the
/// address-book line protocol of Python's classic `socketserver` example
/// (`MyTCPHandler`). It answers an unknown name and keeps the connection,
/// where that example's handler raised `KeyError` and dropped the
/// connection without a reply.
///
/// # Protocol
///
/// One name per message (surrounding spaces ignored); the reply is one line:
///
/// - a known name: the office, exactly as in the book (`john` → `C45`,
///   as the Python example sends it);
/// - an unknown name: `UNKNOWN NAME: ` and the name as sent
///   (`UNKNOWN NAME: Bob`);
/// - an empty message: `NO NAME: send a name, such as JOHN`.
///
/// The connection stays open after every reply. Names are compared after
/// Unicode upper-casing; bytes that are not UTF-8 are read as U+FFFD and so
/// match no name.
///
/// # Data files
///
/// [`AddressBook::default`] holds the example's four entries. [`AddressBook::load`]
/// reads a book of one's own, chosen by the file's extension:
///
/// - `.toml`: an `[entries]` table of `name = "office"` pairs (with the
///   `config` feature, which brings the TOML parser);
/// - `.csv`: `name,office` per line, with an optional `name,office` header;
///   blank lines and lines starting with `#` are skipped; no quoting, so
///   neither field may contain a comma.
///
/// ```toml
/// [entries]
/// JOHN = "C45"
/// "Mary Ann" = "B12"
/// ```
///
/// Names must be non-empty and unique ignoring case; offices non-empty.
///
/// # Examples
///
/// ```
/// use socketserver::handlers::AddressBook;
/// use socketserver::{Messages, Server, Tcp};
/// use std::io::{Read, Write};
/// use std::time::Duration;
///
/// let book = Messages::new(AddressBook::default()).unterminated_after(Duration::from_millis(100));
/// let server = Server::builder(book).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// // A one-shot client: one send with no newline, one recv.
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all(b"John")?;
/// let mut answer = [0; 1024];
/// let n = client.read(&mut answer)?;
/// assert_eq!(&answer[..n], b"C45\n");
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressBook {
    /// Offices by upper-cased name.
    offices: BTreeMap<String, String>,
}

/// The entries of the default book.
const DEFAULT_ENTRIES: [(&str, &str); 4] =
    [("JOHN", "C45"), ("DENISE", "C44"), ("PHOEBE", "D52"), ("ADAM", "B23")];

impl Default for AddressBook {
    /// The example's book: JOHN C45, DENISE C44, PHOEBE D52, ADAM B23.
    fn default() -> AddressBook {
        let offices = DEFAULT_ENTRIES.iter().map(|(name, office)| (name.to_string(), office.to_string()));
        AddressBook { offices: offices.collect() }
    }
}

impl AddressBook {
    /// Reads a book from a `.toml` or `.csv` file (see the type's docs for
    /// the formats).
    ///
    /// # Errors
    ///
    /// A message naming the file and, for a malformed entry, its line and
    /// what is wrong: the file cannot be read, its extension is neither
    /// `.toml` nor `.csv` (or is `.toml` without the `config` feature), a
    /// line does not parse, a name or office is
    /// empty, a name repeats (ignoring case), or the book has no entries.
    ///
    /// # Examples
    ///
    /// ```
    /// use socketserver::handlers::AddressBook;
    ///
    /// let path = std::env::temp_dir().join(format!("book-doc-{}.csv", std::process::id()));
    /// std::fs::write(&path, "name,office\nJohn,C45\nmary,B12,extra\n").unwrap();
    /// let error = AddressBook::load(&path).unwrap_err();
    /// assert!(error.contains("line 3"), "{error}");
    ///
    /// std::fs::write(&path, "name,office\nJohn,C45\nMary,B12\n").unwrap();
    /// let book = AddressBook::load(&path).unwrap();
    /// assert_eq!(book.office("MARY"), Some("B12"));
    /// # std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn load(path: &Path) -> Result<AddressBook, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|err| format!("{shown}: cannot read: {err}"))?;
        let entries = match path.extension().and_then(|ext| ext.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("toml") => toml_entries(&text),
            Some(ext) if ext.eq_ignore_ascii_case("csv") => csv_entries(&text),
            _ => Err("unsupported file type; accepted: a .toml file with an [entries] table, \
                      or a .csv file of name,office lines"
                .to_string()),
        };
        entries.and_then(AddressBook::from_entries).map_err(|err| format!("{shown}: {err}"))
    }

    /// Builds a book from `(line, name, office)` entries, refusing empty
    /// fields and repeated names.
    fn from_entries(entries: Vec<Entry>) -> Result<AddressBook, String> {
        let mut offices = BTreeMap::new();
        let mut lines = BTreeMap::new();
        for Entry { line, name, office } in entries {
            let key = check_entry(line, &name, &office)?;
            if let Some(first) = lines.insert(key.clone(), line) {
                return Err(format!(
                    "line {line}: the name `{name}` repeats line {first} (names ignore case)"
                ));
            }
            offices.insert(key, office.trim().to_string());
        }
        if offices.is_empty() {
            return Err("the address book has no entries".to_string());
        }
        Ok(AddressBook { offices })
    }

    /// The office of `name`, ignoring case and surrounding spaces.
    pub fn office(&self, name: &str) -> Option<&str> {
        let name = name.trim();
        // A short ASCII name is upper-cased on the stack: no `String` for
        // each lookup (the allocation was a tenth of an answer's
        // instructions); any other name the Unicode way.
        let mut upper = [0u8; 64];
        let key = match upper.get_mut(..name.len()) {
            Some(upper) if name.is_ascii() => {
                upper.copy_from_slice(name.as_bytes());
                upper.make_ascii_uppercase();
                std::str::from_utf8(upper).ok()
            }
            _ => None,
        };
        match key {
            Some(key) => self.offices.get(key),
            None => self.offices.get(&name.to_uppercase()),
        }
        .map(String::as_str)
    }

    /// How many names the book holds.
    pub fn len(&self) -> usize {
        self.offices.len()
    }

    /// Whether the book is empty (a loaded book never is).
    pub fn is_empty(&self) -> bool {
        self.offices.is_empty()
    }
}

impl MessageHandler for AddressBook {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        let text = match std::str::from_utf8(message) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(message),
        };
        let name = text.trim();
        match self.office(name) {
            _ if name.is_empty() => reply.push_str("NO NAME: send a name, such as JOHN"),
            Some(office) => reply.push_str(office),
            None => reply.push_str(&format!("UNKNOWN NAME: {name}")),
        }
        Action::Continue
    }
}

/// One entry of a data file, with the line it came from.
#[derive(Debug)]
struct Entry {
    line: usize,
    name: String,
    office: String,
}

/// Checks one entry, returning its lookup key.
fn check_entry(line: usize, name: &str, office: &str) -> Result<String, String> {
    if name.trim().is_empty() {
        return Err(format!("line {line}: the name is empty"));
    }
    if office.trim().is_empty() {
        return Err(format!("line {line}: the office of `{}` is empty", name.trim()));
    }
    Ok(name.trim().to_uppercase())
}

/// The TOML format: an `[entries]` table of strings, nothing else.
#[cfg(feature = "config")]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlBook {
    entries: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[cfg(feature = "config")]
fn toml_entries(text: &str) -> Result<Vec<Entry>, String> {
    let book: TomlBook = toml::from_str(text).map_err(|err| {
        let at = err.span().map(|span| format!("line {}: ", line_of(text, span.start))).unwrap_or_default();
        format!(
            "{at}{}; the file must hold an [entries] table of name = \"office\" pairs",
            err.message().trim()
        )
    })?;
    let entry = |(name, office): (Spanned<String>, Spanned<String>)| Entry {
        line: line_of(text, name.span().start),
        name: name.into_inner(),
        office: office.into_inner(),
    };
    let mut entries: Vec<Entry> = book.entries.into_iter().map(entry).collect();
    entries.sort_by_key(|entry| entry.line);
    Ok(entries)
}

#[cfg(not(feature = "config"))]
fn toml_entries(_: &str) -> Result<Vec<Entry>, String> {
    Err("reading a .toml address book needs socketserver's `config` feature; \
         without it, write the book as a .csv file of name,office lines"
        .to_string())
}

fn csv_entries(text: &str) -> Result<Vec<Entry>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || (entries.is_empty() && is_header(line)) {
            continue;
        }
        entries.push(csv_entry(index + 1, line)?);
    }
    Ok(entries)
}

fn is_header(line: &str) -> bool {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    matches!(fields.as_slice(), [name, office] if name.eq_ignore_ascii_case("name") && office.eq_ignore_ascii_case("office"))
}

fn csv_entry(line: usize, text: &str) -> Result<Entry, String> {
    let fields: Vec<&str> = text.split(',').collect();
    let [name, office] = fields.as_slice() else {
        return Err(format!(
            "line {line}: expected two fields, name,office, but found {} in `{text}`",
            fields.len()
        ));
    };
    Ok(Entry { line, name: name.to_string(), office: office.to_string() })
}

/// The 1-based line of byte `offset` in `text`.
#[cfg(feature = "config")]
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_book_ignores_case_and_spaces() {
        let book = AddressBook::default();
        assert_eq!(book.office("john"), Some("C45"));
        assert_eq!(book.office(" Phoebe "), Some("D52"));
        assert_eq!(book.office("Bob"), None);
        assert_eq!(book.len(), 4);
    }

    #[test]
    fn long_and_non_ascii_names_are_found_ignoring_case() {
        let long = "a".repeat(70);
        let text = format!("{long},X1\nJosé,X2\nstraße,X3\n");
        let book = AddressBook::from_entries(csv_entries(&text).unwrap()).unwrap();
        assert_eq!(book.office(&long.to_uppercase()), Some("X1"));
        assert_eq!(book.office(&long), Some("X1"));
        assert_eq!(book.office("JOSÉ"), Some("X2"));
        assert_eq!(book.office(" josé "), Some("X2"));
        assert_eq!(book.office("STRASSE"), Some("X3"));
        assert_eq!(book.office("JOSE"), None);
    }

    #[test]
    #[cfg(feature = "config")]
    fn toml_entries_keep_their_lines() {
        let entries = toml_entries("# offices\n[entries]\nJOHN = \"C45\"\n\"Mary Ann\" = \"B12\"\n").unwrap();
        let lines: Vec<(usize, &str)> = entries.iter().map(|e| (e.line, e.name.as_str())).collect();
        assert_eq!(lines, [(3, "JOHN"), (4, "Mary Ann")]);
    }

    #[test]
    #[cfg(feature = "config")]
    fn toml_errors_name_the_line() {
        let error = toml_entries("[entries]\nJOHN = \"C45\"\nMARY = 12\n").unwrap_err();
        assert!(error.starts_with("line 3:"), "{error}");
        let error = toml_entries("[entries]\nJOHN = \"C45\"\n\nPHOEBE \"D52\"\n").unwrap_err();
        assert!(error.starts_with("line 4:"), "{error}");
        let error = toml_entries("[people]\nJOHN = \"C45\"\n").unwrap_err();
        assert!(error.contains("people"), "{error}");
    }

    #[test]
    fn repeated_names_are_refused_ignoring_case() {
        let entries = csv_entries("John,C45\njohn,C46\n").unwrap();
        let error = AddressBook::from_entries(entries).unwrap_err();
        assert_eq!(error, "line 2: the name `john` repeats line 1 (names ignore case)");
    }

    #[test]
    fn csv_skips_header_comments_and_blank_lines() {
        let entries = csv_entries("\u{feff}Name, Office\r\n\n# staff\nJohn, C45\r\n").unwrap();
        let book = AddressBook::from_entries(entries).unwrap();
        assert_eq!(book.office("JOHN"), Some("C45"));
        assert_eq!(book.len(), 1);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let error = csv_entries("name,office\nJohn C45\n").unwrap_err();
        assert!(error.starts_with("line 2: expected two fields"), "{error}");
        let entries = csv_entries("John,\n").unwrap();
        let error = AddressBook::from_entries(entries).unwrap_err();
        assert_eq!(error, "line 1: the office of `John` is empty");
    }

    #[test]
    fn an_empty_book_is_refused() {
        let error = AddressBook::from_entries(csv_entries("name,office\n").unwrap()).unwrap_err();
        assert_eq!(error, "the address book has no entries");
    }
}
