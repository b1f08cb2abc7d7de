//! Fuzz the StUF-GGk envelope reader: it must never panic, and whatever it accepts must
//! survive write → read unchanged.
#![no_main]

use ketenzicht_envelope::{read, write};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = read(data) {
        let again = read(&write(&envelope)).expect("what we write, we read");
        assert_eq!(again, envelope, "write → read changed the envelope");
    }
});
