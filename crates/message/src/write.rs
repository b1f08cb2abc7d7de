//! Writing a [`Message`] as XML in the official namespaces and XSD element order.

use crate::model::{Message, each_bericht};
use crate::wet::{basis_namespace, message_namespace};
use crate::xml::element::Element;
use crate::xml::input::Ns;
use crate::xml::output::XmlOut;

/// How to lay out the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// Indent with tabs and one element per line, like the official examples.
    pub indent: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions { indent: true }
    }
}

/// Write a message. The prefixes follow the official examples (`jw301:`, `ijw:`), but readers
/// must and do resolve namespaces by URI.
pub fn write(message: &Message, options: WriteOptions) -> Vec<u8> {
    let msg_prefix =
        format!("{}{}", message.wet.message_prefix().to_ascii_lowercase(), message.bericht_type().number());
    let basis_prefix = message.wet.basis_prefix();
    let mut out = XmlOut::new(msg_prefix.clone(), basis_prefix, options.indent, 2048);
    out.raw(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let attrs = format!(
        " xmlns:{msg_prefix}=\"{}\" xmlns:{basis_prefix}=\"{}\"",
        message_namespace(message.wet, message.release, message.bericht_type()),
        basis_namespace(message.wet, message.release)
    );
    out.root_attributes(attrs);
    each_bericht!(&message.bericht, b => b.write(&mut out, Ns::Msg, "Bericht"));
    if options.indent {
        out.raw(b"\n");
    }
    out.into_bytes()
}
