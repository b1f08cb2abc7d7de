//! Writing elements in the official namespaces and XSD order. The derive macro calls these;
//! nothing here knows about particular messages.

use super::input::Ns;

/// An XML document being written into memory.
#[derive(Debug)]
pub struct XmlOut {
    buf: Vec<u8>,
    msg_prefix: String,
    basis_prefix: &'static str,
    indent: bool,
    depth: usize,
    /// Namespace declarations to put on the first start tag.
    root_attributes: Option<String>,
}

impl XmlOut {
    pub fn new(msg_prefix: String, basis_prefix: &'static str, indent: bool, capacity: usize) -> Self {
        XmlOut { buf: Vec::with_capacity(capacity), msg_prefix, basis_prefix, indent, depth: 0, root_attributes: None }
    }

    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Attributes (the namespace declarations) for the root element, written with the next start tag.
    pub fn root_attributes(&mut self, attributes: String) {
        self.root_attributes = Some(attributes);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn newline(&mut self) {
        if self.indent {
            self.buf.push(b'\n');
            for _ in 0..self.depth {
                self.buf.push(b'\t');
            }
        }
    }

    fn tag(&mut self, ns: Ns, name: &str) {
        match ns {
            Ns::Msg => self.buf.extend_from_slice(self.msg_prefix.as_bytes()),
            Ns::Basis => self.buf.extend_from_slice(self.basis_prefix.as_bytes()),
        }
        self.buf.push(b':');
        self.buf.extend_from_slice(name.as_bytes());
    }

    /// Open an element that has child elements.
    pub fn start(&mut self, ns: Ns, name: &str) {
        self.newline();
        self.buf.push(b'<');
        self.tag(ns, name);
        if let Some(attributes) = self.root_attributes.take() {
            self.buf.extend_from_slice(attributes.as_bytes());
        }
        self.buf.push(b'>');
        self.depth += 1;
    }

    /// Close an element opened with [`XmlOut::start`].
    pub fn end(&mut self, ns: Ns, name: &str) {
        self.depth -= 1;
        self.newline();
        self.buf.extend_from_slice(b"</");
        self.tag(ns, name);
        self.buf.push(b'>');
    }

    /// Write a leaf element with escaped text.
    pub fn leaf(&mut self, ns: Ns, name: &str, text: &str) {
        self.newline();
        self.buf.push(b'<');
        self.tag(ns, name);
        self.buf.push(b'>');
        escape_into(&mut self.buf, text);
        self.buf.extend_from_slice(b"</");
        self.tag(ns, name);
        self.buf.push(b'>');
    }
}

/// Escape character data. `\r` is written as a character reference so that it survives
/// end-of-line normalisation on the way back in.
fn escape_into(buf: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' => b"&#13;",
            _ => continue,
        };
        buf.extend_from_slice(&bytes[last..i]);
        buf.extend_from_slice(replacement);
        last = i + 1;
    }
    buf.extend_from_slice(&bytes[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_carriage_returns() {
        let mut buf = Vec::new();
        escape_into(&mut buf, "a<b & c>d\r\n");
        assert_eq!(buf, b"a&lt;b &amp; c&gt;d&#13;\n");
    }
}
