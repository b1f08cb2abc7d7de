//! Ingest edge cases: conflicts, quarantine with reasons, and idempotence for bad input.

use std::path::{Path, PathBuf};

use ketenzicht_store::Store;
use ketenzicht_testkit::archive;

fn example(name: &str) -> Vec<u8> {
    let law = if name.starts_with("JW") { "ijw-3.2" } else { "iwmo-3.2" };
    std::fs::read(ketenzicht_testkit::shared().join(law).join("voorbeelden").join(format!("{name}.xml")))
        .expect("example")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn ingest(store: &mut Store, paths: &[PathBuf]) -> ketenzicht_ingest::Summary {
    ketenzicht_ingest::ingest(store, paths, Default::default(), &|_| {}).expect("ingest runs")
}

#[test]
fn same_identity_other_content_is_a_conflict_kept_in_quarantine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("store")).expect("store");
    let original = example("JW301");
    let a = write(dir.path(), "a.xml", &original);
    let first = ingest(&mut store, std::slice::from_ref(&a));
    assert_eq!((first.nieuw, first.conflicten), (1, 0));

    // The same message under another name is the same delivery (no routing): nothing changes.
    let copy = write(dir.path(), "copy.xml", &original);
    let again = ingest(&mut store, &[copy]);
    assert_eq!((again.nieuw, again.dubbel, again.al_bekend), (0, 0, 1));

    // Same header identity, other content (another surname): a conflict.
    let text = String::from_utf8(original).expect("utf-8");
    let changed = text.replacen("<ijw:Achternaam>Wit</ijw:Achternaam>", "<ijw:Achternaam>Zwart</ijw:Achternaam>", 1);
    assert_ne!(changed, text);
    let changed_path = write(dir.path(), "changed.xml", changed.as_bytes());
    let result =
        ketenzicht_ingest::ingest(&mut store, std::slice::from_ref(&changed_path), Default::default(), &|_| {})
            .expect("ingest runs");
    let counts = store.ledger.counts().expect("counts");
    assert_eq!((result.nieuw, result.conflicten, result.quarantaine), (0, 1, 1), "{result:?}");
    assert_eq!(counts, [1, 1, 1, 1], "one message, one delivery, one quarantine entry, one conflict");
    let q = store.ledger.quarantaine().expect("list");
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].soort, "conflict");
    assert_eq!(q[0].regel.as_deref(), Some("TR056"));
    assert!(q[0].bron.ends_with("changed.xml"), "{:?}", q[0].bron);
    let sealed = std::fs::read(store.root().join(&q[0].bestand)).expect("original bytes kept");
    assert!(!sealed.windows(changed.len().min(64)).any(|w| w == &changed.as_bytes()[..w.len()]), "kept in the clear");
    let kept = store.lake().quarantaine_original(q[0].gemeente.as_deref(), &q[0].bestand).expect("opens with the key");
    assert_eq!(kept, changed.as_bytes());
    // And again: still one conflict.
    let third = ingest(&mut store, &[changed_path]);
    assert_eq!((third.conflicten, third.quarantaine, third.al_bekend), (0, 0, 1));
    assert_eq!(store.ledger.counts().expect("counts"), counts);
}

/// With a batch per delivery, each delivery meets the one before it while that batch's files
/// are still being written (in flight, not yet in the ledger): it must be found there.
#[test]
fn a_message_is_known_while_its_batch_is_in_flight() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("store")).expect("store");
    let original = example("JW301");
    let text = String::from_utf8(original.clone()).expect("utf-8");
    let changed = text.replacen("<ijw:Achternaam>Wit</ijw:Achternaam>", "<ijw:Achternaam>Zwart</ijw:Achternaam>", 1);
    let paths = [
        write(dir.path(), "1-original.xml", &original),
        write(dir.path(), "2-copy.xml", &original),
        write(dir.path(), "3-changed.xml", changed.as_bytes()),
        write(dir.path(), "4-changed-again.xml", changed.as_bytes()),
        write(dir.path(), "5-original-again.xml", &original),
    ];
    let options = ketenzicht_ingest::Options { batch_bytes: 1, ..Default::default() };
    let summary = ketenzicht_ingest::ingest(&mut store, &paths, options, &|_| {}).expect("ingest runs");
    assert_eq!(
        (summary.nieuw, summary.conflicten, summary.quarantaine, summary.al_bekend, summary.batches),
        (1, 1, 1, 3, 2),
        "{summary:?}"
    );
    assert_eq!(store.ledger.counts().expect("counts"), [1, 1, 1, 1], "as if ingested one file at a time");
    assert!(store.ledger.unfinished().expect("batches").is_empty(), "every batch is committed");
}

/// With a batch per delivery, the storing thread's snapshot of the ledger is renewed every few
/// batches (`SNAPSHOT_BATCHES`, 4); messages of batches committed before and after a renewal
/// are all found again.
#[test]
fn messages_are_known_across_renewed_snapshots_of_the_ledger() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("store")).expect("store");
    let names = ["JW301", "JW305", "JW307", "JW317", "JW319", "WMO301", "WMO305", "WMO307", "WMO317", "WMO319"];
    let mut paths: Vec<PathBuf> = names.iter().map(|n| write(dir.path(), &format!("{n}.xml"), &example(n))).collect();
    // The first and the last again, each under a name of its own.
    paths.push(write(dir.path(), "JW301-again.xml", &example("JW301")));
    paths.push(write(dir.path(), "WMO319-again.xml", &example("WMO319")));
    let options = ketenzicht_ingest::Options { batch_bytes: 1, ..Default::default() };
    let summary = ketenzicht_ingest::ingest(&mut store, &paths, options, &|_| {}).expect("ingest runs");
    assert_eq!((summary.nieuw, summary.al_bekend, summary.batches), (10, 2, 10), "{summary:?}");
    assert_eq!(store.ledger.counts().expect("counts")[0], 10);
}

#[test]
fn bad_input_is_quarantined_once_with_file_path_and_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("store")).expect("store");
    let inputs = vec![
        // XXE: a DOCTYPE is refused before parsing.
        write(
            dir.path(),
            "xxe.xml",
            b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
        ),
        // Truncated.
        write(dir.path(), "half.xml", &example("WMO305")[..600]),
        // Level 1: 2027-06-31 is not a date (the official JW315 example).
        write(dir.path(), "JW315.xml", &example("JW315")),
        // Not a message at all.
        write(dir.path(), "junk.xml", b"\x00\x01\x02 not xml"),
        // Not an archive, and an archive cut off inside its second member.
        write(dir.path(), "kapot.tar.gz", b"\x1f\x8b\x08\x00 this is no archive"),
        write(
            dir.path(),
            "afgebroken.tar.gz",
            &cut_archive(&[("a/WMO305.xml", &example("WMO305")), ("b/JW301.xml", &example("JW301"))]),
        ),
    ];
    let summary = ingest(&mut store, &inputs);
    // The member before the break is stored; the cut member and both archives wait in quarantine.
    assert_eq!((summary.nieuw, summary.quarantaine), (1, 7), "{summary:?}");
    assert!(q_names(&store).iter().any(|n| n.ends_with("afgebroken.tar.gz#b/JW301.xml")), "{:?}", q_names(&store));
    let q = store.ledger.quarantaine().expect("list");
    let find = |name: &str| q.iter().find(|q| q.bron.ends_with(name)).unwrap_or_else(|| panic!("{name} in {q:?}"));
    assert_eq!(find("xxe.xml").soort, "onleesbaar");
    assert!(find("xxe.xml").reden.to_lowercase().contains("doctype"), "{:?}", find("xxe.xml"));
    assert_eq!(find("half.xml").soort, "onleesbaar");
    let jw315 = find("JW315.xml");
    assert_eq!(jw315.soort, "ongeldig");
    assert!(jw315.pad.as_deref().is_some_and(|p| p.ends_with("ToewijzingEinddatum")), "{jw315:?}");
    assert!(jw315.reden.contains("2027-06-31"), "{jw315:?}");
    for name in ["kapot.tar.gz", "afgebroken.tar.gz"] {
        let entry = find(name);
        assert_eq!(entry.soort, "onleesbaar");
        assert!(entry.reden.contains("unreadable archive"), "{entry:?}");
        let original = store.lake().quarantaine_original(None, &entry.bestand).expect("original bytes");
        assert_eq!(original, std::fs::read(dir.path().join(name)).expect("input"), "{name} kept whole");
    }
    for entry in &q {
        assert!(store.root().join(&entry.bestand).exists(), "original bytes of {} kept", entry.bron);
    }
    let again = ingest(&mut store, &inputs);
    assert_eq!((again.quarantaine, again.al_bekend), (0, 8));
    assert_eq!(store.ledger.quarantaine().expect("list").len(), 7);
}

fn q_names(store: &Store) -> Vec<String> {
    store.ledger.quarantaine().expect("list").into_iter().map(|q| q.bron).collect()
}

/// A .tar.gz of these members, cut off in the middle of the last one.
fn cut_archive(members: &[(&str, &[u8])]) -> Vec<u8> {
    let tar = archive::tar(members);
    let last = members.last().map_or(0, |(_, b)| b.len());
    archive::gzip(&tar[..tar.len() - 1024 - last / 2])
}

#[test]
fn deleting_a_gemeente_removes_its_partitions_and_ledger_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("store")).expect("store");
    let files: Vec<PathBuf> =
        ["JW301", "WMO301", "JW305"].iter().map(|n| write(dir.path(), &format!("{n}.xml"), &example(n))).collect();
    let summary = ingest(&mut store, &files);
    assert_eq!(summary.nieuw, 3);
    let gemeenten = store.ledger.gemeenten().expect("gemeenten");
    let gone = gemeenten[0].clone();
    store.delete_gemeente(&gone).expect("delete");
    assert!(!store.ledger.gemeenten().expect("gemeenten").contains(&gone));
    let needle = format!("gemeente={gone}");
    let mut stack = vec![store.root().to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            assert!(!p.to_string_lossy().contains(&needle), "{} left behind", p.display());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
}

/// A ledger from before keys were dated: its messages and deliveries are found under their
/// undated keys, so that they are not stored a second time.
#[test]
fn a_ledger_with_undated_keys_still_knows_what_it_holds() {
    use ketenzicht_store::ledger::{dated_key, key_month, undated_key};
    use sha2::Digest;

    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("store");
    let names = ["JW301", "JW305", "WMO301", "WMO305"];
    let paths: Vec<PathBuf> = names.iter().map(|n| write(dir.path(), &format!("{n}.xml"), &example(n))).collect();
    let mut store = Store::open(&root).expect("store");
    assert_eq!(ingest(&mut store, &paths).nieuw, 4);
    let counts = store.ledger.counts().expect("counts");
    drop(store);

    // Rewrite every key as an older version wrote it.
    let ledger = rusqlite::Connection::open(root.join("ketenzicht.sqlite")).expect("ledger");
    let rekey = |table: &str, month: u16, text: &str| {
        let sql = format!("UPDATE {table} SET sleutel = ?1 WHERE sleutel = ?2");
        let changed = ledger
            .execute(&sql, [&undated_key(text)[..], &dated_key(month, undated_key(text))[..]])
            .expect("rewrite a key");
        assert_eq!(changed, 1, "{table} {text}");
    };
    for path in &paths {
        let bytes = std::fs::read(path).expect("read");
        let message = ketenzicht_message::read(&bytes).expect("valid example");
        let month = key_month(message.bericht.eigen_identiteit().dagtekening.0);
        rekey("bericht", month, &ketenzicht_ingest::identity(&message));
        rekey("berichtsleutel", month, &ketenzicht_ingest::identity(&message));
        rekey("levering", month, &ketenzicht_ingest::content_text(&sha2::Sha256::digest(&bytes).into()));
    }
    let flag = |undated: bool| {
        ledger.execute("UPDATE sleutelvorm SET ongedateerd = ?1", [undated]).expect("flag");
    };
    flag(true);

    let mut store = Store::open(&root).expect("store");
    assert!(store.ledger.undated_keys());
    let again = ingest(&mut store, &paths);
    assert_eq!((again.nieuw, again.dubbel, again.al_bekend), (0, 0, 4), "{again:?}");
    assert_eq!(store.ledger.counts().expect("counts"), counts);
    drop(store);

    // Without looking up undated keys, the same input would be stored again.
    flag(false);
    let mut store = Store::open(&root).expect("store");
    assert_eq!(ingest(&mut store, &paths).nieuw, 4, "the undated lookup is what finds them");
}

/// One delivery, once with a routing record of the knooppunt and once in its StUF-GGk envelope
/// whose time falls in the next month: the same delivery (its key is dated with the
/// message's Dagtekening, not with either receipt time).
#[test]
fn a_delivery_is_one_whichever_form_its_routing_data_came_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = example("JW301");
    let uuid = "3f1c2a9e-6b7d-4e21-9a0c-5d8e7f6a1b2c";
    let message = ketenzicht_message::read(&bytes).expect("valid example");
    let (gemeente, aanbieder) = message.bericht.partijen();

    // A routed directory: the message file and its routing record, received on 31 January.
    let routed = dir.path().join("routed");
    std::fs::create_dir_all(routed.join("routing")).expect("dirs");
    std::fs::write(routed.join("JW301.xml"), &bytes).expect("write");
    let record = serde_json::json!({
        "uuid": uuid, "ontvangen": "2024-01-31T23:59:30", "afzender": gemeente.to_string(),
        "ontvanger": aanbieder.to_string(), "bericht": "JW301", "bestand": "JW301.xml",
    });
    std::fs::write(routed.join("routing/routing.jsonl"), format!("{record}\n")).expect("write");

    // The same delivery in its envelope, timed half a minute later: 1 February.
    let envelope = ketenzicht_envelope::Envelope {
        soort: ketenzicht_envelope::Soort::Di01,
        zender: ketenzicht_envelope::Systeem { organisatie: gemeente.to_string(), applicatie: "test".into() },
        ontvanger: ketenzicht_envelope::Systeem { organisatie: aanbieder.to_string(), applicatie: "test".into() },
        referentienummer: uuid.into(),
        tijdstip: chrono::NaiveDate::from_ymd_opt(2024, 2, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("time"),
        cross_ref: None,
        functie: "JW301".into(),
        bericht: bytes.clone(),
    };
    let wrapped = write(dir.path(), "envelop.xml", &ketenzicht_envelope::write(&envelope));

    let mut store = Store::open(&dir.path().join("store")).expect("store");
    let first = ingest(&mut store, &[routed]);
    assert_eq!((first.nieuw, first.dubbel), (1, 0), "{first:?}");
    let again = ingest(&mut store, &[wrapped]);
    assert_eq!((again.nieuw, again.dubbel, again.al_bekend), (0, 0, 1), "{again:?}");
    assert_eq!(store.ledger.counts().expect("counts")[..2], [1, 1], "one message, one delivery");
}

/// A directory with `bytes` as `JW301.xml` and its routing record: delivery `uuid`, which the
/// knooppunt accepted.
fn accepted(dir: &Path, name: &str, bytes: &[u8], uuid: &str) -> PathBuf {
    let message = ketenzicht_message::read(bytes).expect("valid example");
    let (gemeente, aanbieder) = message.bericht.partijen();
    let routed = dir.join(name);
    std::fs::create_dir_all(routed.join("routing")).expect("dirs");
    std::fs::write(routed.join("JW301.xml"), bytes).expect("write");
    let record = serde_json::json!({
        "uuid": uuid, "ontvangen": "2024-01-31T12:00:00", "afzender": gemeente.to_string(),
        "ontvanger": aanbieder.to_string(), "bericht": "JW301", "bestand": "JW301.xml",
        "transport": "geaccepteerd",
    });
    std::fs::write(routed.join("routing/routing.jsonl"), format!("{record}\n")).expect("write");
    routed
}

/// A delivery the knooppunt accepted is kept in its message's row, outside the index of
/// delivery keys: it is still known when it comes again, and another delivery of the same
/// message is still a second one.
#[test]
fn an_accepted_delivery_is_known_from_its_messages_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = example("JW301");
    let first = accepted(dir.path(), "eerste", &bytes, "0b5e7a1c-2d3f-4a5b-8c6d-7e8f9a0b1c2d");
    let second = accepted(dir.path(), "tweede", &bytes, "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a");
    let mut store = Store::open(&dir.path().join("store")).expect("store");

    let new = ingest(&mut store, std::slice::from_ref(&first));
    assert_eq!((new.nieuw, new.dubbel), (1, 0), "{new:?}");
    let indexed: i64 = rusqlite::Connection::open(dir.path().join("store/ketenzicht.sqlite"))
        .and_then(|c| c.query_row("SELECT COUNT(*) FROM levering", [], |r| r.get(0)))
        .expect("count");
    assert_eq!(indexed, 0, "an accepted first delivery is not in the index of deliveries");
    assert!(store.ledger.levering_van(1).expect("lookup").is_some(), "but in its message's row");

    let again = ingest(&mut store, std::slice::from_ref(&first));
    assert_eq!((again.nieuw, again.dubbel, again.al_bekend), (0, 0, 1), "{again:?}");
    let other = ingest(&mut store, std::slice::from_ref(&second));
    assert_eq!((other.nieuw, other.dubbel, other.al_bekend), (0, 1, 0), "{other:?}");
    let both = ingest(&mut store, &[first, second]);
    assert_eq!((both.nieuw, both.dubbel, both.al_bekend), (0, 0, 2), "{both:?}");
    assert_eq!(store.ledger.counts().expect("counts")[..2], [1, 2], "one message, two deliveries");
}

/// In an empty store no key is looked up in the ledger unless this run may have stored it (a
/// filter of the run's keys, `fresh`): a second delivery, the same delivery again and a
/// conflict in the same run are still told apart from a new message.
#[test]
fn one_run_into_an_empty_store_tells_its_own_repeats_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = example("JW301");
    let first = accepted(dir.path(), "eerste", &bytes, "0b5e7a1c-2d3f-4a5b-8c6d-7e8f9a0b1c2d");
    let second = accepted(dir.path(), "tweede", &bytes, "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let changed = text.replacen("<ijw:Achternaam>Wit</ijw:Achternaam>", "<ijw:Achternaam>Zwart</ijw:Achternaam>", 1);
    let other = accepted(dir.path(), "anders", changed.as_bytes(), "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d");
    let mut store = Store::open(&dir.path().join("store")).expect("store");

    let run = ingest(&mut store, &[first.clone(), second, other, first]);
    assert_eq!((run.nieuw, run.dubbel, run.conflicten, run.al_bekend), (1, 1, 1, 1), "{run:?}");
    assert_eq!(store.ledger.counts().expect("counts"), [1, 2, 1, 1], "one message, two deliveries, one conflict");
}

/// The ledger's write-ahead log stays bounded in a long ingest: the storing thread's snapshot
/// would otherwise keep every commit's pages in it (it grew by the pages each batch rewrote,
/// and a two-year national ingest filled the disk).
#[test]
fn the_ledgers_write_ahead_log_starts_over_during_a_long_ingest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    let options = ketenzicht_simulate::Options {
        scale: ketenzicht_simulate::Scale::Demo,
        from: chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("date"),
        to: chrono::NaiveDate::from_ymd_opt(2023, 6, 30).expect("date"),
        seed: 3,
        out: sim.clone(),
        gemeenten_csv: ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv"),
        layout: ketenzicht_simulate::Layout::Archive,
        vorm: ketenzicht_simulate::Vorm::Bericht,
        threads: 2,
    };
    ketenzicht_simulate::run(&options, |_, _| {}).expect("simulation runs");
    let root = dir.path().join("store");
    let mut store = Store::open(&root).expect("store");
    let wal = root.join("ketenzicht.sqlite-wal");
    let largest = std::cell::Cell::new(0u64);
    let watch = |_| largest.set(largest.get().max(std::fs::metadata(&wal).map_or(0, |m| m.len())));
    let options = ketenzicht_ingest::Options { batch_bytes: 256 * 1024, ..Default::default() };
    let summary = ketenzicht_ingest::ingest(&mut store, &[sim], options, &watch).expect("ingest");
    let ledger = std::fs::metadata(root.join("ketenzicht.sqlite")).expect("ledger").len();
    eprintln!("{} batches, WAL at most {} bytes, ledger {ledger} bytes", summary.batches, largest.get());
    assert!(summary.batches > 40, "{summary:?}");
    assert!(largest.get() < ledger, "WAL at most {} bytes, the ledger {ledger}", largest.get());
}
