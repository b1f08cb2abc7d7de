//! Writing a [`Message`] as XML in the official namespaces and XSD element order.

use std::borrow::Cow;

use crate::model::{Message, each_bericht};
use crate::wet::{basis_namespace, message_namespace};
use crate::xml::element::Element;
use crate::xml::input::Ns;
use crate::xml::output::XmlOut;
use crate::{BerichtType, Release, Wet};

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
    let (msg_prefix, attrs) = root_of(message.wet, message.release, message.bericht_type());
    let mut out = XmlOut::new(msg_prefix, message.wet.basis_prefix(), options.indent, 2048);
    out.raw(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    out.root_attributes(attrs);
    each_bericht!(&message.bericht, b => b.write(&mut out, Ns::Msg, "Bericht"));
    if options.indent {
        out.raw(b"\n");
    }
    out.into_bytes()
}

/// The message's own prefix (`jw301`) and the root's namespace declarations.
fn root_parts(wet: Wet, release: Release, t: BerichtType) -> (String, String) {
    let msg_prefix = format!("{}{}", wet.message_prefix().to_ascii_lowercase(), t.number());
    let attrs = format!(
        " xmlns:{msg_prefix}=\"{}\" xmlns:{}=\"{}\"",
        message_namespace(wet, release, t),
        wet.basis_prefix(),
        basis_namespace(wet, release)
    );
    (msg_prefix, attrs)
}

/// [`root_parts`] of every message of the releases this build writes, made once (the
/// simulator writes millions of messages); another release is made when asked.
fn root_of(wet: Wet, release: Release, t: BerichtType) -> (Cow<'static, str>, Cow<'static, str>) {
    type Parts = ((Wet, Release, BerichtType), (String, String));
    static MADE: std::sync::OnceLock<Vec<Parts>> = std::sync::OnceLock::new();
    let made = MADE.get_or_init(|| {
        let all = Wet::ALL.into_iter().flat_map(|w| BerichtType::ALL.into_iter().map(move |t| (w, Release::R3_2, t)));
        all.map(|(w, r, t)| ((w, r, t), root_parts(w, r, t))).collect()
    });
    match made.iter().find(|(key, _)| *key == (wet, release, t)) {
        Some((_, (prefix, attrs))) => (Cow::Borrowed(prefix), Cow::Borrowed(attrs)),
        None => {
            let (prefix, attrs) = root_parts(wet, release, t);
            (Cow::Owned(prefix), Cow::Owned(attrs))
        }
    }
}
