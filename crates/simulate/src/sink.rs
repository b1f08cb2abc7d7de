//! Where message files go: loose files, or one compressed archive per gemeente, law and month.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDateTime};
use flate2::write::GzEncoder;

use crate::{SimulateError, io};

/// The layout of the written messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `berichten/{gemeente}/{yyyy-mm}/{file}.xml`
    Loose,
    /// `berichten/{gemeente}/{yyyy-mm}-{wet}.tar.gz`, members `{file}.xml`.
    Archive,
}

/// Where a message was put: the file relative to the output directory, and the archive member.
#[derive(Debug, Clone)]
pub struct Placed {
    pub bestand: String,
    pub lid: Option<String>,
}

pub struct Sink {
    layout: Layout,
    dir: String,
    wet: String,
    open: Option<OpenArchive>,
}

/// The archive being written: its month, its name under the output, its path and its writer.
struct OpenArchive {
    month: (i32, u32),
    bestand: String,
    path: std::path::PathBuf,
    builder: tar::Builder<GzEncoder<BufWriter<File>>>,
}

impl Sink {
    pub fn new(layout: Layout, gemeente: &str, wet: &str) -> Self {
        Sink { layout, dir: format!("berichten/{gemeente}"), wet: wet.to_owned(), open: None }
    }

    /// Store one message received at `t`. Calls come in receipt order.
    pub fn put(&mut self, out: &Path, t: NaiveDateTime, name: &str, bytes: &[u8]) -> Result<Placed, SimulateError> {
        match self.layout {
            Layout::Loose => {
                let bestand = format!("{}/{:04}-{:02}/{name}", self.dir, t.year(), t.month());
                let path = out.join(&bestand);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(io(parent))?;
                }
                std::fs::write(&path, bytes).map_err(io(&path))?;
                Ok(Placed { bestand, lid: None })
            }
            Layout::Archive => {
                let month = (t.year(), t.month());
                if self.open.as_ref().is_none_or(|a| a.month != month) {
                    self.finish()?;
                    let bestand = format!("{}/{:04}-{:02}-{}.tar.gz", self.dir, month.0, month.1, self.wet);
                    let path = out.join(&bestand);
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent).map_err(io(parent))?;
                    }
                    let file = File::create(&path).map_err(io(&path))?;
                    // Buffered: the encoder writes out after every input, a few hundred bytes.
                    let gz = GzEncoder::new(BufWriter::with_capacity(1 << 18, file), flate2::Compression::fast());
                    self.open = Some(OpenArchive { month, bestand, path, builder: tar::Builder::new(gz) });
                }
                let Some(OpenArchive { bestand, path, builder, .. }) = self.open.as_mut() else {
                    unreachable!("opened above")
                };
                let path = path.as_path();
                // Fixed metadata, so that the same seed gives the same bytes. The member is
                // written whole (header, data, padding to 512 bytes), not through `append_data`,
                // which copies the data once more through a stack buffer.
                let mut header = tar::Header::new_gnu();
                header.set_path(name).map_err(io(path))?;
                header.set_size(bytes.len() as u64);
                header.set_mode(0o644);
                header.set_mtime(t.and_utc().timestamp().max(0) as u64);
                header.set_cksum();
                let out = builder.get_mut();
                out.write_all(header.as_bytes()).map_err(io(path))?;
                out.write_all(bytes).map_err(io(path))?;
                let padding = (512 - bytes.len() % 512) % 512;
                out.write_all(&[0u8; 512][..padding]).map_err(io(path))?;
                Ok(Placed { bestand: bestand.clone(), lid: Some(name.to_owned()) })
            }
        }
    }

    /// Close the open archive, if any.
    pub fn finish(&mut self) -> Result<(), SimulateError> {
        if let Some(OpenArchive { path, builder, .. }) = self.open.take() {
            let gz = builder.into_inner().map_err(io(&path))?;
            let mut file = gz.finish().map_err(io(&path))?;
            file.flush().map_err(io(&path))?;
        }
        Ok(())
    }
}
