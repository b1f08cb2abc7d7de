//! Fuzz the message reader: it must never panic, and whatever it accepts must survive
//! write → read unchanged and pass the level-2 rules without panicking.
#![no_main]

use ketenzicht_message::{read, rules, write, WriteOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = read(data) {
        let _ = rules::check(&message);
        let written = write(&message, WriteOptions { indent: false });
        let again = read(&written).expect("what we write, we read");
        assert_eq!(again, message, "write → read changed the message");
    }
});
