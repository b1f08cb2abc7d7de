//! Building the Ketendata of many gemeenten on every core, within a memory budget.
//!
//! A build holds what the tables need of every message of its gemeente, so the memory of
//! two builds side by side is the sum of their sizes. Gemeenten are built largest first;
//! a worker starts the next one only while the estimates of the builds running, that one
//! included, stay within [`BUDGET`] (or when nothing else runs). The ledger is written on
//! the calling thread, as each build finishes.

use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use ketenzicht_store::Store;

use crate::{Bron, BuildSummary, KetendataError};

/// Memory that the builds running side by side may take together, by their estimates.
const BUDGET: u64 = 900 << 20;

/// A build's memory per byte of its gemeente's raw messages as stored (sealed): measured
/// 2.3–2.9 with Snappy (Amsterdam, two years: 354 MB of `ruw`, 0.80 GB peak; Utrecht: 140 MB,
/// 0.39 GB; docs/performance.md); raw messages are stored with LZ4 since 2026-11-29, in 22%
/// fewer bytes for the same messages, so 2.4 / 0.78. (Older Snappy files are overestimated.)
const BYTES_PER_RAW_BYTE: f64 = 3.1;

struct Job {
    gemeente: String,
    bron: Bron,
    estimate: u64,
}

/// Which job may start next, and the estimated memory of the builds running.
struct Queue {
    next: usize,
    running: u64,
    stop: bool,
}

/// Rebuild the Ketendata of these gemeenten on `threads` worker threads, within the memory
/// budget; `done` hears of each as it finishes (in the order they finish). The first error
/// stops the builds not yet started and is returned once the running ones have ended.
pub fn build_many(
    store: &Store,
    gemeenten: &[String],
    threads: usize,
    done: &mut dyn FnMut(&str, &BuildSummary),
) -> Result<(), KetendataError> {
    let lake = store.lake();
    let mut jobs = Vec::with_capacity(gemeenten.len());
    for gemeente in gemeenten {
        let raw: u64 = lake
            .files(ketenzicht_store::lake::RUW, gemeente)?
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        let estimate = (raw as f64 * BYTES_PER_RAW_BYTE) as u64;
        jobs.push(Job { gemeente: gemeente.clone(), bron: Bron::of(store, gemeente)?, estimate });
    }
    jobs.sort_by(|a, b| b.estimate.cmp(&a.estimate).then_with(|| a.gemeente.cmp(&b.gemeente)));
    let queue = Mutex::new(Queue { next: 0, running: 0, stop: false });
    let turn = Condvar::new();
    let (tx, rx) = mpsc::channel::<(usize, Result<BuildSummary, KetendataError>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, jobs.len().max(1)) {
            let tx = tx.clone();
            let (jobs, queue, turn) = (&jobs, &queue, &turn);
            scope.spawn(move || {
                while let Some(i) = take(jobs, queue, turn) {
                    // Gives the budget back however the build ends, a panic included, so that
                    // no other worker waits for it forever.
                    let running = Running { queue, turn, estimate: jobs[i].estimate };
                    let gemeente = &jobs[i].gemeente;
                    let result = jobs[i]
                        .bron
                        .build(gemeente)
                        .map_err(|e| KetendataError::Gemeente { gemeente: gemeente.clone(), source: Box::new(e) });
                    if result.is_err() {
                        running.stop();
                    }
                    drop(running);
                    let _ = tx.send((i, result));
                }
            });
        }
        drop(tx);
        let mut first_error = None;
        for (i, result) in rx {
            let job = &jobs[i];
            match result.and_then(|summary| Ok((store.ledger.bijgewerkt(&job.gemeente)?, summary))) {
                Ok(((), summary)) => done(&job.gemeente, &summary),
                Err(e) => {
                    queue.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
                    turn.notify_all();
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    })
}

/// A build running: its estimate is given back to the queue when it ends.
struct Running<'q> {
    queue: &'q Mutex<Queue>,
    turn: &'q Condvar,
    estimate: u64,
}

impl Running<'_> {
    /// Start no further builds.
    fn stop(&self) {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.running -= self.estimate;
        q.stop |= std::thread::panicking();
        self.turn.notify_all();
    }
}

/// The next job this worker may start, waiting while it would not fit beside the builds
/// running; `None` when every job has been taken or the builds stop.
fn take(jobs: &[Job], queue: &Mutex<Queue>, turn: &Condvar) -> Option<usize> {
    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if q.stop || q.next >= jobs.len() {
            return None;
        }
        let estimate = jobs[q.next].estimate;
        if may_start(q.running, estimate) {
            q.running += estimate;
            q.next += 1;
            return Some(q.next - 1);
        }
        q = turn.wait(q).unwrap_or_else(|e| e.into_inner());
    }
}

/// May a build of `estimate` bytes start beside builds of `running` bytes? Always when
/// nothing runs: a gemeente larger than the budget is built alone.
fn may_start(running: u64, estimate: u64) -> bool {
    running == 0 || running + estimate <= BUDGET
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_share_the_budget() {
        const MB: u64 = 1 << 20;
        // Amsterdam alone, whatever its size; two mid-sized gemeenten side by side.
        assert!(may_start(0, 2_000 * MB));
        assert!(!may_start(850 * MB, 100 * MB));
        assert!(may_start(520 * MB, 337 * MB));
        assert!(!may_start(619 * MB, 520 * MB));
        assert!(may_start(BUDGET - MB, MB));
    }
}
