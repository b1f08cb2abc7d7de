//! Reading the input on the other threads: one thread takes the deliveries from the input
//! (files, archives, envelopes, routing records) a chunk at a time, and parsing threads read
//! and hash each chunk's messages; the storing thread takes the chunks back in input order.
//!
//! Parsing is half of reading. On one thread with the rest of reading it was the run's longest
//! thread: in the stretches where the storing and writing threads had nothing to do, one core
//! sat idle.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::{Scope, ScopedJoinHandle};

use crate::source::{self, SourceStats};
use crate::{Delivery, IngestError, Parsed, parse};

/// Deliveries taken and parsed together.
const CHUNK: usize = 512;

/// Parsed chunks waiting for the storing thread.
const WAITING_CHUNKS: usize = 16;

/// A chunk of deliveries, numbered in input order.
type Chunk = (u64, Vec<Delivery>);

/// The chunks for the parsing threads, shared among them.
type Todo = Arc<Mutex<Receiver<Chunk>>>;

/// A chunk of deliveries with their reading, numbered in input order.
type Numbered = (u64, Vec<Delivery>, Vec<Parsed>);

/// The threads reading the input, and the chunks they read, in input order.
pub(crate) struct Reading<'scope> {
    source: ScopedJoinHandle<'scope, Result<SourceStats, IngestError>>,
    parsers: Vec<ScopedJoinHandle<'scope, ()>>,
    parsed: Receiver<Numbered>,
    next: u64,
    /// Chunks parsed ahead of the next one.
    ahead: BTreeMap<u64, (Vec<Delivery>, Vec<Parsed>)>,
}

impl<'scope> Reading<'scope> {
    /// Start reading `paths` in `scope`, parsing on `parsers` threads.
    pub fn start<'env>(scope: &'scope Scope<'scope, 'env>, paths: &'env [PathBuf], parsers: usize) -> Self {
        let parsers = parsers.max(1);
        let (work, todo) = sync_channel::<Chunk>(2 * parsers);
        let todo = Arc::new(Mutex::new(todo));
        let (done, parsed) = sync_channel::<Numbered>(WAITING_CHUNKS);
        let parsers = (0..parsers).map(|_| spawn_parser(scope, todo.clone(), done.clone())).collect();
        let source = scope.spawn(move || {
            let mut number = 0;
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut send = |chunk: &mut Vec<Delivery>| {
                let full = std::mem::replace(chunk, Vec::with_capacity(CHUNK));
                number += 1;
                work.send((number - 1, full)).map_err(|_| IngestError::Stopped)
            };
            let stats = source::for_each_delivery(paths, |d| {
                chunk.push(d);
                if chunk.len() >= CHUNK { send(&mut chunk) } else { Ok(()) }
            })?;
            send(&mut chunk)?;
            Ok(stats)
        });
        Reading { source, parsers, parsed, next: 0, ahead: BTreeMap::new() }
    }

    /// Stop reading (when storing failed, the threads stop at their next chunk) and report how
    /// reading went. A panic of a reading thread goes on here.
    pub fn finish(self) -> Result<SourceStats, IngestError> {
        let Reading { source, parsers, parsed, .. } = self;
        drop(parsed);
        let read = source.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        for parser in parsers {
            parser.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        read
    }
}

fn spawn_parser<'scope>(
    scope: &'scope Scope<'scope, '_>,
    todo: Todo,
    done: SyncSender<Numbered>,
) -> ScopedJoinHandle<'scope, ()> {
    scope.spawn(move || {
        loop {
            // The lock is held only to take a chunk; a poisoned lock means another parser
            // panicked, which `Reading::finish` reports.
            let next = match todo.lock() {
                Ok(todo) => todo.recv(),
                Err(_) => return,
            };
            let Ok((number, chunk)) = next else { return };
            let parsed = chunk.iter().map(parse).collect();
            if done.send((number, chunk, parsed)).is_err() {
                return;
            }
        }
    })
}

impl Iterator for Reading<'_> {
    type Item = (Vec<Delivery>, Vec<Parsed>);

    /// The next chunk in input order; `None` when reading is done (or stopped: see
    /// [`Reading::finish`]).
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(chunk) = self.ahead.remove(&self.next) {
                self.next += 1;
                return Some(chunk);
            }
            let (number, chunk, parsed) = self.parsed.recv().ok()?;
            self.ahead.insert(number, (chunk, parsed));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_come_back_in_input_order_whichever_parser_finishes_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let names: Vec<String> = (0..3 * CHUNK + 7).map(|i| format!("{i:05}.xml")).collect();
        // The first chunk takes longest to read, so that the chunks after it are parsed first.
        let slow = [b"<a>".as_slice(), &[b'x'; 60_000]].concat();
        for (i, name) in names.iter().enumerate() {
            std::fs::write(dir.path().join(name), if i < CHUNK { &slow[..] } else { b"<niet-af" }).expect("write");
        }
        let paths = [dir.path().to_owned()];
        let read: Vec<String> = std::thread::scope(|scope| {
            let mut reading = Reading::start(scope, &paths, 3);
            let mut read = Vec::new();
            for (chunk, parsed) in reading.by_ref() {
                assert_eq!(chunk.len(), parsed.len());
                assert!(parsed.iter().all(|p| matches!(p, Some((Err(_), _)))), "read, and unreadable");
                read.extend(chunk.into_iter().map(|d| d.name));
            }
            let stats = reading.finish().expect("read");
            assert_eq!(stats.files, names.len() as u64);
            read
        });
        let expected: Vec<String> = names.iter().map(|n| dir.path().join(n).display().to_string()).collect();
        assert_eq!(read, expected);
    }
}
