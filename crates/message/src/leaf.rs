//! The logical datatypes (`LDT_*`) of the basisschema as Rust types, each checking its own
//! XSD facets when parsed. Amounts are integer eurocents; dates have no time zone.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use crate::Wet;
use crate::xml::element::{Leaf, LeafError, leaf_element};

#[cfg(feature = "proptest")]
use proptest::strategy::{BoxedStrategy, Strategy};

/// XSD whitespace collapse for non-string types: leading and trailing XML whitespace is ignored.
fn collapse(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// Parse an `xs:integer` lexical form: optional sign, digits, surrounding whitespace.
fn parse_integer(text: &str, min: u64, max: u64, canonical: bool) -> Result<u64, LeafError> {
    let t = if canonical { text } else { collapse(text) };
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'+') if !canonical => (false, &t[1..]),
        Some(b'-') if !canonical => (true, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LeafError::new("not a whole number"));
    }
    if canonical && digits.len() > 1 && digits.starts_with('0') {
        return Err(LeafError::new("leading zeros are not allowed here"));
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 19 {
        return Err(LeafError::new(format!("out of range {min}..={max}")));
    }
    let value: u64 =
        if trimmed.is_empty() { 0 } else { trimmed.parse().map_err(|_| LeafError::new("not a whole number"))? };
    if negative && value != 0 {
        return Err(LeafError::new(format!("negative numbers are not allowed (range {min}..={max})")));
    }
    if value < min || value > max {
        return Err(LeafError::new(format!("out of range {min}..={max}")));
    }
    Ok(value)
}

macro_rules! int_leaf {
    ($(#[$doc:meta])* $name:ident($inner:ty), $xsd:literal, $min:literal ..= $max:literal $(, $canonical:ident)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $inner);

        impl Leaf for $name {
            const XSD_TYPE: &'static str = $xsd;
            fn parse(text: &str, _wet: Wet) -> Result<Self, LeafError> {
                let canonical = false $(|| stringify!($canonical) == "canonical")?;
                parse_integer(text, $min, $max, canonical).map(|v| $name(v as $inner))
            }
            fn text(&self) -> Cow<'_, str> {
                Cow::Owned(self.0.to_string())
            }
            fn write_text(&self, buf: &mut Vec<u8>) {
                crate::xml::output::push_digits(buf, u64::from(self.0), 1);
            }
            #[cfg(feature = "proptest")]
            fn strategy(_wet: Wet) -> BoxedStrategy<Self> {
                (($min as $inner)..=($max as $inner)).prop_map($name).boxed()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
        leaf_element!($name);
    };
}

int_leaf!(
    /// LDT_Nummer: ToewijzingNummer, BeschikkingNummer.
    Nummer(u32), "LDT_Nummer", 0 ..= 999_999_999
);
int_leaf!(
    /// LDT_Bedrag in eurocents: ProductTarief, Bedrag.
    Bedrag(u32), "LDT_Bedrag", 0 ..= 99_999_999
);
int_leaf!(
    /// LDT_Budget in eurocents.
    Budget(u32), "LDT_Budget", 0 ..= 99_999_999
);
int_leaf!(
    /// LDT_TotaalBedrag in eurocents: declaration totals.
    TotaalBedrag(u64), "LDT_TotaalBedrag", 0 ..= 999_999_999_999
);
int_leaf!(
    /// LDT_Volume: a whole number (IV042); in eurocents when Eenheid is 83.
    Volume(u32), "LDT_Volume", 0 ..= 99_999_999
);
int_leaf!(
    /// LDT_Huisnummer.
    Huisnummer(u32), "LDT_Huisnummer", 0 ..= 99_999
);
int_leaf!(
    /// LDT_RelatieVolgorde.
    RelatieVolgorde(u8), "LDT_RelatieVolgorde", 0 ..= 99
);
int_leaf!(
    /// LDT_BerichtVersie / LDT_BerichtSubversie; each message XSD fixes the value (3 and 2)
    /// with a pattern, so only the canonical form is accepted.
    VersieNummer(u8), "LDT_BerichtVersie", 0 ..= 99, canonical
);

/// Fixed-width digit codes stored as integers: `LDT_BurgerServicenummer`, `LDT_Gemeente`,
/// `LDT_AgbCode`.
fn parse_digits(text: &str, width: usize) -> Result<u32, LeafError> {
    if text.len() != width || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LeafError::new(format!("exactly {width} digits expected")));
    }
    text.parse().map_err(|_| LeafError::new(format!("exactly {width} digits expected")))
}

/// LDT_BurgerServicenummer: nine digits that pass the 11-proef (CS002).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bsn(u32);

impl Bsn {
    /// The 11-proef: Σ(9·d1 … 2·d8) − d9 ≡ 0 (mod 11), and not all zeros; `value` has nine
    /// digits at most (d1 first). Computed on the number, without writing it out: every
    /// message with a client reads a BSN.
    pub fn passes_elfproef(value: u32) -> bool {
        let d9 = i64::from(value % 10);
        let mut rest = value / 10;
        let mut sum = -d9;
        for weight in 2..=9 {
            sum += i64::from(rest % 10) * weight;
            rest /= 10;
        }
        value != 0 && rest == 0 && sum.rem_euclid(11) == 0
    }

    pub fn new(value: u32) -> Option<Bsn> {
        (value <= 999_999_999 && Self::passes_elfproef(value)).then_some(Bsn(value))
    }

    pub fn value(self) -> u32 {
        self.0
    }

    /// Complete eight leading digits with the check digit, if one exists.
    pub fn complete(first_eight: u32) -> Option<Bsn> {
        let digits: Vec<i64> = format!("{first_eight:08}").bytes().map(|b| i64::from(b - b'0')).collect();
        let sum: i64 = (0..8).map(|i| digits[i] * (9 - i as i64)).sum();
        let check = sum.rem_euclid(11);
        (check < 10).then(|| first_eight * 10 + check as u32).and_then(Bsn::new)
    }
}

impl fmt::Debug for Bsn {
    // A BSN is personal data: debug output shows only that it is there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bsn(…)")
    }
}

impl fmt::Display for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:09}", self.0)
    }
}

impl Leaf for Bsn {
    const XSD_TYPE: &'static str = "LDT_BurgerServicenummer";
    fn parse(text: &str, _wet: Wet) -> Result<Self, LeafError> {
        let value = parse_digits(text, 9)?;
        Bsn::new(value).ok_or_else(|| LeafError::rule("CS002", "BSN fails the 11-proef"))
    }
    fn text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
    fn write_text(&self, buf: &mut Vec<u8>) {
        crate::xml::output::push_digits(buf, u64::from(self.0), 9);
    }
    #[cfg(feature = "proptest")]
    fn strategy(_wet: Wet) -> BoxedStrategy<Self> {
        (1u32..=99_999_999).prop_filter_map("no check digit", Bsn::complete).boxed()
    }
}
leaf_element!(Bsn);

macro_rules! digits_leaf {
    ($(#[$doc:meta])* $name:ident, $xsd:literal, $width:literal, $min:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:0width$}", self.0, width = $width)
            }
        }

        impl $name {
            /// The code as [`Display`](fmt::Display) writes it (`0363`), without the
            /// formatting machinery.
            pub fn code(self) -> String {
                let mut text = Vec::with_capacity($width);
                crate::xml::output::push_digits(&mut text, u64::from(self.0), $width);
                // Digits only, so always UTF-8.
                String::from_utf8(text).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            }
        }

        impl std::str::FromStr for $name {
            type Err = LeafError;
            fn from_str(s: &str) -> Result<Self, LeafError> {
                parse_digits(s, $width).map($name)
            }
        }

        impl Leaf for $name {
            const XSD_TYPE: &'static str = $xsd;
            fn parse(text: &str, _wet: Wet) -> Result<Self, LeafError> {
                parse_digits(text, $width).map($name)
            }
            fn text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            fn write_text(&self, buf: &mut Vec<u8>) {
                crate::xml::output::push_digits(buf, u64::from(self.0), $width);
            }
            #[cfg(feature = "proptest")]
            fn strategy(_wet: Wet) -> BoxedStrategy<Self> {
                ($min..10u32.pow($width)).prop_map($name).boxed()
            }
        }
        leaf_element!($name);
    };
}

digits_leaf!(
    /// LDT_Gemeente: the four-digit CBS gemeentecode (`0363`).
    Gemeente, "LDT_Gemeente", 4, 1
);
digits_leaf!(
    /// LDT_AgbCode: the eight-digit AGB code of an aanbieder or verwijzer.
    AgbCode, "LDT_AgbCode", 8, 1
);

/// The pattern facet of a text type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pattern {
    /// No pattern.
    Any,
    /// `.*[^\s].*`: one line (no line breaks) with at least one non-space character.
    NonBlankLine,
    /// `([.\s]*\S+[.\s]*)+`: at least one non-space character; line breaks allowed.
    NonBlank,
    /// `[0-9]*`.
    Digits,
    /// `([a-zA-ZÀ-ỳ])+`.
    Letters,
    /// `([a-zA-Z0-9])+`.
    Alnum,
    /// `n.n.n` without leading zeros.
    Versie,
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl Pattern {
    fn check(self, text: &str) -> Result<(), &'static str> {
        let ok = match self {
            Pattern::Any => true,
            Pattern::NonBlankLine => !text.contains(['\n', '\r']) && text.chars().any(|c| !is_xml_space(c)),
            Pattern::NonBlank => text.chars().any(|c| !is_xml_space(c)),
            Pattern::Digits => text.bytes().all(|b| b.is_ascii_digit()),
            Pattern::Letters => text.chars().all(|c| c.is_ascii_alphabetic() || ('\u{C0}'..='\u{1EF3}').contains(&c)),
            Pattern::Alnum => text.bytes().all(|b| b.is_ascii_alphanumeric()),
            Pattern::Versie => {
                text.split('.').count() == 3
                    && text.split('.').all(|p| {
                        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0'))
                    })
            }
        };
        if ok { Ok(()) } else { Err(self.describe()) }
    }

    fn describe(self) -> &'static str {
        match self {
            Pattern::Any => "",
            Pattern::NonBlankLine => "one line with at least one non-space character expected",
            Pattern::NonBlank => "at least one non-space character expected",
            Pattern::Digits => "digits only expected",
            Pattern::Letters => "letters only expected",
            Pattern::Alnum => "letters and digits only expected (CS319)",
            Pattern::Versie => "a version n.n.n expected",
        }
    }

    #[cfg(feature = "proptest")]
    fn strategy(self, min: usize, max: usize) -> BoxedStrategy<String> {
        use proptest::sample::select;
        const FREE: &[char] = &[
            'a', 'b', 'e', 'k', 'z', 'A', 'Q', 'Z', '0', '7', ' ', '&', '<', '>', '\'', '"', '-', '.', 'é', 'ü', 'ß',
            '€',
        ];
        const LETTERS: &[char] = &['a', 'J', 'z', 'À', 'é', 'ỳ', 'Ş'];
        const ALNUM: &[char] = &['a', 'Z', '0', '9', 'k'];
        const DIGITS: &[char] = &['0', '1', '5', '9'];
        const MULTI: &[char] = &['a', 'Z', ' ', '\n', '\t', '\r', '&', '<', 'é'];
        let max = max.min(24).max(min);
        if self == Pattern::Versie {
            return (0u32..20, 0u32..20, 0u32..200).prop_map(|(a, b, c)| format!("{a}.{b}.{c}")).boxed();
        }
        let alphabet = match self {
            Pattern::Letters => LETTERS,
            Pattern::Alnum => ALNUM,
            Pattern::Digits => DIGITS,
            Pattern::NonBlank => MULTI,
            _ => FREE,
        };
        proptest::collection::vec(select(alphabet), min.max(1)..=max)
            .prop_map(|mut chars| {
                // Guarantee one non-space character.
                if chars.iter().all(|c| is_xml_space(*c)) {
                    chars[0] = 'x';
                }
                chars.into_iter().collect::<String>()
            })
            .boxed()
    }
}

macro_rules! text_leaf {
    ($(#[$doc:meta])* $name:ident, $xsd:literal, $min:literal ..= $max:expr, $pattern:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Check the facets and wrap.
            pub fn new(text: impl Into<String>) -> Result<Self, LeafError> {
                let text = text.into();
                // Counted only when the text is not ASCII (one byte a character): a tenth of
                // a percent of an ingest's CPU went to counting (2026-12-06).
                let len = if text.is_ascii() { text.len() } else { text.chars().count() };
                if !($min..=$max).contains(&len) {
                    let max: usize = $max;
                    return Err(LeafError::new(if max == usize::MAX {
                        format!("length {len} below the minimum {}", $min)
                    } else {
                        format!("length {len} outside {}..={max} characters", $min)
                    }));
                }
                Pattern::$pattern.check(&text).map_err(LeafError::new)?;
                Ok($name(text))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Leaf for $name {
            const XSD_TYPE: &'static str = $xsd;
            fn parse(text: &str, _wet: Wet) -> Result<Self, LeafError> {
                $name::new(text)
            }
            fn text(&self) -> Cow<'_, str> {
                Cow::Borrowed(&self.0)
            }
            #[cfg(feature = "proptest")]
            fn strategy(_wet: Wet) -> BoxedStrategy<Self> {
                Pattern::$pattern.strategy($min, $max).prop_map($name).boxed()
            }
        }
        leaf_element!($name);
    };
}

text_leaf!(
    /// LDT_BerichtCode: checked against the message namespace by the reader.
    BerichtCode, "LDT_BerichtCode", 1..=3, Digits
);
text_leaf!(
    /// LDT_IdentificatieBericht: Identificatie, IdentificatieRetour.
    IdentificatieBericht, "LDT_IdentificatieBericht", 1..=12, NonBlankLine
);
text_leaf!(
    /// LDT_IdentificatieDeclaratie as used in the 325.
    IdentificatieDeclaratie, "LDT_IdentificatieDeclaratie", 1..=12, Any
);
text_leaf!(
    /// DeclaratieNummer of the 323: LDT_IdentificatieDeclaratie restricted to letters and digits (CS319).
    DeclaratieNummer, "LDT_IdentificatieDeclaratie", 1..=12, Alnum
);
text_leaf!(
    /// LDT_Referentie: ReferentieAanbieder.
    Referentie, "LDT_Referentie", 1..=36, NonBlankLine
);
text_leaf!(
    /// LDT_ReferentieNummer: ReferentieNummer, VorigReferentieNummer.
    ReferentieNummer, "LDT_ReferentieNummer", 1..=20, Any
);
text_leaf!(
    /// LDT_ProductCode: national list (WMO021/JZ21) or bilateral.
    ProductCode, "LDT_ProductCode", 1..=5, NonBlankLine
);
text_leaf!(
    /// LDT_Commentaar: free text, no maximum length. Excluded from analytical data (OP191).
    Commentaar, "LDT_Commentaar", 1..=usize::MAX, NonBlank
);
text_leaf!(
    /// LDT_Naam: Achternaam, Voornamen.
    Naam, "LDT_Naam", 1..=200, NonBlankLine
);
text_leaf!(
    /// LDT_Voorletters.
    Voorletters, "LDT_Voorletters", 1..=6, Letters
);
text_leaf!(
    /// LDT_Voorvoegsel.
    Voorvoegsel, "LDT_Voorvoegsel", 1..=10, NonBlankLine
);
text_leaf!(
    /// LDT_Postcode (CS089 checks the Dutch format when LandCode is NL).
    Postcode, "LDT_Postcode", 1..=8, NonBlankLine
);
text_leaf!(
    /// LDT_Huisletter.
    Huisletter, "LDT_Huisletter", 1..=1, NonBlankLine
);
text_leaf!(
    /// LDT_HuisnummerToevoeging.
    HuisnummerToevoeging, "LDT_HuisnummerToevoeging", 1..=4, NonBlankLine
);
text_leaf!(
    /// LDT_Straatnaam.
    Straatnaam, "LDT_Straatnaam", 1..=24, NonBlankLine
);
text_leaf!(
    /// LDT_Plaatsnaam.
    Plaatsnaam, "LDT_Plaatsnaam", 1..=80, NonBlankLine
);
text_leaf!(
    /// LDT_Organisatienaam.
    Organisatienaam, "LDT_Organisatienaam", 1..=35, NonBlankLine
);
text_leaf!(
    /// LDT_Emailadres.
    Emailadres, "LDT_Emailadres", 1..=80, NonBlankLine
);
text_leaf!(
    /// LDT_Telefoonnummer.
    Telefoonnummer, "LDT_Telefoonnummer", 1..=15, Digits
);
text_leaf!(
    /// LDT_Landnummer.
    Landnummer, "LDT_Landnummer", 1..=4, NonBlankLine
);
text_leaf!(
    /// LDT_Taal.
    Taal, "LDT_Taal", 1..=25, NonBlankLine
);
text_leaf!(
    /// LDT_Persoonsid: Relatie/Nummer.
    Persoonsid, "LDT_Persoonsid", 1..=20, NonBlankLine
);
text_leaf!(
    /// LDT_NaamVerwijzer.
    NaamVerwijzer, "LDT_NaamVerwijzer", 1..=64, NonBlankLine
);
text_leaf!(
    /// LDT_Versie: `n.n.n`.
    Versie, "LDT_Versie", 1..=usize::MAX, Versie
);

/// LDT_Datum: a real calendar date without time zone (RS032).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Datum(pub NaiveDate);

impl Datum {
    pub fn ymd(year: i32, month: u32, day: u32) -> Option<Datum> {
        NaiveDate::from_ymd_opt(year, month, day).map(Datum)
    }
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), self.0.month(), self.0.day())
    }
}

fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => Some(u32::from(a - b'0') * 10 + u32::from(c - b'0')),
        _ => None,
    }
}

impl Leaf for Datum {
    const XSD_TYPE: &'static str = "LDT_Datum";
    fn parse(text: &str, _wet: Wet) -> Result<Self, LeafError> {
        let t = collapse(text);
        let zone_sign = t.as_bytes().get(10..).is_some_and(|rest| rest.iter().any(|b| matches!(b, b'+' | b'-')));
        if t.contains([':', 'Z']) || zone_sign {
            return Err(LeafError::rule("RS032", "a date must not carry a time zone"));
        }
        let b = t.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !b[..4].iter().all(u8::is_ascii_digit) {
            return Err(LeafError::new("not a date in the form YYYY-MM-DD"));
        }
        let year: i32 = t[..4].parse().map_err(|_| LeafError::new("not a date in the form YYYY-MM-DD"))?;
        let (Some(month), Some(day)) = (two_digits(&b[5..7]), two_digits(&b[8..10])) else {
            return Err(LeafError::new("not a date in the form YYYY-MM-DD"));
        };
        if year == 0 {
            return Err(LeafError::new("year 0000 does not exist"));
        }
        Datum::ymd(year, month, day).ok_or_else(|| LeafError::new("not a real calendar date"))
    }
    fn text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
    fn write_text(&self, buf: &mut Vec<u8>) {
        use crate::xml::output::push_digits;
        push_digits(buf, self.0.year().max(0) as u64, 4);
        buf.push(b'-');
        push_digits(buf, u64::from(self.0.month()), 2);
        buf.push(b'-');
        push_digits(buf, u64::from(self.0.day()), 2);
    }
    #[cfg(feature = "proptest")]
    fn strategy(_wet: Wet) -> BoxedStrategy<Self> {
        let base = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
        (0u64..73_000).prop_map(move |d| Datum(base + chrono::Days::new(d))).boxed()
    }
}
leaf_element!(Datum);

/// LDT_Tijd: a time of day without time zone (RS034). Toewijzingstijd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tijd(pub NaiveTime);

impl Tijd {
    pub fn hms(hour: u32, min: u32, sec: u32) -> Option<Tijd> {
        NaiveTime::from_hms_opt(hour, min, sec).map(Tijd)
    }
}

impl fmt::Display for Tijd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.0.hour(), self.0.minute(), self.0.second())?;
        let nanos = self.0.nanosecond();
        if nanos > 0 {
            let frac = format!("{nanos:09}");
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

impl Leaf for Tijd {
    const XSD_TYPE: &'static str = "LDT_Tijd";
    fn parse(text: &str, _wet: Wet) -> Result<Self, LeafError> {
        let t = collapse(text);
        if t.contains(['Z', '+']) || t.get(8..).is_some_and(|rest| rest.contains('-')) {
            return Err(LeafError::rule("RS034", "a time must not carry a time zone"));
        }
        let b = t.as_bytes();
        let bad = || LeafError::new("not a time in the form hh:mm:ss");
        if b.len() < 8 || b[2] != b':' || b[5] != b':' {
            return Err(bad());
        }
        let (Some(h), Some(m), Some(s)) = (two_digits(&b[0..2]), two_digits(&b[3..5]), two_digits(&b[6..8])) else {
            return Err(bad());
        };
        let nanos = match &t[8..] {
            "" => 0,
            frac => {
                let digits = frac.strip_prefix('.').ok_or_else(bad)?;
                if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                format!("{digits:0<9}").parse::<u32>().map_err(|_| bad())?
            }
        };
        NaiveTime::from_hms_nano_opt(h, m, s, nanos)
            .filter(|_| s < 60)
            .map(Tijd)
            .ok_or_else(|| LeafError::new("not a real time of day"))
    }
    fn text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
    #[cfg(feature = "proptest")]
    fn strategy(_wet: Wet) -> BoxedStrategy<Self> {
        (0u32..86_400)
            .prop_map(|s| Tijd(NaiveTime::from_num_seconds_from_midnight_opt(s, 0).unwrap_or_default()))
            .boxed()
    }
}
leaf_element!(Tijd);

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: Leaf>(text: &str) -> Result<T, LeafError> {
        T::parse(text, Wet::IJw)
    }

    #[test]
    fn bsn_elfproef() {
        assert!(parse::<Bsn>("999900006").is_ok());
        assert!(parse::<Bsn>("999900018").is_ok());
        let err = parse::<Bsn>("999900007").unwrap_err();
        assert_eq!(err.rule, Some("CS002"));
        assert!(parse::<Bsn>("12345678").is_err());
        assert!(parse::<Bsn>("000000000").is_err());
        assert_eq!(Bsn::complete(99990000).map(|b| b.to_string()), Some("999900006".to_owned()));
        // The 11-proef on the number is the one on its nine written digits.
        let written = |value: u32| {
            let d: Vec<i64> = format!("{value:09}").bytes().map(|b| i64::from(b - b'0')).collect();
            value != 0 && ((0..8).map(|i| d[i] * (9 - i as i64)).sum::<i64>() - d[8]).rem_euclid(11) == 0
        };
        for value in (0..=999_999_999u32).step_by(9_973).chain([0, 1, 11, 123_456_782, 999_999_999]) {
            assert_eq!(Bsn::passes_elfproef(value), written(value), "{value}");
        }
        assert!(!Bsn::passes_elfproef(1_234_567_820), "ten digits");
        assert_eq!(Gemeente(363).code(), "0363");
        assert_eq!(AgbCode(98_090_005).code(), "98090005");
        assert_eq!(AgbCode(5).code(), AgbCode(5).to_string());
    }

    #[test]
    fn dates_are_real_and_without_zone() {
        assert!(parse::<Datum>("2024-02-29").is_ok());
        assert_eq!(parse::<Datum>("2027-06-31").unwrap_err().message, "not a real calendar date");
        assert!(parse::<Datum>("2023-02-29").is_err());
        assert_eq!(parse::<Datum>("2024-01-01Z").unwrap_err().rule, Some("RS032"));
        assert_eq!(parse::<Datum>("2024-01-01+01:00").unwrap_err().rule, Some("RS032"));
        assert!(parse::<Datum>("24-01-01").is_err());
        assert!(parse::<Datum>(" 2024-01-01 ").is_ok());
        // Found by the fuzzer: a multibyte character across byte 10 must not panic.
        assert!(parse::<Datum>("2024-01-\u{feff}x").is_err());
        assert!(parse::<Datum>("2024-01-01\u{feff}").is_err());
        assert!(parse::<Tijd>("12:34:5\u{feff}").is_err());
    }

    #[test]
    fn times() {
        assert_eq!(parse::<Tijd>("12:34:56").map(|t| t.to_string()), Ok("12:34:56".to_owned()));
        assert_eq!(parse::<Tijd>("12:34:56.250").map(|t| t.to_string()), Ok("12:34:56.25".to_owned()));
        assert_eq!(parse::<Tijd>("12:34:56Z").unwrap_err().rule, Some("RS034"));
        assert!(parse::<Tijd>("25:00:00").is_err());
    }

    #[test]
    fn integers_and_text_facets() {
        assert_eq!(parse::<Nummer>("007"), Ok(Nummer(7)));
        assert!(parse::<Nummer>("1000000000").is_err());
        assert!(parse::<Bedrag>("-5").is_err());
        assert!(parse::<Bedrag>("12.5").is_err());
        assert!(parse::<VersieNummer>("03").is_err());
        assert!(parse::<Naam>("Jansen").is_ok());
        assert!(parse::<Naam>("   ").is_err());
        assert!(parse::<Naam>("a\nb").is_err());
        assert!(parse::<Commentaar>("line\nbreak").is_ok());
        assert!(parse::<Voorletters>("JPé").is_ok());
        assert!(parse::<Voorletters>("J.P.").is_err());
        assert!(parse::<DeclaratieNummer>("DN-001").is_err());
        assert!(parse::<Versie>("1.0.0").is_ok());
        assert!(parse::<Versie>("1.01.0").is_err());
        assert!(parse::<Gemeente>("0363").is_ok());
        assert!(parse::<Gemeente>("363").is_err());
        assert!(parse::<Straatnaam>(&"x".repeat(25)).is_err());
    }

    /// Lengths are counted in characters, not bytes: twelve `é` (24 bytes) are a valid
    /// Identificatie of at most twelve, thirteen are not, and neither is the empty text.
    #[test]
    fn text_lengths_count_characters() {
        assert!(parse::<IdentificatieBericht>(&"é".repeat(12)).is_ok());
        assert!(parse::<IdentificatieBericht>(&"x".repeat(12)).is_ok());
        let err = parse::<IdentificatieBericht>(&"é".repeat(13)).unwrap_err();
        assert!(err.message.contains("length 13"), "{}", err.message);
        assert!(parse::<IdentificatieBericht>(&"x".repeat(13)).is_err());
        assert!(parse::<IdentificatieBericht>("").is_err());
    }
}
