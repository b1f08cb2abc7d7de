//! The StUF-GGk envelope (koppelvlak GGk 2.1.04) in which gemeenten exchange iWmo/iJw
//! messages with the Gemeentelijk Gegevensknooppunt: `envelopHeenbericht-ggk_Di01` around a
//! heenbericht and `envelopRetourbericht-ggk_Du01` around its retour, which points back with
//! `crossRefnummer`. The envelope carries the routing data (sender, receiver, UUID, timestamp,
//! message name) and the message itself in base64.
//!
//! Reading is namespace-aware and refuses DOCTYPE declarations and oversized input, like the
//! message reader. No I/O.

use base64::Engine;
use chrono::NaiveDateTime;
use quick_xml::Reader;
use quick_xml::events::Event;

const STUF: &str = "http://www.egem.nl/StUF/StUF0301";
const GGK: &str = "http://www.stufstandaarden.nl/koppelvlak/ggk0210";

/// The largest envelope accepted: a 25 MB message in base64, plus the envelope itself.
pub const MAX_ENVELOPE_BYTES: usize = 25 * 1024 * 1024 * 4 / 3 + 64 * 1024;

/// Heen (Di01) or retour (Du01).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Soort {
    Di01,
    Du01,
}

impl Soort {
    fn root(self) -> &'static str {
        match self {
            Soort::Di01 => "envelopHeenbericht-ggk_Di01",
            Soort::Du01 => "envelopRetourbericht-ggk_Du01",
        }
    }
}

/// `StUF:zender` / `StUF:ontvanger`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Systeem {
    /// The gemeentecode or AGB code.
    pub organisatie: String,
    pub applicatie: String,
}

/// One envelope with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub soort: Soort,
    pub zender: Systeem,
    pub ontvanger: Systeem,
    /// The UUID of this message (`referentienummer`).
    pub referentienummer: String,
    /// `tijdstipBericht`, `yyyyMMddHHmmss` on the wire.
    pub tijdstip: NaiveDateTime,
    /// For a Du01: the `referentienummer` of its Di01.
    pub cross_ref: Option<String>,
    /// The message name: `WMO301`, `JW302`, …
    pub functie: String,
    /// The iWmo/iJw message, decoded.
    pub bericht: Vec<u8>,
}

/// A transport error (`StUF:Fo01Bericht`): the knooppunt refused the message whose
/// `referentienummer` is `cross_ref`, with an IB code (the Fo01 code list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foutbericht {
    /// The knooppunt (`IB`, `GGK`).
    pub zender: Systeem,
    /// The sender of the refused message.
    pub ontvanger: Systeem,
    pub referentienummer: String,
    pub tijdstip: NaiveDateTime,
    /// The `referentienummer` of the refused message.
    pub cross_ref: String,
    /// `IB014`, …
    pub code: String,
    /// `client` or `server`.
    pub plek: String,
    pub omschrijving: String,
    pub details: Option<String>,
}

/// What a StUF file holds: an envelope with its message, or a transport error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stuf {
    Envelope(Envelope),
    Fout(Foutbericht),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("envelope is {0} bytes, more than the limit of {MAX_ENVELOPE_BYTES}")]
    TooLarge(usize),
    #[error("DOCTYPE is not allowed in an envelope")]
    Doctype,
    #[error("malformed XML at byte {position}: {message}")]
    Malformed { position: u64, message: String },
    #[error("not a StUF-GGk envelope: root {0}")]
    NotAnEnvelope(String),
    #[error("{path}: {message}")]
    Field { path: String, message: String },
}

fn field(path: &str, message: impl Into<String>) -> EnvelopeError {
    EnvelopeError::Field { path: path.to_owned(), message: message.into() }
}

/// The leaf values of an envelope by path below the root (`stuurgegevens/functie`), and which
/// envelope it is.
/// The root element of a StUF file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    Envelope(Soort),
    Fo01,
}

#[derive(Default)]
struct Scan {
    root: Option<Root>,
    stack: Vec<String>,
    /// Namespace declarations, taken document-wide (envelopes declare them on the root).
    prefixes: Vec<(String, String)>,
    values: Vec<(String, String)>,
}

impl Scan {
    fn path(&self) -> String {
        self.stack.get(1..).unwrap_or_default().join("/")
    }

    fn start(&mut self, start: &quick_xml::events::BytesStart<'_>, self_closing: bool) -> Result<(), EnvelopeError> {
        for attr in start.attributes().with_checks(true) {
            let attr = attr.map_err(|e| field(&self.path(), format!("malformed attribute: {e}")))?;
            let key = attr.key.as_ref().as_bytes();
            let prefix = if key == b"xmlns" { Some(&b""[..]) } else { key.strip_prefix(b"xmlns:") };
            if let Some(prefix) = prefix {
                self.prefixes.push((String::from_utf8_lossy(prefix).into_owned(), attr.value.to_string()));
            }
        }
        let qname = start.name().as_ref().to_owned();
        let (prefix, local) = qname.split_once(':').unwrap_or(("", qname.as_str()));
        let ns = self.prefixes.iter().rev().find(|(p, _)| p == prefix).map_or("", |(_, u)| u.as_str());
        if self.stack.is_empty() {
            self.root = Some(match (ns, local) {
                (GGK, "envelopHeenbericht-ggk_Di01") => Root::Envelope(Soort::Di01),
                (GGK, "envelopRetourbericht-ggk_Du01") => Root::Envelope(Soort::Du01),
                (STUF, "Fo01Bericht") => Root::Fo01,
                _ => return Err(EnvelopeError::NotAnEnvelope(format!("{{{ns}}}{local}"))),
            });
        } else if ns != STUF && ns != GGK && !self.stack.iter().any(|e| e == "detailsXML") {
            // `detailsXML` holds any XML (the XSD skips it).
            return Err(field(&self.path(), format!("element {local} in unknown namespace {ns:?}")));
        }
        if !self_closing {
            self.stack.push(local.to_owned());
        }
        Ok(())
    }

    fn text(&mut self, text: &str) {
        let path = self.path();
        match self.values.last_mut() {
            Some((p, v)) if *p == path => v.push_str(text),
            _ => self.values.push((path, text.to_owned())),
        }
    }

    fn get(&self, path: &str) -> Option<String> {
        self.values.iter().find(|(p, _)| p == path).map(|(_, v)| v.trim().to_owned())
    }

    fn need(&self, path: &str) -> Result<String, EnvelopeError> {
        self.get(path).ok_or_else(|| field(path, "required element is missing"))
    }
}

/// Read an envelope and decode its message; a Fo01 is refused here (see [`read_any`]).
pub fn read(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
    match read_any(bytes)? {
        Stuf::Envelope(e) => Ok(e),
        Stuf::Fout(_) => Err(EnvelopeError::NotAnEnvelope(format!("{{{STUF}}}Fo01Bericht"))),
    }
}

/// Read a StUF file: an envelope (its message decoded) or a transport error.
pub fn read_any(bytes: &[u8]) -> Result<Stuf, EnvelopeError> {
    if bytes.len() > MAX_ENVELOPE_BYTES {
        return Err(EnvelopeError::TooLarge(bytes.len()));
    }
    let mut reader = Reader::from_reader(bytes);
    let mut scan = Scan::default();
    loop {
        let position = reader.buffer_position();
        match reader.read_event().map_err(|e| EnvelopeError::Malformed { position, message: e.to_string() })? {
            Event::DocType(_) => return Err(EnvelopeError::Doctype),
            Event::Start(start) => scan.start(&start, false)?,
            Event::Empty(start) => scan.start(&start, true)?,
            Event::End(_) => {
                scan.stack.pop();
            }
            Event::Text(t) => scan.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&r).unwrap_or_default().to_owned(),
                };
                scan.text(&text);
            }
            Event::Eof if !scan.stack.is_empty() => {
                let position = reader.buffer_position();
                return Err(EnvelopeError::Malformed {
                    position,
                    message: format!("truncated: {} not closed", scan.stack.join("/")),
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let root = scan.root.ok_or_else(|| EnvelopeError::NotAnEnvelope("(empty)".to_owned()))?;
    let tijdstip_text = scan.need("stuurgegevens/tijdstipBericht")?;
    let tijdstip = NaiveDateTime::parse_from_str(tijdstip_text.get(..14).unwrap_or(&tijdstip_text), "%Y%m%d%H%M%S")
        .map_err(|_| field("stuurgegevens/tijdstipBericht", format!("{tijdstip_text:?} is not yyyyMMddHHmmss")))?;
    let systeem = |side: &str| -> Result<Systeem, EnvelopeError> {
        Ok(Systeem {
            organisatie: scan.need(&format!("stuurgegevens/{side}/organisatie"))?,
            applicatie: scan.need(&format!("stuurgegevens/{side}/applicatie"))?,
        })
    };
    let soort = match root {
        Root::Envelope(soort) => soort,
        Root::Fo01 => return fout(&scan, tijdstip, systeem("zender")?, systeem("ontvanger")?).map(Stuf::Fout),
    };
    let (payload_path, payload) = match scan.get("parameters/bericht/xmlBestand") {
        Some(p) => ("parameters/bericht/xmlBestand", p),
        None => ("parameters/bericht/tekstBestand", scan.need("parameters/bericht/tekstBestand")?),
    };
    let compact: String = payload.split_ascii_whitespace().collect();
    let bericht = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| field(payload_path, format!("not base64: {e}")))?;
    if bericht.is_empty() {
        return Err(field(payload_path, "the envelope holds no message"));
    }
    let cross_ref = scan.get("stuurgegevens/crossRefnummer");
    if soort == Soort::Du01 && cross_ref.is_none() {
        return Err(field("stuurgegevens/crossRefnummer", "a Du01 needs the referentienummer of its Di01"));
    }
    Ok(Stuf::Envelope(Envelope {
        soort,
        zender: systeem("zender")?,
        ontvanger: systeem("ontvanger")?,
        referentienummer: scan.need("stuurgegevens/referentienummer")?,
        tijdstip,
        cross_ref,
        functie: scan.need("stuurgegevens/functie")?,
        bericht,
    }))
}

/// The fields of a Fo01, checked against the StUF 03.01 types.
fn fout(
    scan: &Scan,
    tijdstip: NaiveDateTime,
    zender: Systeem,
    ontvanger: Systeem,
) -> Result<Foutbericht, EnvelopeError> {
    let code = scan.need("body/code")?;
    if code.chars().count() > 7 {
        return Err(field("body/code", format!("{code:?} is longer than 7 characters (StUF:Foutcode)")));
    }
    let plek = scan.need("body/plek")?;
    if plek != "client" && plek != "server" {
        return Err(field("body/plek", format!("{plek:?} is not client or server (StUF:Foutplek)")));
    }
    Ok(Foutbericht {
        zender,
        ontvanger,
        referentienummer: scan.need("stuurgegevens/referentienummer")?,
        tijdstip,
        cross_ref: scan.need("stuurgegevens/crossRefnummer")?,
        code,
        plek,
        omschrijving: scan.need("body/omschrijving")?,
        details: scan.get("body/details"),
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// `StUF:zender` or `StUF:ontvanger`, indented two levels.
fn systeem(tag: &str, s: &Systeem) -> String {
    format!(
        "\t\t<StUF:{tag}>\n\t\t\t<StUF:organisatie>{}</StUF:organisatie>\n\t\t\t<StUF:applicatie>{}</StUF:applicatie>\n\t\t</StUF:{tag}>\n",
        escape(&s.organisatie),
        escape(&s.applicatie)
    )
}

/// Write a transport error, without `detailsXML`.
pub fn write_fout(fout: &Foutbericht) -> Vec<u8> {
    let mut out = String::with_capacity(1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<StUF:Fo01Bericht xmlns:StUF=\"{STUF}\">\n\t<StUF:stuurgegevens>\n"));
    out.push_str("\t\t<StUF:berichtcode>Fo01</StUF:berichtcode>\n");
    out.push_str(&systeem("zender", &fout.zender));
    out.push_str(&systeem("ontvanger", &fout.ontvanger));
    let leaf = |out: &mut String, tag: &str, text: &str| {
        out.push_str(&format!("\t\t<StUF:{tag}>{}</StUF:{tag}>\n", escape(text)));
    };
    leaf(&mut out, "referentienummer", &fout.referentienummer);
    leaf(&mut out, "tijdstipBericht", &fout.tijdstip.format("%Y%m%d%H%M%S").to_string());
    leaf(&mut out, "crossRefnummer", &fout.cross_ref);
    out.push_str("\t</StUF:stuurgegevens>\n\t<StUF:body>\n");
    leaf(&mut out, "code", &fout.code);
    leaf(&mut out, "plek", &fout.plek);
    leaf(&mut out, "omschrijving", &fout.omschrijving);
    if let Some(details) = &fout.details {
        leaf(&mut out, "details", details);
    }
    out.push_str("\t</StUF:body>\n</StUF:Fo01Bericht>\n");
    out.into_bytes()
}

/// Write an envelope, its message in base64 as `xmlBestand`.
pub fn write(envelope: &Envelope) -> Vec<u8> {
    let root = envelope.soort.root();
    let code = match envelope.soort {
        Soort::Di01 => "Di01",
        Soort::Du01 => "Du01",
    };
    let mut out = String::with_capacity(envelope.bericht.len() * 4 / 3 + 1200);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<GGK:{root} xmlns:StUF=\"{STUF}\" xmlns:GGK=\"{GGK}\">\n\t<GGK:stuurgegevens>\n"));
    out.push_str(&format!("\t\t<StUF:berichtcode>{code}</StUF:berichtcode>\n"));
    out.push_str(&systeem("zender", &envelope.zender));
    out.push_str(&systeem("ontvanger", &envelope.ontvanger));
    out.push_str(&format!(
        "\t\t<StUF:referentienummer>{}</StUF:referentienummer>\n",
        escape(&envelope.referentienummer)
    ));
    out.push_str(&format!(
        "\t\t<StUF:tijdstipBericht>{}</StUF:tijdstipBericht>\n",
        envelope.tijdstip.format("%Y%m%d%H%M%S")
    ));
    if let Some(cross_ref) = &envelope.cross_ref {
        out.push_str(&format!("\t\t<StUF:crossRefnummer>{}</StUF:crossRefnummer>\n", escape(cross_ref)));
    }
    out.push_str(&format!("\t\t<StUF:functie>{}</StUF:functie>\n\t</GGK:stuurgegevens>\n", escape(&envelope.functie)));
    out.push_str("\t<GGK:parameters>\n\t\t<GGK:applicatieVersie>0004</GGK:applicatieVersie>\n\t\t<GGK:applicatieSubversie>0003</GGK:applicatieSubversie>\n");
    out.push_str(
        "\t\t<GGK:functieVersie>0003</GGK:functieVersie>\n\t\t<GGK:functieSubversie>0002</GGK:functieSubversie>\n",
    );
    out.push_str("\t\t<GGK:bericht>\n\t\t\t<GGK:xmlBestand>");
    out.push_str(&base64::engine::general_purpose::STANDARD.encode(&envelope.bericht));
    out.push_str(&format!("</GGK:xmlBestand>\n\t\t</GGK:bericht>\n\t</GGK:parameters>\n</GGK:{root}>\n"));
    out.into_bytes()
}
