//! The code lists of the basisschema as Rust types, taken from the XSD enumerations.
//!
//! Lists that are the same in both laws are enums (`Eenheid::Uur`). Lists whose codes mean
//! different things per law (ProductCategorie, RedenBeeindiging: code 31 is "verhuizing" in
//! iWmo and "volgens plan" in iJw) and the long lists (RetourCode, LandCode) are checked
//! against a table per law. An unknown code is a validation finding, never a panic.

mod lists;

pub use lists::*;

use std::borrow::Cow;
use std::fmt;

use crate::Wet;
use crate::xml::element::{Leaf, LeafError, leaf_element};

/// `(code, omschrijving)`.
pub type CodeRow = (&'static str, &'static str);

macro_rules! code_enum {
    ($name:ident, $xsd:literal { $($variant:ident = $code:literal, $desc:literal;)* }) => {
        #[doc = concat!("Code list ", $xsd, ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $(#[doc = concat!($code, ": ", $desc)] $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn omschrijving(self) -> &'static str {
                match self { $($name::$variant => $desc,)* }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl $crate::xml::element::Leaf for $name {
            const XSD_TYPE: &'static str = $xsd;
            fn parse(text: &str, _wet: $crate::Wet) -> Result<Self, $crate::xml::element::LeafError> {
                $name::from_code(text).ok_or_else(|| {
                    $crate::xml::element::LeafError::new(concat!("unknown code for ", $xsd))
                })
            }
            fn text(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(self.code())
            }
            fn write_text(&self, buf: &mut Vec<u8>) {
                buf.extend_from_slice(self.code().as_bytes());
            }
            #[cfg(feature = "proptest")]
            fn strategy(_wet: $crate::Wet) -> proptest::strategy::BoxedStrategy<Self> {
                use proptest::strategy::Strategy;
                proptest::sample::select($name::ALL).boxed()
            }
        }
        $crate::xml::element::leaf_element!($name);
    };
}
pub(crate) use code_enum;

/// A code checked against a table per law. `N` is the code's width in ASCII characters.
macro_rules! table_code {
    ($(#[$doc:meta])* $name:ident, $xsd:literal, $width:literal, $iwmo:ident, $ijw:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name([u8; $width]);

        impl $name {
            /// The table of valid codes for a law, sorted by code.
            pub fn table(wet: Wet) -> &'static [CodeRow] {
                match wet {
                    Wet::IWmo => $iwmo,
                    Wet::IJw => $ijw,
                }
            }

            /// The row of a code in the list of `wet` (a binary search: the tables are sorted).
            fn row(code: &str, wet: Wet) -> Option<&'static CodeRow> {
                let table = Self::table(wet);
                table.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| &table[i])
            }

            /// Look a code up in the list of `wet`.
            pub fn new(code: &str, wet: Wet) -> Option<Self> {
                let row = Self::row(code, wet)?;
                let mut bytes = [0u8; $width];
                bytes.copy_from_slice(row.0.as_bytes());
                Some($name(bytes))
            }

            pub fn code(&self) -> &str {
                // Built only from table entries, which are ASCII.
                std::str::from_utf8(&self.0).unwrap_or("")
            }

            /// The description in the list of `wet`, or `None` when the code is not in it.
            pub fn omschrijving(&self, wet: Wet) -> Option<&'static str> {
                Self::row(self.code(), wet).map(|(_, d)| *d)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.code())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl Leaf for $name {
            const XSD_TYPE: &'static str = $xsd;
            fn parse(text: &str, wet: Wet) -> Result<Self, LeafError> {
                $name::new(text, wet).ok_or_else(|| {
                    let other = match wet { Wet::IWmo => Wet::IJw, Wet::IJw => Wet::IWmo };
                    if $name::new(text, other).is_some() {
                        LeafError::new(format!(concat!("code is valid in ", "{}", " but not in ", "{}", " (", $xsd, ")"), other, wet))
                    } else {
                        LeafError::new(concat!("unknown code for ", $xsd))
                    }
                })
            }
            fn text(&self) -> Cow<'_, str> {
                Cow::Borrowed(self.code())
            }
            fn write_text(&self, buf: &mut Vec<u8>) {
                buf.extend_from_slice(&self.0);
            }
            #[cfg(feature = "proptest")]
            fn strategy(wet: Wet) -> proptest::strategy::BoxedStrategy<Self> {
                use proptest::strategy::Strategy;
                let codes: Vec<$name> = $name::table(wet).iter().filter_map(|(c, _)| $name::new(c, wet)).collect();
                proptest::sample::select(codes).boxed()
            }
        }
        leaf_element!($name);
    };
}

table_code!(
    /// LDT_ProductCategorie: Wmo 01–18 (WMO020), Jw 31–55 (JZ020).
    ProductCategorie, "LDT_ProductCategorie", 2, PRODUCTCATEGORIE_IWMO, PRODUCTCATEGORIE_IJW
);
table_code!(
    /// LDT_RedenBeeindiging: WMO588 / JZ588. The same number can mean different things per law.
    RedenBeeindiging, "LDT_RedenBeeindiging", 2, REDEN_BEEINDIGING_IWMO, REDEN_BEEINDIGING_IJW
);
table_code!(
    /// LDT_RetourCode (WJ001).
    RetourCode, "LDT_RetourCode", 4, RETOURCODE_IWMO, RETOURCODE_IJW
);
table_code!(
    /// LDT_LandCode (COD032).
    LandCode, "LDT_LandCode", 2, LANDCODE_IWMO, LANDCODE_IJW
);

impl RedenBeeindiging {
    /// Code 20: delivery stopped temporarily. Every other code is a definitive stop.
    pub fn is_tijdelijk(&self) -> bool {
        self.code() == "20"
    }
}

impl RetourCode {
    /// 0001: rejected at level 2; the heenbericht counts as not sent (OP286).
    pub fn is_technische_afkeur(&self) -> bool {
        self.code() == "0001"
    }

    /// 0200 (no remark), 0233 (not assessed) and 8001 (declaratie fully allowed) are not rejections.
    pub fn is_goedkeuring(&self) -> bool {
        matches!(self.code(), "0200" | "0233" | "8001")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reden_beeindiging_differs_per_law() {
        let wmo = RedenBeeindiging::new("31", Wet::IWmo).and_then(|r| r.omschrijving(Wet::IWmo));
        let jw = RedenBeeindiging::new("31", Wet::IJw).and_then(|r| r.omschrijving(Wet::IJw));
        assert_eq!(wmo, Some("Verhuizing naar een andere gemeente"));
        assert_eq!(jw, Some("Levering is volgens plan beeindigd."));
        assert!(RedenBeeindiging::new("19", Wet::IJw).is_none());
        let err = RedenBeeindiging::parse("19", Wet::IJw).unwrap_err();
        assert_eq!(err.message, "code is valid in iWmo but not in iJw (LDT_RedenBeeindiging)");
    }

    #[test]
    fn every_table_is_sorted_so_that_lookups_find_every_code() {
        for wet in Wet::ALL {
            let tables = [
                ProductCategorie::table(wet),
                RedenBeeindiging::table(wet),
                RetourCode::table(wet),
                LandCode::table(wet),
            ];
            for table in tables {
                assert!(table.windows(2).all(|w| w[0].0 < w[1].0), "{wet:?}: sorted, no code twice");
            }
            for (code, _) in LandCode::table(wet).iter().chain(RetourCode::table(wet)) {
                let found = LandCode::new(code, wet).map(|c| c.code().to_owned());
                let found = found.or_else(|| RetourCode::new(code, wet).map(|c| c.code().to_owned()));
                assert_eq!(found.as_deref(), Some(*code));
            }
        }
        assert!(LandCode::new("ZZ", Wet::IJw).is_none());
        assert!(RetourCode::new("0000", Wet::IWmo).is_none());
    }

    #[test]
    fn enums_round_trip_codes() {
        for e in Eenheid::ALL {
            assert_eq!(Eenheid::from_code(e.code()), Some(*e));
        }
        assert_eq!(StatusAanlevering::from_code("3"), Some(StatusAanlevering::VerwijderenAanlevering));
        assert!(Geslacht::parse("7", Wet::IWmo).is_err());
    }
}
