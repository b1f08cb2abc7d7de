//! A corpus of hostile and broken inputs. Each must be refused, without a panic, with the
//! expected finding at the expected element path.

use ketenzicht_testkit as support;

use ketenzicht_message::{Level, MAX_MESSAGE_BYTES, read};

fn example(name: &str) -> String {
    let path = support::examples().into_iter().find(|p| p.file_stem().is_some_and(|s| s == name)).expect(name);
    std::fs::read_to_string(path).expect("readable")
}

struct Case {
    name: &'static str,
    input: Vec<u8>,
    /// The element path of the finding; `""` for document-level findings, `"*"` for any.
    path: &'static str,
    /// A fragment of the finding's message.
    says: &'static str,
}

fn case(name: &'static str, input: impl Into<Vec<u8>>, path: &'static str, says: &'static str) -> Case {
    Case { name, input: input.into(), path, says }
}

fn jw301() -> String {
    example("JW301")
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "test setup: {from:?} not in the example");
    text.replacen(from, to, 1)
}

fn corpus() -> Vec<Case> {
    let jw301 = jw301();
    let wmo301 = example("WMO301");
    let jw305 = example("JW305");
    let jw307 = example("JW307");
    let wmo315 = example("WMO315");
    let body = jw301.split_once("?>").expect("declaration").1.to_owned();
    let laughs = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>{body}"
    );
    let xxe = format!("<?xml version=\"1.0\"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{body}");
    let mut oversized = jw301.clone().into_bytes();
    oversized.resize(MAX_MESSAGE_BYTES + 1, b' ');
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(jw301.encode_utf16().flat_map(u16::to_le_bytes));
    let mut bad_utf8 = replace_once(&jw301, "Wit", "W\u{1}t").into_bytes();
    let pos = bad_utf8.iter().position(|&b| b == 1).expect("marker");
    bad_utf8[pos] = 0xC3; // a lone lead byte
    let mut bad_utf8_tag = replace_once(&jw301, "<jw301:Client>", "<jw301:Cl\u{1}ient>").into_bytes();
    let tag_pos = bad_utf8_tag.iter().position(|&b| b == 1).expect("marker");
    bad_utf8_tag[tag_pos] = 0xC3;
    let deep = replace_once(
        &jw301,
        "<jw301:Commentaar>Commentaar client</jw301:Commentaar>",
        &format!("{}{}", "<jw301:X>".repeat(20_000), "</jw301:X>".repeat(20_000)),
    );
    vec![
        case("billion laughs", laughs, "", "DOCTYPE is not allowed"),
        case("external entity (XXE)", xxe, "", "DOCTYPE is not allowed"),
        case("oversized", oversized, "", "more than the limit of 25 MB"),
        case("UTF-16", utf16, "", "wrong encoding"),
        case(
            "declared Latin-1",
            replace_once(&jw301, "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""),
            "",
            "wrong encoding",
        ),
        // Named where it stands, with the byte of the bad sequence.
        case(
            "invalid UTF-8",
            bad_utf8,
            "Client/Naam/Geslachtsnaam/Achternaam",
            String::leak(format!("invalid UTF-8 at byte {pos}")),
        ),
        case("NUL byte", replace_once(&jw301, "Wit", "W\0t"), "", "NUL character"),
        case("truncated inside a tag", jw301[..jw301.len() / 2].to_owned(), "*", "truncated XML"),
        case(
            "truncated between elements",
            jw301[..jw301.find("<jw301:Client>").expect("client")].to_owned(),
            "",
            "truncated XML",
        ),
        case("empty input", "", "", "no root element"),
        case(
            "unknown namespace",
            jw301.replace("http://www.istandaarden.nl/ijw/3_2/jw301/schema", "urn:example:foo"),
            "",
            "unknown namespace",
        ),
        case("unknown release", jw301.replace("ijw/3_2/jw301", "ijw/3_3/jw301"), "", "unknown release 3_3"),
        case("unknown message", jw301.replace("3_2/jw301/schema", "3_2/jw303/schema"), "", "unknown message jw303"),
        case(
            "root not Bericht",
            jw301.replace("jw301:Bericht", "jw301:Berichten"),
            "Berichten",
            "root element must be Bericht",
        ),
        case("root without namespace", "<Bericht><Header/></Bericht>", "", "has no namespace"),
        case(
            "BerichtCode of the other law",
            replace_once(&wmo301, ">414<", ">436<"),
            "Header/BerichtCode",
            "does not match the namespace",
        ),
        case(
            "wrong subversie",
            replace_once(&jw301, "<jw301:BerichtSubversie>2<", "<jw301:BerichtSubversie>1<"),
            "Header/BerichtSubversie",
            "does not match release 3.2",
        ),
        case("mismatched end tag", replace_once(&jw301, "</jw301:Bsn>", "</jw301:Bsx>"), "Client/Bsn", "malformed XML"),
        case(
            "mismatched end tag of a container",
            replace_once(&jw301, "</jw301:Client>", "</jw301:Clint>"),
            "Client",
            "expected `</jw301:Client>`, but `</jw301:Clint>` was found",
        ),
        case(
            "end tag of an element never opened",
            replace_once(&jw301, "</jw301:Client>", "</jw301:Bsn></jw301:Client>"),
            "Client",
            "expected `</jw301:Client>`, but `</jw301:Bsn>` was found",
        ),
        case("invalid UTF-8 in a tag name", bad_utf8_tag, "*", "invalid UTF-8"),
        case(
            "undeclared entity",
            replace_once(&jw301, "Wit", "&foo;"),
            "Client/Naam/Geslachtsnaam/Achternaam",
            "undeclared entity &foo;",
        ),
        case(
            "wrong namespace",
            replace_once(&jw301, "<jw301:Bsn>999900006</jw301:Bsn>", "<ijw:Bsn>999900006</ijw:Bsn>"),
            "Client/Bsn",
            "wrong namespace",
        ),
        case(
            "foreign namespace",
            replace_once(&jw301, "<jw301:Bsn>999900006</jw301:Bsn>", "<x:Bsn xmlns:x=\"urn:x\">999900006</x:Bsn>"),
            "Client/Bsn",
            "namespace that does not belong",
        ),
        case(
            "out of order",
            replace_once(&jw301, "<jw301:Geslacht>1</jw301:Geslacht>\r\n\t\t<jw301:Naam>", "<jw301:Naam>").replacen(
                "</jw301:Naam>\r\n\t\t<jw301:Communicatie>",
                "</jw301:Naam><jw301:Geslacht>1</jw301:Geslacht>\r\n\t\t<jw301:Communicatie>",
                1,
            ),
            "Client/Geslacht",
            "out of order",
        ),
        case(
            "repeated element",
            replace_once(
                &jw301,
                "<jw301:Bsn>999900006</jw301:Bsn>",
                "<jw301:Bsn>999900006</jw301:Bsn><jw301:Bsn>999900006</jw301:Bsn>",
            ),
            "Client/Bsn",
            "occurs more than once",
        ),
        case(
            "missing required element",
            replace_once(&jw301, "<jw301:Bsn>999900006</jw301:Bsn>", ""),
            "Client/Bsn",
            "required element Bsn is missing",
        ),
        case(
            "empty element",
            replace_once(&jw301, "<jw301:Commentaar>Commentaar client</jw301:Commentaar>", "<jw301:Commentaar/>"),
            "Client/Commentaar",
            "empty element",
        ),
        case("BSN fails 11-proef", replace_once(&jw301, "999900006", "999900007"), "Client/Bsn", "11-proef"),
        case(
            "gemeente of three digits",
            replace_once(&jw301, "<jw301:Afzender>0384<", "<jw301:Afzender>384<"),
            "Header/Afzender",
            "exactly 4 digits",
        ),
        case(
            "unknown code",
            replace_once(&jw301, "<jw301:Geslacht>1<", "<jw301:Geslacht>7<"),
            "Client/Geslacht",
            "unknown code for LDT_Geslacht",
        ),
        case(
            "iJw category in iWmo",
            replace_once(&wmo301, "<iwmo:Categorie>01<", "<iwmo:Categorie>45<"),
            "Client/ToegewezenProducten/ToegewezenProduct[1]/Product/Categorie",
            "valid in iJw but not in iWmo",
        ),
        case(
            "iWmo stop reason in iJw",
            replace_once(
                &jw307,
                "<jw307:RedenBeeindiging>",
                "<jw307:RedenBeeindiging>19</jw307:RedenBeeindiging><jw307:X>",
            )
            .replacen("</jw307:RedenBeeindiging>\r\n", "</jw307:X>\r\n", 2)
            .replacen("<jw307:X>", "", 1),
            "Client/StopProducten/StopProduct[1]/RedenBeeindiging",
            "not in iJw",
        ),
        case(
            "date with time zone",
            replace_once(
                &jw305,
                "<jw305:Begindatum>",
                "<jw305:Begindatum>2023-01-01+01:00</jw305:Begindatum><jw305:X>",
            )
            .replacen("</jw305:Begindatum>\r\n", "</jw305:X>\r\n", 2)
            .replacen("<jw305:X>", "", 1),
            "Client/StartProducten/StartProduct[1]/Begindatum",
            "time zone",
        ),
        case(
            "impossible date",
            replace_once(&jw301, "<ijw:Datum>2010-02-14<", "<ijw:Datum>2010-02-30<"),
            "Client/Geboortedatum/Datum",
            "not a real calendar date",
        ),
        case(
            "volume out of range",
            replace_once(&jw301, "<ijw:Volume>2<", "<ijw:Volume>100000000<"),
            "Client/ToegewezenProducten/ToegewezenProduct[1]/Omvang/Volume",
            "out of range",
        ),
        case(
            "negative amount",
            replace_once(&jw301, "<ijw:Volume>2<", "<ijw:Volume>-2<"),
            "Client/ToegewezenProducten/ToegewezenProduct[1]/Omvang/Volume",
            "negative",
        ),
        case(
            "text between elements",
            replace_once(&jw301, "<jw301:Bsn>", "stray text<jw301:Bsn>"),
            "Client",
            "text is not allowed",
        ),
        case(
            "iJw-only element in iWmo",
            replace_once(
                &wmo315,
                "<wmo315:Commentaar>",
                "<wmo315:GezagsdragerBekend>1</wmo315:GezagsdragerBekend><wmo315:Commentaar>",
            ),
            "Client/GezagsdragerBekend",
            "not allowed here",
        ),
        case("content after the root", format!("{jw301}<extra/>"), "", "content after the root element"),
        case(
            "string too long",
            replace_once(&jw301, "Van Woustraat", "Van Woustraat en nog veel meer"),
            "Client/Relaties/Relatie[1]/Contact/Adres/Straatnaam",
            "outside 1..=24",
        ),
        case(
            "child element in a value",
            replace_once(&jw301, "<jw301:Bsn>999900006</jw301:Bsn>", "<jw301:Bsn><jw301:X/></jw301:Bsn>"),
            "Client/Bsn/X",
            "a value was expected",
        ),
        case(
            "invalid character reference",
            replace_once(&jw301, "Wit", "W&#0;t"),
            "Client/Naam/Geslachtsnaam/Achternaam",
            "character reference",
        ),
        case("deeply nested unknown element", deep, "Client/X", "not allowed here"),
        case(
            "unknown element",
            replace_once(&jw301, "<jw301:Bsn>", "<jw301:Extra>1</jw301:Extra><jw301:Bsn>"),
            "Client/Extra",
            "not allowed here",
        ),
    ]
}

#[test]
fn every_hostile_input_is_refused_with_the_expected_finding() {
    let corpus = corpus();
    assert!(corpus.len() >= 30, "the corpus must hold at least 30 cases");
    let mut failures = Vec::new();
    for c in corpus {
        let result = std::panic::catch_unwind(|| read(&c.input));
        let Ok(result) = result else {
            failures.push(format!("{}: the reader panicked", c.name));
            continue;
        };
        match result {
            Ok(_) => failures.push(format!("{}: accepted", c.name)),
            Err(err) => {
                if !err.findings.iter().any(|f| (c.path == "*" || f.path == c.path) && f.message.contains(c.says)) {
                    failures.push(format!("{}: expected {:?} at {:?}, got: {err}", c.name, c.says, c.path));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn hostile_constructs_stop_at_the_xml_level() {
    let jw301 = jw301();
    let body = jw301.split_once("?>").expect("declaration").1;
    let err = read(format!("<!DOCTYPE x [<!ENTITY a 'b'>]>{body}").as_bytes()).expect_err("doctype");
    assert_eq!(err.findings.len(), 1);
    assert_eq!(err.findings[0].level, Level::Xml);
}

/// Inputs the fuzzer once crashed the reader with; each must be refused or read, never panic.
#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("regressions") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("readable");
        let outcome = std::panic::catch_unwind(|| read(&bytes).map(|_| ()));
        assert!(outcome.is_ok(), "the reader panicked");
        count += 1;
    }
    assert!(count > 0);
}

/// Tags that the reader takes past quick-xml (a start tag without attributes, the end tag of
/// the element opened last) and tags it leaves to quick-xml's events read the same.
#[test]
fn tags_read_directly_and_through_events_read_the_same() {
    let jw301 = jw301();
    let plain = read(jw301.as_bytes()).expect("the example reads");
    let variants = [
        ("end tag with whitespace", replace_once(&jw301, "</jw301:Client>", "</jw301:Client \n>")),
        ("start tag with whitespace", replace_once(&jw301, "<jw301:Client>", "<jw301:Client >")),
        ("comment before a start tag", replace_once(&jw301, "<jw301:Client>", "<!-- c --><jw301:Client>")),
        ("comment before an end tag", replace_once(&jw301, "</jw301:Client>", "<?pi x?></jw301:Client>")),
        ("no whitespace between tags", jw301.replace(">\n", ">").replace(">\r\n", ">")),
        ("a reference in a leaf after a plain start tag", replace_once(&jw301, ">Wit<", ">W&#105;t<")),
        (
            "a start tag with a namespace declaration",
            replace_once(
                &jw301,
                "<jw301:Client>",
                "<jw301:Client xmlns:jw301=\"http://www.istandaarden.nl/ijw/3_2/jw301/schema\">",
            ),
        ),
    ];
    for (name, variant) in variants {
        let read = read(variant.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(read == plain, "{name}: the same message");
    }
}
