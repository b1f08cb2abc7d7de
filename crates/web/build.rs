//! Fetch the two front-end libraries (htmx and Apache ECharts) from npm with the pinned
//! `assets/package-lock.json`, into the build directory, so that `src/assets.rs` embeds them
//! in the binary. Nothing is vendored into the repository and nothing is loaded from the
//! internet at run time.

use std::path::{Path, PathBuf};
use std::process::Command;

const FILES: [(&str, &str); 2] =
    [("htmx.org/dist/htmx.min.js", "htmx.min.js"), ("echarts/dist/echarts.min.js", "echarts.min.js")];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let assets = manifest.join("assets");
    println!("cargo:rerun-if-changed={}", assets.join("package.json").display());
    println!("cargo:rerun-if-changed={}", assets.join("package-lock.json").display());
    let npm_dir = out.join("npm");
    std::fs::create_dir_all(&npm_dir).expect("create the npm build directory");
    let lock = std::fs::read(assets.join("package-lock.json")).expect("crates/web/assets/package-lock.json");
    let stamp = npm_dir.join("installed-lock.json");
    if std::fs::read(&stamp).ok().as_deref() != Some(&lock[..])
        || !FILES.iter().all(|(src, _)| module(&npm_dir, src).exists())
    {
        for name in ["package.json", "package-lock.json"] {
            std::fs::copy(assets.join(name), npm_dir.join(name)).expect("copy the npm manifest");
        }
        let status = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&npm_dir)
            .status()
            .unwrap_or_else(|e| panic!("running `npm ci` for the web assets (is Node.js with npm installed?): {e}"));
        assert!(status.success(), "`npm ci` for the web assets failed ({status}); it needs the npm registry");
        std::fs::write(&stamp, &lock).expect("write the npm stamp");
    }
    for (src, dst) in FILES {
        std::fs::copy(module(&npm_dir, src), out.join(dst)).expect("copy a web asset");
    }
}

fn module(npm_dir: &Path, file: &str) -> PathBuf {
    npm_dir.join("node_modules").join(file)
}
