//! Which law and which message: identity derived from the root namespace URI.

use std::fmt;

/// The law (wet) a message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Wet {
    /// Wmo 2015, iStandaard iWmo.
    IWmo,
    /// Jeugdwet, iStandaard iJw.
    IJw,
}

impl Wet {
    pub const ALL: [Wet; 2] = [Wet::IWmo, Wet::IJw];

    /// `iWmo` or `iJw`, as the standards spell them.
    pub fn as_str(self) -> &'static str {
        match self {
            Wet::IWmo => "iWmo",
            Wet::IJw => "iJw",
        }
    }

    /// Message-name prefix: `WMO` or `JW`.
    pub fn message_prefix(self) -> &'static str {
        match self {
            Wet::IWmo => "WMO",
            Wet::IJw => "JW",
        }
    }

    /// The law of a message name such as `JW301` or `WMO305` (routing data, envelopes).
    pub fn of_message_name(name: &str) -> Option<Wet> {
        Wet::ALL.into_iter().find(|w| name.starts_with(w.message_prefix()))
    }

    /// Namespace segment for the standard: `iwmo` or `ijw`.
    fn ns_standard(self) -> &'static str {
        match self {
            Wet::IWmo => "iwmo",
            Wet::IJw => "ijw",
        }
    }

    fn ns_message(self) -> &'static str {
        match self {
            Wet::IWmo => "wmo",
            Wet::IJw => "jw",
        }
    }

    /// Conventional prefix for the basisschema namespace (`iwmo:` / `ijw:`).
    pub fn basis_prefix(self) -> &'static str {
        self.ns_standard()
    }

    /// Parse `iwmo`/`iWmo`/`wmo` and `ijw`/`iJw`/`jw` (case-insensitive).
    pub fn parse(text: &str) -> Option<Wet> {
        match text.to_ascii_lowercase().as_str() {
            "iwmo" | "wmo" => Some(Wet::IWmo),
            "ijw" | "jw" | "jeugd" => Some(Wet::IJw),
            _ => None,
        }
    }
}

impl fmt::Display for Wet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The release a message is written in. Only 3.2 exists today; the namespace carries the
/// release (`3_2`) so a later one can be added beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Release {
    R3_2,
}

impl Release {
    pub fn ns_segment(self) -> &'static str {
        match self {
            Release::R3_2 => "3_2",
        }
    }
    pub fn versie(self) -> u8 {
        3
    }
    pub fn subversie(self) -> u8 {
        2
    }
}

/// The 14 message types of release 3.2, the same set in both laws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BerichtType {
    T301,
    T302,
    T305,
    T306,
    T307,
    T308,
    T315,
    T316,
    T317,
    T318,
    T319,
    T320,
    T323,
    T325,
}

impl BerichtType {
    pub const ALL: [BerichtType; 14] = [
        BerichtType::T301,
        BerichtType::T302,
        BerichtType::T305,
        BerichtType::T306,
        BerichtType::T307,
        BerichtType::T308,
        BerichtType::T315,
        BerichtType::T316,
        BerichtType::T317,
        BerichtType::T318,
        BerichtType::T319,
        BerichtType::T320,
        BerichtType::T323,
        BerichtType::T325,
    ];

    /// The three-digit message number (`301`).
    pub fn number(self) -> u16 {
        match self {
            BerichtType::T301 => 301,
            BerichtType::T302 => 302,
            BerichtType::T305 => 305,
            BerichtType::T306 => 306,
            BerichtType::T307 => 307,
            BerichtType::T308 => 308,
            BerichtType::T315 => 315,
            BerichtType::T316 => 316,
            BerichtType::T317 => 317,
            BerichtType::T318 => 318,
            BerichtType::T319 => 319,
            BerichtType::T320 => 320,
            BerichtType::T323 => 323,
            BerichtType::T325 => 325,
        }
    }

    pub fn from_number(number: u16) -> Option<BerichtType> {
        BerichtType::ALL.into_iter().find(|t| t.number() == number)
    }

    /// The BerichtCode (COD002-VEKT) that `Header/BerichtCode` must carry.
    pub fn bericht_code(self, wet: Wet) -> u16 {
        let (wmo, jw) = match self {
            BerichtType::T301 => (414, 436),
            BerichtType::T302 => (415, 437),
            BerichtType::T305 => (418, 438),
            BerichtType::T306 => (419, 439),
            BerichtType::T307 => (420, 440),
            BerichtType::T308 => (421, 441),
            BerichtType::T315 => (444, 446),
            BerichtType::T316 => (445, 447),
            BerichtType::T317 => (480, 486),
            BerichtType::T318 => (481, 487),
            BerichtType::T319 => (482, 488),
            BerichtType::T320 => (483, 489),
            BerichtType::T323 => (484, 490),
            BerichtType::T325 => (485, 491),
        };
        match wet {
            Wet::IWmo => wmo,
            Wet::IJw => jw,
        }
    }

    /// `WMO301`, `JW325`: the name also used in the StUF-GGk envelope's `functie`.
    pub fn name(self, wet: Wet) -> String {
        format!("{}{}", wet.message_prefix(), self.number())
    }

    /// Is this a retour message (302, 306, 308, 316, 318, 320)? 325 is an answer, not a retour.
    pub fn is_retour(self) -> bool {
        matches!(
            self,
            BerichtType::T302
                | BerichtType::T306
                | BerichtType::T308
                | BerichtType::T316
                | BerichtType::T318
                | BerichtType::T320
        )
    }

    /// The heenbericht a retour or answer belongs to (302 → 301, 325 → 323).
    pub fn heenbericht(self) -> Option<BerichtType> {
        match self {
            BerichtType::T302 => Some(BerichtType::T301),
            BerichtType::T306 => Some(BerichtType::T305),
            BerichtType::T308 => Some(BerichtType::T307),
            BerichtType::T316 => Some(BerichtType::T315),
            BerichtType::T318 => Some(BerichtType::T317),
            BerichtType::T320 => Some(BerichtType::T319),
            BerichtType::T325 => Some(BerichtType::T323),
            _ => None,
        }
    }

    /// The retour (or answer) a heenbericht expects.
    pub fn retour(self) -> Option<BerichtType> {
        BerichtType::ALL.into_iter().find(|t| t.heenbericht() == Some(self))
    }

    /// Is the message sent by the gemeente (Afzender is a gemeentecode in its header)?
    pub fn afzender_is_gemeente(self) -> bool {
        matches!(
            self,
            BerichtType::T301 | BerichtType::T302 | BerichtType::T319 | BerichtType::T320 | BerichtType::T325
        )
    }
}

impl fmt::Display for BerichtType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// The namespace URI of the message schema, e.g. `http://www.istandaarden.nl/ijw/3_2/jw301/schema`.
pub fn message_namespace(wet: Wet, release: Release, bericht: BerichtType) -> String {
    format!(
        "http://www.istandaarden.nl/{}/{}/{}{}/schema",
        wet.ns_standard(),
        release.ns_segment(),
        wet.ns_message(),
        bericht.number()
    )
}

/// The namespace URI of the basisschema, e.g. `http://www.istandaarden.nl/iwmo/3_2/basisschema/schema`.
pub fn basis_namespace(wet: Wet, release: Release) -> String {
    format!("http://www.istandaarden.nl/{}/{}/basisschema/schema", wet.ns_standard(), release.ns_segment())
}

/// Why a root namespace was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamespaceProblem {
    /// Not an iStandaarden iWmo/iJw message namespace at all.
    Unknown,
    /// An iWmo/iJw message namespace, but of a release this build does not know.
    UnknownRelease(String),
    /// A known release, but no such message in it.
    UnknownMessage(String),
}

/// Identify law, release and message from a root namespace URI. Never from the prefix.
pub fn identify_namespace(uri: &str) -> Result<(Wet, Release, BerichtType), NamespaceProblem> {
    let rest = uri.strip_prefix("http://www.istandaarden.nl/").ok_or(NamespaceProblem::Unknown)?;
    let mut parts = rest.split('/');
    let (Some(std), Some(rel), Some(msg), Some("schema"), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(NamespaceProblem::Unknown);
    };
    let (wet, msg_prefix) = match std {
        "iwmo" => (Wet::IWmo, "wmo"),
        "ijw" => (Wet::IJw, "jw"),
        _ => return Err(NamespaceProblem::Unknown),
    };
    let number = msg.strip_prefix(msg_prefix).ok_or(NamespaceProblem::Unknown)?;
    if number.len() != 3 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NamespaceProblem::Unknown);
    }
    let release = match rel {
        "3_2" => Release::R3_2,
        other => return Err(NamespaceProblem::UnknownRelease(other.to_owned())),
    };
    let bericht = number
        .parse::<u16>()
        .ok()
        .and_then(BerichtType::from_number)
        .ok_or_else(|| NamespaceProblem::UnknownMessage(msg.to_owned()))?;
    Ok((wet, release, bericht))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_tell_their_law() {
        assert_eq!(Wet::of_message_name("JW301"), Some(Wet::IJw));
        assert_eq!(Wet::of_message_name("WMO325"), Some(Wet::IWmo));
        assert_eq!(Wet::of_message_name("XX301"), None);
        for wet in Wet::ALL {
            assert_eq!(Wet::of_message_name(&BerichtType::T305.name(wet)), Some(wet));
        }
    }

    #[test]
    fn namespaces_round_trip_for_all_28_messages() {
        for wet in Wet::ALL {
            for t in BerichtType::ALL {
                let ns = message_namespace(wet, Release::R3_2, t);
                assert_eq!(identify_namespace(&ns), Ok((wet, Release::R3_2, t)), "{ns}");
            }
        }
    }

    #[test]
    fn unknown_release_and_message_are_told_apart() {
        assert_eq!(
            identify_namespace("http://www.istandaarden.nl/ijw/3_3/jw301/schema"),
            Err(NamespaceProblem::UnknownRelease("3_3".into()))
        );
        assert_eq!(
            identify_namespace("http://www.istandaarden.nl/ijw/3_2/jw303/schema"),
            Err(NamespaceProblem::UnknownMessage("jw303".into()))
        );
        assert_eq!(identify_namespace("urn:foo"), Err(NamespaceProblem::Unknown));
        assert_eq!(
            identify_namespace("http://www.istandaarden.nl/iwmo/3_2/jw301/schema"),
            Err(NamespaceProblem::Unknown)
        );
    }

    #[test]
    fn retour_pairs() {
        assert_eq!(BerichtType::T301.retour(), Some(BerichtType::T302));
        assert_eq!(BerichtType::T323.retour(), Some(BerichtType::T325));
        assert_eq!(BerichtType::T325.retour(), None);
        assert_eq!(BerichtType::T317.bericht_code(Wet::IJw), 486);
        assert_eq!(BerichtType::T325.name(Wet::IWmo), "WMO325");
    }
}
