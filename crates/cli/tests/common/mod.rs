//! What the black-box tests of the binary share: running it on a store with a fixed pseudonym
//! key, and requiring success.

use std::path::Path;
use std::process::{Command, Output};

pub const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// Run `ketenzicht args` on the store at `store`.
pub fn ketenzicht(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ketenzicht"))
        .env("KETENZICHT_STORE", store)
        .env("KETENZICHT_PSEUDONIEM_SLEUTEL", KEY)
        .args(args)
        .output()
        .expect("ketenzicht runs")
}

/// The standard output of a run that must succeed (else its standard error).
pub fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}
