//! The rows of a batch's lake files (`ruw` and `leveringen`), gathered column by column into
//! Arrow builders as the storing thread takes each message.
//!
//! Gathered as rows of [`ketenzicht_store::Value`]s, every message cost some fifteen small
//! allocations on the storing thread, and the writer thread then copied every cell into Arrow
//! arrays and freed the rows again: a third of the writer's time. A message's XML goes into
//! the page being filled of its partition's column (`parquet_io::BytesPages`), compressed when
//! the page is full: a batch holds its messages compressed, and each buffer a message was read
//! into is freed, to be used again, as soon as the message is taken.

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BinaryBuilder, Date32Builder, Int64Builder, StringBuilder, TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, StringArray};
use chrono::NaiveDate;
use ketenzicht_store::ledger::{Inhoud, Sleutel};
use ketenzicht_store::parquet_io::{BytesBatch, BytesPages};
use ketenzicht_store::{LakeRows, StoreError, parquet_io, pseudonym};

use crate::{Delivery, RoutingBron};

/// Append a key or hash as lower-case hex digits. They are appended as bytes and the column
/// is checked as text once, whole, when it is finished ([`hex_text`]): checked value by
/// value, the digits of two keys per message took 0.7% of an ingest (2026-12-06).
fn append_hex<const N: usize>(builder: &mut BinaryBuilder, bytes: &[u8; N]) {
    const { assert!(N <= 32, "keys and hashes of at most 32 bytes") };
    let mut digits = [0u8; 64];
    let used = &mut digits[..2 * N];
    pseudonym::hex_digits(bytes, used);
    builder.append_value(used);
}

/// The text column of hex digits appended by [`append_hex`].
fn hex_text(builder: &mut BinaryBuilder) -> Result<ArrayRef, StoreError> {
    let text = StringArray::try_from_binary(builder.finish()).map_err(|e| StoreError::Shape(e.to_string()))?;
    Ok(Arc::new(text))
}

/// The arrays of the `builders`, in order.
fn arrays(builders: &mut [&mut dyn ArrayBuilder]) -> Vec<ArrayRef> {
    builders.iter_mut().map(|b| b.finish()).collect()
}

/// The `ruw` rows of one partition: one per stored message, with its XML (the last column,
/// encoded as it comes).
pub(crate) struct RuwRows {
    bericht_id: Int64Builder,
    sleutel: BinaryBuilder,
    inhoud_sha256: BinaryBuilder,
    wet: StringBuilder,
    bericht: StringBuilder,
    verzender: StringBuilder,
    identificatie: StringBuilder,
    dagtekening: Date32Builder,
    xml: BytesPages,
}

/// The extension of the `ruw` files: sealed, since they hold client data. Their messages are
/// encoded for the readers of such a file ([`ketenzicht_store::readers_of`]).
pub(crate) const RUW_EXT: &str = ketenzicht_store::SEALED;

impl Default for RuwRows {
    /// Rows for a file named with [`RUW_EXT`].
    fn default() -> Self {
        RuwRows {
            bericht_id: Int64Builder::default(),
            sleutel: BinaryBuilder::default(),
            inhoud_sha256: BinaryBuilder::default(),
            wet: StringBuilder::default(),
            bericht: StringBuilder::default(),
            verzender: StringBuilder::default(),
            identificatie: StringBuilder::default(),
            dagtekening: Date32Builder::default(),
            xml: parquet_io::bytes_pages(ketenzicht_store::readers_of(RUW_EXT)),
        }
    }
}

/// One stored message, as [`RuwRows::push`] takes it.
pub(crate) struct Ruw<'a> {
    pub id: i64,
    pub sleutel: &'a Sleutel,
    pub inhoud: &'a Inhoud,
    pub wet: &'a str,
    pub bericht: &'a str,
    pub verzender: &'a str,
    pub identificatie: &'a str,
    pub dagtekening: NaiveDate,
    pub xml: &'a [u8],
}

impl RuwRows {
    /// Add a message's row. Its XML is encoded first: a message that fails there (larger than
    /// Parquet takes) adds no row.
    pub fn push(&mut self, row: Ruw<'_>) -> Result<(), StoreError> {
        self.xml.push(row.xml).map_err(|e| StoreError::Shape(format!("a raw message in the lake: {e}")))?;
        self.bericht_id.append_value(row.id);
        append_hex(&mut self.sleutel, row.sleutel);
        append_hex(&mut self.inhoud_sha256, row.inhoud);
        self.wet.append_value(row.wet);
        self.bericht.append_value(row.bericht);
        self.verzender.append_value(row.verzender);
        self.identificatie.append_value(row.identificatie);
        self.dagtekening.append_value(parquet_io::days_of(row.dagtekening));
        Ok(())
    }

    pub fn finish(mut self) -> Result<LakeRows, StoreError> {
        // In the order of `ruw_columns`.
        let leading = vec![
            ArrayBuilder::finish(&mut self.bericht_id),
            hex_text(&mut self.sleutel)?,
            hex_text(&mut self.inhoud_sha256)?,
            ArrayBuilder::finish(&mut self.wet),
            ArrayBuilder::finish(&mut self.bericht),
            ArrayBuilder::finish(&mut self.verzender),
            ArrayBuilder::finish(&mut self.identificatie),
            ArrayBuilder::finish(&mut self.dagtekening),
        ];
        let schema = parquet_io::schema(&crate::ruw_columns().columns);
        Ok(LakeRows::WithBytes(BytesBatch::new(schema, leading, self.xml)?))
    }
}

/// The `leveringen` rows of one partition: one per delivery of a stored message.
#[derive(Default)]
pub(crate) struct LeveringRows {
    bericht_id: Int64Builder,
    uuid: StringBuilder,
    ontvangen: TimestampMillisecondBuilder,
    routing_bron: StringBuilder,
    afzender: StringBuilder,
    ontvanger: StringBuilder,
    cross_ref: StringBuilder,
    transport: StringBuilder,
    transport_code: StringBuilder,
    bron: StringBuilder,
}

impl LeveringRows {
    /// The delivery of message `id`, with its routing data (all null without).
    pub fn push(&mut self, id: i64, d: &Delivery) {
        self.bericht_id.append_value(id);
        let r = d.routing.as_ref();
        self.uuid.append_option(r.map(|r| &r.uuid));
        self.ontvangen.append_option(r.map(|r| parquet_io::millis_of(r.ontvangen)));
        self.routing_bron.append_option(r.map(|r| match r.bron {
            RoutingBron::Knooppunt => "knooppunt",
            RoutingBron::Envelop => "envelop",
        }));
        self.afzender.append_option(r.map(|r| &r.afzender));
        self.ontvanger.append_option(r.map(|r| &r.ontvanger));
        self.cross_ref.append_option(r.and_then(|r| r.cross_ref.as_ref()));
        self.transport.append_option(r.and_then(|r| r.transport.as_ref()));
        self.transport_code.append_option(r.and_then(|r| r.transport_code.as_ref()));
        self.bron.append_value(&d.name);
    }

    pub fn finish(mut self) -> Result<LakeRows, StoreError> {
        let arrays = arrays(&mut [
            &mut self.bericht_id,
            &mut self.uuid,
            &mut self.ontvangen,
            &mut self.routing_bron,
            &mut self.afzender,
            &mut self.ontvanger,
            &mut self.cross_ref,
            &mut self.transport,
            &mut self.transport_code,
            &mut self.bron,
        ]);
        let schema = parquet_io::schema(&crate::leveringen_columns().columns);
        let batch = RecordBatch::try_new(schema, arrays).map_err(|e| StoreError::Shape(e.to_string()))?;
        Ok(LakeRows::Batch(batch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketenzicht_store::{Table, Value};

    #[test]
    fn rows_gathered_by_column_read_back_as_the_table_they_stand_for() {
        let mut rows = RuwRows::default();
        let (sleutel, inhoud) = ([0xab; 16], [0x01; 32]);
        let day = NaiveDate::from_ymd_opt(2024, 2, 29).expect("a leap day");
        rows.push(Ruw {
            id: 7,
            sleutel: &sleutel,
            inhoud: &inhoud,
            wet: "ijw",
            bericht: "JW301",
            verzender: "0363",
            identificatie: "A1",
            dagtekening: day,
            xml: b"<x/>",
        })
        .expect("encoded");
        let table = read_back(rows.finish().expect("the ruw columns"));
        assert_eq!(table.columns, crate::ruw_columns().columns);
        assert_eq!(
            table.rows,
            vec![vec![
                Value::Int(7),
                Value::Text("ab".repeat(16)),
                Value::Text("01".repeat(32)),
                "ijw".into(),
                "JW301".into(),
                "0363".into(),
                "A1".into(),
                Value::Date(day),
                Value::Binary(b"<x/>".to_vec()),
            ]]
        );
    }

    /// Writes the rows and reads them back as a table.
    fn read_back(rows: LakeRows) -> Table {
        let path = std::path::Path::new("rows.parquet");
        let bytes = rows.write_to(Vec::new(), path, parquet_io::Readers::Ketenzicht).expect("written");
        parquet_io::read_parquet_bytes(bytes, path, None).expect("read back")
    }

    #[test]
    fn each_routing_field_lands_in_its_own_column_and_nulls_without_routing_data() {
        let ontvangen = NaiveDate::from_ymd_opt(2024, 3, 1).and_then(|d| d.and_hms_opt(9, 30, 5)).expect("a time");
        let routing = crate::Routing {
            bron: RoutingBron::Knooppunt,
            uuid: "u-1".into(),
            ontvangen,
            afzender: "12345678".into(),
            ontvanger: "0363".into(),
            bericht: Some("JW315".into()),
            cross_ref: Some("u-0".into()),
            transport: Some("afgewezen".into()),
            transport_code: Some("0001".into()),
        };
        let mut rows = LeveringRows::default();
        rows.push(
            3,
            &Delivery { name: "a.tar.gz#m".into(), routing: Some(routing), bytes: Ok(Vec::new()), fout: None },
        );
        rows.push(4, &Delivery { name: "in/a.xml".into(), routing: None, bytes: Ok(Vec::new()), fout: None });
        let table = read_back(rows.finish().expect("the leveringen columns"));
        assert_eq!(table.columns, crate::leveringen_columns().columns);
        let text = |s: &str| Value::Text(s.to_owned());
        let mut bare = vec![Value::Null; 10];
        bare[0] = Value::Int(4);
        bare[9] = text("in/a.xml");
        assert_eq!(
            table.rows,
            vec![
                vec![
                    Value::Int(3),
                    text("u-1"),
                    Value::Timestamp(ontvangen),
                    text("knooppunt"),
                    text("12345678"),
                    text("0363"),
                    text("u-0"),
                    text("afgewezen"),
                    text("0001"),
                    text("a.tar.gz#m"),
                ],
                bare,
            ]
        );
    }
}
