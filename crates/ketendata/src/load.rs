//! Loading one gemeente from the lake: every stored message, parsed again, with its
//! deliveries folded into one receipt (the first delivery accepted at transport counts). A
//! delivery is refused at transport when its routing record says so or when the knooppunt
//! sent a transport error (Fo01) for its UUID.

use std::collections::HashMap;

use arrow_array::{Array, BinaryArray, Int64Array};
use chrono::NaiveDateTime;
use ketenzicht_message::Message;
use ketenzicht_store::{Store, Table, Value};

use crate::KetendataError;

/// One stored message with what its deliveries say.
#[derive(Debug)]
pub struct Msg {
    pub id: i64,
    pub message: Message,
    pub name: String,
    /// The receipt of the counting delivery; the Dagtekening (00:00) without routing data.
    pub ontvangen: NaiveDateTime,
    /// `ontvangen` (routing or envelope) or `dagtekening` (no routing data).
    pub t0_bron: &'static str,
    pub uuid: Option<String>,
    pub leveringen: i64,
    /// Every delivery was refused at transport: the message counts as not sent.
    pub transport_afgewezen: bool,
    pub transport: Option<String>,
    pub transport_code: Option<String>,
}

struct Levering {
    uuid: Option<String>,
    ontvangen: Option<NaiveDateTime>,
    transport: Option<String>,
    transport_code: Option<String>,
}

fn text(row: &[Value], i: usize) -> Option<String> {
    row.get(i).and_then(Value::as_text).map(str::to_owned)
}

fn column(table: &Table, name: &str, file: &std::path::Path) -> Result<usize, KetendataError> {
    table.column(name).ok_or_else(|| KetendataError::Lake(format!("{}: no column {name}", file.display())))
}

/// Every message of one gemeente, sorted by receipt (then id).
pub fn load(store: &Store, gemeente: &str) -> Result<Vec<Msg>, KetendataError> {
    let fouten: HashMap<String, String> = store.ledger.transportfouten(gemeente)?.into_iter().collect();
    let mut leveringen: HashMap<i64, Vec<Levering>> = HashMap::new();
    for file in store.files(ketenzicht_store::lake::LEVERINGEN, gemeente)? {
        let table = ketenzicht_store::parquet_io::read_parquet(&file)?;
        let [id, uuid, ontvangen, transport, code] =
            ["bericht_id", "uuid", "ontvangen", "transport", "transport_code"].map(|c| column(&table, c, &file));
        let (id, uuid, ontvangen, transport, code) = (id?, uuid?, ontvangen?, transport?, code?);
        for row in &table.rows {
            let Some(bericht) = row[id].as_int() else { continue };
            let uuid = text(row, uuid);
            let (transport, transport_code) = match uuid.as_ref().and_then(|u| fouten.get(u)) {
                Some(fo01) => (Some("afgewezen".to_owned()), Some(fo01.clone())),
                None => (text(row, transport), text(row, code)),
            };
            leveringen.entry(bericht).or_default().push(Levering {
                uuid,
                ontvangen: row[ontvangen].as_timestamp(),
                transport,
                transport_code,
            });
        }
    }
    let mut out = Vec::new();
    let lake = store.lake();
    for file in store.files(ketenzicht_store::lake::RUW, gemeente)? {
        // Straight from the Arrow buffers: no copy of each message's XML.
        for batch in lake.read_batches(&file, gemeente, Some(&["bericht_id", "xml"]))? {
            let missing = |name: &str| KetendataError::Lake(format!("{}: no column {name}", file.display()));
            let ids = batch.column_by_name("bericht_id").and_then(|c| c.as_any().downcast_ref::<Int64Array>());
            let xml = batch.column_by_name("xml").and_then(|c| c.as_any().downcast_ref::<BinaryArray>());
            let (ids, xml) = (ids.ok_or_else(|| missing("bericht_id"))?, xml.ok_or_else(|| missing("xml"))?);
            for row in 0..batch.num_rows() {
                if ids.is_null(row) {
                    continue;
                }
                let (bericht, bytes) = (ids.value(row), if xml.is_null(row) { &[][..] } else { xml.value(row) });
                out.push(parse_one(file.as_path(), bericht, bytes, &mut leveringen)?);
            }
        }
    }
    out.sort_by_key(|m| (m.ontvangen, m.id));
    Ok(out)
}

/// One stored message, parsed again, with its deliveries folded into one receipt.
fn parse_one(
    file: &std::path::Path,
    bericht: i64,
    bytes: &[u8],
    leveringen: &mut HashMap<i64, Vec<Levering>>,
) -> Result<Msg, KetendataError> {
    let message = ketenzicht_message::read(bytes)
        .map_err(|e| KetendataError::Lake(format!("{}: bericht {bericht} no longer reads: {e}", file.display())))?;
    let mut deliveries = leveringen.remove(&bericht).unwrap_or_default();
    deliveries.sort_by_key(|l| (l.ontvangen.is_none(), l.ontvangen));
    let counting =
        deliveries.iter().find(|l| l.transport.as_deref() != Some("afgewezen")).or_else(|| deliveries.first());
    let dagtekening = message.bericht.eigen_identiteit().dagtekening.0;
    let (ontvangen, t0_bron) = match counting.and_then(|l| l.ontvangen) {
        Some(t) => (t, "ontvangen"),
        None => (dagtekening.and_hms_opt(0, 0, 0).unwrap_or_default(), "dagtekening"),
    };
    Ok(Msg {
        id: bericht,
        name: message.name(),
        message,
        ontvangen,
        t0_bron,
        uuid: counting.and_then(|l| l.uuid.clone()),
        leveringen: deliveries.len() as i64,
        transport_afgewezen: !deliveries.is_empty()
            && deliveries.iter().all(|l| l.transport.as_deref() == Some("afgewezen")),
        transport: counting.and_then(|l| l.transport.clone()),
        transport_code: counting.and_then(|l| l.transport_code.clone()),
    })
}
