//! The bytes column of a lake file (the raw messages), encoded into Parquet pages as its
//! values come rather than by Parquet's column writer when the file is written.
//!
//! Parquet's writer copies each page four more times than needed: its plain encoder's buffer
//! grows by doubling from empty for every page, the page is copied behind its levels, the
//! compressor's output buffer is reallocated and zeroed to the largest size LZ4 could need, and
//! then shrunk. For the raw messages, the bulk of every byte ingest writes, those copies and
//! the page faults of the fresh buffers were some 5% of an ingest's CPU (2026-12-06). Here each
//! value is copied once, into the page being filled, and each page compressed once.
//!
//! Encoding as the values come means a batch of ingest holds its messages compressed, except
//! each partition's page being filled: memory the process never has to fault in (first-touching
//! memory was a tenth of an ingest's CPU, 2026-12-06).
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
use parquet::file::writer::{SerializedPageWriter, SerializedRowGroupWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;

/// Encoded bytes per page, as Parquet's writer cuts them by default (its data page size
/// limit). Pages of 128 KiB kept less of a batch uncompressed in memory, but made the raw
/// messages 8% larger (235 → 255 MB for the regio scale over two years, 2026-12-06): each page
/// is compressed on its own, and its first messages find nothing before them to match.
const PAGE_BYTES: usize = 1 << 20;

/// Room beyond [`PAGE_BYTES`] for the value that fills a page: the page is cut after it. A
/// larger value grows the page past [`WHOLE_PAGE`].
const PAGE_OVERSHOOT: usize = 64 << 10;

/// The most a page being filled grows to by doubling: its levels, [`PAGE_BYTES`] and the
/// value that fills it. Doubling past it, the page's buffer went from 1 MiB to 2 MiB for its
/// last value, copied a mebibyte and faulted in twice its size, in every partition of a batch
/// (2026-12-06). Reserved whole at once, a batch of many small partitions held a mebibyte
/// for each.
const WHOLE_PAGE: usize = LEVELS_ROOM + PAGE_BYTES + PAGE_OVERSHOOT;

/// The first room a page gets.
const FIRST_ROOM: usize = 8 << 10;

/// Room at the start of a page for its definition levels: a 4-byte length, a run header
/// (LEB128, at most 5 bytes for a `u32` count shifted by one) and the run's value.
const LEVELS_ROOM: usize = 4 + 5 + 1;

thread_local! {
    /// The buffer pages are compressed into, kept for the thread's next page.
    static COMPRESSED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A column of bytes, one value per row, encoded and compressed page by page as the values
/// are pushed, in column chunks of `rows_per_chunk` values (the file's row groups).
pub struct BytesPages {
    compression: Compression,
    rows_per_chunk: usize,
    chunks: Vec<Chunk>,
    /// The page being filled: room for its levels, then its values.
    page: Vec<u8>,
    page_values: usize,
}

/// One column chunk: its pages, as they go into the file, and what its metadata records.
struct Chunk {
    pages: TrackedWrite<Vec<u8>>,
    offsets: OffsetIndexBuilder,
    values: usize,
    uncompressed: i64,
}

impl std::fmt::Debug for BytesPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BytesPages")
            .field("compression", &self.compression)
            .field("chunks", &self.chunks.len())
            .field("values", &self.len())
            .field("encoded_bytes", &self.encoded_size())
            .finish()
    }
}

impl BytesPages {
    /// An empty column compressed with `compression` (Snappy or LZ4 raw, the codecs the lake
    /// uses), cut into chunks of `rows_per_chunk` values.
    pub(crate) fn new(compression: Compression, rows_per_chunk: usize) -> Self {
        BytesPages {
            compression,
            rows_per_chunk: rows_per_chunk.max(1),
            chunks: Vec::new(),
            page: Vec::new(),
            page_values: 0,
        }
    }

    pub(crate) fn compression(&self) -> Compression {
        self.compression
    }

    /// The values pushed.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.values).sum::<usize>() + self.page_values
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The memory the pages hold: compressed pages, and the page being filled.
    pub fn encoded_size(&self) -> usize {
        self.chunks.iter().map(|c| c.pages.bytes_written()).sum::<usize>() + self.page.capacity()
    }

    /// Add the next row's value.
    pub fn push(&mut self, value: &[u8]) -> Result<()> {
        let len = u32::try_from(value.len())
            .map_err(|_| ParquetError::General(format!("a value of {} bytes", value.len())))?;
        if self.chunks.last().is_none_or(|c| c.values + self.page_values >= self.rows_per_chunk) {
            self.flush_page()?;
            let pages = TrackedWrite::new(Vec::new());
            self.chunks.push(Chunk { pages, offsets: OffsetIndexBuilder::new(), values: 0, uncompressed: 0 });
        }
        let start = if self.page.is_empty() { LEVELS_ROOM } else { 0 };
        self.make_room(start + 4 + value.len());
        self.page.resize(self.page.len() + start, 0);
        self.page.extend_from_slice(&len.to_le_bytes());
        self.page.extend_from_slice(value);
        self.page_values += 1;
        if self.page.len() - LEVELS_ROOM >= PAGE_BYTES { self.flush_page() } else { Ok(()) }
    }

    /// Room in the page being filled for `extra` more bytes: doubled as a `Vec` would, but not
    /// past [`WHOLE_PAGE`] unless a value needs it.
    fn make_room(&mut self, extra: usize) {
        let needed = self.page.len() + extra;
        if needed > self.page.capacity() {
            let room = (2 * self.page.capacity()).clamp(FIRST_ROOM, WHOLE_PAGE).max(needed);
            self.page.reserve_exact(room - self.page.len());
        }
    }

    /// Compress the page being filled (if it holds any value) into the last chunk.
    fn flush_page(&mut self) -> Result<()> {
        let values = self.page_values;
        let Some(chunk) = self.chunks.last_mut().filter(|_| values > 0) else { return Ok(()) };
        let num_values = count(values)?;
        let start = put_levels(&mut self.page, num_values);
        let plain = &self.page[start..];
        let buf = compress(self.compression, plain)?;
        let page = Page::DataPage {
            buf,
            num_values,
            encoding: Encoding::PLAIN,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        let spec = SerializedPageWriter::new(&mut chunk.pages).write_page(CompressedPage::new(page, plain.len()))?;
        chunk.offsets.append_offset_and_size(spec.offset as i64, spec.compressed_size as i32);
        chunk.offsets.append_row_count(i64::from(spec.num_values));
        chunk.uncompressed += spec.uncompressed_size as i64;
        chunk.values += values;
        self.page.clear();
        self.page_values = 0;
        Ok(())
    }

    /// The column chunks, every page compressed, for [`append`]: one per row group.
    pub(crate) fn finish(mut self) -> Result<Vec<EncodedChunk>> {
        self.flush_page()?;
        let compression = self.compression;
        self.chunks
            .into_iter()
            .map(|c| {
                let pages = c.pages.into_inner()?;
                Ok(EncodedChunk {
                    compression,
                    pages,
                    offsets: c.offsets,
                    values: c.values,
                    uncompressed: c.uncompressed,
                })
            })
            .collect()
    }
}

/// A column chunk of [`BytesPages`], ready to go into its row group.
pub(crate) struct EncodedChunk {
    compression: Compression,
    pages: Vec<u8>,
    offsets: OffsetIndexBuilder,
    values: usize,
    uncompressed: i64,
}

impl EncodedChunk {
    pub(crate) fn values(&self) -> usize {
        self.values
    }
}

/// Append `chunk` as the column `descr` of `row_group`.
pub(crate) fn append<W: std::io::Write + Send>(
    row_group: &mut SerializedRowGroupWriter<'_, W>,
    descr: ColumnDescPtr,
    chunk: EncodedChunk,
) -> Result<()> {
    let EncodedChunk { compression, pages, offsets, values, uncompressed } = chunk;
    // Lent to the row group, which copies it in, without a copy of its own.
    let pages = Bytes::from(pages);
    let metadata = ColumnChunkMetaData::builder(descr)
        .set_compression(compression)
        .set_encodings_mask(EncodingMask::new_from_encodings([Encoding::PLAIN, Encoding::RLE].iter()))
        .set_total_compressed_size(pages.len() as i64)
        .set_total_uncompressed_size(uncompressed)
        .set_num_values(values as i64)
        .set_data_page_offset(0)
        .build()?;
    let close = ColumnCloseResult {
        bytes_written: pages.len() as u64,
        rows_written: values as u64,
        metadata,
        bloom_filter: None,
        column_index: None,
        offset_index: Some(offsets.build()),
    };
    row_group.append_column(&pages, close)
}

fn count(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| ParquetError::General(format!("{n} values in one page")))
}

/// Write a page's definition levels (a 4-byte length, then one RLE run of `values` 1s, bit
/// width 1) at the end of the room left for them; where the page's body now starts.
fn put_levels(page: &mut [u8], values: u32) -> usize {
    let mut run = [0u8; 6];
    let header = uleb128(u64::from(values) << 1, &mut run);
    run[header] = 1;
    let levels = &run[..=header];
    let start = LEVELS_ROOM - 4 - levels.len();
    page[start..start + 4].copy_from_slice(&(levels.len() as u32).to_le_bytes());
    page[start + 4..LEVELS_ROOM].copy_from_slice(levels);
    start
}

/// Write `value` (below 2^35) as unsigned LEB128 into `out`; the number of bytes written.
fn uleb128(mut value: u64, out: &mut [u8; 6]) -> usize {
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

/// `plain` compressed into the thread's buffer (grown when it must be, never zeroed again),
/// then copied out as the page's buffer.
fn compress(compression: Compression, plain: &[u8]) -> Result<Bytes> {
    let external = |e: Box<dyn std::error::Error + Send + Sync>| ParquetError::External(e);
    COMPRESSED.with_borrow_mut(|scratch| {
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
    })
}

fn grow(buffer: &mut Vec<u8>, len: usize) {
    if buffer.len() < len {
        buffer.resize(len, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page's buffer follows what it holds: a few small values take a few KiB, and a page
    /// filled by values of a few KiB never grows past [`WHOLE_PAGE`] (doubling went to 2 MiB),
    /// and is reused for the next page.
    #[test]
    fn a_page_grows_with_its_values_and_never_past_a_whole_page() {
        let mut pages = BytesPages::new(Compression::LZ4_RAW, 1 << 20);
        for _ in 0..3 {
            pages.push(&[b'x'; 100]).expect("pushed");
        }
        assert!(pages.page.capacity() <= FIRST_ROOM, "{} bytes for three small values", pages.page.capacity());
        let value = vec![b'y'; 3_000];
        let mut largest = 0;
        for _ in 0..2 * PAGE_BYTES / value.len() {
            pages.push(&value).expect("pushed");
            largest = largest.max(pages.page.capacity());
        }
        assert!(largest > PAGE_BYTES && largest <= WHOLE_PAGE, "a page grew to {largest} bytes");
        assert_eq!(pages.page.capacity(), largest, "the buffer is kept for the next page");
        let big = vec![b'z'; WHOLE_PAGE];
        pages.push(&big).expect("a value larger than a page");
        assert_eq!(pages.len(), 3 + 2 * PAGE_BYTES / value.len() + 1);
    }
}
