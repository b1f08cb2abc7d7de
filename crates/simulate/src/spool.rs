//! The truth of each task, written when the task ends and joined in task order at the end.
//!
//! Each worker appends its tasks' pieces to one spool file per truth file and remembers where
//! each piece lies; the join copies the pieces of all workers in task order. A file per task
//! and truth file (eleven thousand for a national run) cost a quarter of the run in creating
//! inodes.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::{SimulateError, io};

/// Where one piece lies: (truth file index, task, worker, offset, length).
pub(crate) type Piece = (usize, usize, usize, u64, u64);

/// One worker's spool: a file per truth file, appended to.
pub struct WorkerSpool {
    worker: usize,
    files: Vec<(PathBuf, BufWriter<File>, u64)>,
    pieces: Vec<Piece>,
}

fn spool_path(dir: &Path, worker: usize, name: &str) -> PathBuf {
    dir.join(format!("{worker:02}-{name}"))
}

impl WorkerSpool {
    pub fn create(dir: &Path, worker: usize, names: &[&str]) -> Result<Self, SimulateError> {
        let files = names
            .iter()
            .map(|name| {
                let path = spool_path(dir, worker, name);
                let file = File::create(&path).map_err(io(&path))?;
                Ok((path, BufWriter::new(file), 0))
            })
            .collect::<Result<_, SimulateError>>()?;
        Ok(WorkerSpool { worker, files, pieces: Vec::new() })
    }

    /// Append the piece of truth file `index` of `task`.
    pub fn put(&mut self, index: usize, task: usize, text: &str) -> Result<(), SimulateError> {
        if text.is_empty() {
            return Ok(());
        }
        let (path, file, len) = &mut self.files[index];
        file.write_all(text.as_bytes()).map_err(io(path))?;
        self.pieces.push((index, task, self.worker, *len, text.len() as u64));
        *len += text.len() as u64;
        Ok(())
    }

    /// Flush the spool files; what the join needs to find the pieces.
    pub fn finish(mut self) -> Result<Vec<Piece>, SimulateError> {
        for (path, file, _) in &mut self.files {
            file.flush().map_err(io(path))?;
        }
        Ok(self.pieces)
    }
}

/// Write each truth file under `out` from the pieces of every worker, in task order.
pub fn join(
    dir: &Path,
    out: &Path,
    names: &[&str],
    workers: usize,
    mut pieces: Vec<Piece>,
) -> Result<(), SimulateError> {
    pieces.sort_unstable_by_key(|&(index, task, ..)| (index, task));
    let mut spools: Vec<Vec<File>> = Vec::with_capacity(workers);
    for worker in 0..workers {
        let files = names
            .iter()
            .map(|name| {
                let path = spool_path(dir, worker, name);
                File::open(&path).map_err(io(&path))
            })
            .collect::<Result<_, _>>()?;
        spools.push(files);
    }
    for (index, name) in names.iter().enumerate() {
        let path = out.join(name);
        let mut target = BufWriter::new(File::create(&path).map_err(io(&path))?);
        for &(_, _, worker, offset, len) in pieces.iter().filter(|p| p.0 == index) {
            let source = &mut spools[worker][index];
            let from = spool_path(dir, worker, name);
            source.seek(SeekFrom::Start(offset)).map_err(io(&from))?;
            std::io::copy(&mut Read::by_ref(source).take(len), &mut target).map_err(io(&path))?;
        }
        target.flush().map_err(io(&path))?;
    }
    Ok(())
}
