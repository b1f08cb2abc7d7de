//! The traits every model type implements. Structs get them from `#[derive(Element)]`;
//! leaf types (the `LDT_*` simple types and code lists) through [`Leaf`].

use super::input::{Ns, ReadCx, ReadResult, XmlIn};
use super::output::XmlOut;
use crate::Wet;
use crate::vec1::Vec1;

/// Something that is read from, and written to, one XML element.
pub trait Element: Sized {
    /// Read the content of an element whose start tag was just consumed, through its end
    /// tag. `Ok(None)` means findings were recorded in `cx`.
    fn read(input: &mut XmlIn<'_>, cx: &mut ReadCx) -> ReadResult<Self>;

    /// Write this value as the element `name` in namespace `ns`.
    fn write(&self, out: &mut XmlOut, ns: Ns, name: &str);

    /// The JSON mirror of the element's content (used by `ketenzicht inspect`).
    fn to_json(&self) -> serde_json::Value;

    /// A strategy that generates arbitrary values that are valid for `wet` at level 1.
    #[cfg(feature = "proptest")]
    fn strategy(wet: Wet) -> proptest::strategy::BoxedStrategy<Self>;

    /// Append the element tree below this element to `out`, as the model declares it for
    /// `wet`: one entry per element path. Leaves have no children. Used to check the model
    /// against the XSDs.
    fn describe(_wet: Wet, _prefix: &str, _out: &mut Vec<SchemaEntry>) {}
}

/// One element of the declared tree: its path below `Bericht` and its cardinality.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SchemaEntry {
    pub path: String,
    pub min: u32,
    /// `None` for unbounded.
    pub max: Option<u32>,
}

/// Record a child element and recurse into its type.
pub fn describe_child<T: Element>(
    wet: Wet,
    prefix: &str,
    name: &str,
    min: u32,
    max: Option<u32>,
    out: &mut Vec<SchemaEntry>,
) {
    let path = if prefix.is_empty() { name.to_owned() } else { format!("{prefix}/{name}") };
    out.push(SchemaEntry { path: path.clone(), min, max });
    T::describe(wet, &path, out);
}

/// A value that a leaf element holds as text: an `LDT_*` simple type or a code list.
pub trait Leaf: Sized {
    /// The XSD type name, used as the rule in findings (`LDT_Datum`).
    const XSD_TYPE: &'static str;

    /// Parse and check the facets. `wet` matters for code lists that differ per law.
    fn parse(text: &str, wet: Wet) -> Result<Self, LeafError>;

    /// The text written into the element. Parsing it gives back an equal value.
    fn text(&self) -> std::borrow::Cow<'_, str>;

    /// Append the escaped text to an output buffer. Types whose text never needs escaping
    /// (numbers, dates, codes) write it directly, without an intermediate string.
    fn write_text(&self, buf: &mut Vec<u8>) {
        super::output::escape_into(buf, &self.text());
    }

    #[cfg(feature = "proptest")]
    fn strategy(wet: Wet) -> proptest::strategy::BoxedStrategy<Self>;
}

/// Why a leaf value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafError {
    /// The rule code when there is one (`CS002`), else the XSD type.
    pub rule: Option<&'static str>,
    pub message: String,
}

impl LeafError {
    pub fn new(message: impl Into<String>) -> Self {
        LeafError { rule: None, message: message.into() }
    }
    pub fn rule(rule: &'static str, message: impl Into<String>) -> Self {
        LeafError { rule: Some(rule), message: message.into() }
    }
}

/// Read a leaf element: its text, parsed and checked.
pub fn read_leaf<T: Leaf>(input: &mut XmlIn<'_>, cx: &mut ReadCx) -> ReadResult<T> {
    let wet = cx.wet;
    let parsed = match input.text(cx)? {
        None => return Ok(None),
        Some(text) => T::parse(&text, wet).map_err(|e| (e, text.into_owned())),
    };
    match parsed {
        Ok(v) => Ok(Some(v)),
        Err((e, text)) => {
            let rule = e.rule.or(Some(T::XSD_TYPE));
            cx.schema(rule, format!("{} ({:?})", e.message, shorten(&text)));
            Ok(None)
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// Implement [`Element`] for leaf types.
macro_rules! leaf_element {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::xml::element::Element for $ty {
            fn read(input: &mut $crate::xml::input::XmlIn<'_>, cx: &mut $crate::xml::input::ReadCx) -> $crate::xml::input::ReadResult<Self> {
                $crate::xml::element::read_leaf(input, cx)
            }
            fn write(&self, out: &mut $crate::xml::output::XmlOut, ns: $crate::xml::input::Ns, name: &str) {
                out.leaf_with(ns, name, |buf| $crate::xml::element::Leaf::write_text(self, buf));
            }
            fn to_json(&self) -> serde_json::Value {
                serde_json::Value::String($crate::xml::element::Leaf::text(self).into_owned())
            }
            #[cfg(feature = "proptest")]
            fn strategy(wet: $crate::Wet) -> proptest::strategy::BoxedStrategy<Self> {
                <$ty as $crate::xml::element::Leaf>::strategy(wet)
            }
        }
    )*};
}
pub(crate) use leaf_element;

/// Read a wrapper element's repeated children (`Relaties` → `Relatie[1..n]`).
pub fn read_list<T: Element>(
    input: &mut XmlIn<'_>,
    cx: &mut ReadCx,
    item: &'static str,
    ns: Ns,
) -> ReadResult<Vec1<T>> {
    let mut items = Vec::new();
    let mut seen = 0u32;
    let mut ok = true;
    while let Some(child) = input.next_child(cx)? {
        if child.ns == Some(ns) && child.local() == item.as_bytes() {
            seen += 1;
            cx.push(item, seen);
            match T::read(input, cx)? {
                Some(v) => items.push(v),
                None => ok = false,
            }
            cx.pop();
        } else {
            unexpected(cx, &child, ns, &[item]);
            input.skip(cx)?;
            ok = false;
        }
    }
    if !ok {
        return Ok(None);
    }
    match Vec1::try_from(items) {
        Ok(v) => Ok(Some(v)),
        Err(_) => {
            cx.schema_at(item, Some("XSD"), format!("required element {item} is missing: at least one is needed"));
            Ok(None)
        }
    }
}

/// Record an element that is not allowed where it stands.
pub fn unexpected(cx: &mut ReadCx, child: &super::input::Child<'_>, expected_ns: Ns, allowed: &[&str]) {
    let name = child.display_name();
    let message = match child.ns {
        None => format!("element {name} is in a namespace that does not belong to this message"),
        Some(ns) if ns != expected_ns && allowed.iter().any(|a| a.as_bytes() == child.local()) => {
            format!("element {name} is in the wrong namespace ({})", ns_name(ns))
        }
        Some(_) if allowed.is_empty() => format!("element {name} is not allowed here"),
        Some(_) => format!("element {name} is not allowed here; allowed: {}", allowed.join(", ")),
    };
    cx.schema_at(&name, Some("XSD"), message);
}

fn ns_name(ns: Ns) -> &'static str {
    match ns {
        Ns::Msg => "message namespace, basisschema expected",
        Ns::Basis => "basisschema namespace, message namespace expected",
    }
}

/// Where a retour message puts `RetourCodes`: `()` in a heenbericht (no element),
/// [`crate::RetourCodes`] in a retour message (a required trailing element on every class).
pub trait RetourSlot: Sized + Clone + std::fmt::Debug + PartialEq {
    const PRESENT: bool;
    /// The value when the element is absent: `Some(())` for heen, `None` (missing) for retour.
    fn absent() -> Option<Self>;
    fn read_slot(input: &mut XmlIn<'_>, cx: &mut ReadCx) -> ReadResult<Self>;
    fn write_slot(&self, out: &mut XmlOut, ns: Ns);
    fn json_slot(&self, map: &mut serde_json::Map<String, serde_json::Value>);
    #[cfg(feature = "proptest")]
    fn strategy(wet: Wet) -> proptest::strategy::BoxedStrategy<Self>;
    fn describe_slot(_wet: Wet, _prefix: &str, _out: &mut Vec<SchemaEntry>) {}
}

impl RetourSlot for () {
    const PRESENT: bool = false;
    fn absent() -> Option<Self> {
        Some(())
    }
    fn read_slot(_: &mut XmlIn<'_>, _: &mut ReadCx) -> ReadResult<Self> {
        Ok(Some(()))
    }
    fn write_slot(&self, _: &mut XmlOut, _: Ns) {}
    fn json_slot(&self, _: &mut serde_json::Map<String, serde_json::Value>) {}
    #[cfg(feature = "proptest")]
    fn strategy(_: Wet) -> proptest::strategy::BoxedStrategy<Self> {
        use proptest::strategy::Strategy;
        proptest::strategy::Just(()).boxed()
    }
}

impl RetourSlot for crate::RetourCodes {
    const PRESENT: bool = true;
    fn absent() -> Option<Self> {
        None
    }
    fn read_slot(input: &mut XmlIn<'_>, cx: &mut ReadCx) -> ReadResult<Self> {
        <Self as Element>::read(input, cx)
    }
    fn write_slot(&self, out: &mut XmlOut, ns: Ns) {
        self.write(out, ns, "RetourCodes");
    }
    fn json_slot(&self, map: &mut serde_json::Map<String, serde_json::Value>) {
        map.insert("RetourCodes".to_owned(), self.to_json());
    }
    fn describe_slot(wet: Wet, prefix: &str, out: &mut Vec<SchemaEntry>) {
        describe_child::<Self>(wet, prefix, "RetourCodes", 1, Some(1), out);
    }
    #[cfg(feature = "proptest")]
    fn strategy(wet: Wet) -> proptest::strategy::BoxedStrategy<Self> {
        <Self as Element>::strategy(wet)
    }
}
