//! Options of the allocator (mimalloc) for the commands that stream a lot of memory through.
//! The one place in the workspace that allows `unsafe`: calls into mimalloc's C interface.
#![allow(unsafe_code)]

/// mimalloc's `mi_option_purge_delay` (v3 `mimalloc.h`; the Rust bindings have no name for
/// it). The test below checks the number against the option's documented default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keep memory that was freed for reuse instead of handing it back to the system.
///
/// Ingest reads each batch into fresh buffers on one thread and frees them on another after
/// the batch is written; mimalloc gives such memory back after a second, so every batch
/// faulted it in again and the kernel zeroed it page by page (a tenth of the ingest's CPU time
/// went to page faults). The peak stays what it was: what is kept is what the previous batch
/// used. For commands that end when their work is done, not for the server.
pub fn keep_freed_memory() {
    // SAFETY: sets one integer option; mimalloc reads options at any time without locks.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads one integer option.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(default, 1000, "mimalloc v3 purges after 1000 ms unless told otherwise");
        keep_freed_memory();
        // SAFETY: as above.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, -1);
    }
}
