//! Loading one gemeente from the lake: every stored message, parsed once, with its
//! deliveries folded into one receipt (the first delivery accepted at transport counts). A
//! delivery is refused at transport when its routing record says so or when the knooppunt
//! sent a transport error (Fo01) for its UUID.
//!
//! The parsed message is not kept: what the tables need of it is taken out while it is at
//! hand (its header, the verdict of an answer, the in-message rule findings, and the content
//! of the tables in [`Inhoud`]), so that memory holds a few hundred bytes per message instead
//! of the whole typed message.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use arrow_array::{Array, BinaryArray, Int64Array, RecordBatch, StringArray, TimestampSecondArray};
use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_message::{Bericht, BerichtType, Message, Wet};
use ketenzicht_store::Lake;

use crate::KetendataError;
use crate::declaraties::{Beoordeling, Declaratie};
use crate::link::{Antwoord, HeenKey};
use crate::regie::Regel;
use crate::toewijzingen::Versie;
use crate::verzoeken::{Reactie, Verzoek};

/// Text taken from the messages, shared: codes, AGB codes and BSNs recur in many messages,
/// and each distinct value is held once per build (see [`Interner`]).
pub type Tekst = Rc<str>;

/// Hands out one [`Tekst`] per distinct value.
#[derive(Debug, Default)]
pub struct Interner {
    set: HashSet<Tekst>,
    buf: String,
}

impl Interner {
    pub fn get(&mut self, s: &str) -> Tekst {
        if let Some(t) = self.set.get(s) {
            return t.clone();
        }
        let t: Tekst = s.into();
        self.set.insert(t.clone());
        t
    }

    /// The shared text of a value as it is written in the message.
    pub fn of(&mut self, value: impl std::fmt::Display) -> Tekst {
        use std::fmt::Write;
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let _ = write!(buf, "{value}");
        let t = self.get(&buf);
        self.buf = buf;
        t
    }
}

/// One stored message: what its deliveries say and what the tables need of its content.
#[derive(Debug)]
pub struct Msg {
    pub id: i64,
    pub wet: Wet,
    pub bericht_type: BerichtType,
    /// The aanbieder of the message, whichever way it went.
    pub aanbieder: Tekst,
    /// The real sender (of a retour: the heenbericht's receiver) and its own identification.
    pub verzender: Tekst,
    pub identificatie: Tekst,
    pub dagtekening: NaiveDate,
    /// The receipt of the counting delivery; the Dagtekening (00:00) without routing data.
    pub ontvangen: NaiveDateTime,
    /// `ontvangen` (routing or envelope) or `dagtekening` (no routing data).
    pub t0_bron: T0Bron,
    pub uuid: Option<Box<str>>,
    pub leveringen: i64,
    /// Every delivery was refused at transport: the message counts as not sent.
    pub transport_afgewezen: bool,
    pub transport: Option<Tekst>,
    pub transport_code: Option<Tekst>,
    /// In-message rule findings (`rule@path`, space-separated).
    pub regelcontrole: Option<Box<str>>,
    /// Of a retour or 325: the heenbericht it answers, its codes and its verdict.
    pub antwoord: Option<Box<Antwoord>>,
    pub inhoud: Inhoud,
}

impl Msg {
    /// The message's name, e.g. `WMO301`.
    pub fn name(&self) -> String {
        self.bericht_type.name(self.wet)
    }

    /// The key under which answers find this heenbericht.
    pub fn eigen_key(&self) -> HeenKey {
        (self.wet, self.bericht_type, self.verzender.clone(), self.identificatie.clone(), self.dagtekening)
    }
}

/// Where `ontvangen` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T0Bron {
    /// The knooppunt's routing data or the StUF-GGk envelope.
    Ontvangen,
    /// No routing data: the Dagtekening at 00:00.
    Dagtekening,
}

impl T0Bron {
    pub fn as_str(self) -> &'static str {
        match self {
            T0Bron::Ontvangen => "ontvangen",
            T0Bron::Dagtekening => "dagtekening",
        }
    }
}

/// What the tables other than `berichten` need of a message's content.
#[derive(Debug)]
pub enum Inhoud {
    /// A retour (other than the 325): nothing beyond its header and codes.
    Geen,
    /// 301: every toegewezen product.
    Toewijzing(Vec<Versie>),
    /// 305 and 307: every StartProduct or StopProduct.
    Regie(Vec<Regel>),
    /// 315 (every aangevraagd product) and 317 (the one request).
    Verzoeken(Vec<Verzoek>),
    /// 319: the answer to a request.
    Reactie(Box<Reactie>),
    /// 323.
    Declaratie(Box<Declaratie>),
    /// 325.
    Beoordeling(Box<Beoordeling>),
}

/// One delivery of a message, from `leveringen`.
struct Levering {
    bericht: i64,
    uuid: Option<Box<str>>,
    ontvangen: Option<NaiveDateTime>,
    transport: Option<Tekst>,
    transport_code: Option<Tekst>,
}

/// Every delivery of one gemeente's messages, ordered by message and then receipt (a
/// delivery without a receipt last), so that a message finds its deliveries by binary
/// search instead of through a map of small vectors.
fn leveringen(
    lake: &Lake,
    fouten: &HashMap<String, String>,
    gemeente: &str,
    t: &mut Interner,
) -> Result<Vec<Levering>, KetendataError> {
    let mut out = Vec::new();
    for file in lake.files(ketenzicht_store::lake::LEVERINGEN, gemeente)? {
        let names = ["bericht_id", "uuid", "ontvangen", "transport", "transport_code"];
        let (_, batches) = ketenzicht_store::parquet_io::read_batches(&file, Some(&names))?;
        for batch in batches {
            let ids = column::<Int64Array>(&batch, "bericht_id", &file)?;
            let ontvangen = column::<TimestampSecondArray>(&batch, "ontvangen", &file)?;
            let uuid = column::<StringArray>(&batch, "uuid", &file)?;
            let transport = column::<StringArray>(&batch, "transport", &file)?;
            let code = column::<StringArray>(&batch, "transport_code", &file)?;
            fn text(a: &StringArray, row: usize) -> Option<&str> {
                (!a.is_null(row)).then(|| a.value(row))
            }
            for row in 0..batch.num_rows() {
                if ids.is_null(row) {
                    continue;
                }
                let id = text(uuid, row);
                let (transport, transport_code) = match id.and_then(|u| fouten.get(u)) {
                    Some(fo01) => (Some(t.get("afgewezen")), Some(t.get(fo01))),
                    None => (text(transport, row).map(|s| t.get(s)), text(code, row).map(|s| t.get(s))),
                };
                out.push(Levering {
                    bericht: ids.value(row),
                    uuid: id.map(Into::into),
                    ontvangen: (!ontvangen.is_null(row))
                        .then(|| ketenzicht_store::parquet_io::timestamp_seconds(ontvangen.value(row)))
                        .flatten(),
                    transport,
                    transport_code,
                });
            }
        }
    }
    out.sort_by_key(|l| (l.bericht, l.ontvangen.is_none(), l.ontvangen));
    Ok(out)
}

/// A column of a lake file's batch, as the Arrow type the lake writes it in.
fn column<'b, A: Array + 'static>(
    batch: &'b RecordBatch,
    name: &str,
    file: &std::path::Path,
) -> Result<&'b A, KetendataError> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<A>())
        .ok_or_else(|| KetendataError::Lake(format!("{}: no column {name} of the expected type", file.display())))
}

/// Every message of one gemeente, sorted by receipt (then id). `fouten` are the gemeente's
/// transport errors (Fo01) from the ledger: refused delivery UUID → error code.
pub fn load(lake: &Lake, fouten: &HashMap<String, String>, gemeente: &str) -> Result<Vec<Msg>, KetendataError> {
    let mut teksten = Interner::default();
    let mut leveringen = leveringen(lake, fouten, gemeente, &mut teksten)?;
    let mut out = Vec::new();
    for file in lake.files(ketenzicht_store::lake::RUW, gemeente)? {
        // Straight from the Arrow buffers: no copy of each message's XML.
        for batch in lake.batch_iter(&file, gemeente, Some(&["bericht_id", "xml"]), 4096)? {
            let batch = batch?;
            let ids = column::<Int64Array>(&batch, "bericht_id", &file)?;
            let xml = column::<BinaryArray>(&batch, "xml", &file)?;
            for row in 0..batch.num_rows() {
                if ids.is_null(row) {
                    continue;
                }
                let (bericht, bytes) = (ids.value(row), if xml.is_null(row) { &[][..] } else { xml.value(row) });
                let first = leveringen.partition_point(|l| l.bericht < bericht);
                let end = first + leveringen[first..].partition_point(|l| l.bericht == bericht);
                out.push(parse_one(file.as_path(), bericht, bytes, &mut leveringen[first..end], &mut teksten)?);
            }
        }
    }
    // (ontvangen, id) is unique: the unstable sort gives the same order without a buffer.
    out.sort_unstable_by_key(|m| (m.ontvangen, m.id));
    Ok(out)
}

/// One stored message, parsed again, with its deliveries folded into one receipt.
fn parse_one(
    file: &std::path::Path,
    bericht: i64,
    bytes: &[u8],
    deliveries: &mut [Levering],
    t: &mut Interner,
) -> Result<Msg, KetendataError> {
    let message = ketenzicht_message::read(bytes)
        .map_err(|e| KetendataError::Lake(format!("{}: bericht {bericht} no longer reads: {e}", file.display())))?;
    let counting = deliveries
        .iter()
        .position(|l| l.transport.as_deref() != Some("afgewezen"))
        .or((!deliveries.is_empty()).then_some(0));
    let eigen = message.bericht.eigen_identiteit();
    let dagtekening = eigen.dagtekening.0;
    let (ontvangen, t0_bron) = match counting.and_then(|c| deliveries[c].ontvangen) {
        Some(at) => (at, T0Bron::Ontvangen),
        None => (dagtekening.and_hms_opt(0, 0, 0).unwrap_or_default(), T0Bron::Dagtekening),
    };
    let transport_afgewezen =
        !deliveries.is_empty() && deliveries.iter().all(|l| l.transport.as_deref() == Some("afgewezen"));
    let leveringen = deliveries.len() as i64;
    let (uuid, transport, transport_code) = match counting {
        Some(c) => {
            let l = &mut deliveries[c];
            (l.uuid.take(), l.transport.take(), l.transport_code.take())
        }
        None => (None, None, None),
    };
    let regels: Vec<String> = ketenzicht_message::rules::check(&message)
        .iter()
        .map(|f| format!("{}@{}", f.rule.unwrap_or("?"), f.path))
        .collect();
    let (_, aanbieder) = message.bericht.partijen();
    Ok(Msg {
        id: bericht,
        wet: message.wet,
        bericht_type: message.bericht_type(),
        aanbieder: t.of(aanbieder),
        verzender: t.of(eigen.verzender),
        identificatie: t.of(eigen.identificatie),
        dagtekening,
        ontvangen,
        t0_bron,
        uuid,
        leveringen,
        transport_afgewezen,
        transport,
        transport_code,
        regelcontrole: (!regels.is_empty()).then(|| regels.join(" ").into()),
        antwoord: Antwoord::of(&message, t).map(Box::new),
        inhoud: inhoud(&message, bericht, ontvangen, t),
    })
}

/// What the tables need of one message's content.
fn inhoud(message: &Message, id: i64, ontvangen: NaiveDateTime, t: &mut Interner) -> Inhoud {
    let wet = message.wet;
    match &message.bericht {
        Bericht::Toewijzing(b) => Inhoud::Toewijzing(crate::toewijzingen::versies_van(b, wet, id, ontvangen, t)),
        Bericht::Start(_) | Bericht::Stop(_) => {
            Inhoud::Regie(crate::regie::regels_van(&message.bericht, wet, id, ontvangen, t))
        }
        Bericht::VerzoekOmToewijzing(_) | Bericht::VerzoekOmWijziging(_) => {
            Inhoud::Verzoeken(crate::verzoeken::verzoeken_van(&message.bericht, wet, id, ontvangen, t))
        }
        Bericht::Antwoord(b) => Inhoud::Reactie(Box::new(crate::verzoeken::reactie_van(b, ontvangen, t))),
        Bericht::Declaratie(b) => Inhoud::Declaratie(Box::new(crate::declaraties::declaratie_van(b, t))),
        Bericht::DeclaratieAntwoord(b) => Inhoud::Beoordeling(Box::new(crate::declaraties::beoordeling_van(b, t))),
        _ => Inhoud::Geen,
    }
}
