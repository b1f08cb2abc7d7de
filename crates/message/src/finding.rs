//! Findings: what validation says about a message, with the element path and the rule.

use std::fmt;

/// How deep the check went that produced a finding.
///
/// The levels follow the iStandaarden control levels (IV032): a message that fails level
/// `Xml` or `Schema` would be refused at transport; `Rule` corresponds to the in-message XSLT
/// checks whose failure yields a retour with code 0001.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The bytes are not acceptable XML: hostile constructs, wrong encoding, truncation, size.
    Xml,
    /// Level 1: the XSD (structure, order, cardinality, facets, code lists, real dates).
    Schema,
    /// Level 2: in-message rules (CD, CS, RS and the in-message TR rules).
    Rule,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Xml => "xml",
            Level::Schema => "xsd",
            Level::Rule => "regel",
        }
    }
}

/// One thing that is wrong with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    /// Element path below the root `Bericht`, e.g.
    /// `Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum`. Repeating elements carry
    /// a 1-based index. Empty for document-level findings.
    pub path: String,
    /// The iStandaarden rule code (`CS002`, `RS033`, `TR383`, …) or the XSD type whose facet
    /// failed (`LDT_Datum`), where there is one.
    pub rule: Option<&'static str>,
    pub message: String,
}

impl Finding {
    pub fn new(level: Level, path: impl Into<String>, rule: Option<&'static str>, message: impl Into<String>) -> Self {
        Finding { level, path: path.into(), rule, message: message.into() }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "/" } else { self.path.as_str() };
        match self.rule {
            Some(rule) => write!(f, "{path}: [{rule}] {}", self.message),
            None => write!(f, "{path}: {}", self.message),
        }
    }
}

/// A message could not be read. It carries every finding the reader collected before it
/// stopped; hostile or malformed input stops at the first finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.findings))]
pub struct ReadError {
    pub findings: Vec<Finding>,
}

fn render(findings: &[Finding]) -> String {
    findings.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl ReadError {
    pub fn single(finding: Finding) -> Self {
        ReadError { findings: vec![finding] }
    }
}
