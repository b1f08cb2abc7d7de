//! The traffic simulator: realistic iWmo/iJw traffic for a region or the whole country, with
//! its routing data and the ground truth that lets tests check every indicator exactly.
//!
//! The same seed gives byte-identical output: every gemeente and law has its own random
//! stream derived from the seed, and everything is written in a fixed order.
//! Formats: `docs/simulator.md`.

mod build;
mod emit;
mod event;
mod plan;
mod sink;
mod spool;
mod truth;
pub mod world;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_calendar::Calendar;
use ketenzicht_message::Wet;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use sink::Layout;
pub use truth::Stats;

/// How much of the country to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Two jeugdzorgregio's (Groningen, Haaglanden): 20 gemeenten, 5% of the real volume.
    Demo,
    /// Four regio's, 55 gemeenten, 20% of the real volume.
    Regio,
    /// All 342 gemeenten at full volume.
    National,
}

impl Scale {
    pub fn volume_factor(self) -> f64 {
        match self {
            Scale::Demo => 0.05,
            Scale::Regio => 0.2,
            Scale::National => 1.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub scale: Scale,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub seed: u64,
    pub out: PathBuf,
    /// The CBS gemeente list with jeugdzorgregio (`cbs_gemeenten_2026.csv`).
    pub gemeenten_csv: PathBuf,
    pub layout: Layout,
    /// Bare messages, or each in its StUF-GGk envelope.
    pub vorm: Vorm,
    /// Worker threads; the output does not depend on it.
    pub threads: usize,
}

/// The form in which messages are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vorm {
    /// The iWmo/iJw message itself.
    Bericht,
    /// The message in a StUF-GGk envelope: Di01 for a heenbericht, Du01 for its answer.
    Stuf,
}

#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error("reference data: {0}")]
    Reference(String),
    #[error("{}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the period is empty: --from {from} is after --to {to}")]
    Period { from: NaiveDate, to: NaiveDate },
    #[error("a simulation worker stopped unexpectedly")]
    Worker,
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SimulateError + '_ {
    move |source| SimulateError::Io { path: path.to_owned(), source }
}

/// What a run produced.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub gemeenten: usize,
    pub berichten: u64,
    pub bytes: u64,
    /// Transport errors written (StUF form only).
    pub fo01: u64,
}

/// A random stream for one purpose and key, derived from the seed (FNV-1a over both).
pub(crate) fn rng_for(seed: u64, stream: &str, key: u64) -> ChaCha8Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stream.bytes().chain(key.to_le_bytes()).chain(seed.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(h)
}

pub(crate) fn uuid(rng: &mut ChaCha8Rng) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

/// A receipt timestamp as the routing records write it (`2024-01-31T09:15:00`), appended to
/// a buffer without going through `fmt`.
pub(crate) fn stamp_into(out: &mut Vec<u8>, t: NaiveDateTime) {
    use chrono::{Datelike, Timelike};
    let digits = |out: &mut Vec<u8>, value: u32, width: u32| {
        for i in (0..width).rev() {
            out.push(b'0' + (value / 10u32.pow(i) % 10) as u8);
        }
    };
    digits(out, t.year().clamp(0, 9999) as u32, 4);
    for (sep, value) in [(b'-', t.month()), (b'-', t.day()), (b'T', t.hour()), (b':', t.minute()), (b':', t.second())] {
        out.push(sep);
        digits(out, value, 2);
    }
}

/// Simulate, writing messages, routing data and truth under `options.out`.
/// `progress` is called after each gemeente and law with (done, total), from the workers.
pub fn run(options: &Options, progress: impl Fn(usize, usize) + Sync) -> Result<Summary, SimulateError> {
    if options.from > options.to {
        return Err(SimulateError::Period { from: options.from, to: options.to });
    }
    let csv = std::fs::read_to_string(&options.gemeenten_csv).map_err(io(&options.gemeenten_csv))?;
    let all = world::parse_gemeenten(&csv)?;
    let gemeenten = world::gemeenten(&all, options.scale, options.seed);
    let cal = Calendar::atw();
    let factor = options.scale.volume_factor();

    // Aanbieders per regio and law, sized by the regio's population.
    let mut regios: Vec<String> = gemeenten.iter().map(|g| g.regio.clone()).collect();
    regios.sort();
    regios.dedup();
    let pools: Vec<(String, Wet, Vec<world::Aanbieder>)> = regios
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            let inwoners: u64 = gemeenten.iter().filter(|g| &g.regio == r).map(|g| u64::from(g.inwoners)).sum();
            Wet::ALL
                .into_iter()
                .map(move |w| (r.clone(), w, world::aanbieders(options.seed, i as u32, inwoners, w, factor)))
        })
        .collect();

    std::fs::create_dir_all(options.out.join("routing")).map_err(io(&options.out))?;
    // Tasks per gemeente and law; each worker keeps its own truth, merged at the end. Every
    // task draws from its own random streams and writes its own files, so the output does
    // not depend on the number of threads or their timing.
    // Ordered as the truth files are keyed (gemeentecode, then law name), so that the truth of
    // each task can be written when it ends and the pieces joined in task order.
    let mut tasks: Vec<(usize, Wet)> =
        (0..gemeenten.len()).flat_map(|i| Wet::ALL.into_iter().map(move |w| (i, w))).collect();
    tasks.sort_by_key(|&(i, w)| (gemeenten[i].code, w.as_str()));
    let parts = options.out.join("truth").join(".parts");
    std::fs::create_dir_all(&parts).map_err(io(&parts))?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let threads = options.threads.max(1);
    type Done = (Summary, Vec<spool::Piece>);
    let results: Vec<Result<Done, SimulateError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                let (next, done, tasks, gemeenten, pools, cal, parts) =
                    (&next, &done, &tasks, &gemeenten, &pools, &cal, &parts);
                let progress = &progress;
                scope.spawn(move || {
                    let mut summary = Summary::default();
                    let mut spool = spool::WorkerSpool::create(parts, worker, &truth::Truth::FILES)?;
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&(gi, wet)) = tasks.get(k) else { break };
                        let g = &gemeenten[gi];
                        let Some((_, _, pool)) = pools.iter().find(|(r, w, _)| r == &g.regio && *w == wet) else {
                            continue;
                        };
                        let andere = gemeenten.iter().find(|x| x.code != g.code).map_or(g.code, |x| x.code);
                        let planner = plan::Planner::new(
                            cal,
                            rng_for(options.seed, "plan", u64::from(g.code.0) * 2 + u64::from(wet == Wet::IJw)),
                            wet,
                            g,
                            world::gemeente_gedrag(options.seed, g.code),
                            pool,
                            (options.from, options.to),
                            factor,
                            andere,
                        );
                        let mut truth = truth::Truth::default();
                        let mut emitter = emit::Emitter::new(options, cal, g, wet, &mut truth, &mut summary)?;
                        let mut failed = None;
                        planner.run(|heen| {
                            if failed.is_none()
                                && let Err(e) = emitter.accept(heen)
                            {
                                failed = Some(e);
                            }
                        });
                        if let Some(e) = failed {
                            return Err(e);
                        }
                        emitter.finish()?;
                        for (index, (_, text)) in truth.files().into_iter().enumerate() {
                            spool.put(index, k, &text)?;
                        }
                        progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, tasks.len());
                    }
                    Ok((summary, spool.finish()?))
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(Err(SimulateError::Worker))).collect()
    });
    let mut summary = Summary { gemeenten: gemeenten.len(), ..Summary::default() };
    let mut pieces = Vec::new();
    for result in results {
        let (s, p) = result?;
        summary.berichten += s.berichten;
        summary.bytes += s.bytes;
        summary.fo01 += s.fo01;
        pieces.extend(p);
    }
    spool::join(&parts, &options.out.join("truth"), &truth::Truth::FILES, threads, pieces)?;
    std::fs::remove_dir_all(&parts).map_err(io(&parts))?;
    Ok(summary)
}
