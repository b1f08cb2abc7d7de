//! The iWmo 3.2 and iJw 3.2 message layer of ketenzicht.
//!
//! A typed model of all 28 messages ([`model`]), a streaming reader on quick-xml ([`read()`]),
//! a writer ([`write()`]), the code lists ([`codes`]) and validation at two levels: level 1
//! (the XSD, checked while reading) and level 2 (the in-message rules, [`rules::check`]).
//!
//! No I/O and no storage: callers hand in bytes and get values and findings back.
//!
//! ```
//! let xml = std::fs::read("../../../shared/istandaarden/ijw-3.2/voorbeelden/JW305.xml").unwrap();
//! let message = ketenzicht_message::read(&xml).unwrap();
//! assert_eq!(message.name(), "JW305");
//! ```

pub mod codes;
mod finding;
pub mod json;
pub mod leaf;
pub mod model;
mod read;
pub mod rules;
pub mod vec1;
mod wet;
mod write;
pub mod xml;

pub use finding::{Finding, Level, ReadError};
pub use model::{Bericht, Message, RetourCodes};
pub use read::{MAX_MESSAGE_BYTES, read};
pub use wet::{BerichtType, NamespaceProblem, Release, Wet, basis_namespace, identify_namespace, message_namespace};
pub use write::{WriteOptions, write};

/// Read a message and run the level-2 rules as well: every finding, or the message.
pub fn validate(bytes: &[u8]) -> Result<Message, ReadError> {
    let message = read(bytes)?;
    let findings = rules::check(&message);
    if findings.is_empty() { Ok(message) } else { Err(ReadError { findings }) }
}

#[cfg(feature = "proptest")]
pub mod arbitrary;
