//! Tables to and from Parquet, through Arrow. Snappy compression (LZ4 for the sealed files
//! only ketenzicht reads, see [`Readers`]), dictionary encoding, and plain types that DuckDB,
//! Spark and Power BI read unchanged.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{BinaryBuilder, StringBuilder};
use arrow_array::types::TimestampSecondType;
use arrow_array::{
    Array, ArrayRef, BinaryArray, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, RecordBatchReader,
    StringArray, TimestampMillisecondArray, TimestampSecondArray,
};
use arrow_schema::{ArrowError, DataType, Field, Schema, TimeUnit};
use chrono::{DateTime, NaiveDate};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::arrow_writer::compute_leaves;
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::Compression;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

pub use crate::bytes_column::BytesPages;
use crate::table::{Column, Kind, Table, Value};
use crate::{StoreError, bytes_column};

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");

fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Text => DataType::Utf8,
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Bool => DataType::Boolean,
        Kind::Date => DataType::Date32,
        Kind::Timestamp => DataType::Timestamp(TimeUnit::Millisecond, None),
        Kind::Binary => DataType::Binary,
    }
}

fn kind_of(data_type: &DataType) -> Option<Kind> {
    Some(match data_type {
        DataType::Utf8 => Kind::Text,
        DataType::Int64 => Kind::Int,
        DataType::Float64 => Kind::Float,
        DataType::Boolean => Kind::Bool,
        DataType::Date32 => Kind::Date,
        DataType::Timestamp(TimeUnit::Second | TimeUnit::Millisecond, None) => Kind::Timestamp,
        DataType::Binary => Kind::Binary,
        _ => return None,
    })
}

/// The Arrow schema of tables with these columns (every field nullable).
pub fn schema(columns: &[Column]) -> Arc<Schema> {
    Arc::new(Schema::new(columns.iter().map(|c| Field::new(&c.name, data_type(c.kind), true)).collect::<Vec<_>>()))
}

fn array(table: &Table, index: usize) -> ArrayRef {
    let cells = table.rows.iter().map(|row| &row[index]);
    match table.columns[index].kind {
        // Text and bytes are copied once into a buffer of the right size (collecting would
        // grow it by doubling: a fifth of writing a batch of raw messages went to `realloc`).
        Kind::Text => {
            let bytes = cells.clone().filter_map(Value::as_text).map(str::len).sum();
            let mut builder = StringBuilder::with_capacity(table.rows.len(), bytes);
            cells.for_each(|v| builder.append_option(v.as_text()));
            Arc::new(builder.finish())
        }
        Kind::Int => Arc::new(cells.map(Value::as_int).collect::<Int64Array>()),
        Kind::Float => Arc::new(
            cells
                .map(|v| match v {
                    Value::Float(f) => Some(*f),
                    _ => None,
                })
                .collect::<Float64Array>(),
        ),
        Kind::Bool => Arc::new(cells.map(Value::as_bool).collect::<BooleanArray>()),
        Kind::Date => Arc::new(cells.map(|v| v.as_date().map(days_of)).collect::<Date32Array>()),
        Kind::Timestamp => {
            Arc::new(cells.map(|v| v.as_timestamp().map(millis_of)).collect::<TimestampMillisecondArray>())
        }
        Kind::Binary => {
            let bytes = cells.clone().filter_map(Value::as_binary).map(<[u8]>::len).sum();
            let mut builder = BinaryBuilder::with_capacity(table.rows.len(), bytes);
            cells.for_each(|v| builder.append_option(v.as_binary()));
            Arc::new(builder.finish())
        }
    }
}

/// The table as one Arrow record batch.
pub fn record_batch(table: &Table) -> Result<RecordBatch, StoreError> {
    table.check().map_err(|e| StoreError::Shape(e.to_string()))?;
    let arrays = (0..table.columns.len()).map(|i| array(table, i)).collect();
    RecordBatch::try_new(schema(&table.columns), arrays).map_err(|e| StoreError::Shape(e.to_string()))
}

/// Write the table as a Parquet file at `path` (created or truncated) and sync it to disk.
/// Callers that need atomicity write to a temporary name and rename.
pub fn write_parquet(path: &Path, table: &Table) -> Result<(), StoreError> {
    let file = File::create(path).map_err(StoreError::io(path))?;
    let file = write_parquet_to(file, table, path)?;
    file.sync_all().map_err(StoreError::io(path))
}

/// Write the table as Parquet into `out` (a file, or a buffer to seal); `path` names it in errors.
pub fn write_parquet_to<W: std::io::Write + Send>(out: W, table: &Table, path: &Path) -> Result<W, StoreError> {
    write_batch_to(out, &record_batch(table)?, path, Readers::Anyone)
}

/// Who reads a Parquet file, which decides its compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readers {
    /// DuckDB, Spark, Power BI and the rest: Snappy, which every Parquet reader knows.
    Anyone,
    /// Only ketenzicht (a sealed file): LZ4, which made the raw messages 22% smaller than
    /// Snappy for the same work (281 → 218 MB for a national Jan–Feb, 2026-11-29).
    Ketenzicht,
}

impl Readers {
    fn compression(self) -> Compression {
        match self {
            Readers::Anyone => Compression::SNAPPY,
            Readers::Ketenzicht => Compression::LZ4_RAW,
        }
    }
}

/// Write one Arrow record batch (of this module's types, see [`schema`]) as Parquet into `out`.
pub fn write_batch_to<W: std::io::Write + Send>(
    out: W,
    batch: &RecordBatch,
    path: &Path,
    readers: Readers,
) -> Result<W, StoreError> {
    let schema = batch.schema();
    let mut writer =
        ArrowWriter::try_new(out, schema.clone(), Some(properties(&schema, readers))).map_err(parquet_error(path))?;
    writer.write(batch).map_err(parquet_error(path))?;
    writer.into_inner().map_err(parquet_error(path))
}

/// The rows of a lake file whose last column holds bytes (raw messages), encoded page by page
/// as they were gathered ([`BytesPages`]): the other columns as an Arrow record batch. Written
/// by [`BytesBatch::write_to`] without first copying every message into one Arrow buffer, which
/// cost the storing thread of ingest a copy of each message and the page faults of the growing
/// buffer (7% of an ingest's CPU, 2026-12-05).
#[derive(Debug)]
pub struct BytesBatch {
    schema: Arc<Schema>,
    leading: RecordBatch,
    bytes: BytesPages,
}

/// An empty column of bytes for a file that `readers` read: compressed as [`write_batch_to`]
/// compresses, cut into the same row groups.
pub fn bytes_pages(readers: Readers) -> BytesPages {
    BytesPages::new(readers.compression(), ROW_GROUP_ROWS)
}

impl BytesBatch {
    /// The rows of a table with `schema`: every column but the last in `leading`, the last,
    /// of bytes, in `bytes`, one value per row. A mismatch is a programming error, reported.
    pub fn new(schema: Arc<Schema>, leading: Vec<ArrayRef>, bytes: BytesPages) -> Result<Self, StoreError> {
        let fields = schema.fields();
        let shape_error = |what: String| StoreError::Shape(format!("rows with a column of bytes: {what}"));
        if fields.last().is_none_or(|last| last.data_type() != &DataType::Binary) {
            return Err(shape_error("the last column is not of bytes".into()));
        }
        let leading_schema = Arc::new(Schema::new(fields[..fields.len() - 1].to_vec()));
        let leading = RecordBatch::try_new(leading_schema, leading).map_err(|e| shape_error(e.to_string()))?;
        if bytes.len() != leading.num_rows() {
            return Err(shape_error("not one value of bytes per row".into()));
        }
        Ok(BytesBatch { schema, leading, bytes })
    }

    /// The memory the rows hold.
    pub fn memory_size(&self) -> usize {
        self.leading.get_array_memory_size() + self.bytes.encoded_size()
    }

    /// Write the rows as Parquet into `out`: a file that reads as what [`write_batch_to`]
    /// writes of the same rows as one record batch (the same schema, row groups and values).
    /// The leading columns go through Arrow, the bytes are appended as they were encoded.
    pub fn write_to<W: std::io::Write + Send>(self, out: W, path: &Path, readers: Readers) -> Result<W, StoreError> {
        let error = parquet_error(path);
        let BytesBatch { schema, leading, bytes } = self;
        if bytes.compression() != readers.compression() {
            let what = format!(
                "bytes compressed with {:?}, for a file compressed with {:?}",
                bytes.compression(),
                readers.compression()
            );
            return Err(StoreError::Shape(format!("{}: {what}", path.display())));
        }
        let properties = properties(&schema, readers);
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(properties)).map_err(&error)?;
        let (mut file, factory) = writer.into_serialized_writer().map_err(&error)?;
        let descr = file.schema_descr().column(schema.fields().len() - 1);
        let (mut start, mut index) = (0, 0);
        // Row groups as `ArrowWriter` cuts them (none for no rows), as the bytes were cut.
        for chunk in bytes.finish().map_err(&error)? {
            let rows = chunk.values();
            let group = leading.slice(start, rows);
            let mut row_group = file.next_row_group().map_err(&error)?;
            let mut writers = factory.create_column_writers(index).map_err(&error)?;
            // The bytes column is appended below, not written by Parquet's column writer.
            writers.pop();
            for ((mut writer, field), array) in writers.into_iter().zip(schema.fields()).zip(group.columns()) {
                for leaf in compute_leaves(field, array).map_err(&error)? {
                    writer.write(&leaf).map_err(&error)?;
                }
                writer.close().map_err(&error)?.append_to_row_group(&mut row_group).map_err(&error)?;
            }
            bytes_column::append(&mut row_group, descr.clone(), chunk).map_err(&error)?;
            row_group.close().map_err(&error)?;
            (start, index) = (start + rows, index + 1);
        }
        file.into_inner().map_err(&error)
    }
}

/// Rows per row group: the writer holds one row group, encoded, until it is full, so this
/// bounds the memory of writing a large table (DuckDB writes 122,880).
const ROW_GROUP_ROWS: usize = 1 << 17;

/// Columns whose values are each a row's own: keys, hashes, identifiers. Dictionary encoding
/// them only costs (each value hashed into a dictionary as large as the column, then written
/// twice, in the dictionary and as an index): a tenth of writing the raw messages' table
/// (2026-12-06).
const DISTINCT: &[&str] = &["bericht_id", "sleutel", "inhoud_sha256", "identificatie", "uuid", "cross_ref"];

/// Bytes (the raw messages) are not dictionary encoded: each is distinct, and Parquet would
/// hash every one into a dictionary that only grows until it gives up on it. Nor do they get
/// statistics: no reader filters on their smallest or largest value. The [`DISTINCT`]
/// columns are not dictionary encoded either, and those of text (hashes, UUIDs, identifiers
/// in no order) get no statistics: their smallest and largest value of a page or row group
/// prune nothing, and comparing every value to find them was a percent of an ingest's CPU
/// (2026-12-06).
fn properties(schema: &Schema, readers: Readers) -> WriterProperties {
    let mut properties = WriterProperties::builder()
        .set_compression(readers.compression())
        .set_created_by(format!("ketenzicht {}", env!("CARGO_PKG_VERSION")))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS));
    for field in schema.fields() {
        let column = || ColumnPath::from(field.name().as_str());
        let binary = field.data_type() == &DataType::Binary;
        let distinct = DISTINCT.contains(&field.name().as_str());
        if binary || (distinct && field.data_type() == &DataType::Utf8) {
            properties = properties.set_column_statistics_enabled(column(), EnabledStatistics::None);
        }
        if binary || distinct {
            properties = properties.set_column_dictionary_enabled(column(), false);
        }
    }
    properties.build()
}

/// A Parquet file written a chunk of rows at a time, for tables too large to hold whole.
/// The chunks fill the same row groups that one write of the whole table would.
pub struct TableWriter<W: std::io::Write + Send> {
    writer: ArrowWriter<W>,
    schema: Arc<Schema>,
    path: std::path::PathBuf,
}

impl<W: std::io::Write + Send> TableWriter<W> {
    /// A writer of tables with these columns into `out`; `path` names it in errors.
    pub fn new(out: W, columns: &[Column], path: &Path) -> Result<Self, StoreError> {
        let schema = schema(columns);
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(properties(&schema, Readers::Anyone)))
            .map_err(parquet_error(path))?;
        Ok(TableWriter { writer, schema, path: path.to_owned() })
    }

    /// Append the rows of `table`, whose columns must be those the writer was made with.
    pub fn write(&mut self, table: &Table) -> Result<(), StoreError> {
        let batch = record_batch(table)?;
        if batch.schema() != self.schema {
            return Err(StoreError::Shape(format!("{}: a chunk with other columns", self.path.display())));
        }
        self.writer.write(&batch).map_err(parquet_error(&self.path))
    }

    /// Finish the file and hand back what it was written into.
    pub fn finish(self) -> Result<W, StoreError> {
        self.writer.into_inner().map_err(parquet_error(&self.path))
    }
}

impl<W: std::io::Write + Send> std::fmt::Debug for TableWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableWriter").field("path", &self.path).finish_non_exhaustive()
    }
}

/// A Parquet or Arrow error about the file at `path`.
fn parquet_error<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> StoreError + '_ {
    move |e| StoreError::Parquet { path: path.to_owned(), message: e.to_string() }
}

fn cell(array: &dyn Array, kind: Kind, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    let any = array.as_any();
    let value = match kind {
        Kind::Text => any.downcast_ref::<StringArray>().map(|a| Value::Text(a.value(row).to_owned())),
        Kind::Int => any.downcast_ref::<Int64Array>().map(|a| Value::Int(a.value(row))),
        Kind::Float => any.downcast_ref::<Float64Array>().map(|a| Value::Float(a.value(row))),
        Kind::Bool => any.downcast_ref::<BooleanArray>().map(|a| Value::Bool(a.value(row))),
        Kind::Date => any.downcast_ref::<Date32Array>().and_then(|a| date32(a.value(row)).map(Value::Date)),
        Kind::Timestamp => any
            .downcast_ref::<TimestampSecondArray>()
            .and_then(|a| timestamp_seconds(a.value(row)).map(Value::Timestamp)),
        Kind::Binary => any.downcast_ref::<BinaryArray>().map(|a| Value::Binary(a.value(row).to_vec())),
    };
    value.unwrap_or(Value::Null)
}

/// Read a Parquet file written by [`write_parquet`] (or any file with the same plain types).
pub fn read_parquet(path: &Path) -> Result<Table, StoreError> {
    read_parquet_columns(path, None)
}

/// Read only the named columns of a Parquet file (all when `columns` is `None`), in the
/// file's column order. A named column the file lacks is an error that names it.
pub fn read_parquet_columns(path: &Path, columns: Option<&[&str]>) -> Result<Table, StoreError> {
    let (schema, batches) = read_batches(path, columns)?;
    table_of(path, &schema, batches)
}

/// Read Parquet held in memory (an opened sealed file); `path` names it in errors.
pub fn read_parquet_bytes(bytes: Vec<u8>, path: &Path, columns: Option<&[&str]>) -> Result<Table, StoreError> {
    let (schema, batches) = read_batches_from(bytes::Bytes::from(bytes), path, columns)?;
    table_of(path, &schema, batches)
}

fn table_of(path: &Path, schema: &Schema, batches: Vec<RecordBatch>) -> Result<Table, StoreError> {
    let parquet_error = parquet_error::<String>(path);
    let mut table = Table::default();
    for field in schema.fields() {
        let kind = kind_of(field.data_type()).ok_or_else(|| {
            parquet_error(format!("column {} has unsupported type {}", field.name(), field.data_type()))
        })?;
        table.columns.push(Column { name: field.name().clone(), kind });
    }
    for batch in batches {
        for row in 0..batch.num_rows() {
            table.rows.push(
                table.columns.iter().enumerate().map(|(i, c)| cell(batch.column(i).as_ref(), c.kind, row)).collect(),
            );
        }
    }
    Ok(table)
}

/// The Arrow record batches of a Parquet file, with only the named columns (all when
/// `columns` is `None`), for readers that convert columns straight into their own types.
pub fn read_batches(path: &Path, columns: Option<&[&str]>) -> Result<(Arc<Schema>, Vec<RecordBatch>), StoreError> {
    let file = File::open(path).map_err(StoreError::io(path))?;
    read_batches_from(file, path, columns)
}

/// [`read_batches`], with every text column as a dictionary array (`Int32` keys into the
/// distinct values), kept as Parquet encoded it: a reader that interns text then takes each
/// distinct value once per batch instead of once per row, and no string is copied out.
pub fn read_batches_dictionary(
    path: &Path,
    columns: Option<&[&str]>,
) -> Result<(Arc<Schema>, Vec<RecordBatch>), StoreError> {
    let file = File::open(path).map_err(StoreError::io(path))?;
    let plain = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(parquet_error(path))?;
    let fields: Vec<Field> = plain
        .schema()
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 => f
                .as_ref()
                .clone()
                .with_data_type(DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))),
            _ => f.as_ref().clone(),
        })
        .collect();
    let options = ArrowReaderOptions::new().with_schema(Arc::new(Schema::new(fields)));
    let metadata = ArrowReaderMetadata::try_new(plain.metadata().clone(), options).map_err(parquet_error(path))?;
    batches_of(ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata), path, columns)
}

fn read_batches_from<R: parquet::file::reader::ChunkReader + 'static>(
    input: R,
    path: &Path,
    columns: Option<&[&str]>,
) -> Result<(Arc<Schema>, Vec<RecordBatch>), StoreError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(input).map_err(parquet_error(path))?;
    batches_of(builder, path, columns)
}

/// Read the named columns (all when `None`) from a reader builder.
fn batches_of<R: parquet::file::reader::ChunkReader + 'static>(
    builder: ParquetRecordBatchReaderBuilder<R>,
    path: &Path,
    columns: Option<&[&str]>,
) -> Result<(Arc<Schema>, Vec<RecordBatch>), StoreError> {
    let reader = reader_of(builder, path, columns, 64 * 1024)?;
    let schema = in_seconds_schema(&reader.schema());
    let batches = reader.map(|b| b.and_then(in_seconds)).collect::<Result<Vec<_>, _>>().map_err(parquet_error(path))?;
    Ok((schema, batches))
}

fn reader_of<R: parquet::file::reader::ChunkReader + 'static>(
    mut builder: ParquetRecordBatchReaderBuilder<R>,
    path: &Path,
    columns: Option<&[&str]>,
    batch_rows: usize,
) -> Result<ParquetRecordBatchReader, StoreError> {
    if let Some(names) = columns {
        let fields = builder.schema().fields();
        let mut roots = Vec::with_capacity(names.len());
        for name in names {
            let index = fields
                .iter()
                .position(|f| f.name() == name)
                .ok_or_else(|| parquet_error(path)(format!("the file has no column {name:?}")))?;
            roots.push(index);
        }
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        builder = builder.with_projection(mask);
    }
    builder.with_batch_size(batch_rows).build().map_err(parquet_error(path))
}

/// The record batches of Parquet held in memory (an opened sealed file), `batch_rows` rows
/// at a time and decoded only as they are taken: a reader of large columns (the raw XML)
/// holds one batch, not the whole file decoded.
pub fn batch_iter_bytes(
    bytes: Vec<u8>,
    path: &Path,
    columns: Option<&[&str]>,
    batch_rows: usize,
) -> Result<impl Iterator<Item = Result<RecordBatch, StoreError>> + use<>, StoreError> {
    batch_iter(ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)), path, columns, batch_rows)
}

/// [`batch_iter_bytes`] for a Parquet file on disk.
pub fn batch_iter_file(
    path: &Path,
    columns: Option<&[&str]>,
    batch_rows: usize,
) -> Result<impl Iterator<Item = Result<RecordBatch, StoreError>> + use<>, StoreError> {
    let file = File::open(path).map_err(StoreError::io(path))?;
    batch_iter(ParquetRecordBatchReaderBuilder::try_new(file), path, columns, batch_rows)
}

fn batch_iter<R: parquet::file::reader::ChunkReader + 'static>(
    builder: Result<ParquetRecordBatchReaderBuilder<R>, parquet::errors::ParquetError>,
    path: &Path,
    columns: Option<&[&str]>,
    batch_rows: usize,
) -> Result<impl Iterator<Item = Result<RecordBatch, StoreError>> + use<R>, StoreError> {
    let builder = builder.map_err(parquet_error(path))?;
    let reader = reader_of(builder, path, columns, batch_rows)?;
    let path = path.to_owned();
    Ok(reader.map(move |batch| batch.and_then(in_seconds).map_err(parquet_error(&path))))
}

/// Timestamps are written in milliseconds and read in seconds, the unit of [`Kind::Timestamp`]:
/// Parquet has no logical type for seconds, and a `Timestamp(Second)` column is written as a
/// bare INT64, which DuckDB, Spark and Power BI read as a number (files written before
/// 2026-11-29 hold such columns; arrow reads them as seconds, as they are).
fn in_seconds(batch: RecordBatch) -> Result<RecordBatch, ArrowError> {
    if !batch.schema().fields().iter().any(|f| is_millis(f.data_type())) {
        return Ok(batch);
    }
    let schema = in_seconds_schema(&batch.schema());
    let columns = batch
        .columns()
        .iter()
        .map(|column| match column.as_any().downcast_ref::<TimestampMillisecondArray>() {
            Some(millis) => Arc::new(millis.unary::<_, TimestampSecondType>(|v| v.div_euclid(1000))) as ArrayRef,
            None => column.clone(),
        })
        .collect();
    RecordBatch::try_new(schema, columns)
}

fn is_millis(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Timestamp(TimeUnit::Millisecond, None))
}

/// The schema of [`in_seconds`].
fn in_seconds_schema(schema: &Schema) -> Arc<Schema> {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| {
            let field = f.as_ref().clone();
            if is_millis(f.data_type()) {
                field.with_data_type(DataType::Timestamp(TimeUnit::Second, None))
            } else {
                field
            }
        })
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

/// Days since 1970-01-01 of an Arrow Date32 as a date. Dates from 1970 to 2099 come from a
/// table made once (a reader converts millions of them; chrono's calendar arithmetic per value
/// was 4% of an indicator run).
pub fn date32(days: i32) -> Option<NaiveDate> {
    static TABLE: std::sync::OnceLock<Vec<NaiveDate>> = std::sync::OnceLock::new();
    const SPAN: i32 = 47_482; // 1970-01-01 up to 2099-12-31
    if (0..SPAN).contains(&days) {
        let table = TABLE.get_or_init(|| EPOCH.iter_days().take(SPAN as usize).collect());
        return Some(table[days as usize]);
    }
    EPOCH.checked_add_signed(chrono::TimeDelta::days(days.into()))
}

/// A date as Arrow Date32 stores it: days since 1970-01-01 (the inverse of [`date32`]).
pub fn days_of(date: NaiveDate) -> i32 {
    (date - EPOCH).num_days() as i32
}

/// A timestamp of [`Kind::Timestamp`] as it is written: milliseconds since 1970-01-01
/// (see [`in_seconds`]).
pub fn millis_of(time: chrono::NaiveDateTime) -> i64 {
    time.and_utc().timestamp_millis()
}

/// Seconds of an Arrow Timestamp(Second) as a local timestamp.
pub fn timestamp_seconds(seconds: i64) -> Option<chrono::NaiveDateTime> {
    DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc())
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn date32_from_the_table_equals_calendar_arithmetic() {
        for days in (-800..48_300).chain([i32::MIN / 2, -1, 0, 47_481, 47_482, 1_000_000]) {
            let expected = EPOCH.checked_add_signed(chrono::TimeDelta::days(days.into()));
            assert_eq!(date32(days), expected, "{days}");
        }
        assert_eq!(date32(0), NaiveDate::from_ymd_opt(1970, 1, 1));
        assert_eq!(date32(47_481), NaiveDate::from_ymd_opt(2099, 12, 31));
    }
}

#[cfg(test)]
mod timestamp_tests {
    use parquet::basic::{LogicalType, TimeUnit as ParquetUnit};

    use super::*;

    fn moments() -> Table {
        let at = NaiveDate::from_ymd_opt(2024, 2, 29).and_then(|d| d.and_hms_opt(23, 59, 58)).expect("a moment");
        let before = NaiveDate::from_ymd_opt(1969, 12, 31).and_then(|d| d.and_hms_opt(23, 59, 59)).expect("a moment");
        let mut table = Table::new(&[("ontvangen", Kind::Timestamp)]);
        for v in [Value::Timestamp(at), Value::Null, Value::Timestamp(before)] {
            table.push(vec![v]);
        }
        table
    }

    #[test]
    fn timestamps_are_parquet_timestamps_and_read_back_in_seconds() {
        let path = Path::new("moments.parquet");
        let bytes = bytes::Bytes::from(write_parquet_to(Vec::new(), &moments(), path).expect("written"));
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes.clone()).expect("a Parquet file");
        assert_eq!(
            builder.parquet_schema().column(0).logical_type_ref(),
            Some(&LogicalType::timestamp(false, ParquetUnit::MILLIS)),
            "a TIMESTAMP that other engines read as one, not a bare INT64"
        );
        let (schema, batches) = read_batches_from(bytes.clone(), path, None).expect("read");
        assert_eq!(schema.field(0).data_type(), &DataType::Timestamp(TimeUnit::Second, None));
        assert_eq!(batches[0].schema(), schema);
        assert_eq!(read_parquet_bytes(bytes.to_vec(), path, None).expect("read").rows, moments().rows);
    }

    #[test]
    fn files_for_anyone_are_snappy_and_sealed_ones_lz4_and_both_read() {
        let path = Path::new("moments.parquet");
        let batch = record_batch(&moments()).expect("batch");
        for (readers, codec) in [(Readers::Anyone, Compression::SNAPPY), (Readers::Ketenzicht, Compression::LZ4_RAW)] {
            let bytes = bytes::Bytes::from(write_batch_to(Vec::new(), &batch, path, readers).expect("written"));
            let builder = ParquetRecordBatchReaderBuilder::try_new(bytes.clone()).expect("a Parquet file");
            assert_eq!(builder.metadata().row_group(0).column(0).compression(), codec, "{readers:?}");
            assert_eq!(read_parquet_bytes(bytes.to_vec(), path, None).expect("read").rows, moments().rows);
        }
    }

    /// Text columns of distinct values (keys, hashes) get neither a dictionary nor statistics;
    /// other columns keep both, `bericht_id` (distinct, but numbered in order) its statistics.
    #[test]
    fn distinct_text_columns_get_no_statistics_nor_dictionary() {
        let path = Path::new("ruw.parquet");
        let mut table = Table::new(&[
            ("bericht_id", Kind::Int),
            ("sleutel", Kind::Text),
            ("identificatie", Kind::Text),
            ("wet", Kind::Text),
        ]);
        for id in 0..3 {
            table.push(vec![
                Value::Int(id),
                Value::Text(format!("{id:032x}")),
                format!("ID-{id}").into(),
                "ijw".into(),
            ]);
        }
        let bytes = bytes::Bytes::from(write_parquet_to(Vec::new(), &table, path).expect("written"));
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes).expect("a Parquet file");
        let group = builder.metadata().row_group(0);
        let column = |name: &str| {
            (0..group.num_columns()).map(|i| group.column(i)).find(|c| c.column_path().string() == name).expect(name)
        };
        for name in ["sleutel", "identificatie"] {
            assert!(column(name).statistics().is_none(), "{name} has statistics");
            assert!(column(name).dictionary_page_offset().is_none(), "{name} has a dictionary");
        }
        assert!(column("bericht_id").statistics().is_some_and(|s| s.min_bytes_opt().is_some()));
        assert!(column("wet").statistics().is_some() && column("wet").dictionary_page_offset().is_some());
    }

    #[test]
    fn files_written_in_seconds_still_read() {
        let table = moments();
        let seconds: TimestampSecondArray =
            table.rows.iter().map(|r| r[0].as_timestamp().map(|t| t.and_utc().timestamp())).collect();
        let field = Field::new("ontvangen", DataType::Timestamp(TimeUnit::Second, None), true);
        let batch = RecordBatch::try_new(Arc::new(Schema::new(vec![field])), vec![Arc::new(seconds)]).expect("batch");
        let path = Path::new("old.parquet");
        let bytes = write_batch_to(Vec::new(), &batch, path, Readers::Anyone).expect("written as before 2026-11-29");
        assert_eq!(read_parquet_bytes(bytes, path, None).expect("read").rows, table.rows);
    }
}

#[cfg(test)]
mod bytes_batch_tests {
    use super::*;

    /// Rows of a key and a message, the message being `row` repeated to a varying length.
    fn rows(n: usize) -> Table {
        let mut table = Table::new(&[("bericht_id", Kind::Int), ("sleutel", Kind::Text), ("xml", Kind::Binary)]);
        for row in 0..n {
            let key = if row % 7 == 3 { Value::Null } else { Value::Text(format!("k{row}")) };
            table.push(vec![Value::Int(row as i64), key, Value::Binary(vec![(row % 251) as u8; row % 40])]);
        }
        table
    }

    /// The values of one column as a column of bytes for `readers`.
    fn pages(values: impl IntoIterator<Item = Vec<u8>>, readers: Readers) -> BytesPages {
        let mut pages = bytes_pages(readers);
        for value in values {
            pages.push(&value).expect("encoded");
        }
        pages
    }

    fn split(table: &Table, readers: Readers) -> BytesBatch {
        let full = record_batch(table).expect("a batch");
        let bytes = pages(table.rows.iter().map(|r| r[2].as_binary().expect("bytes").to_vec()), readers);
        BytesBatch::new(full.schema(), full.columns()[..2].to_vec(), bytes).expect("the same shape")
    }

    fn row_groups(bytes: &[u8]) -> Vec<i64> {
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::copy_from_slice(bytes)).expect("Parquet");
        builder.metadata().row_groups().iter().map(|g| g.num_rows()).collect()
    }

    /// Rows of a key and a message of about `size` bytes.
    fn large_rows(n: usize, size: usize) -> Table {
        let mut table = Table::new(&[("bericht_id", Kind::Int), ("sleutel", Kind::Text), ("xml", Kind::Binary)]);
        for row in 0..n {
            let message: Vec<u8> =
                (0..size + row * 7).map(|i| b"<Bericht>0123456789</Bericht>"[(i + row) % 29]).collect();
            table.push(vec![Value::Int(row as i64), Value::Text(format!("k{row}")), Value::Binary(message)]);
        }
        table
    }

    #[test]
    fn bytes_written_from_their_own_buffers_read_as_one_batch_written_whole() {
        let path = Path::new("ruw.parquet");
        // Empty, one row, more rows than one row group holds, and values of a page and more.
        let tables = [rows(0), rows(1), rows(ROW_GROUP_ROWS + 5), large_rows(40, 300_000), large_rows(3, 1 << 21)];
        for (table, readers) in tables.iter().flat_map(|t| [(t, Readers::Ketenzicht), (t, Readers::Anyone)]) {
            let n = table.rows.len();
            let apart = split(table, readers).write_to(Vec::new(), path, readers).expect("written");
            let whole =
                write_batch_to(Vec::new(), &record_batch(table).expect("batch"), path, readers).expect("written");
            let read = read_parquet_bytes(apart.clone(), path, None).expect("read");
            assert_eq!(read.columns, table.columns, "{n} rows");
            assert!(read.rows == table.rows, "{n} rows: the same values in the same order");
            assert_eq!(row_groups(&apart), row_groups(&whole), "{n} rows: the same row groups");
            let (schema, _) = read_batches_from(bytes::Bytes::from(apart.clone()), path, None).expect("read");
            assert_eq!(schema.field(2).data_type(), &DataType::Binary, "the Arrow schema travels with the file");
            assert_eq!(
                skipping_through_the_page_index(&apart),
                table.rows.iter().skip(n / 2).collect::<Vec<_>>().len()
            );
            let codecs = |file: &[u8]| {
                let builder =
                    ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::copy_from_slice(file)).expect("Parquet");
                builder.metadata().row_groups().iter().map(|g| g.column(2).compression()).collect::<Vec<_>>()
            };
            assert_eq!(codecs(&apart), codecs(&whole), "{n} rows: compressed as Parquet's writer does");
        }
    }

    /// Read the second half of the rows of a file with two columns before its bytes, through
    /// its page index (pages before the selection are skipped by their offsets), and check
    /// that each row's key still belongs to its message; the number of rows read.
    fn skipping_through_the_page_index(file: &[u8]) -> usize {
        use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
        use parquet::file::metadata::PageIndexPolicy;
        let options = ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Required);
        let builder =
            ParquetRecordBatchReaderBuilder::try_new_with_options(bytes::Bytes::copy_from_slice(file), options)
                .expect("Parquet");
        let rows = builder.metadata().file_metadata().num_rows() as usize;
        let groups = builder.metadata().row_groups();
        assert!(
            groups.iter().all(|g| g.column(2).offset_index_offset().is_some()),
            "the bytes column has an offset index"
        );
        let half = rows / 2;
        let selection = RowSelection::from(vec![RowSelector::skip(half), RowSelector::select(rows - half)]);
        let reader = builder.with_row_selection(selection).build().expect("reader");
        let mut read = 0;
        for batch in reader {
            let batch = batch.expect("a batch");
            let ids = batch.column(0).as_any().downcast_ref::<Int64Array>().expect("ids");
            let xml = batch.column(2).as_any().downcast_ref::<BinaryArray>().expect("bytes");
            for row in 0..batch.num_rows() {
                assert_eq!(ids.value(row) as usize, half + read, "rows in order from the selection on");
                let id = ids.value(row) as usize;
                let len = xml.value(row).len();
                let large = len.checked_sub(id * 7).is_some_and(|size| size == 300_000 || size == 1 << 21);
                assert!(len == id % 40 || large, "row {id}: its own message");
                read += 1;
            }
        }
        read
    }

    #[test]
    fn rows_of_another_shape_are_refused() {
        let full = record_batch(&rows(3)).expect("a batch");
        let shape = |schema, columns: &[usize], n: usize| {
            let leading = columns.iter().map(|&i| full.column(i).clone()).collect();
            BytesBatch::new(schema, leading, pages(vec![vec![1u8]; n], Readers::Anyone))
        };
        assert!(shape(full.schema(), &[0, 1], 2).is_err(), "one value of bytes short");
        assert!(shape(full.schema(), &[1, 0], 3).is_err(), "columns out of order");
        assert!(shape(full.schema(), &[0], 3).is_err(), "a column missing");
        let bytes_not_last = Arc::new(full.schema().project(&[0, 2, 1]).expect("reordered"));
        assert!(shape(bytes_not_last, &[0, 2], 3).is_err(), "last column not bytes");
        assert!(shape(full.schema(), &[0, 1], 3).is_ok());
        let for_anyone = shape(full.schema(), &[0, 1], 3).expect("the same shape");
        let refused = for_anyone.write_to(Vec::new(), Path::new("ruw.kzs"), Readers::Ketenzicht);
        assert!(
            matches!(&refused, Err(StoreError::Shape(m)) if m.contains("SNAPPY") && m.contains("LZ4_RAW")),
            "bytes compressed for other readers than the file's: {refused:?}"
        );
    }
}
