//! The streaming XML layer under the typed model: [`input::XmlIn`] reads events from a byte
//! slice with quick-xml and turns well-formedness problems into findings; [`output::XmlOut`]
//! writes elements in the official namespaces. [`element`] holds the traits that the derive
//! macro implements for every model struct.

pub mod element;
pub mod input;
pub mod output;
