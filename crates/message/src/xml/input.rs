//! Event-level reading with quick-xml, no DOM.
//!
//! Everything that makes a document unacceptable as XML (a DOCTYPE, an undeclared entity,
//! truncation, mismatched tags) is a [`Fatal`]: reading stops there. Everything that makes
//! it unacceptable against the schema is a [`Finding`] pushed onto the context: reading goes on,
//! so one pass reports all of them.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::finding::{Finding, Level};

/// Reading stopped: the input is not acceptable XML.
#[derive(Debug)]
pub struct Fatal(pub Box<Finding>);

pub type ReadResult<T> = Result<Option<T>, Fatal>;

/// Which of the two namespaces of a message an element is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// The message namespace (`…/jw301/schema`): elements declared in the message XSD.
    Msg,
    /// The basisschema namespace: children of the `CDT_*` composite types.
    Basis,
}

/// A child element start that [`XmlIn::next_child`] found: its local name, borrowed from the
/// input.
#[derive(Debug, Clone, Copy)]
pub struct Child<'i> {
    local: &'i [u8],
    /// `None` when the element is in neither namespace of this message.
    pub ns: Option<Ns>,
}

impl<'i> Child<'i> {
    /// The local name (without prefix).
    pub fn local(&self) -> &'i [u8] {
        self.local
    }

    /// The local name for messages (a long one shortened).
    pub fn display_name(&self) -> String {
        let name = String::from_utf8_lossy(self.local);
        if name.chars().count() > 64 {
            format!("{}…", name.chars().take(32).collect::<String>())
        } else {
            name.into_owned()
        }
    }
}

/// The reading context: law, namespaces, the current element path and the findings so far.
#[derive(Debug)]
pub struct ReadCx {
    pub wet: crate::Wet,
    msg_ns: Vec<u8>,
    basis_ns: Vec<u8>,
    path: Vec<(&'static str, u32)>,
    pub findings: Vec<Finding>,
}

impl ReadCx {
    pub fn new(wet: crate::Wet, msg_ns: &str, basis_ns: &str) -> Self {
        ReadCx {
            wet,
            msg_ns: msg_ns.as_bytes().to_vec(),
            basis_ns: basis_ns.as_bytes().to_vec(),
            path: Vec::with_capacity(8),
            findings: Vec::new(),
        }
    }

    /// Which of this message's namespaces a URI is.
    fn classify(&self, uri: &[u8]) -> Option<Ns> {
        if uri == self.msg_ns.as_slice() {
            Some(Ns::Msg)
        } else if uri == self.basis_ns.as_slice() {
            Some(Ns::Basis)
        } else {
            None
        }
    }

    /// Set the namespaces once the root has told which message this is.
    pub fn set_namespaces(&mut self, wet: crate::Wet, msg_ns: &str, basis_ns: &str) {
        self.wet = wet;
        self.msg_ns = msg_ns.as_bytes().to_vec();
        self.basis_ns = basis_ns.as_bytes().to_vec();
    }

    /// Enter a child element. `index` is the 1-based position for repeating elements, 0 otherwise.
    pub fn push(&mut self, name: &'static str, index: u32) {
        self.path.push((name, index));
    }

    pub fn pop(&mut self) {
        self.path.pop();
    }

    /// The current path, `Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for (i, (name, index)) in self.path.iter().enumerate() {
            if i > 0 {
                out.push('/');
            }
            out.push_str(name);
            if *index > 0 {
                out.push_str(&format!("[{index}]"));
            }
        }
        out
    }

    /// The current path with one more (possibly unknown) element name appended.
    pub fn path_with(&self, name: &str) -> String {
        let base = self.path();
        if base.is_empty() { name.to_owned() } else { format!("{base}/{name}") }
    }

    /// Record a level-1 finding at the current path.
    pub fn schema(&mut self, rule: Option<&'static str>, message: impl Into<String>) {
        let path = self.path();
        self.findings.push(Finding::new(Level::Schema, path, rule, message));
    }

    /// Record a level-1 finding at a child of the current path.
    pub fn schema_at(&mut self, child: &str, rule: Option<&'static str>, message: impl Into<String>) {
        let path = self.path_with(child);
        self.findings.push(Finding::new(Level::Schema, path, rule, message));
    }

    pub fn fatal(&self, message: impl Into<String>) -> Fatal {
        Fatal(Box::new(Finding::new(Level::Xml, self.path(), None, message)))
    }
}

/// A streaming reader over one XML document held in memory.
pub struct XmlIn<'i> {
    reader: Reader<&'i [u8]>,
    input: &'i [u8],
    /// The names (with prefix) of the open elements, the root first: end tags are checked
    /// against them here, not by quick-xml, so that a leaf's end tag can be read directly.
    /// Its length is the element depth (1 inside the root).
    open: Vec<&'i [u8]>,
    /// Namespace declarations in scope, innermost last. Messages declare their namespaces on
    /// the root, so this is touched only when an element has attributes.
    bindings: Vec<Binding>,
}

/// `xmlns:prefix="uri"` (or the default namespace when `prefix` is empty) declared at `depth`.
#[derive(Debug)]
struct Binding {
    prefix: Vec<u8>,
    uri: String,
    ns: Option<Ns>,
    depth: usize,
}

impl std::fmt::Debug for XmlIn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlIn").field("position", &self.reader.buffer_position()).finish()
    }
}

/// The start of the root element, as found by [`XmlIn::root`].
#[derive(Debug)]
pub struct Root {
    pub local: String,
    pub namespace: Option<String>,
}

impl<'i> XmlIn<'i> {
    pub fn new(input: &'i [u8]) -> Self {
        let mut reader = Reader::from_reader(input);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = false;
        // End tags are checked here (`check_end`); tags read past quick-xml ([`XmlIn::plain_tag`],
        // [`XmlIn::plain_text`]) leave its own list of open elements behind.
        config.allow_unmatched_ends = true;
        config.trim_text(false);
        XmlIn { reader, input, open: Vec::with_capacity(16), bindings: Vec::with_capacity(4) }
    }

    fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    fn fatal_here(&self, cx: &ReadCx, what: impl std::fmt::Display) -> Fatal {
        cx.fatal(format!("{what} (byte {})", self.position()))
    }

    fn fatal_error(&self, cx: &ReadCx, err: quick_xml::Error) -> Fatal {
        fatal_error(self.reader.error_position(), self.input, cx, err)
    }

    /// Read the prolog and the root start tag. Refuses DOCTYPE (entity declarations: XXE,
    /// billion laughs) and any declared encoding other than UTF-8.
    pub fn root(&mut self, cx: &mut ReadCx) -> Result<Root, Fatal> {
        loop {
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => return Err(fatal_error(self.reader.error_position(), self.input, cx, e)),
            };
            match event {
                Event::Decl(decl) => {
                    if let Some(Ok(enc)) = decl.encoding() {
                        let enc = enc.to_string();
                        if !enc.eq_ignore_ascii_case("utf-8") && !enc.eq_ignore_ascii_case("utf8") {
                            return Err(cx.fatal(format!(
                                "wrong encoding: the XML declaration says {enc:?}; iWmo/iJw messages are UTF-8"
                            )));
                        }
                    }
                }
                Event::DocType(_) => {
                    return Err(cx.fatal(
                        "DOCTYPE is not allowed: document type and entity declarations are refused (XXE, entity expansion)",
                    ));
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.trim_matches(is_xml_space).is_empty() => {}
                Event::Start(start) => {
                    self.opened(cx, start.name().as_ref().as_bytes())?;
                    self.declare(&start, cx);
                    let qname = start.name();
                    let (prefix, local) = split_name(qname.as_ref().as_bytes());
                    let namespace = self.lookup(prefix).map(|b| b.uri.clone());
                    return Ok(Root { local: String::from_utf8_lossy(local).into_owned(), namespace });
                }
                Event::Eof => return Err(cx.fatal("empty document: no root element")),
                _ => return Err(self.fatal_here(cx, "content before the root element")),
            }
        }
    }

    /// Once the root namespace is known: classify the bindings declared so far.
    pub fn set_namespaces(&mut self, cx: &ReadCx) {
        for b in &mut self.bindings {
            b.ns = cx.classify(b.uri.as_bytes());
        }
    }

    /// Record the namespace declarations of a start tag; any other attribute is a finding
    /// (the XSDs declare none; `xsi:` attributes are tolerated).
    fn declare(&mut self, start: &BytesStart<'_>, cx: &mut ReadCx) {
        for attr in start.attributes().with_checks(true) {
            let Ok(attr) = attr else {
                cx.schema(Some("XSD"), "malformed attribute");
                continue;
            };
            let key = attr.key.as_ref().as_bytes();
            let prefix = if key == b"xmlns" { Some(&b""[..]) } else { key.strip_prefix(b"xmlns:") };
            match prefix {
                Some(prefix) => {
                    let uri = attr.value.to_string();
                    let ns = cx.classify(uri.as_bytes());
                    self.bindings.push(Binding { prefix: prefix.to_vec(), uri, ns, depth: self.open.len() });
                }
                None if key.starts_with(b"xsi:") => {}
                None => {
                    let name = String::from_utf8_lossy(key).into_owned();
                    let qname = start.name();
                    let element = String::from_utf8_lossy(split_name(qname.as_ref().as_bytes()).1).into_owned();
                    cx.schema_at(&element, Some("XSD"), format!("attribute {name} is not allowed"));
                }
            }
        }
    }

    /// The same bytes as a slice of the input (events of a reader over a slice borrow from it),
    /// so that they outlive the event.
    fn in_input(&self, part: &[u8]) -> Option<&'i [u8]> {
        let start = (part.as_ptr() as usize).checked_sub(self.input.as_ptr() as usize)?;
        self.input.get(start..start.checked_add(part.len())?)
    }

    fn lookup(&self, prefix: &[u8]) -> Option<&Binding> {
        self.bindings.iter().rev().find(|b| b.prefix == prefix)
    }

    /// Leave the element opened last: its declarations go out of scope.
    fn leave(&mut self) {
        self.open.pop();
        while self.bindings.last().is_some_and(|b| b.depth > self.open.len()) {
            self.bindings.pop();
        }
    }

    /// The next child element of the current element, or `None` at its end tag.
    /// Whitespace and comments between elements are skipped; text there is a finding.
    pub fn next_child(&mut self, cx: &mut ReadCx) -> Result<Option<Child<'i>>, Fatal> {
        if let Some(tag) = self.plain_tag() {
            return Ok(tag);
        }
        // Between elements, whitespace is skipped inside quick-xml: no event for indentation
        // (a third of the events of an indented message). Text that is not whitespace still
        // comes as an event and is a finding. `text` turns this off again for leaf content.
        self.reader.config_mut().trim_text_start = true;
        loop {
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => return Err(fatal_error(self.reader.error_position(), self.input, cx, e)),
            };
            match event {
                Event::Start(start) => {
                    self.opened(cx, start.name().as_ref().as_bytes())?;
                    if !start.attributes_raw().trim_ascii().is_empty() {
                        self.declare(&start, cx);
                    }
                    let qname = start.name();
                    let (prefix, local) = split_name(qname.as_ref().as_bytes());
                    let ns = self.lookup(prefix).and_then(|b| b.ns);
                    let local = self.in_input(local).ok_or_else(|| self.fatal_here(cx, "a tag outside the input"))?;
                    return Ok(Some(Child { local, ns }));
                }
                Event::End(end) => {
                    self.closed(cx, end.name().as_ref().as_bytes())?;
                    return Ok(None);
                }
                // Never produced: empty elements are expanded into Start and End.
                Event::Empty(_) => return Err(self.fatal_here(cx, "unexpected empty-element event")),
                Event::Text(t) => {
                    if !t.as_bytes().iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
                        cx.schema(Some("XSD"), "text is not allowed between elements here");
                    }
                }
                Event::CData(_) | Event::GeneralRef(_) => {
                    cx.schema(Some("XSD"), "text is not allowed between elements here");
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::DocType(_) => return Err(self.fatal_here(cx, "DOCTYPE is not allowed")),
                Event::Decl(_) => return Err(self.fatal_here(cx, "XML declaration in the middle of the document")),
                Event::Eof => return Err(self.fatal_here(cx, "truncated XML: the document ends inside an element")),
            }
        }
    }

    /// The common case of [`XmlIn::next_child`], read from the input directly: whitespace,
    /// then a start tag without attributes whose name is plain ASCII (`<Client>`,
    /// `<ns1:Client>`), or the end tag of the element opened last. quick-xml, which checks
    /// every tag it reads as UTF-8 and copies its name into a list of open elements, produces
    /// no event for it: a sixth of reading a message went to these tags (2026-12-06).
    /// `None` (nothing consumed) for anything else, which the events then read: comments,
    /// attributes, text, another end tag, and the end of an empty-element tag (`<X/>`) that
    /// quick-xml holds back.
    fn plain_tag(&mut self) -> Option<Option<Child<'i>>> {
        let at = self.position() as usize;
        if self.input.get(..at).is_none_or(|done| done.ends_with(b"/>")) {
            return None;
        }
        let rest: &'i [u8] = self.reader.get_ref();
        let spaces = rest.iter().take_while(|&&b| is_space(b)).count();
        let tag = rest[spaces..].strip_prefix(b"<")?;
        let end = memchr::memchr(b'>', tag)?;
        let consumed = spaces + 1 + end + 1;
        if let Some(name) = tag[..end].strip_prefix(b"/") {
            let &open = self.open.last()?;
            if !name.strip_prefix(open).is_some_and(|after| after.iter().all(|&b| is_space(b))) {
                return None;
            }
            std::io::BufRead::consume(&mut self.reader.stream(), consumed);
            self.leave();
            return Some(None);
        }
        let name = &tag[..end];
        if !is_plain_name(name) {
            return None;
        }
        std::io::BufRead::consume(&mut self.reader.stream(), consumed);
        self.open.push(name);
        let (prefix, local) = split_name(name);
        let ns = self.lookup(prefix).and_then(|b| b.ns);
        Some(Some(Child { local, ns }))
    }

    /// Read the text content of a leaf element through its end tag. Child elements are a
    /// finding (and are skipped). Returns `None` after a finding. Text in one piece is
    /// borrowed from the input; end-of-line handling follows XML 1.0.
    pub fn text(&mut self, cx: &mut ReadCx) -> Result<Option<Cow<'i, str>>, Fatal> {
        if let Some(text) = self.plain_text(cx)? {
            return Ok(Some(text));
        }
        // A leaf's text is taken as it stands, leading whitespace included.
        self.reader.config_mut().trim_text_start = false;
        let mut text: Option<Cow<'i, str>> = None;
        let mut ok = true;
        loop {
            let event = self.reader.read_event().map_err(|e| self.fatal_error(cx, e))?;
            match event {
                Event::Text(t) => append(&mut text, t.xml10_content()),
                Event::CData(t) => append(&mut text, t.xml10_content()),
                Event::GeneralRef(r) => match r.resolve_char_ref() {
                    Ok(Some(c)) => append(&mut text, Cow::Owned(c.to_string())),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => append(&mut text, Cow::Borrowed(s)),
                        None => {
                            return Err(self.fatal_here(cx, format!("undeclared entity &{};", &*r)));
                        }
                    },
                    Err(e) => return Err(self.fatal_here(cx, format!("bad character reference: {e}"))),
                },
                Event::End(end) => {
                    self.closed(cx, end.name().as_ref().as_bytes())?;
                    break;
                }
                Event::Empty(_) => return Err(self.fatal_here(cx, "unexpected empty-element event")),
                Event::Start(start) => {
                    let name = start.local_name().as_ref().to_owned();
                    cx.schema_at(&name, Some("XSD"), "unexpected child element: a value was expected");
                    self.opened(cx, start.name().as_ref().as_bytes())?;
                    self.skip(cx)?;
                    ok = false;
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::DocType(_) => return Err(self.fatal_here(cx, "DOCTYPE is not allowed")),
                Event::Decl(_) => return Err(self.fatal_here(cx, "XML declaration in the middle of the document")),
                Event::Eof => return Err(self.fatal_here(cx, "truncated XML: the document ends inside an element")),
            }
        }
        if !ok {
            return Ok(None);
        }
        match text {
            Some(text) if !text.is_empty() => Ok(Some(text)),
            _ => {
                cx.schema(Some("RS033"), "empty element: an optional element is left out, never sent empty");
                Ok(None)
            }
        }
    }

    /// The common leaf, `<X>text</X>` with text that needs no XML processing (no reference,
    /// no carriage return, not empty), read from the input directly: the text is borrowed and
    /// the reader skips past it and past the end tag, checked here against the start tag, so
    /// quick-xml produces no events for them. `None` (nothing consumed) for anything else, an
    /// empty-element tag (`<X/>`) included: [`XmlIn::text`] then reads the events.
    fn plain_text(&mut self, cx: &mut ReadCx) -> Result<Option<Cow<'i, str>>, Fatal> {
        let at = self.position() as usize;
        let (Some(done), Some(&name)) = (self.input.get(..at), self.open.last()) else { return Ok(None) };
        if done.ends_with(b"/>") {
            return Ok(None);
        }
        let rest: &'i [u8] = self.reader.get_ref();
        let Some(end) = memchr::memchr(b'<', rest) else { return Ok(None) };
        let raw = &rest[..end];
        if end == 0 || rest.get(end + 1) != Some(&b'/') || memchr::memchr2(b'&', b'\r', raw).is_some() {
            return Ok(None);
        }
        let Ok(text) = std::str::from_utf8(raw) else { return Ok(None) };
        // `</name` + optional whitespace + `>`; anything else is left to the events (and an
        // end tag of another name is then a fatal finding).
        let tail = rest[end + 2..].strip_prefix(name).unwrap_or_default();
        let spaces = tail.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).count();
        if tail.get(spaces) == Some(&b'>') {
            std::io::BufRead::consume(&mut self.reader.stream(), end + 2 + name.len() + spaces + 1);
            self.leave();
            return Ok(Some(Cow::Borrowed(text)));
        }
        std::io::BufRead::consume(&mut self.reader.stream(), end);
        match self.reader.read_event() {
            Ok(Event::End(e)) => {
                self.closed(cx, e.name().as_ref().as_bytes())?;
                Ok(Some(Cow::Borrowed(text)))
            }
            Ok(_) => Err(self.fatal_here(cx, "an end tag expected")),
            Err(e) => Err(self.fatal_error(cx, e)),
        }
    }

    /// A start tag was read: its element is open.
    fn opened(&mut self, cx: &ReadCx, name: &[u8]) -> Result<(), Fatal> {
        let name = self.in_input(name).ok_or_else(|| self.fatal_here(cx, "a tag outside the input"))?;
        self.open.push(name);
        Ok(())
    }

    /// An end tag (just read) must close the element opened last (well-formedness). A
    /// finding names the byte where the end tag starts.
    fn check_end(&self, cx: &ReadCx, name: &[u8]) -> Result<(), Fatal> {
        let at = self.position().saturating_sub(name.len() as u64 + 3);
        let shown = |n: &[u8]| String::from_utf8_lossy(n).into_owned();
        match self.open.last() {
            Some(&open) if open == name => Ok(()),
            Some(&open) => Err(cx.fatal(format!(
                "malformed XML: expected `</{}>`, but `</{}>` was found (byte {at})",
                shown(open),
                shown(name)
            ))),
            None => Err(cx.fatal(format!("malformed XML: unexpected `</{}>` (byte {at})", shown(name)))),
        }
    }

    /// An end tag was read: checked, its element is closed.
    fn closed(&mut self, cx: &ReadCx, name: &[u8]) -> Result<(), Fatal> {
        self.check_end(cx, name)?;
        self.leave();
        Ok(())
    }

    /// Skip the element whose start tag was just read, with everything inside it.
    pub fn skip(&mut self, cx: &mut ReadCx) -> Result<(), Fatal> {
        // Done when the end tag of the skipped element closes it.
        let level = self.open.len().max(1);
        while self.open.len() >= level {
            let event = self.reader.read_event().map_err(|e| self.fatal_error(cx, e))?;
            match event {
                Event::Start(start) => self.opened(cx, start.name().as_ref().as_bytes())?,
                Event::End(end) => self.closed(cx, end.name().as_ref().as_bytes())?,
                Event::Empty(_) => {}
                Event::DocType(_) => return Err(self.fatal_here(cx, "DOCTYPE is not allowed")),
                Event::Eof => return Err(self.fatal_here(cx, "truncated XML: the document ends inside an element")),
                _ => {}
            }
        }
        Ok(())
    }

    /// After the root end tag: only whitespace, comments and PIs may follow.
    pub fn finish(&mut self, cx: &ReadCx) -> Result<(), Fatal> {
        loop {
            let event = self.reader.read_event().map_err(|e| self.fatal_error(cx, e))?;
            match event {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.trim_matches(is_xml_space).is_empty() => {}
                _ => return Err(self.fatal_here(cx, "content after the root element")),
            }
        }
    }
}

fn fatal_error(at: u64, input: &[u8], cx: &ReadCx, err: quick_xml::Error) -> Fatal {
    let len = input.len() as u64;
    let message = match &err {
        // Every syntax error but a bad `<!` means the input ended inside a construct.
        quick_xml::Error::Syntax(e) if !matches!(e, quick_xml::errors::SyntaxError::InvalidBangMarkup) || at >= len => {
            format!("truncated XML: {e}")
        }
        quick_xml::Error::Syntax(e) => format!("malformed XML: {e}"),
        quick_xml::Error::IllFormed(e) => format!("malformed XML: {e}"),
        // quick-xml checks each event; the byte is found again in the whole input.
        quick_xml::Error::Encoding(quick_xml::encoding::EncodingError::Utf8(_)) => {
            let byte = std::str::from_utf8(input).err().map_or(at, |e| e.valid_up_to() as u64);
            return cx.fatal(format!("wrong encoding: invalid UTF-8 at byte {byte}"));
        }
        quick_xml::Error::Encoding(e) => format!("wrong encoding, UTF-8 expected: {e}"),
        other => format!("malformed XML: {other}"),
    };
    cx.fatal(format!("{message} (byte {at})"))
}

/// `prefix:local` → (`prefix`, `local`); no colon → (`""`, name).
fn split_name(name: &[u8]) -> (&[u8], &[u8]) {
    match name.iter().position(|&b| b == b':') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => (&b""[..], name),
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A tag name of ASCII letters, digits, `_`, `-`, `.` and at most one `:`, starting with a
/// letter or `_`, as every element name of the iStandaarden is.
fn is_plain_name(name: &[u8]) -> bool {
    let first = name.first().is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_');
    let colons = name.iter().filter(|&&b| b == b':').count();
    first
        && colons <= 1
        && !name.ends_with(b":")
        && name.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Add a piece of text; the first piece stays borrowed.
fn append<'i>(text: &mut Option<Cow<'i, str>>, piece: Cow<'i, str>) {
    match text {
        None => *text = Some(piece),
        Some(t) => t.to_mut().push_str(&piece),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader of `<r><v>…`, standing in `v`.
    fn in_v(xml: &str) -> (XmlIn<'_>, ReadCx) {
        let mut input = XmlIn::new(xml.as_bytes());
        let mut cx = ReadCx::new(crate::Wet::IJw, "", "");
        input.root(&mut cx).expect("root");
        input.next_child(&mut cx).expect("child").expect("v");
        (input, cx)
    }

    /// The text of the one leaf in `<r><v>…</v><w/></r>`, then the next child's name.
    fn leaf(xml: &str) -> (Option<Cow<'_, str>>, Vec<u8>, u64) {
        let (mut input, mut cx) = in_v(xml);
        let text = input.text(&mut cx).expect("text");
        let after = input.position();
        let next = input.next_child(&mut cx).expect("child").expect("w");
        (text, next.local().to_vec(), after)
    }

    #[test]
    fn a_leaf_reads_the_same_with_or_without_markup_in_its_text() {
        for (content, expected, borrowed) in [
            ("plain", "plain", true),
            (" leading and trailing ", " leading and trailing ", true),
            ("a&amp;b", "a&b", false),
            ("&#233;t&#xE9;", "été", false),
            ("one\r\ntwo\rthree", "one\ntwo\nthree", false),
            ("<![CDATA[a<b]]>", "a<b", true),
            ("x<!-- note -->y", "xy", false),
        ] {
            let xml = format!("<r><v>{content}</v><w/></r>");
            let (text, next, after) = leaf(&xml);
            let text = text.expect("a value");
            assert_eq!(text, expected, "{content:?}");
            assert_eq!(matches!(text, Cow::Borrowed(_)), borrowed, "{content:?}");
            assert_eq!(next, b"w", "{content:?}: the reader continues after the end tag");
            assert_eq!(after as usize, xml.find("<w/>").expect("w"), "{content:?}: the position is kept");
        }
    }

    #[test]
    fn an_empty_element_tag_is_no_leaf_text_and_what_follows_it_is_read_as_such() {
        let xml = "<r><v/>xyz<w/></r>";
        let (mut input, mut cx) = in_v(xml);
        assert_eq!(input.text(&mut cx).expect("text"), None, "v is empty");
        assert_eq!(input.next_child(&mut cx).expect("child").expect("w").local(), b"w");
        let messages: Vec<_> = cx.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("empty element"), "{messages:?}");
        assert!(messages[1].contains("text is not allowed between elements"), "{messages:?}");
    }

    #[test]
    fn end_tags_are_checked_by_name_with_or_without_spaces() {
        let (text, next, _) = leaf("<r><v>plain</v \n><w/></r>");
        assert_eq!(text.as_deref(), Some("plain"));
        assert_eq!(next, b"w");
        for (xml, says) in [
            ("<r><v>plain</vv><w/></r>", "expected `</v>`, but `</vv>` was found (byte 11)"),
            ("<r><v>plain</><w/></r>", "malformed XML"),
            ("<r><v><x>a</y></x></v></r>", "expected `</x>`, but `</y>` was found (byte 10)"),
        ] {
            let (mut input, mut cx) = in_v(xml);
            let Fatal(finding) = input.text(&mut cx).expect_err(xml);
            assert!(finding.message.contains(says), "{xml}: {}", finding.message);
        }
    }

    #[test]
    fn a_leaf_with_the_wrong_end_tag_is_fatal_at_its_place() {
        let xml = "<r><v>plain</x><w/></r>";
        let (mut input, mut cx) = in_v(xml);
        let Fatal(finding) = input.text(&mut cx).expect_err("mismatched end tag");
        assert!(finding.message.contains("malformed XML"), "{}", finding.message);
        assert!(finding.message.contains("(byte 11)"), "{}", finding.message);
    }
}
