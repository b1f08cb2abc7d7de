//! Reading one message: from bytes to a [`Message`], or a [`ReadError`] with every finding.

use crate::Wet;
use crate::finding::{Finding, Level, ReadError};
use crate::model::*;
use crate::wet::{BerichtType, NamespaceProblem, basis_namespace, identify_namespace};
use crate::xml::element::Element;
use crate::xml::input::{ReadCx, XmlIn};

/// The largest message accepted: 25 MB (OP179; the knooppunt refuses larger files, IB012).
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

fn xml_error(message: impl Into<String>) -> ReadError {
    ReadError::single(Finding::new(Level::Xml, "", None, message))
}

/// Check size and encoding before any parsing. Returns the document without a UTF-8 BOM.
fn check_bytes(bytes: &[u8]) -> Result<&[u8], ReadError> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(ReadError::single(Finding::new(
            Level::Xml,
            "",
            Some("OP179"),
            format!("message is {} bytes, more than the limit of 25 MB ({MAX_MESSAGE_BYTES} bytes)", bytes.len()),
        )));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(xml_error("wrong encoding: UTF-16 byte order mark; iWmo/iJw messages are UTF-8"));
    }
    // UTF-8 is checked by quick-xml on every event (text, tags, references, comments), so
    // not here in a pass of its own; see `fatal_error` in `xml::input` for the wording.
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Some(pos) = memchr::memchr(0, bytes) {
        return Err(xml_error(format!("NUL character at byte {pos} is not allowed in XML")));
    }
    Ok(bytes)
}

/// Read one message. Identifies law, release and message type from the root namespace URI
/// (never from the prefix), reads every element with level-1 checks, and cross-checks
/// BerichtCode, BerichtVersie and BerichtSubversie against the namespace.
pub fn read(bytes: &[u8]) -> Result<Message, ReadError> {
    let bytes = check_bytes(bytes)?;
    let mut input = XmlIn::new(bytes);
    let mut cx = ReadCx::new(Wet::IJw, "", "");
    let root = input.root(&mut cx).map_err(|f| ReadError::single(*f.0))?;
    let Some(namespace) = root.namespace else {
        return Err(xml_error(format!("root element {} has no namespace: not an iWmo/iJw message", root.local)));
    };
    let (wet, release, bericht_type) = identify_namespace(&namespace).map_err(|problem| {
        xml_error(match problem {
            NamespaceProblem::Unknown => format!("unknown namespace {namespace:?}: not an iWmo/iJw message"),
            NamespaceProblem::UnknownRelease(r) => format!("unknown release {r} in namespace {namespace:?}"),
            NamespaceProblem::UnknownMessage(m) => format!("unknown message {m} in namespace {namespace:?}"),
        })
    })?;
    if root.local != "Bericht" {
        return Err(ReadError::single(Finding::new(
            Level::Schema,
            root.local.as_str(),
            Some("XSD"),
            format!("root element must be Bericht, found {}", root.local),
        )));
    }
    cx.set_namespaces(wet, &namespace, &basis_namespace(wet, release));
    input.set_namespaces(&cx);
    let bericht =
        read_body(bericht_type, &mut input, &mut cx).and_then(|b| input.finish(&cx).map(|()| b)).map_err(|f| {
            let mut findings = std::mem::take(&mut cx.findings);
            findings.push(*f.0);
            ReadError { findings }
        })?;
    let mut findings = cx.findings;
    let Some(bericht) = bericht else {
        return Err(ReadError { findings });
    };
    let message = Message { wet, release, bericht };
    check_identity(&message, &mut findings);
    if findings.is_empty() { Ok(message) } else { Err(ReadError { findings }) }
}

fn read_body(
    t: BerichtType,
    input: &mut XmlIn<'_>,
    cx: &mut ReadCx,
) -> Result<Option<Bericht>, crate::xml::input::Fatal> {
    Ok(match t {
        BerichtType::T301 => Bericht301::read(input, cx)?.map(Bericht::Toewijzing),
        BerichtType::T302 => Bericht302::read(input, cx)?.map(Bericht::ToewijzingRetour),
        BerichtType::T305 => Bericht305::read(input, cx)?.map(Bericht::Start),
        BerichtType::T306 => Bericht306::read(input, cx)?.map(Bericht::StartRetour),
        BerichtType::T307 => Bericht307::read(input, cx)?.map(Bericht::Stop),
        BerichtType::T308 => Bericht308::read(input, cx)?.map(Bericht::StopRetour),
        BerichtType::T315 => Bericht315::read(input, cx)?.map(Bericht::VerzoekOmToewijzing),
        BerichtType::T316 => Bericht316::read(input, cx)?.map(Bericht::VerzoekOmToewijzingRetour),
        BerichtType::T317 => Bericht317::read(input, cx)?.map(Bericht::VerzoekOmWijziging),
        BerichtType::T318 => Bericht318::read(input, cx)?.map(Bericht::VerzoekOmWijzigingRetour),
        BerichtType::T319 => Bericht319::read(input, cx)?.map(Bericht::Antwoord),
        BerichtType::T320 => Bericht320::read(input, cx)?.map(Bericht::AntwoordRetour),
        BerichtType::T323 => Bericht323::read(input, cx)?.map(Bericht::Declaratie),
        BerichtType::T325 => Bericht325::read(input, cx)?.map(Bericht::DeclaratieAntwoord),
    })
}

/// The XSD of each message fixes BerichtCode, BerichtVersie and BerichtSubversie with a pattern.
fn check_identity(message: &Message, findings: &mut Vec<Finding>) {
    let kop = message.bericht.kop();
    let expected = message.bericht_type().bericht_code(message.wet).to_string();
    if kop.bericht_code.as_str() != expected {
        findings.push(Finding::new(
            Level::Schema,
            "Header/BerichtCode",
            Some("XSD"),
            format!(
                "BerichtCode {} does not match the namespace of {} (expected {expected})",
                kop.bericht_code,
                message.name()
            ),
        ));
    }
    for (name, value, want) in [
        ("Header/BerichtVersie", kop.bericht_versie.0, message.release.versie()),
        ("Header/BerichtSubversie", kop.bericht_subversie.0, message.release.subversie()),
    ] {
        if value != want {
            findings.push(Finding::new(
                Level::Schema,
                name,
                Some(if name.ends_with("Subversie") { "CS015" } else { "CS025" }),
                format!(
                    "{value} does not match release {}.{} of the namespace (expected {want})",
                    message.release.versie(),
                    message.release.subversie()
                ),
            ));
        }
    }
}
