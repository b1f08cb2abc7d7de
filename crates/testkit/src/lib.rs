//! Helpers shared by the integration tests: where `../shared` is, the XSDs for xmllint, and
//! `.tar.gz` archives ([`archive`]).

pub mod archive;

use std::path::{Path, PathBuf};
use std::process::Command;

use ketenzicht_message::{BerichtType, Wet};

/// `shared/` beside the repository checkout. Tests read the reference files from there.
pub fn shared() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/istandaarden");
    // Tests run from any crate of the workspace; the testkit's own location is the anchor.
    assert!(dir.is_dir(), "the shared reference files are missing: expected {}", dir.display());
    dir
}

pub fn law_dir(wet: Wet) -> &'static str {
    match wet {
        Wet::IWmo => "iwmo-3.2",
        Wet::IJw => "ijw-3.2",
    }
}

/// Every example message under `shared/istandaarden/*/voorbeelden`.
pub fn examples() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for wet in Wet::ALL {
        let dir = shared().join(law_dir(wet)).join("voorbeelden");
        for entry in std::fs::read_dir(&dir).expect("voorbeelden readable") {
            out.push(entry.expect("entry").path());
        }
    }
    out.sort();
    out
}

/// The XSD that validates a message type, as a path. The public copies lack the seven iWmo
/// retour XSDs (302, 306, 308, 316, 318, 320, 325); they mirror their iJw counterparts, so
/// this derives them here, in the tests, from the iJw XSD: namespaces and prefixes to iWmo,
/// the iWmo BerichtCode, and without the iJw-only elements (GezagsdragerBekend,
/// Woonplaatsbeginsel). The derived files live in `scratch`, next to a copy of the iWmo
/// basisschema that they import.
pub fn xsd_for(wet: Wet, t: BerichtType, scratch: &Path) -> PathBuf {
    let official = shared().join(law_dir(wet)).join("xsd").join(format!("{}.xsd", t.name(wet)));
    if official.exists() {
        return official;
    }
    assert_eq!(wet, Wet::IWmo, "only iWmo XSDs are missing from the public copies");
    let source = shared().join("ijw-3.2/xsd").join(format!("{}.xsd", t.name(Wet::IJw)));
    let text = std::fs::read_to_string(&source).expect("iJw XSD readable");
    let n = t.number();
    let mut derived = text
        .replace(
            &format!("http://www.istandaarden.nl/ijw/3_2/jw{n}/schema"),
            &format!("http://www.istandaarden.nl/iwmo/3_2/wmo{n}/schema"),
        )
        .replace(
            "http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
            "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema",
        )
        .replace(&format!("jw{n}:"), &format!("wmo{n}:"))
        .replace(&format!("xmlns:jw{n}="), &format!("xmlns:wmo{n}="))
        .replace("ijw:", "iwmo:")
        .replace("xmlns:ijw=", "xmlns:iwmo=")
        .replace(
            &format!("<xs:pattern value=\"{}\"/>", t.bericht_code(Wet::IJw)),
            &format!("<xs:pattern value=\"{}\"/>", t.bericht_code(Wet::IWmo)),
        );
    for element in ["GezagsdragerBekend", "Woonplaatsbeginsel"] {
        derived = remove_element(&derived, element);
    }
    std::fs::copy(shared().join("iwmo-3.2/xsd/basisschema.xsd"), scratch.join("basisschema.xsd"))
        .expect("copy basisschema");
    let path = scratch.join(format!("{}.xsd", t.name(Wet::IWmo)));
    std::fs::write(&path, derived).expect("write derived XSD");
    path
}

/// Remove every `<xs:element name="NAME" …>…</xs:element>` declaration (these have no
/// nested element declarations, only an annotation).
fn remove_element(xsd: &str, name: &str) -> String {
    let mut out = xsd.to_owned();
    let open = format!("<xs:element name=\"{name}\"");
    while let Some(start) = out.find(&open) {
        let rest = &out[start..];
        let tag_end = rest.find('>').expect("tag end");
        let end = if rest[..tag_end].ends_with('/') {
            start + tag_end + 1
        } else {
            start + rest.find("</xs:element>").expect("element end") + "</xs:element>".len()
        };
        out.replace_range(start..end, "");
    }
    out
}

/// Run `xmllint --noout --schema XSD FILES…`; returns its stderr when it fails.
pub fn xmllint(xsd: &Path, files: &[PathBuf]) -> Result<(), String> {
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("xmllint is needed for this test (apt-get install libxml2-utils): {e}"));
    // (xmllint exits non-zero when any file is invalid.)
    if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stderr).into_owned()) }
}

/// The gemeenten of a simulated traffic directory (its `berichten/G` folders), sorted.
pub fn sim_gemeenten(sim: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(sim.join("berichten"))
        .expect("berichten")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// The arguments of `ketenzicht orders add` that order `products` for every gemeente of a
/// simulated traffic directory, from 2020 on (before any traffic).
pub fn order_args(sim: &Path, products: &[&str]) -> Vec<String> {
    let mut args: Vec<String> =
        ["orders", "add", "--datum", "2020-01-01", "--door", "test", "--product"].map(str::to_owned).to_vec();
    args.extend(products.iter().map(|p| p.to_string()));
    args.push("--gemeente".into());
    args.extend(sim_gemeenten(sim));
    args
}
