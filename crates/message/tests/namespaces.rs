//! Prefixes are free: a message is identified and read by namespace URI only.

use ketenzicht_testkit as support;

use ketenzicht_message::read;

fn jw301() -> String {
    let path = support::examples().into_iter().find(|p| p.ends_with("JW301.xml")).expect("JW301");
    std::fs::read_to_string(path).expect("readable")
}

#[test]
fn other_prefixes_read_the_same() {
    let original = read(jw301().as_bytes()).expect("JW301");
    let renamed = jw301()
        .replace("jw301:", "m:")
        .replace("xmlns:jw301=", "xmlns:m=")
        .replace("ijw:", "b:")
        .replace("xmlns:ijw=", "xmlns:b=");
    assert_eq!(read(renamed.as_bytes()).expect("renamed prefixes"), original);
}

#[test]
fn a_default_namespace_reads_the_same() {
    let original = read(jw301().as_bytes()).expect("JW301");
    let default = jw301().replace("jw301:", "").replace("xmlns:jw301=", "xmlns=");
    assert_eq!(read(default.as_bytes()).expect("default namespace"), original);
}

#[test]
fn an_inner_redeclaration_is_honoured_and_goes_out_of_scope() {
    let original = read(jw301().as_bytes()).expect("JW301");
    let ns = "http://www.istandaarden.nl/ijw/3_2/jw301/schema";
    // `x:` is bound only inside Bsn.
    let inner =
        jw301().replacen("<jw301:Bsn>999900006</jw301:Bsn>", &format!("<x:Bsn xmlns:x=\"{ns}\">999900006</x:Bsn>"), 1);
    assert_eq!(read(inner.as_bytes()).expect("inner declaration"), original);
    // Used after its scope ended, `x:` is unbound: the message is refused.
    let out_of_scope = inner.replacen("<jw301:Geslacht>1</jw301:Geslacht>", "<x:Geslacht>1</x:Geslacht>", 1);
    let err = read(out_of_scope.as_bytes()).expect_err("x is out of scope");
    assert!(err.findings.iter().any(|f| f.path == "Client/Geslacht"), "{err}");
    // The prefix of the message namespace rebound to the basisschema is a wrong namespace.
    let rebound = jw301().replacen(
        "<jw301:Bsn>999900006</jw301:Bsn>",
        "<jw301:Bsn xmlns:jw301=\"http://www.istandaarden.nl/ijw/3_2/basisschema/schema\">999900006</jw301:Bsn>",
        1,
    );
    let err = read(rebound.as_bytes()).expect_err("wrong namespace");
    assert!(err.findings.iter().any(|f| f.path == "Client/Bsn" && f.message.contains("wrong namespace")), "{err}");
}

#[test]
fn attributes_other_than_namespace_declarations_are_refused() {
    let with_attr = jw301().replacen("<jw301:Bsn>", "<jw301:Bsn id=\"1\">", 1);
    let err = read(with_attr.as_bytes()).expect_err("attribute");
    assert!(err.findings.iter().any(|f| f.path == "Client/Bsn" && f.message == "attribute id is not allowed"), "{err}");
    let with_xsi = jw301().replacen(
        "<jw301:Bericht ",
        "<jw301:Bericht xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"x y\" ",
        1,
    );
    assert!(read(with_xsi.as_bytes()).is_ok(), "xsi attributes are tolerated");
}
