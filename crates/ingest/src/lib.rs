//! Ingest: from deliveries (files, directories, archives, envelopes, routing data) into the
//! store, exactly once.
//!
//! * A message is identified by law, message type, sender, Identificatie and Dagtekening
//!   (its *sleutel*), plus the SHA-256 of its bytes. A new sleutel is stored; the same sleutel
//!   and bytes again is a second delivery (a new knooppunt UUID) or nothing at all (the same
//!   delivery ingested again); the same sleutel with other bytes is a conflict, kept in
//!   quarantine next to the stored message.
//! * Input that cannot be read as an iWmo/iJw 3.2 message (hostile, truncated, invalid at
//!   level 1, a broken envelope) goes to quarantine with its reason and original bytes.
//! * A transport error of the knooppunt (Fo01) is recorded in the ledger against the UUID of
//!   the delivery it refused, whichever of the two comes first; Ketendata then marks that
//!   delivery as refused at transport.
//! * Work is committed in batches through the store's ledger (see `ketenzicht_store::ledger`),
//!   so an interrupted run leaves the store consistent and running it again completes it.

mod batch;
mod fresh;
mod gunzip;
pub mod inbox;
mod reading;
mod rows;
pub mod source;
mod stamp;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Datelike;
use ketenzicht_governance::Toelating;
use ketenzicht_message::model::EigenIdentiteit;
use ketenzicht_message::xml::element::Leaf;
use ketenzicht_message::{Level, Message, Wet};
use ketenzicht_store::ledger::{
    BerichtEntry, Commit, Inhoud, LeveringEntry, QuarantaineEntry, Sleutel, TransportFoutEntry, ZonderOpdracht,
    undated_key_of,
};
use ketenzicht_store::pseudonym::hex;
use ketenzicht_store::{Kind, Store, StoreError, Table};
use sha2::{Digest, Sha256};

pub use source::{Delivery, Routing, RoutingBron};
use stamp::Stamp;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read {}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}, line {line}: routing record: {message}", file.display())]
    Routing { file: PathBuf, line: usize, message: String },
    #[error("not a delivery id of the inbox: {0:?}")]
    DeliveryId(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The reading thread stopped because storing failed (that error is the one reported).
    #[error("ingest stopped")]
    Stopped,
}

impl IngestError {
    pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IngestError + '_ {
        move |source| IngestError::Io { path: path.to_owned(), source }
    }
}

use batch::{Files, Job, LakeFile, Pending, Writer};
use ketenzicht_store::lake::{LEVERINGEN, RUW};
use rows::{LeveringRows, Ruw, RuwRows};

pub fn ruw_columns() -> Table {
    Table::new(&[
        ("bericht_id", Kind::Int),
        ("sleutel", Kind::Text),
        ("inhoud_sha256", Kind::Text),
        ("wet", Kind::Text),
        ("bericht", Kind::Text),
        ("verzender", Kind::Text),
        ("identificatie", Kind::Text),
        ("dagtekening", Kind::Date),
        ("xml", Kind::Binary),
    ])
}

pub fn leveringen_columns() -> Table {
    Table::new(&[
        ("bericht_id", Kind::Int),
        ("uuid", Kind::Text),
        ("ontvangen", Kind::Timestamp),
        ("routing_bron", Kind::Text),
        ("afzender", Kind::Text),
        ("ontvanger", Kind::Text),
        ("cross_ref", Kind::Text),
        ("transport", Kind::Text),
        ("transport_code", Kind::Text),
        ("bron", Kind::Text),
    ])
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Commit a batch when this many bytes of messages are buffered.
    pub batch_bytes: usize,
    /// What the orders admit. The command line and the server always pass the register's
    /// ([`ketenzicht_governance::Governance::toelating`]); the default admits everything, for
    /// tools and tests that work without orders.
    pub toelating: Toelating,
}

impl Default for Options {
    fn default() -> Self {
        Options { batch_bytes: 128 * 1024 * 1024, toelating: Toelating::alles() }
    }
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub files: u64,
    pub deliveries: u64,
    /// New messages stored, per message name (`JW301`).
    pub per_type: BTreeMap<String, u64>,
    pub nieuw: u64,
    /// Further deliveries of a stored message (the same bytes under a new UUID).
    pub dubbel: u64,
    /// Deliveries that were already in the store (the same input ingested again).
    pub al_bekend: u64,
    pub conflicten: u64,
    pub quarantaine: u64,
    /// Deliveries refused at transport (stored and marked, or quarantined when unreadable).
    pub transport_afgewezen: u64,
    /// Transport errors (Fo01) recorded.
    pub fo01: u64,
    pub routing_without_file: u64,
    /// Messages of a gemeente and law without an order: counted, content discarded.
    pub zonder_opdracht: u64,
    pub batches: u64,
    /// Gemeenten with new data.
    pub gemeenten: BTreeSet<String>,
    pub elapsed: Duration,
}

impl Summary {
    pub fn per_second(&self) -> f64 {
        self.deliveries as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

#[derive(Default)]
struct Part {
    ruw: Option<RuwRows>,
    leveringen: Option<LeveringRows>,
}

struct Ingester<'s> {
    store: &'s mut Store,
    options: Options,
    next_id: i64,
    /// The identities of the batch being gathered.
    pending: Pending,
    /// Those of the batch before it, while the writer thread stores it.
    in_flight: Option<Pending>,
    /// Those of batches committed since this thread's snapshot of the ledger began (see
    /// [`Ingester::settle`]).
    unseen: Vec<Pending>,
    /// Which message keys are new without a lookup.
    fresh: fresh::Fresh,
    writer: Writer,
    /// The parts of the batch being gathered, by gemeente and year.
    parts: BTreeMap<String, BTreeMap<i32, Part>>,
    quarantine_files: Vec<(String, Vec<u8>)>,
    commit: Commit,
    buffered: usize,
    summary: Summary,
}

/// Batches committed before the storing thread's lookups take a new snapshot of the ledger
/// (see [`Ingester::settle`]): their identities are kept meanwhile, some 7 MB per batch of
/// 128 MB. A new snapshot after every batch cost a national month into the two-year ledger
/// 0.6 s (8.5 → 9.1 s, 2026-11-29): its lookups read their pages again.
const SNAPSHOT_BATCHES: usize = 4;

/// A delivery read: the message's stamp (or why it could not be read) and the SHA-256 of its
/// bytes; `None` when its envelope could not be opened.
pub(crate) type Parsed = Option<(Result<Stamp, ketenzicht_message::ReadError>, Inhoud)>;

pub(crate) fn parse(d: &Delivery) -> Parsed {
    if d.fout.is_some() {
        return None;
    }
    d.bytes.as_ref().ok().map(|b| {
        let inhoud = sha256(b);
        let read = ketenzicht_message::read(b).map(|m| Stamp::of(&m, d.routing.as_ref(), &inhoud));
        (read, inhoud)
    })
}

fn sha256(bytes: &[u8]) -> Inhoud {
    Sha256::digest(bytes).into()
}

/// What the key of a message hashes: law, message, sender, Identificatie and Dagtekening
/// (dated with the Dagtekening's month, see [`ketenzicht_store::ledger::dated_key`]).
pub fn identity(message: &Message) -> String {
    let text = identity_text(message.wet, &message.name(), &message.bericht.eigen_identiteit());
    String::from_utf8_lossy(&text).into_owned()
}

/// [`identity`] from the message's law, name and own identity, where these are at hand:
/// `wet|name|verzender|identificatie|dagtekening`, written without the formatting machinery
/// (a fifth of the storing thread's own work went to `format!`, 2026-12-05).
fn identity_text(wet: Wet, name: &str, eigen: &EigenIdentiteit<'_>) -> Vec<u8> {
    let mut text = Vec::with_capacity(64);
    for part in [wet.as_str(), "|", name, "|"] {
        text.extend_from_slice(part.as_bytes());
    }
    eigen.verzender.write_text(&mut text);
    text.push(b'|');
    text.extend_from_slice(eigen.identificatie.as_str().as_bytes());
    text.push(b'|');
    let dagtekening = eigen.dagtekening;
    if (0..=9999).contains(&dagtekening.0.year()) {
        dagtekening.write_text(&mut text);
    } else {
        // `NaiveDate`'s display signs years of five digits.
        text.extend_from_slice(dagtekening.0.to_string().as_bytes());
    }
    text
}

/// What the key of a delivery without routing data hashes: its content (dated with the
/// message's Dagtekening, as its identity).
pub fn content_text(inhoud: &Inhoud) -> String {
    format!("inhoud|{}", hex(inhoud))
}

/// The undated key of a delivery with this knooppunt UUID (see [`LeveringEntry`]): that of the
/// text `uuid|` and the UUID.
fn uuid_key(uuid: &str) -> Sleutel {
    undated_key_of(&[b"uuid|", uuid.as_bytes()])
}

/// A gemeentecode is four digits; an AGB code eight.
fn gemeente_of(routing: Option<&Routing>) -> Option<String> {
    let r = routing?;
    [&r.afzender, &r.ontvanger].into_iter().find(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit())).cloned()
}

impl Ingester<'_> {
    /// The identities of the batches that this thread's snapshot of the ledger does not hold.
    fn waiting(&self) -> impl Iterator<Item = &Pending> {
        std::iter::once(&self.pending).chain(&self.in_flight).chain(&self.unseen)
    }

    /// Whether a batch not yet in this thread's snapshot of the ledger holds this identity.
    fn pending(&self, holds: impl Fn(&Pending) -> bool) -> bool {
        self.waiting().any(holds)
    }

    /// The part of `gemeente` and `jaar`, found without copying the code (a copy for every
    /// message, and the search that took it, were a tenth of this thread's own work, 2026-12-06).
    fn part(&mut self, gemeente: &str, jaar: i32) -> &mut Part {
        if !self.parts.contains_key(gemeente) {
            self.parts.insert(gemeente.to_owned(), BTreeMap::new());
        }
        let years = self.parts.get_mut(gemeente).unwrap_or_else(|| unreachable!("inserted above"));
        years.entry(jaar).or_default()
    }

    fn quarantine(
        &mut self,
        d: &Delivery,
        bytes: &[u8],
        soort: &str,
        reden: String,
        pad: Option<String>,
        regel: Option<String>,
    ) -> Result<bool, IngestError> {
        let inhoud = sha256(bytes);
        if self.pending(|p| p.quarantaine.contains(&inhoud)) || self.store.ledger.has_quarantaine(&inhoud)? {
            self.summary.al_bekend += 1;
            return Ok(false);
        }
        let gemeente = gemeente_of(d.routing.as_ref());
        if let (Some(g), Some(r)) = (&gemeente, &d.routing) {
            let wet = r.bericht.as_deref().and_then(Wet::of_message_name);
            let dag = r.ontvangen.date();
            let admitted = match wet {
                Some(w) => self.options.toelating.admits(g, w, dag),
                None => Wet::ALL.iter().any(|&w| self.options.toelating.admits(g, w, dag)),
            };
            if !admitted {
                let mut key = [0u8; 16];
                key.copy_from_slice(&inhoud[..16]);
                self.without_order(key, g, wet.map_or("", Wet::as_str), dag)?;
                return Ok(false);
            }
        }
        let eigenaar = gemeente.as_deref().unwrap_or(ketenzicht_store::keys::ONBEKEND);
        let bestand = format!("quarantaine/{eigenaar}/{}.bin", hex(&inhoud));
        let sealed = self.store.keys().seal(eigenaar, bytes)?;
        tracing::info!(bron = %d.name, soort, %reden, "quarantined");
        self.pending.quarantaine.insert(inhoud);
        self.buffered += bytes.len();
        self.quarantine_files.push((bestand.clone(), sealed));
        self.commit.quarantaine.push(QuarantaineEntry {
            inhoud,
            bron: d.name.clone(),
            gemeente,
            soort: soort.to_owned(),
            reden,
            pad,
            regel,
            bestand,
            ontvangen: d.routing.as_ref().map(|r| r.ontvangen.format("%Y-%m-%dT%H:%M:%S").to_string()),
            transport: d.routing.as_ref().and_then(|r| r.transport_code.clone().or_else(|| r.transport.clone())),
            bericht: d.routing.as_ref().and_then(|r| r.bericht.clone()),
        });
        self.summary.quarantaine += 1;
        Ok(true)
    }

    /// Count a message without an order, once per identity; its content is not kept.
    fn without_order(
        &mut self,
        key: Sleutel,
        gemeente: &str,
        wet: &str,
        dag: chrono::NaiveDate,
    ) -> Result<(), IngestError> {
        if self.pending(|p| p.zonder_opdracht.contains(&key)) || self.store.ledger.has_zonder_opdracht(&key)? {
            self.summary.al_bekend += 1;
            return Ok(());
        }
        self.pending.zonder_opdracht.insert(key);
        self.commit.zonder_opdracht.push(ZonderOpdracht {
            sleutel: key,
            gemeente: gemeente.to_owned(),
            wet: wet.to_owned(),
            maand: dag.format("%Y-%m").to_string(),
        });
        self.buffered += 64;
        self.summary.zonder_opdracht += 1;
        Ok(())
    }

    /// Take one delivery, read already (see [`Parsed`]): store, count or quarantine it.
    fn deliver(&mut self, mut d: Delivery, parsed: Parsed) -> Result<(), IngestError> {
        self.summary.deliveries += 1;
        self.store.ledger.begin_reading()?;
        if d.transport() == Some("afgewezen") {
            self.summary.transport_afgewezen += 1;
        }
        if let Some(fout) = d.fout.take() {
            self.transport_error(&d, fout)?;
            return self.maybe_flush();
        }
        // The bytes are moved on into the raw table, not copied.
        let bytes = match std::mem::replace(&mut d.bytes, Ok(Vec::new())) {
            Ok(bytes) => bytes,
            Err((reason, raw)) => {
                self.quarantine(&d, &raw, "onleesbaar", reason, None, None)?;
                return self.maybe_flush();
            }
        };
        let Some((read, inhoud)) = parsed else { return self.maybe_flush() };
        match read {
            Ok(stamp) => self.store_message(d, bytes, stamp, inhoud)?,
            Err(err) => {
                let soort = if err.findings.iter().any(|f| f.level == Level::Xml) { "onleesbaar" } else { "ongeldig" };
                let first = err.findings.first();
                let reden = err.findings.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
                let pad = first.map(|f| f.path.clone()).filter(|p| !p.is_empty());
                let regel = first.and_then(|f| f.rule.map(str::to_owned));
                self.quarantine(&d, &bytes, soort, reden, pad, regel)?;
            }
        }
        self.maybe_flush()
    }

    /// Record a Fo01 against the delivery it refused (once).
    fn transport_error(&mut self, d: &Delivery, fout: ketenzicht_envelope::Foutbericht) -> Result<(), IngestError> {
        let key = uuid_key(&fout.cross_ref);
        if self.pending(|p| p.transportfouten.contains(&key)) || self.store.ledger.has_transportfout(&key)? {
            self.summary.al_bekend += 1;
            return Ok(());
        }
        tracing::debug!(bron = %d.name, uuid = %fout.cross_ref, code = %fout.code, "transport error");
        self.pending.transportfouten.insert(key);
        self.buffered += 512;
        self.commit.transportfouten.push(TransportFoutEntry {
            sleutel: key,
            uuid: fout.cross_ref,
            referentienummer: fout.referentienummer,
            tijdstip: fout.tijdstip.format("%Y-%m-%dT%H:%M:%S").to_string(),
            code: fout.code,
            plek: fout.plek,
            omschrijving: fout.omschrijving,
            details: fout.details,
            bron: d.name.clone(),
        });
        self.summary.fo01 += 1;
        Ok(())
    }

    /// The stored message with this key; in a ledger with undated keys, also under its
    /// undated key.
    fn stored_bericht(&self, key: &Sleutel, undated: &Sleutel) -> Result<Option<(i64, Inhoud)>, IngestError> {
        let ledger = &self.store.ledger;
        match ledger.bericht(key)? {
            None if ledger.undated_keys() => Ok(ledger.bericht(undated)?),
            found => Ok(found),
        }
    }

    /// Whether the delivery with this key, of stored message `bericht`, is stored: as the
    /// delivery that brought it, or as another one; in a ledger with undated keys, also under
    /// its undated key.
    fn levering_stored(&self, bericht: i64, key: &Sleutel, undated: &Sleutel) -> Result<bool, IngestError> {
        let ledger = &self.store.ledger;
        if ledger.levering_van(bericht)?.is_some_and(|first| first == *key) {
            return Ok(true);
        }
        Ok(ledger.has_levering(key)? || (ledger.undated_keys() && ledger.has_levering(undated)?))
    }

    fn store_message(&mut self, d: Delivery, bytes: Vec<u8>, stamp: Stamp, inhoud: Inhoud) -> Result<(), IngestError> {
        let size = bytes.len();
        let Stamp {
            wet,
            name,
            gemeente,
            verzender,
            identificatie,
            dagtekening,
            key,
            undated,
            levering,
            levering_undated,
        } = stamp;
        // Registered on the day of receipt, else on its Dagtekening; partitioned by that year.
        let dag = d.routing.as_ref().map_or(dagtekening, |r| r.ontvangen.date());
        let jaar = dag.year();
        if !self.options.toelating.admits(&gemeente, wet, dag) {
            return self.without_order(undated, &gemeente, wet.as_str(), dag);
        }
        let known = if self.fresh.surely_new(&key) {
            None
        } else {
            match self.waiting().find_map(|p| p.berichten.get(&key)) {
                Some(found) => Some(*found),
                None => self.stored_bericht(&key, &undated)?,
            }
        };
        match known {
            None => {
                let id = self.next_id;
                self.next_id += 1;
                self.fresh.insert(&key);
                self.pending.berichten.insert(key, (id, inhoud));
                self.pending.leveringen.insert(levering);
                let part = self.part(&gemeente, jaar);
                part.ruw.get_or_insert_default().push(Ruw {
                    id,
                    sleutel: &key,
                    inhoud: &inhoud,
                    wet: wet.as_str(),
                    bericht: &name,
                    verzender: &verzender,
                    identificatie: &identificatie,
                    dagtekening,
                    xml: &bytes,
                })?;
                part.leveringen.get_or_insert_default().push(id, &d);
                // A delivery the knooppunt accepted is kept in the message's row; any other
                // (refused, or with no word of the knooppunt) where a Fo01 can find it.
                let accepted = d.transport() == Some("geaccepteerd");
                self.commit.berichten.push(BerichtEntry {
                    sleutel: key,
                    id,
                    inhoud,
                    gemeente: gemeente.clone(),
                    jaar,
                    levering: accepted.then_some(levering),
                });
                if !accepted {
                    self.commit.leveringen.push(LeveringEntry {
                        sleutel: levering,
                        bericht: id,
                        gemeente: gemeente.clone(),
                    });
                }
                self.buffered += size + 256;
                *self.summary.per_type.entry(name).or_default() += 1;
                self.summary.nieuw += 1;
                self.summary.gemeenten.insert(gemeente);
            }
            Some((id, stored)) if stored == inhoud => {
                if self.pending(|p| p.leveringen.contains(&levering))
                    || self.levering_stored(id, &levering, &levering_undated)?
                {
                    self.summary.al_bekend += 1;
                } else {
                    self.pending.leveringen.insert(levering);
                    self.part(&gemeente, jaar).leveringen.get_or_insert_default().push(id, &d);
                    self.commit.leveringen.push(LeveringEntry {
                        sleutel: levering,
                        bericht: id,
                        gemeente: gemeente.clone(),
                    });
                    self.buffered += 256;
                    self.summary.dubbel += 1;
                    self.summary.gemeenten.insert(gemeente);
                }
            }
            Some((id, _)) => {
                let reden = format!(
                    "conflict: {name} {} of {} dated {} is stored already (bericht {id}) with other content; IV028/TR056: Identificatie is unique per message type per sender",
                    identificatie, verzender, dagtekening
                );
                let quarantined = self.quarantine(
                    &d,
                    &bytes,
                    "conflict",
                    reden,
                    Some("Header/BerichtIdentificatie".to_owned()),
                    Some("TR056".to_owned()),
                )?;
                if quarantined {
                    self.commit.conflicten.push((id, inhoud));
                    self.summary.conflicten += 1;
                }
            }
        }
        Ok(())
    }

    fn maybe_flush(&mut self) -> Result<(), IngestError> {
        if self.buffered >= self.options.batch_bytes { self.flush() } else { Ok(()) }
    }

    /// Close the batch gathered so far and hand it to the writer thread (which registers it in
    /// the ledger, writes its files and commits it), once the batch before it is committed.
    /// (Two batches in the writer's hands instead of one made no difference, 2026-11-29.)
    fn flush(&mut self) -> Result<(), IngestError> {
        if self.commit.is_empty() {
            return Ok(());
        }
        self.settle()?;
        // Raw messages are sealed with the gemeente's key, deliveries (routing data, no
        // client data) stay plain Parquet.
        let mut tables = Vec::new();
        for (gemeente, years) in std::mem::take(&mut self.parts) {
            for (jaar, part) in years {
                let ruw = part.ruw.map(RuwRows::finish).transpose()?;
                let leveringen = part.leveringen.map(LeveringRows::finish).transpose()?;
                for (table, rows, ext) in [(RUW, ruw, rows::RUW_EXT), (LEVERINGEN, leveringen, "parquet")] {
                    if let Some(rows) = rows {
                        let dir = ketenzicht_store::partition_rel(table, &gemeente, jaar);
                        tables.push(LakeFile { dir, ext, gemeente: gemeente.clone(), rows });
                    }
                }
            }
        }
        let files = Files { tables, quarantine: std::mem::take(&mut self.quarantine_files) };
        // The next batch is about as large: room for it from the start, instead of growing into
        // it by copying.
        let next = Commit::like(&self.commit);
        let commit = std::mem::replace(&mut self.commit, next);
        self.writer.send(Job { files, commit })?;
        let next = Pending::like(&self.pending);
        self.in_flight = Some(std::mem::replace(&mut self.pending, next));
        self.buffered = 0;
        self.summary.batches += 1;
        Ok(())
    }

    /// Wait until the batch in flight is committed. Its identities are forgotten only when this
    /// thread's lookups take a new snapshot of the ledger, which holds them: every
    /// [`SNAPSHOT_BATCHES`] batches, because SQLite empties a connection's page cache whenever
    /// its next snapshot finds that another connection (the writer's) has written.
    fn settle(&mut self) -> Result<(), IngestError> {
        let Some(committed) = self.in_flight.take() else { return Ok(()) };
        self.writer.wait()?;
        self.unseen.push(committed);
        if self.unseen.len() >= SNAPSHOT_BATCHES {
            self.store.ledger.end_reading()?;
            self.unseen.clear();
            // The writer is idle until the next batch is handed over, and no snapshot of this
            // thread holds the WAL: the checkpoint writes all of it, and the writer's next
            // commit starts the WAL over. Otherwise a snapshot was always open, the WAL never
            // started over, and it grew by every page every batch rewrote (185 MB for a
            // national Jan-Feb, and a two-year national ingest filled the disk, 2026-12-05).
            if !self.store.ledger.checkpoint_passive()? {
                tracing::debug!("the ledger's WAL is not all checkpointed: another reader holds part of it");
            }
        }
        Ok(())
    }

    /// [`Ingester::settle`] at the end of a run, when this thread has nothing left to do but
    /// wait: meanwhile it writes the WAL of the batches committed before into the database,
    /// so that what is left to write after the last batch is that batch alone (the whole WAL
    /// took 0.12 s after the last commit of a national Jan–Feb, 2026-12-06).
    fn settle_last(&mut self) -> Result<(), IngestError> {
        if self.in_flight.is_some() {
            self.store.ledger.end_reading()?;
            self.store.ledger.checkpoint_passive()?;
        }
        self.settle()
    }
}

/// Ingest everything behind `paths` into `store`. `progress` is called with the number of
/// deliveries read so far, now and then.
pub fn ingest(
    store: &mut Store,
    paths: &[PathBuf],
    options: Options,
    progress: &dyn Fn(u64),
) -> Result<Summary, IngestError> {
    let started = Instant::now();
    let next_id = store.ledger.max_bericht_id()? + 1;
    let fresh = fresh::Fresh::new((!store.ledger.undated_keys()).then(|| store.ledger.bericht_months()).transpose()?);
    let (root, lake) = (store.root().to_owned(), store.lake());
    // The writer thread commits batches through a connection of its own, so that this thread
    // goes on taking deliveries meanwhile (see `batch`).
    let committer = store.ledger.reopen_for_commits()?;
    // Reading threads take the deliveries from the input (inflate, tar, envelopes) and parse
    // and hash them a chunk at a time (see `reading`), while this thread stores the chunks in
    // input order: this thread alone decides what is new, a duplicate or a conflict. A
    // writing thread writes the files of a batch and commits it while this thread gathers the
    // next.
    let parsers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
    let (stored, read) = std::thread::scope(|scope| {
        let mut ingester = Ingester {
            store,
            options,
            next_id,
            pending: Pending::default(),
            in_flight: None,
            unseen: Vec::new(),
            fresh,
            writer: Writer::spawn(scope, root, lake, committer),
            parts: BTreeMap::new(),
            quarantine_files: Vec::new(),
            commit: Commit::default(),
            buffered: 0,
            summary: Summary::default(),
        };
        let mut reading = reading::Reading::start(scope, paths, parsers);
        let mut stored = Ok(());
        'chunks: for (chunk, parsed) in reading.by_ref() {
            for (d, p) in chunk.into_iter().zip(parsed) {
                if let Err(e) = ingester.deliver(d, p) {
                    stored = Err(e);
                    break 'chunks;
                }
                if ingester.summary.deliveries.is_multiple_of(1024) {
                    progress(ingester.summary.deliveries);
                }
            }
        }
        // A storing error stops the reading threads at their next chunk.
        let read = reading.finish();
        // What was read completely is stored completely; a batch in flight is committed
        // even when reading failed later (its files are written).
        let stored = stored
            .and_then(|()| if read.is_ok() { ingester.flush() } else { Ok(()) })
            .and_then(|()| ingester.settle_last())
            .and_then(|()| Ok(ingester.store.ledger.end_reading()?))
            .map(|()| ingester.summary);
        (stored, read)
    });
    let mut summary = stored?;
    let stats = read?;
    progress(summary.deliveries);
    summary.files = stats.files;
    summary.routing_without_file = stats.routing_without_file;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketenzicht_message::leaf::{AgbCode, Datum, Gemeente, IdentificatieBericht};
    use ketenzicht_message::model::Partij;
    use ketenzicht_store::ledger::undated_key;

    /// The identity texts are those that ledgers have always hashed (`format!` of the parts,
    /// as older versions wrote them), for either kind of sender and for dates whose years need
    /// padding or a sign; the keys hashed from parts are those of the texts, and for UUIDs.
    #[test]
    fn keys_hashed_from_parts_are_those_of_their_texts() {
        let identificatie = IdentificatieBericht::new("BER-0001").expect("a valid Identificatie");
        let senders = [Partij::Gemeente(Gemeente(363)), Partij::Aanbieder(AgbCode(1_234_567))];
        let dates = [(2025, 1, 31), (999, 12, 1), (10_000, 6, 15), (0, 1, 1)];
        for (verzender, (year, month, day)) in senders.into_iter().flat_map(|s| dates.map(|d| (s, d))) {
            let dagtekening = Datum(chrono::NaiveDate::from_ymd_opt(year, month, day).expect("a date"));
            let eigen = EigenIdentiteit { verzender, identificatie: &identificatie, dagtekening };
            for wet in Wet::ALL {
                let text = format!("{}|JW301|{verzender}|{identificatie}|{}", wet.as_str(), dagtekening.0);
                let written = identity_text(wet, "JW301", &eigen);
                assert_eq!(String::from_utf8_lossy(&written), text);
                assert_eq!(undated_key_of(&[&written]), undated_key(&text), "{text}");
            }
        }
        let uuid = "8d7e6c1a-35b9-4f3e-9d0a-2c1b7e5f4a10";
        assert_eq!(uuid_key(uuid), undated_key(&format!("uuid|{uuid}")));
        assert_ne!(uuid_key(uuid), undated_key(uuid));
    }
}
