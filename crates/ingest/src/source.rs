//! The inputs behind the PATH arguments, as deliveries: the message bytes with the routing
//! data the knooppunt recorded, when there is any.
//!
//! * A directory with a `routing/` directory (the simulator's output, or an export from the
//!   knooppunt) is read routing first: each record names its file (and archive member), in
//!   receipt order. Message files that no record names are read afterwards, without routing.
//! * Other directories, files and `.tar.gz` archives are read as found (sorted).
//! * A StUF-GGk envelope is opened; its `referentienummer`, `tijdstipBericht`, `zender`,
//!   `ontvanger` and `crossRefnummer` are the routing data when no record gives them.
//! * A transport error of the knooppunt (`StUF:Fo01Bericht`) is read as such: it is no
//!   message, but says that the delivery it points to was refused.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use ketenzicht_envelope::{Foutbericht, Stuf};
use ketenzicht_message::MAX_MESSAGE_BYTES;

use crate::IngestError;

/// Where the routing data of a delivery came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutingBron {
    /// A routing record of the knooppunt.
    Knooppunt,
    /// The StUF-GGk envelope.
    Envelop,
}

/// What the knooppunt recorded about one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    pub bron: RoutingBron,
    pub uuid: String,
    pub ontvangen: NaiveDateTime,
    pub afzender: String,
    pub ontvanger: String,
    /// The message type the knooppunt saw (`JW301`, `WMO325`); `functie` in an envelope.
    pub bericht: Option<String>,
    /// For a retour or 325: the UUID of its heenbericht.
    pub cross_ref: Option<String>,
    /// `geaccepteerd` or `afgewezen`; unknown for an envelope alone.
    pub transport: Option<String>,
    pub transport_code: Option<String>,
}

/// The message bytes, or why the envelope around them could not be opened, with its bytes.
pub type Bytes = Result<Vec<u8>, (String, Vec<u8>)>;

/// One delivery: its name (`file`, or `archive.tar.gz#member`), its bytes (or why the envelope
/// around them could not be opened, with the envelope's bytes), and its routing; or, with
/// `fout`, a transport error (its bytes are the Fo01's).
#[derive(Debug)]
pub struct Delivery {
    pub name: String,
    pub bytes: Bytes,
    pub routing: Option<Routing>,
    pub fout: Option<Foutbericht>,
}

/// What reading the inputs noticed besides the deliveries.
#[derive(Debug, Default, Clone)]
pub struct SourceStats {
    /// Message files and archives read.
    pub files: u64,
    /// Routing records whose message file or member was not found.
    pub routing_without_file: u64,
}

fn is_archive(path: &Path) -> bool {
    path.to_string_lossy().to_ascii_lowercase().ends_with(".tar.gz")
}

fn is_message_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) || is_archive(path)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), IngestError> {
    for entry in std::fs::read_dir(dir).map_err(IngestError::io(dir))? {
        let path = entry.map_err(IngestError::io(dir))?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if is_message_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// More than the limit: hand the message layer a buffer just over it, so that it words the refusal.
fn oversized() -> Vec<u8> {
    vec![b' '; MAX_MESSAGE_BYTES + 1]
}

fn read_file(path: &Path) -> Result<Vec<u8>, IngestError> {
    let len = std::fs::metadata(path).map_err(IngestError::io(path))?.len();
    if len > MAX_MESSAGE_BYTES as u64 { Ok(oversized()) } else { std::fs::read(path).map_err(IngestError::io(path)) }
}

/// A StUF-GGk envelope is opened and a Fo01 read; anything else is taken as the message itself.
fn unwrap(bytes: Vec<u8>) -> Delivery {
    const GGK: &[u8] = b"http://www.stufstandaarden.nl/koppelvlak/ggk0210";
    const FO01: &[u8] = b"Fo01Bericht";
    let head = &bytes[..bytes.len().min(2048)];
    let stuf = memchr::memmem::find(head, GGK).is_some() || memchr::memmem::find(head, FO01).is_some();
    let unrouted = |bytes| Delivery { name: String::new(), bytes, routing: None, fout: None };
    if !stuf {
        return unrouted(Ok(bytes));
    }
    match ketenzicht_envelope::read_any(&bytes) {
        Ok(Stuf::Envelope(e)) => Delivery {
            routing: Some(Routing {
                bron: RoutingBron::Envelop,
                uuid: e.referentienummer,
                ontvangen: e.tijdstip,
                afzender: e.zender.organisatie,
                ontvanger: e.ontvanger.organisatie,
                bericht: Some(e.functie),
                cross_ref: e.cross_ref,
                transport: None,
                transport_code: None,
            }),
            ..unrouted(Ok(e.bericht))
        },
        Ok(Stuf::Fout(f)) => Delivery { fout: Some(f), ..unrouted(Ok(bytes)) },
        Err(e) => unrouted(Err((format!("StUF-GGk envelope: {e}"), bytes))),
    }
}

fn delivery(name: String, bytes: Vec<u8>, routing: Option<Routing>) -> Delivery {
    let opened = unwrap(bytes);
    Delivery { name, routing: routing.or(opened.routing), ..opened }
}

/// Read every member of an archive, in order, giving each its routing from `records` (by
/// member name; taken out as used).
fn read_archive<E: From<IngestError>>(
    path: &Path,
    mut records: HashMap<String, Routing>,
    each: &mut dyn FnMut(Delivery) -> Result<(), E>,
) -> Result<u64, E> {
    let file = std::fs::File::open(path).map_err(IngestError::io(path))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut members = 0u64;
    // A broken archive (not gzip, truncated, a bad tar header) keeps the members read before
    // the break; the archive itself goes to quarantine with its bytes and the reason.
    let broken: Option<std::io::Error> = 'read: {
        let entries = match archive.entries() {
            Ok(entries) => entries,
            Err(e) => break 'read Some(e),
        };
        for entry in entries {
            let mut entry = match entry {
                Ok(entry) => entry,
                Err(e) => break 'read Some(e),
            };
            let member = entry.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
            let bytes = if entry.size() > MAX_MESSAGE_BYTES as u64 {
                oversized()
            } else {
                let mut buf = Vec::with_capacity(entry.size().min(MAX_MESSAGE_BYTES as u64) as usize);
                if let Err(e) = entry.read_to_end(&mut buf) {
                    break 'read Some(e);
                }
                buf
            };
            let routing = records.remove(&member);
            each(delivery(format!("{}#{member}", path.display()), bytes, routing))?;
            members += 1;
        }
        None
    };
    if let Some(e) = broken {
        let raw = std::fs::read(path).map_err(IngestError::io(path))?;
        let reason = format!("unreadable archive (gzip-compressed tar expected), after {members} members: {e}");
        each(Delivery { name: path.display().to_string(), bytes: Err((reason, raw)), routing: None, fout: None })?;
    }
    Ok(records.len() as u64)
}

fn read_path<E: From<IngestError>>(path: &Path, each: &mut dyn FnMut(Delivery) -> Result<(), E>) -> Result<(), E> {
    if is_archive(path) {
        read_archive(path, HashMap::new(), each).map(drop)
    } else {
        each(delivery(path.display().to_string(), read_file(path)?, None))
    }
}

/// One routing record, as the simulator and the knooppunt export write it.
struct Record {
    routing: Routing,
    bestand: String,
    lid: Option<String>,
}

fn parse_record(line: &str, file: &Path, number: usize) -> Result<Record, IngestError> {
    let bad = |message: String| IngestError::Routing { file: file.to_owned(), line: number, message };
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    let need = |key: &str| text(key).ok_or_else(|| bad(format!("field {key:?} is missing or not text")));
    let ontvangen = need("ontvangen")?;
    let ontvangen = NaiveDateTime::parse_from_str(&ontvangen, "%Y-%m-%dT%H:%M:%S")
        .map_err(|e| bad(format!("ontvangen {ontvangen:?} is not YYYY-MM-DDThh:mm:ss: {e}")))?;
    Ok(Record {
        routing: Routing {
            bron: RoutingBron::Knooppunt,
            uuid: need("uuid")?,
            ontvangen,
            afzender: need("afzender")?,
            ontvanger: need("ontvanger")?,
            bericht: text("bericht"),
            cross_ref: text("cross_ref"),
            transport: text("transport"),
            transport_code: text("transport_code"),
        },
        bestand: need("bestand")?,
        lid: text("lid"),
    })
}

fn path_hash(path: &Path) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(path)
}

/// Read an archive whose routing records were gathered.
fn read_gathered<E: From<IngestError>>(
    dir: &Path,
    gathered: Option<(String, HashMap<String, Routing>)>,
    stats: &mut SourceStats,
    each: &mut dyn FnMut(Delivery) -> Result<(), E>,
) -> Result<(), E> {
    let Some((bestand, records)) = gathered else { return Ok(()) };
    let path = dir.join(&bestand);
    if path.exists() {
        stats.files += 1;
        stats.routing_without_file += read_archive(&path, records, each)?;
    } else {
        stats.routing_without_file += records.len() as u64;
        tracing::warn!(file = %path.display(), "routing names an archive that is not there");
    }
    Ok(())
}

/// A directory read routing first (see the module documentation).
fn read_routed<E: From<IngestError>>(
    dir: &Path,
    stats: &mut SourceStats,
    each: &mut dyn FnMut(Delivery) -> Result<(), E>,
) -> Result<(), E> {
    let mut seen: HashSet<u64> = HashSet::new();
    let mut routing_files: Vec<PathBuf> = std::fs::read_dir(dir.join("routing"))
        .map_err(IngestError::io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    routing_files.sort();
    for routing_file in routing_files {
        let file = std::fs::File::open(&routing_file).map_err(IngestError::io(&routing_file))?;
        // Records of one archive are consecutive; they are gathered, then the archive is read.
        let mut pending: Option<(String, HashMap<String, Routing>)> = None;
        for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(IngestError::io(&routing_file))?;
            if line.trim().is_empty() {
                continue;
            }
            let record = parse_record(&line, &routing_file, number + 1)?;
            let path = dir.join(&record.bestand);
            seen.insert(path_hash(&path));
            match record.lid {
                Some(lid) => {
                    if pending.as_ref().is_some_and(|(b, _)| *b != record.bestand) {
                        read_gathered(dir, pending.take(), stats, each)?;
                    }
                    pending
                        .get_or_insert_with(|| (record.bestand.clone(), HashMap::new()))
                        .1
                        .insert(lid, record.routing);
                }
                None => {
                    read_gathered(dir, pending.take(), stats, each)?;
                    if path.exists() {
                        stats.files += 1;
                        each(delivery(path.display().to_string(), read_file(&path)?, Some(record.routing)))?;
                    } else {
                        stats.routing_without_file += 1;
                        tracing::warn!(file = %path.display(), "routing names a file that is not there");
                    }
                }
            }
        }
        read_gathered(dir, pending.take(), stats, each)?;
    }
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    for path in files.into_iter().filter(|p| !seen.contains(&path_hash(p))) {
        stats.files += 1;
        read_path(&path, each)?;
    }
    Ok(())
}

/// Call `each` for every delivery behind `paths`, in order, one at a time.
pub fn for_each_delivery<E: From<IngestError>>(
    paths: &[PathBuf],
    mut each: impl FnMut(Delivery) -> Result<(), E>,
) -> Result<SourceStats, E> {
    let mut stats = SourceStats::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(IngestError::io(path))?;
        if meta.is_dir() && path.join("routing").is_dir() {
            read_routed(path, &mut stats, &mut each)?;
        } else if meta.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)?;
            files.sort();
            for file in files {
                stats.files += 1;
                read_path(&file, &mut each)?;
            }
        } else {
            stats.files += 1;
            read_path(path, &mut each)?;
        }
    }
    Ok(stats)
}
