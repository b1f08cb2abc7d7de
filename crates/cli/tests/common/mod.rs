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

/// Simulate demo-scale traffic from 2023-01-01 to `to` with `seed` into `out`.
pub fn simulate_demo(store: &Path, out: &Path, to: &str, seed: u64) {
    let cbs = ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv");
    let (out, cbs, seed) = (out.display().to_string(), cbs.display().to_string(), seed.to_string());
    ok(ketenzicht(
        store,
        &[
            "simulate",
            "--scale",
            "demo",
            "--from",
            "2023-01-01",
            "--to",
            to,
            "--seed",
            &seed,
            "--out",
            &out,
            "--gemeenten",
            &cbs,
        ],
    ));
}
