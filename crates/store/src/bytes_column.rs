//! The bytes column of a lake file (the raw messages), written as Parquet pages here rather
//! than by Parquet's column writer. That writer copies each page four more times than needed:
//! its plain encoder's buffer grows by doubling from empty for every page, the page is copied
//! behind its levels, the compressor's output buffer is reallocated and zeroed to the largest
//! size LZ4 could need, and then shrunk. For the raw messages, the bulk of every byte ingest
//! writes, those copies and the page faults of the fresh buffers were some 5% of an ingest's
//! CPU (2026-12-06). Here every page is encoded into one buffer and compressed into another,
//! both kept from page to page.
//!
//! The pages are what Parquet's writer makes of the column with the same properties: data
//! pages (format v1), PLAIN values, RLE definition levels (every value present in a nullable
//! column), no statistics, no dictionary, of about [`PAGE_BYTES`].

use bytes::Bytes;
use parquet::basic::{Compression, Encoding, EncodingMask};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::{ParquetError, Result};
use parquet::file::metadata::{ColumnChunkMetaData, OffsetIndexBuilder};
use parquet::file::reader::{ChunkReader, Length};
use parquet::file::writer::{SerializedPageWriter, SerializedRowGroupWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;

/// Encoded bytes per page, as Parquet's writer cuts them by default (its data page size limit).
const PAGE_BYTES: usize = 1 << 20;

/// The buffers a page is encoded and compressed in, and the column chunk gathered in.
#[derive(Debug, Default)]
struct Buffers {
    plain: Vec<u8>,
    compressed: Vec<u8>,
    chunk: Vec<u8>,
}

thread_local! {
    /// Kept for the thread's next column: fresh buffers of a few megabytes for every file cost
    /// the page faults of their first use.
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

/// A column chunk encoded in memory, lent to the row group that copies it in.
struct Encoded<'a>(&'a [u8]);

impl Length for Encoded<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
}

impl<'a> ChunkReader for Encoded<'a> {
    type T = &'a [u8];

    fn get_read(&self, start: u64) -> Result<&'a [u8]> {
        let start = usize::try_from(start).ok().filter(|&s| s <= self.0.len());
        start.map(|s| &self.0[s..]).ok_or_else(|| ParquetError::EOF("past the encoded column".into()))
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes> {
        let read = self.get_read(start)?;
        read.get(..length)
            .map(Bytes::copy_from_slice)
            .ok_or_else(|| ParquetError::EOF("past the encoded column".into()))
    }
}

/// Append `values`, one per row, as the column `descr` of `row_group`, compressed with
/// `compression` (Snappy or LZ4 raw, the codecs the lake uses).
pub(crate) fn append<W: std::io::Write + Send>(
    row_group: &mut SerializedRowGroupWriter<'_, W>,
    descr: ColumnDescPtr,
    compression: Compression,
    values: &[Vec<u8>],
) -> Result<()> {
    BUFFERS.with_borrow_mut(|buffers| {
        buffers.chunk.clear();
        let mut sink = TrackedWrite::new(std::mem::take(&mut buffers.chunk));
        let close = write_pages(&mut sink, descr, compression, values, buffers)?;
        buffers.chunk = sink.into_inner()?;
        row_group.append_column(&Encoded(&buffers.chunk), close)
    })
}

/// Write `values` as pages into `sink`; what the row group records of the column chunk.
fn write_pages(
    sink: &mut TrackedWrite<Vec<u8>>,
    descr: ColumnDescPtr,
    compression: Compression,
    values: &[Vec<u8>],
    buffers: &mut Buffers,
) -> Result<ColumnCloseResult> {
    let mut pages = SerializedPageWriter::new(sink);
    let mut offsets = OffsetIndexBuilder::new();
    let (mut compressed_size, mut uncompressed_size) = (0i64, 0i64);
    let mut rest = values;
    while !rest.is_empty() {
        let (page, after) = rest.split_at(page_len(rest));
        rest = after;
        encode(page, &mut buffers.plain)?;
        let buf = compress(compression, &buffers.plain, &mut buffers.compressed)?;
        let page = Page::DataPage {
            buf,
            num_values: count(page.len())?,
            encoding: Encoding::PLAIN,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        let spec = pages.write_page(CompressedPage::new(page, buffers.plain.len()))?;
        offsets.append_offset_and_size(spec.offset as i64, spec.compressed_size as i32);
        offsets.append_row_count(i64::from(spec.num_values));
        compressed_size += spec.compressed_size as i64;
        uncompressed_size += spec.uncompressed_size as i64;
    }
    pages.close()?;
    let metadata = ColumnChunkMetaData::builder(descr)
        .set_compression(compression)
        .set_encodings_mask(EncodingMask::new_from_encodings([Encoding::PLAIN, Encoding::RLE].iter()))
        .set_total_compressed_size(compressed_size)
        .set_total_uncompressed_size(uncompressed_size)
        .set_num_values(values.len() as i64)
        .set_data_page_offset(0)
        .build()?;
    Ok(ColumnCloseResult {
        bytes_written: compressed_size as u64,
        rows_written: values.len() as u64,
        metadata,
        bloom_filter: None,
        column_index: None,
        offset_index: Some(offsets.build()),
    })
}

/// How many of `values` (at least one) fill a page.
fn page_len(values: &[Vec<u8>]) -> usize {
    let mut bytes = 0;
    for (i, value) in values.iter().enumerate() {
        bytes += 4 + value.len();
        if bytes >= PAGE_BYTES {
            return i + 1;
        }
    }
    values.len()
}

fn count(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| ParquetError::General(format!("{n} values in one page")))
}

/// A page's body, uncompressed: its definition levels (a 4-byte length, then one RLE run of
/// 1s, bit width 1) and its values (each a 4-byte length and the bytes).
fn encode(values: &[Vec<u8>], plain: &mut Vec<u8>) -> Result<()> {
    plain.clear();
    let mut run = [0u8; 11];
    let header = uleb128(u64::from(count(values.len())?) << 1, &mut run);
    run[header] = 1;
    plain.extend_from_slice(&((header + 1) as u32).to_le_bytes());
    plain.extend_from_slice(&run[..=header]);
    for value in values {
        let len = u32::try_from(value.len())
            .map_err(|_| ParquetError::General(format!("a value of {} bytes", value.len())))?;
        plain.extend_from_slice(&len.to_le_bytes());
        plain.extend_from_slice(value);
    }
    Ok(())
}

/// Write `value` as unsigned LEB128 into `out`; the number of bytes written.
fn uleb128(mut value: u64, out: &mut [u8; 11]) -> usize {
    let mut n = 0;
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out[n] = byte;
            return n + 1;
        }
        out[n] = byte | 0x80;
        n += 1;
    }
}

/// `plain` compressed into `scratch` (grown when it must be, never zeroed again), then copied
/// out as the page's buffer.
fn compress(compression: Compression, plain: &[u8], scratch: &mut Vec<u8>) -> Result<Bytes> {
    let external = |e: Box<dyn std::error::Error + Send + Sync>| ParquetError::External(e);
    let len = match compression {
        Compression::LZ4_RAW => {
            grow(scratch, lz4_flex::block::get_maximum_output_size(plain.len()));
            lz4_flex::block::compress_into(plain, scratch).map_err(|e| external(Box::new(e)))?
        }
        Compression::SNAPPY => {
            grow(scratch, snap::raw::max_compress_len(plain.len()));
            snap::raw::Encoder::new().compress(plain, scratch).map_err(|e| external(Box::new(e)))?
        }
        other => return Err(ParquetError::NYI(format!("a bytes column compressed with {other:?}"))),
    };
    Ok(Bytes::copy_from_slice(&scratch[..len]))
}

fn grow(buffer: &mut Vec<u8>, len: usize) {
    if buffer.len() < len {
        buffer.resize(len, 0);
    }
}
