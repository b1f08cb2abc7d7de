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

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_envelope::{Foutbericht, Stuf};
use ketenzicht_message::MAX_MESSAGE_BYTES;
use memchr::memmem::Finder;

use crate::IngestError;
use crate::gunzip::Gunzip;

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

impl Delivery {
    /// What the knooppunt did with it (`geaccepteerd`, `afgewezen`), when its routing says.
    pub fn transport(&self) -> Option<&str> {
        self.routing.as_ref().and_then(|r| r.transport.as_deref())
    }
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
    // Searchers made once: building one for every message cost more than the search.
    static GGK: LazyLock<Finder<'static>> =
        LazyLock::new(|| Finder::new(b"http://www.stufstandaarden.nl/koppelvlak/ggk0210"));
    static FO01: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"Fo01Bericht"));
    let head = &bytes[..bytes.len().min(2048)];
    let stuf = GGK.find(head).is_some() || FO01.find(head).is_some();
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

/// The routing records of one archive by member name, in the order they were written. An
/// archive holds its members in that order too, so the member read is nearly always the next
/// record: found without hashing. Records passed over wait aside, by name.
#[derive(Debug, Default)]
struct Records {
    next: VecDeque<(String, Routing)>,
    aside: HashMap<String, Routing>,
}

impl Records {
    /// Empty, keeping the room (the records of the next archive are about as many).
    fn clear(&mut self) {
        self.next.clear();
        self.aside.clear();
    }

    fn push(&mut self, lid: String, routing: Routing) {
        self.next.push_back((lid, routing));
    }

    /// The record of this member, taken out.
    fn take(&mut self, member: &str) -> Option<Routing> {
        if self.next.front().is_some_and(|(lid, _)| lid == member) {
            return self.next.pop_front().map(|(_, routing)| routing);
        }
        if let Some(routing) = self.aside.remove(member) {
            return Some(routing);
        }
        while let Some((lid, routing)) = self.next.pop_front() {
            if lid == member {
                return Some(routing);
            }
            self.aside.insert(lid, routing);
        }
        None
    }

    /// Records not taken.
    fn len(&self) -> usize {
        self.next.len() + self.aside.len()
    }
}

/// A stream that seeks forward by reading on, so that tar can skip the padding after each
/// member through `Seek`. Without it, tar reads that padding into a zeroed 32 KiB buffer of its
/// own: zeroing it for every member of a few KiB cost a tenth of reading the archive.
struct ForwardOnly<R> {
    inner: R,
    position: u64,
}

impl<R: Read> Read for ForwardOnly<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl<R: Read> Seek for ForwardOnly<R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let ahead = match to {
            SeekFrom::Current(ahead) => u64::try_from(ahead).ok(),
            SeekFrom::Start(at) => at.checked_sub(self.position),
            SeekFrom::End(_) => None,
        }
        .ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::Unsupported, "a compressed archive only reads forward")
        })?;
        let mut left = ahead;
        let mut buf = [0u8; 512];
        while left > 0 {
            let n = self.read(&mut buf[..left.min(512) as usize])?;
            if n == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "unexpected end while skipping"));
            }
            left -= n as u64;
        }
        Ok(self.position)
    }
}

/// Bytes inflated at a time. tar reads a header, a member and its padding at a time, a few KiB;
/// inflating each read on its own copied nearly every byte twice more (a match reaching back
/// before the read is copied from inflate's window, and each read's output into the window).
const INFLATE_BUFFER: usize = 1 << 17;

/// Read every member of an archive, in order, giving each its routing from `records` (by
/// member name; taken out as used). Inflated whole when it can be ([`Gunzip`]), else streamed.
fn read_archive<E: From<IngestError>>(
    path: &Path,
    records: &mut Records,
    gunzip: &mut Gunzip,
    each: &mut dyn FnMut(Delivery) -> Result<(), E>,
) -> Result<u64, E> {
    // Each member is named `archive#member`.
    let prefix = format!("{}#", path.display());
    let mut members = 0u64;
    let broken = match gunzip.whole(path)? {
        Some(tar) => {
            // Forward only here too: a tar cut off inside a member then breaks the archive
            // when its padding is skipped, as it does when streamed.
            let mut archive = tar::Archive::new(ForwardOnly { inner: tar, position: 0 });
            read_members(&mut archive, &prefix, records, &mut members, each)?
        }
        None => {
            let file = std::fs::File::open(path).map_err(IngestError::io(path))?;
            let gz = flate2::bufread::GzDecoder::new(std::io::BufReader::new(file));
            let inflated = std::io::BufReader::with_capacity(INFLATE_BUFFER, gz);
            let mut archive = tar::Archive::new(ForwardOnly { inner: inflated, position: 0 });
            match read_members(&mut archive, &prefix, records, &mut members, each)? {
                Some(e) => Some(e),
                None => beyond_first_member(archive.into_inner().inner.into_inner()).err(),
            }
        }
    };
    // A broken archive (not gzip, truncated, a bad tar header) keeps the members read before
    // the break; the archive itself goes to quarantine with its bytes and the reason.
    if let Some(e) = broken {
        let raw = std::fs::read(path).map_err(IngestError::io(path))?;
        let reason = format!("unreadable archive (gzip-compressed tar expected), after {members} members: {e}");
        each(Delivery { name: path.display().to_string(), bytes: Err((reason, raw)), routing: None, fout: None })?;
    }
    Ok(records.len() as u64)
}

/// After the tar archive in a streamed `.tar.gz`: the rest of its gzip member is read (which
/// checks its CRC), and anything but zeros after that member is an error. An archive of several
/// gzip members (`cat a.tar.gz b.tar.gz`) is read up to the end of its first; without this
/// check, the rest was passed over in silence.
fn beyond_first_member<R: std::io::BufRead>(mut gz: flate2::bufread::GzDecoder<R>) -> std::io::Result<()> {
    std::io::copy(&mut gz, &mut std::io::sink())?;
    let mut rest = gz.into_inner();
    loop {
        let more = rest.fill_buf()?;
        if more.is_empty() {
            return Ok(());
        }
        if more.iter().any(|&b| b != 0) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the archive goes on after its first gzip member (concatenated .tar.gz files are not read)",
            ));
        }
        let n = more.len();
        rest.consume(n);
    }
}

/// The members of a tar archive, each handed to `each` and counted in `members`, up to the
/// end or to the error that breaks the archive (returned).
fn read_members<R: Read + Seek, E: From<IngestError>>(
    archive: &mut tar::Archive<R>,
    prefix: &str,
    records: &mut Records,
    members: &mut u64,
    each: &mut dyn FnMut(Delivery) -> Result<(), E>,
) -> Result<Option<std::io::Error>, E> {
    let entries = match archive.entries_with_seek() {
        Ok(entries) => entries,
        Err(e) => return Ok(Some(e)),
    };
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => return Ok(Some(e)),
        };
        let member = entry.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = if entry.size() > MAX_MESSAGE_BYTES as u64 {
            oversized()
        } else {
            let mut buf = Vec::with_capacity(entry.size().min(MAX_MESSAGE_BYTES as u64) as usize);
            if let Err(e) = entry.read_to_end(&mut buf) {
                return Ok(Some(e));
            }
            buf
        };
        let routing = records.take(&member);
        let mut name = String::with_capacity(prefix.len() + member.len());
        name.push_str(prefix);
        name.push_str(&member);
        each(delivery(name, bytes, routing))?;
        *members += 1;
    }
    Ok(None)
}

fn read_path<E: From<IngestError>>(
    path: &Path,
    gunzip: &mut Gunzip,
    each: &mut dyn FnMut(Delivery) -> Result<(), E>,
) -> Result<(), E> {
    if is_archive(path) {
        read_archive(path, &mut Records::default(), gunzip, each).map(drop)
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

/// A routing record as written: every field text, or missing (or `null`).
#[derive(serde::Deserialize)]
struct Written {
    uuid: Option<String>,
    ontvangen: Option<String>,
    afzender: Option<String>,
    ontvanger: Option<String>,
    bericht: Option<String>,
    cross_ref: Option<String>,
    transport: Option<String>,
    transport_code: Option<String>,
    bestand: Option<String>,
    lid: Option<String>,
}

fn parse_record(line: &str, file: &Path, number: usize) -> Result<Record, IngestError> {
    let bad = |message: String| IngestError::Routing { file: file.to_owned(), line: number, message };
    let written: Written = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
    let need =
        |key: &str, value: Option<String>| value.ok_or_else(|| bad(format!("field {key:?} is missing or not text")));
    let ontvangen = need("ontvangen", written.ontvangen)?;
    let ontvangen =
        timestamp(&ontvangen).ok_or_else(|| bad(format!("ontvangen {ontvangen:?} is not YYYY-MM-DDThh:mm:ss")))?;
    Ok(Record {
        routing: Routing {
            bron: RoutingBron::Knooppunt,
            uuid: need("uuid", written.uuid)?,
            ontvangen,
            afzender: need("afzender", written.afzender)?,
            ontvanger: need("ontvanger", written.ontvanger)?,
            bericht: written.bericht,
            cross_ref: written.cross_ref,
            transport: written.transport,
            transport_code: written.transport_code,
        },
        bestand: need("bestand", written.bestand)?,
        lid: written.lid,
    })
}

/// `YYYY-MM-DDThh:mm:ss`, a real date and time, and nothing else.
fn timestamp(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    let shape = b.len() == 19 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':';
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    if !shape {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 7)?, number(8, 10)?)?;
    date.and_hms_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?)
}

fn path_hash(path: &Path) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(path)
}

/// Read the archive `bestand` whose routing records were gathered in `records`, if any, and
/// empty `records` for the next one.
fn read_gathered<E: From<IngestError>>(
    dir: &Path,
    bestand: Option<String>,
    records: &mut Records,
    gunzip: &mut Gunzip,
    stats: &mut SourceStats,
    each: &mut dyn FnMut(Delivery) -> Result<(), E>,
) -> Result<(), E> {
    let Some(bestand) = bestand else { return Ok(()) };
    let path = dir.join(&bestand);
    if path.exists() {
        stats.files += 1;
        stats.routing_without_file += read_archive(&path, records, gunzip, each)?;
    } else {
        stats.routing_without_file += records.len() as u64;
        tracing::warn!(file = %path.display(), "routing names an archive that is not there");
    }
    records.clear();
    Ok(())
}

/// A directory read routing first (see the module documentation).
fn read_routed<E: From<IngestError>>(
    dir: &Path,
    gunzip: &mut Gunzip,
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
    // Records of one archive are consecutive; they are gathered, then the archive is read.
    let mut records = Records::default();
    let mut line = String::new();
    for routing_file in routing_files {
        let file = std::fs::File::open(&routing_file).map_err(IngestError::io(&routing_file))?;
        let mut file = std::io::BufReader::new(file);
        // The archive whose records are in `records`.
        let mut pending: Option<String> = None;
        for number in 1.. {
            line.clear();
            if file.read_line(&mut line).map_err(IngestError::io(&routing_file))? == 0 {
                break;
            }
            if line.trim().is_empty() {
                continue;
            }
            let record = parse_record(&line, &routing_file, number)?;
            match record.lid {
                Some(lid) => {
                    if pending.as_ref().is_some_and(|b| *b != record.bestand) {
                        read_gathered(dir, pending.take(), &mut records, gunzip, stats, each)?;
                    }
                    if pending.is_none() {
                        seen.insert(path_hash(&dir.join(&record.bestand)));
                        pending = Some(record.bestand);
                    }
                    records.push(lid, record.routing);
                }
                None => {
                    read_gathered(dir, pending.take(), &mut records, gunzip, stats, each)?;
                    let path = dir.join(&record.bestand);
                    seen.insert(path_hash(&path));
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
        read_gathered(dir, pending.take(), &mut records, gunzip, stats, each)?;
    }
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    for path in files.into_iter().filter(|p| !seen.contains(&path_hash(p))) {
        stats.files += 1;
        read_path(&path, gunzip, each)?;
    }
    Ok(())
}

/// Call `each` for every delivery behind `paths`, in order, one at a time.
pub fn for_each_delivery<E: From<IngestError>>(
    paths: &[PathBuf],
    mut each: impl FnMut(Delivery) -> Result<(), E>,
) -> Result<SourceStats, E> {
    let mut stats = SourceStats::default();
    let mut gunzip = Gunzip::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(IngestError::io(path))?;
        if meta.is_dir() && path.join("routing").is_dir() {
            read_routed(path, &mut gunzip, &mut stats, &mut each)?;
        } else if meta.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)?;
            files.sort();
            for file in files {
                stats.files += 1;
                read_path(&file, &mut gunzip, &mut each)?;
            }
        } else {
            stats.files += 1;
            read_path(path, &mut gunzip, &mut each)?;
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketenzicht_testkit::archive::{gzip, tar};

    fn routing(uuid: &str) -> Routing {
        Routing {
            bron: RoutingBron::Knooppunt,
            uuid: uuid.to_owned(),
            ontvangen: timestamp("2024-02-29T23:59:59").expect("a leap day"),
            afzender: "0014".to_owned(),
            ontvanger: "98090005".to_owned(),
            bericht: None,
            cross_ref: None,
            transport: None,
            transport_code: None,
        }
    }

    #[test]
    fn records_are_found_in_any_order_and_once() {
        let mut records = Records::default();
        for lid in ["a", "b", "c", "d"] {
            records.push(lid.to_owned(), routing(lid));
        }
        assert_eq!(records.take("a").map(|r| r.uuid), Some("a".to_owned()));
        assert_eq!(records.take("c").map(|r| r.uuid), Some("c".to_owned()), "past b");
        assert_eq!(records.take("x"), None, "a member without a record");
        assert_eq!(records.take("b").map(|r| r.uuid), Some("b".to_owned()), "set aside");
        assert_eq!(records.take("c"), None, "taken already");
        assert_eq!(records.len(), 1);
    }

    #[test]
    fn a_forward_only_stream_seeks_ahead_by_reading_and_nowhere_else() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(2000).collect();
        let mut stream = ForwardOnly { inner: &bytes[..], position: 0 };
        let mut first = [0u8; 3];
        stream.read_exact(&mut first).expect("read");
        assert_eq!(stream.seek(SeekFrom::Current(1200)).expect("ahead"), 1203, "more than one buffer");
        assert_eq!(stream.seek(SeekFrom::Start(1300)).expect("to a later place"), 1300);
        let mut next = [0u8; 1];
        stream.read_exact(&mut next).expect("read");
        assert_eq!(next[0], bytes[1300]);
        for back in [SeekFrom::Current(-1), SeekFrom::Start(0), SeekFrom::End(0)] {
            let e = stream.seek(back).expect_err("only forward");
            assert_eq!(e.kind(), std::io::ErrorKind::Unsupported, "{back:?}");
        }
        let e = stream.seek(SeekFrom::Current(1000)).expect_err("past the end");
        assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof);
    }

    /// A `.tar.gz` of these members, written in `dir`.
    fn archive(dir: &Path, members: &[(&str, Vec<u8>)]) -> PathBuf {
        let members: Vec<(&str, &[u8])> = members.iter().map(|(name, bytes)| (*name, &bytes[..])).collect();
        let path = dir.join("maand.tar.gz");
        std::fs::write(&path, gzip(&tar(&members))).expect("written");
        path
    }

    /// A delivery as the tests compare it: name, bytes (or the reason they were refused) and
    /// the uuid of its routing.
    type Seen = (String, Vec<u8>, Option<String>);

    /// The deliveries of the archive at `path` and the records not taken, read through
    /// `gunzip`, with a record for every member but the first.
    fn deliveries(path: &Path, members: &[&str], gunzip: &mut Gunzip) -> (Vec<Seen>, u64) {
        let mut records = Records::default();
        for member in members.iter().skip(1).chain(["ontbreekt.xml"].iter()) {
            records.push((*member).to_owned(), routing(member));
        }
        let mut seen = Vec::new();
        let mut each = |d: Delivery| -> Result<(), IngestError> {
            let bytes = d.bytes.unwrap_or_else(|(reason, _)| reason.into_bytes());
            seen.push((d.name, bytes, d.routing.map(|r| r.uuid)));
            Ok(())
        };
        let left = read_archive(path, &mut records, gunzip, &mut each).expect("read");
        (seen, left)
    }

    #[test]
    fn an_archive_reads_the_same_inflated_whole_or_streamed() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let big: Vec<u8> = (0..80_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let members = [("a/JW301.xml", b"<a/>".to_vec()), ("b/JW315.xml", big), ("c/leeg.xml", Vec::new())];
        let path = archive(dir.path(), &members);
        let names: Vec<&str> = members.iter().map(|(n, _)| *n).collect();
        assert!(Gunzip::default().whole(&path).expect("read").is_some(), "inflated whole");
        assert!(Gunzip::with_limit(0).whole(&path).expect("read").is_none(), "streamed");
        let whole = deliveries(&path, &names, &mut Gunzip::default());
        let streamed = deliveries(&path, &names, &mut Gunzip::with_limit(0));
        assert_eq!(whole, streamed);
        let (seen, left) = whole;
        assert_eq!(left, 1, "the record of a member that is not there");
        let prefix = format!("{}#", path.display());
        for ((name, bytes, uuid), (i, (member, content))) in seen.iter().zip(members.iter().enumerate()) {
            assert_eq!(name, &format!("{prefix}{member}"));
            assert_eq!(bytes, content);
            assert_eq!(uuid.as_deref(), (i > 0).then_some(*member), "{member}");
        }
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn a_broken_archive_keeps_its_members_before_the_break_either_way() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("maand.tar.gz");
        let tar = tar(&[("a/JW301.xml", b"<a/>"), ("b/JW315.xml", &b"<b>".repeat(300))]);
        // gzip whole, tar not: a broken header after the first member, or the second member
        // cut off in the middle.
        let mut bad_header = tar.clone();
        bad_header.splice(1024..1024, std::iter::repeat_n(b'x', 512));
        let cut = tar[..1024 + 512 + 450].to_vec();
        for (broken, delivered) in [(bad_header, 1), (cut, 2)] {
            std::fs::write(&path, gzip(&broken)).expect("written");
            let names = ["a/JW301.xml", "b/JW315.xml"];
            assert!(Gunzip::default().whole(&path).expect("read").is_some(), "inflated whole");
            let whole = deliveries(&path, &names, &mut Gunzip::default());
            let streamed = deliveries(&path, &names, &mut Gunzip::with_limit(0));
            assert_eq!(whole, streamed);
            let (seen, _) = whole;
            assert_eq!(seen.len(), delivered + 1, "{seen:?}");
            assert_eq!(seen[0].1, b"<a/>");
            let (name, reason, _) = &seen[delivered];
            let reason = String::from_utf8_lossy(reason);
            assert_eq!(name, &path.display().to_string());
            let after = format!("unreadable archive (gzip-compressed tar expected), after {delivered} members");
            assert!(reason.starts_with(&after), "{reason}");
        }
    }

    #[test]
    fn an_archive_of_two_gzip_members_keeps_the_first_and_goes_to_quarantine_either_way() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        // Two archives of the same inflated size: the second one's trailer gives the size
        // of the first's contents too, and only its CRC tells them apart.
        let first = std::fs::read(archive(dir.path(), &[("a/JW301.xml", b"<a/>".to_vec())])).expect("read");
        let second = std::fs::read(archive(dir.path(), &[("b/JW301.xml", b"<b/>".to_vec())])).expect("read");
        assert_eq!(first[first.len() - 4..], second[second.len() - 4..], "the same inflated size");
        let path = dir.path().join("maand.tar.gz");
        std::fs::write(&path, [first.clone(), second].concat()).expect("written");
        assert!(Gunzip::default().whole(&path).expect("read").is_none(), "left to the streaming path");
        let names = ["a/JW301.xml", "b/JW301.xml"];
        let whole = deliveries(&path, &names, &mut Gunzip::default());
        let streamed = deliveries(&path, &names, &mut Gunzip::with_limit(0));
        assert_eq!(whole, streamed);
        let (seen, _) = whole;
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert_eq!(seen[0].1, b"<a/>");
        let reason = String::from_utf8_lossy(&seen[1].1);
        assert!(reason.contains("after 1 members") && reason.contains("after its first gzip member"), "{reason}");
        // Zeros after the member (a tape's padding) are no second member.
        std::fs::write(&path, [first, vec![0; 700]].concat()).expect("written");
        let (padded, _) = deliveries(&path, &names, &mut Gunzip::default());
        assert_eq!(padded.len(), 1, "{padded:?}");
        assert_eq!(padded[0].1, b"<a/>");
    }

    #[test]
    fn a_receipt_time_is_exactly_a_real_date_and_time() {
        let t = timestamp("2023-01-03T10:25:40").expect("valid");
        assert_eq!(t.to_string(), "2023-01-03 10:25:40");
        for bad in [
            "2023-02-29T10:25:40",
            "2023-01-03T24:00:00",
            "2023-01-03 10:25:40",
            "2023-01-03T10:25:40.5",
            "2023-1-03T10:25:40",
            "2023-01-03T10:25:4x",
            "",
        ] {
            assert_eq!(timestamp(bad), None, "{bad:?}");
        }
    }
}
