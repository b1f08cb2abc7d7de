//! Read throughput of the message layer against `xmllint --noout`, over the same files, in
//! the same run. Run with `cargo bench -p ketenzicht-message --bench read`.
//!
//! The corpus: `BENCH_MESSAGES` (default 100,000) arbitrary valid messages, evenly over all 28
//! types, generated deterministically by the proptest strategies and written indented, the way
//! the official examples are laid out. Our reader runs on one thread; xmllint is one process
//! per batch of 2,000 files, so its start-up cost is amortised.

/// The allocator of the `ketenzicht` binary, so that the bench measures what the product runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ketenzicht_message::{BerichtType, Wet, WriteOptions, arbitrary, read, write};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

/// Which messages the corpus holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// All 28 types in equal numbers; retours carry a full copy of their client.
    Uniform,
    /// Shaped like traffic: heenberichten in a plausible mix (301 25%, 305 20%, 307 15%,
    /// 315 15%, 317 5%, 319 5%, 323 15%), each followed by its retour or 325. Nine in ten
    /// retours are header-only, as for an accepted heenbericht (IV028, OP065).
    Traffic,
}

fn heen_type(i: usize) -> BerichtType {
    match i % 20 {
        0..=4 => BerichtType::T301,
        5..=8 => BerichtType::T305,
        9..=11 => BerichtType::T307,
        12..=14 => BerichtType::T315,
        15 => BerichtType::T317,
        16 => BerichtType::T319,
        _ => BerichtType::T323,
    }
}

/// Drop the echoed content of a retour, as for an accepted heenbericht.
fn header_only(message: &mut ketenzicht_message::Message) {
    use ketenzicht_message::Bericht;
    match &mut message.bericht {
        Bericht::ToewijzingRetour(b) => (b.client, b.header.retour_codes) = (None, None),
        Bericht::StartRetour(b) => (b.client, b.header.retour_codes) = (None, None),
        Bericht::StopRetour(b) => (b.client, b.header.retour_codes) = (None, None),
        Bericht::VerzoekOmToewijzingRetour(b) => (b.client, b.header.retour_codes) = (None, None),
        Bericht::VerzoekOmWijzigingRetour(b) => (b.client, b.header.retour_codes) = (None, None),
        Bericht::AntwoordRetour(b) => (b.antwoord, b.header.retour_codes) = (None, None),
        Bericht::DeclaratieAntwoord(b) => b.declaratie_antwoord = None,
        _ => {}
    }
}

fn corpus(n: usize, shape: Shape, dir: &Path) -> (Vec<PathBuf>, Vec<Vec<u8>>) {
    let types: Vec<(Wet, BerichtType)> =
        Wet::ALL.into_iter().flat_map(|w| BerichtType::ALL.into_iter().map(move |t| (w, t))).collect();
    let strategies: Vec<_> = types.iter().map(|&(w, t)| arbitrary::message(w, t)).collect();
    let strategy = |w: Wet, t: BerichtType| &strategies[types.iter().position(|&x| x == (w, t)).expect("type")];
    let indent = std::env::var("BENCH_COMPACT").is_err();
    let mut runner = TestRunner::deterministic();
    let mut paths = Vec::with_capacity(n);
    let mut bytes = Vec::with_capacity(n);
    for i in 0..n {
        let mut message = match shape {
            Shape::Uniform => strategies[i % strategies.len()].new_tree(&mut runner).expect("generate").current(),
            Shape::Traffic => {
                let wet = if (i / 2) % 3 == 0 { Wet::IWmo } else { Wet::IJw };
                let heen = heen_type(i / 2);
                let t = if i % 2 == 0 { heen } else { heen.retour().expect("every heenbericht has an answer") };
                let mut m = strategy(wet, t).new_tree(&mut runner).expect("generate").current();
                if i % 2 == 1 && (i / 2) % 10 != 0 {
                    header_only(&mut m);
                }
                m
            }
        };
        message.fix_identity();
        let xml = write(&message, WriteOptions { indent });
        let sub = dir.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub).expect("mkdir");
        }
        let path = sub.join(format!("{i}.xml"));
        std::fs::write(&path, &xml).expect("write");
        paths.push(path);
        bytes.push(xml);
    }
    (paths, bytes)
}

fn rate(count: usize, bytes: usize, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    format!("{:>9.0} msg/s  {:>7.1} MB/s  ({:.2} s)", count as f64 / secs, bytes as f64 / 1e6 / secs, secs)
}

fn main() {
    let n: usize = std::env::var("BENCH_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    // A directory of real or simulated messages (`ketenzicht simulate --out DIR`): DIR/berichten.
    if let Ok(dir) = std::env::var("BENCH_CORPUS_DIR") {
        let mut paths = Vec::new();
        let mut stack = vec![PathBuf::from(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("corpus directory") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "xml") {
                    paths.push(p);
                }
            }
        }
        paths.sort();
        paths.truncate(n);
        let mut files: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).expect("read")).collect();
        // Simulated traffic holds deliberately unreadable files (refused at transport): set them aside.
        let before = files.len();
        let keep: Vec<bool> = files.iter().map(|f| read(f).is_ok()).collect();
        let mut k = keep.iter();
        paths.retain(|_| *k.next().unwrap_or(&false));
        let mut k = keep.iter();
        files.retain(|_| *k.next().unwrap_or(&false));
        if files.len() < before {
            println!("({} unreadable files set aside)", before - files.len());
        }
        // BENCH_COMPACT=1: the same messages written without indentation, in a scratch copy.
        let scratch = tempfile::tempdir().expect("tempdir");
        if std::env::var("BENCH_COMPACT").is_ok() {
            for (i, (path, bytes)) in paths.iter_mut().zip(files.iter_mut()).enumerate() {
                if let Ok(m) = read(bytes) {
                    *bytes = write(&m, WriteOptions { indent: false });
                }
                *path = scratch.path().join(format!("{i}.xml"));
                std::fs::write(&*path, &*bytes).expect("write");
            }
        }
        println!("\ncorpus from {}:", std::env::var("BENCH_CORPUS_DIR").unwrap_or_default());
        measure(&paths, &files);
        return;
    }
    for shape in [Shape::Traffic, Shape::Uniform] {
        run(n, shape);
    }
}

fn run(n: usize, shape: Shape) {
    let scratch = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let (paths, files) = corpus(n, shape, scratch.path());
    let name = match shape {
        Shape::Traffic => "traffic-shaped",
        Shape::Uniform => "uniform over the 28 types",
    };
    println!("\ncorpus {name}: generated in {:.1} s", started.elapsed().as_secs_f64());
    measure(&paths, &files);
}

fn measure(paths: &[PathBuf], files: &[Vec<u8>]) {
    let n = files.len();
    let total: usize = files.iter().map(Vec::len).sum();
    println!("{n} messages, {:.1} MB, mean {} bytes", total as f64 / 1e6, total / n.max(1));

    // Warm up the page cache and the code.
    for f in files.iter().take(1000) {
        read(f).expect("valid");
    }

    // For profiling: repeat the in-memory loop and stop.
    if let Some(loops) = std::env::var("BENCH_PROFILE_LOOPS").ok().and_then(|v| v.parse::<usize>().ok()) {
        for _ in 0..loops {
            for f in files {
                std::hint::black_box(read(f).is_ok());
            }
        }
        std::process::exit(0);
    }

    // Floor: quick-xml's namespace-resolving event loop alone, building nothing.
    let t = Instant::now();
    let mut events = 0usize;
    for f in files {
        let mut r = quick_xml::NsReader::from_reader(f.as_slice());
        loop {
            match r.read_resolved_event() {
                Ok((_, quick_xml::events::Event::Eof)) | Err(_) => break,
                Ok(_) => events += 1,
            }
        }
    }
    let floor = t.elapsed();
    std::hint::black_box(events);
    let t = Instant::now();
    for f in files {
        let mut r = quick_xml::Reader::from_reader(f.as_slice());
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Eof) | Err(_) => break,
                Ok(_) => events += 1,
            }
        }
    }
    let plain_floor = t.elapsed();
    std::hint::black_box(events);

    let t = Instant::now();
    let mut ok = 0usize;
    for f in files {
        ok += usize::from(read(f).is_ok());
    }
    let ours_mem = t.elapsed();
    assert_eq!(ok, n, "every generated message must read");

    let t = Instant::now();
    let mut read_bytes = 0usize;
    for p in paths {
        let b = std::fs::read(p).expect("read file");
        read_bytes += b.len();
        read(&b).expect("valid");
    }
    let ours_files = t.elapsed();
    assert_eq!(read_bytes, total);

    let t = Instant::now();
    for chunk in paths.chunks(2000) {
        let status = Command::new("xmllint").arg("--noout").args(chunk).status().expect("xmllint runs");
        assert!(status.success(), "xmllint refused a generated message");
    }
    let xmllint = t.elapsed();

    let t = Instant::now();
    let mut written = 0usize;
    for f in files.iter().take(n / 4) {
        let m = read(f).expect("valid");
        written += write(&m, WriteOptions { indent: true }).len();
    }
    let read_write = t.elapsed();

    let mut out = std::io::stdout().lock();
    writeln!(out, "quick-xml NsReader events only    {}", rate(n, total, floor)).ok();
    writeln!(out, "quick-xml Reader events only      {}", rate(n, total, plain_floor)).ok();
    writeln!(out, "ketenzicht read, from memory      {}", rate(n, total, ours_mem)).ok();
    writeln!(out, "ketenzicht read, from files       {}", rate(n, total, ours_files)).ok();
    writeln!(out, "xmllint --noout, same files       {}", rate(n, total, xmllint)).ok();
    writeln!(out, "ketenzicht read + write (1/4)     {}", rate(n / 4, written, read_write)).ok();
    writeln!(out, "speed-up over xmllint (files)     {:.2}x", xmllint.as_secs_f64() / ours_files.as_secs_f64()).ok();
}
