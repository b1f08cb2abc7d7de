//! Writing elements in the official namespaces and XSD order. The derive macro calls these;
//! nothing here knows about particular messages.

use std::borrow::Cow;

use super::input::Ns;

/// An XML document being written into memory.
#[derive(Debug)]
pub struct XmlOut {
    buf: Vec<u8>,
    msg_prefix: Cow<'static, str>,
    basis_prefix: &'static str,
    indent: bool,
    depth: usize,
    /// Namespace declarations to put on the first start tag.
    root_attributes: Option<Cow<'static, str>>,
}

impl XmlOut {
    pub fn new(msg_prefix: Cow<'static, str>, basis_prefix: &'static str, indent: bool, capacity: usize) -> Self {
        XmlOut { buf: Vec::with_capacity(capacity), msg_prefix, basis_prefix, indent, depth: 0, root_attributes: None }
    }

    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Attributes (the namespace declarations) for the root element, written with the next start tag.
    pub fn root_attributes(&mut self, attributes: Cow<'static, str>) {
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
        self.leaf_with(ns, name, |buf| escape_into(buf, text));
    }

    /// Write a leaf element whose content `content` writes straight into the buffer. The
    /// content must already be escaped (numbers, dates and codes need no escaping).
    pub fn leaf_with(&mut self, ns: Ns, name: &str, content: impl FnOnce(&mut Vec<u8>)) {
        self.newline();
        self.buf.push(b'<');
        self.tag(ns, name);
        self.buf.push(b'>');
        content(&mut self.buf);
        self.buf.extend_from_slice(b"</");
        self.tag(ns, name);
        self.buf.push(b'>');
    }
}

/// Append `value` in decimal, at least `width` digits (zero-padded).
pub fn push_digits(buf: &mut Vec<u8>, value: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    let mut v = value;
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let len = (tmp.len() - i).max(width.min(tmp.len()));
    buf.extend_from_slice(&tmp[tmp.len() - len..]);
}

/// Escape character data. `\r` is written as a character reference so that it survives
/// end-of-line normalisation on the way back in.
pub(crate) fn escape_into(buf: &mut Vec<u8>, text: &str) {
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
    fn digits_with_padding() {
        let mut buf = Vec::new();
        push_digits(&mut buf, 0, 1);
        buf.push(b' ');
        push_digits(&mut buf, 363, 4);
        buf.push(b' ');
        push_digits(&mut buf, 999_999_999_999, 1);
        buf.push(b' ');
        push_digits(&mut buf, 7, 8);
        assert_eq!(buf, b"0 0363 999999999999 00000007");
    }

    #[test]
    fn escapes_markup_and_carriage_returns() {
        let mut buf = Vec::new();
        escape_into(&mut buf, "a<b & c>d\r\n");
        assert_eq!(buf, b"a&lt;b &amp; c&gt;d&#13;\n");
    }
}
