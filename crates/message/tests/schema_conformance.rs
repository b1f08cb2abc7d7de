//! The model declares exactly the element tree of the XSDs: the same element names, in the
//! same order, with the same cardinality, for all 28 messages (iJw-only elements only in iJw).
//! Round-trip tests alone cannot see a model element that is required where the XSD makes it
//! optional, or an optional element the model lacks; this test does.

use ketenzicht_testkit as support;

use std::collections::HashMap;
use std::path::Path;

use ketenzicht_message::model::schema_tree;
use ketenzicht_message::xml::element::SchemaEntry;
use ketenzicht_message::{BerichtType, Wet};
use quick_xml::events::Event;

#[derive(Debug, Clone)]
struct Decl {
    name: String,
    /// Local name of the type, `None` for an inline simple type.
    ty: Option<String>,
    min: u32,
    max: Option<u32>,
}

/// complexType name → its sequence of element declarations.
fn complex_types(path: &Path) -> HashMap<String, Vec<Decl>> {
    let text = std::fs::read_to_string(path).expect("XSD readable");
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut types: HashMap<String, Vec<Decl>> = HashMap::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().expect("XSD parses") {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |key: &str| e.try_get_attribute(key).ok().flatten().map(|a| a.value.to_string());
                match e.name().as_ref() {
                    "xs:complexType" => {
                        current = attr("name");
                        if let Some(name) = &current {
                            types.entry(name.clone()).or_default();
                        }
                    }
                    "xs:element" => {
                        if let Some(ct) = &current {
                            let max = match attr("maxOccurs").as_deref() {
                                Some("unbounded") => None,
                                Some(n) => Some(n.parse().expect("maxOccurs")),
                                None => Some(1),
                            };
                            types.get_mut(ct).expect("type").push(Decl {
                                name: attr("name").expect("element name"),
                                ty: attr("type").map(|t| t.rsplit(':').next().unwrap_or(&t).to_owned()),
                                min: attr("minOccurs").map_or(1, |m| m.parse().expect("minOccurs")),
                                max,
                            });
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == "xs:complexType" => current = None,
            Event::Eof => break,
            _ => {}
        }
    }
    types
}

fn expand(ty: &str, prefix: &str, types: &HashMap<String, Vec<Decl>>, out: &mut Vec<SchemaEntry>) {
    for decl in types.get(ty).map(Vec::as_slice).unwrap_or_default() {
        let path = if prefix.is_empty() { decl.name.clone() } else { format!("{prefix}/{}", decl.name) };
        out.push(SchemaEntry { path: path.clone(), min: decl.min, max: decl.max });
        if let Some(child) = &decl.ty {
            expand(child, &path, types, out);
        }
    }
}

#[test]
fn the_model_declares_exactly_the_xsd_element_tree_for_all_28_messages() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    for wet in Wet::ALL {
        for t in BerichtType::ALL {
            let dir = scratch.path().join(t.name(wet));
            std::fs::create_dir_all(&dir).expect("mkdir");
            let xsd = support::xsd_for(wet, t, &dir);
            let mut types = complex_types(&xsd);
            types.extend(complex_types(&support::shared().join(support::law_dir(wet)).join("xsd/basisschema.xsd")));
            let mut from_xsd = Vec::new();
            expand("Root", "", &types, &mut from_xsd);
            let from_model = schema_tree(wet, t);
            if from_xsd != from_model {
                let xsd_lines: Vec<String> = from_xsd.iter().map(|e| format!("{e:?}")).collect();
                let model_lines: Vec<String> = from_model.iter().map(|e| format!("{e:?}")).collect();
                let first = xsd_lines
                    .iter()
                    .zip(&model_lines)
                    .position(|(a, b)| a != b)
                    .unwrap_or(xsd_lines.len().min(model_lines.len()));
                failures.push(format!(
                    "{}: first difference at entry {first}:\n  xsd:   {:?}\n  model: {:?}",
                    t.name(wet),
                    xsd_lines.get(first),
                    model_lines.get(first)
                ));
            }
            assert!(from_model.len() > 10, "{}: the tree is suspiciously small", t.name(wet));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
