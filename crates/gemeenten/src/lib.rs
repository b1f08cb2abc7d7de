//! The gemeenten of the CBS list (`gemeentecode,gemeentenaam,provincie,jeugdzorgregio`) and
//! the jeugdzorgregio's they form. The simulator draws its world from it; the indicators use it
//! for the dimension `regio`, and the web for the starting set of regional partnerships.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the CBS list lives next to a checkout (`../shared`, not copied into the repository).
pub const DEFAULT_PATH: &str = "../shared/istandaarden/referentie/cbs_gemeenten_2026.csv";

#[derive(Debug, thiserror::Error)]
pub enum GemeentenError {
    #[error("cannot read the CBS list {}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("CBS list line {line}: {problem}: {text:?}")]
    Line { line: usize, problem: &'static str, text: String },
    #[error("the CBS list is empty")]
    Empty,
}

/// One gemeente of the CBS list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gemeente {
    /// The four-digit CBS code (`0014`).
    pub code: String,
    pub naam: String,
    pub provincie: String,
    pub jeugdzorgregio: String,
}

/// The CBS list, in its order.
#[derive(Debug, Clone, Default)]
pub struct Gemeenten {
    list: Vec<Gemeente>,
    by_code: BTreeMap<String, usize>,
}

impl Gemeenten {
    /// Read the list from a file.
    pub fn load(path: &Path) -> Result<Self, GemeentenError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| GemeentenError::Io { path: path.to_owned(), source })?;
        Self::parse(&text)
    }

    /// Parse the CSV text: a header line, then one gemeente per line.
    pub fn parse(csv: &str) -> Result<Self, GemeentenError> {
        let mut out = Gemeenten::default();
        for (i, line) in csv.lines().enumerate().skip(1).filter(|(_, l)| !l.trim().is_empty()) {
            let bad = |problem| GemeentenError::Line { line: i + 1, problem, text: line.to_owned() };
            let mut cols = split_csv(line).into_iter();
            let (Some(code), Some(naam), Some(provincie), Some(jeugdzorgregio), None) =
                (cols.next(), cols.next(), cols.next(), cols.next(), cols.next())
            else {
                return Err(bad("expected 4 fields"));
            };
            if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("the gemeentecode is not four digits"));
            }
            if out.by_code.insert(code.clone(), out.list.len()).is_some() {
                return Err(bad("the gemeentecode appears twice"));
            }
            out.list.push(Gemeente { code, naam, provincie, jeugdzorgregio });
        }
        if out.list.is_empty() {
            return Err(GemeentenError::Empty);
        }
        Ok(out)
    }

    pub fn all(&self) -> &[Gemeente] {
        &self.list
    }

    pub fn get(&self, code: &str) -> Option<&Gemeente> {
        self.by_code.get(code).map(|&i| &self.list[i])
    }

    /// The jeugdzorgregio of a gemeente.
    pub fn regio(&self, code: &str) -> Option<&str> {
        self.get(code).map(|g| g.jeugdzorgregio.as_str())
    }

    /// The codes of a jeugdzorgregio's members, in list order (empty for an unknown name).
    pub fn leden(&self, regio: &str) -> Vec<&str> {
        self.list.iter().filter(|g| g.jeugdzorgregio == regio).map(|g| g.code.as_str()).collect()
    }

    /// The jeugdzorgregio names, sorted and without repeats.
    pub fn regios(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.list.iter().map(|g| g.jeugdzorgregio.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// Split one CSV line: commas separate fields; a field in double quotes may hold commas, and
/// `""` inside it is a quote.
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut();
        match (c, quoted, field) {
            ('"', true, Some(f)) if chars.peek() == Some(&'"') => {
                chars.next();
                f.push('"');
            }
            ('"', _, _) => quoted = !quoted,
            (',', false, _) => fields.push(String::new()),
            (c, _, Some(f)) => f.push(c),
            (_, _, None) => {}
        }
    }
    fields.into_iter().map(|f| f.trim().to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_lookups() {
        let csv = "gemeentecode,gemeentenaam,provincie,jeugdzorgregio\n\
                   0014,Groningen,Groningen,Groningen\n\
                   0518,\"'s-Gravenhage\",Zuid-Holland,Haaglanden\n\
                   0603,Rijswijk,Zuid-Holland,\"Haaglanden\"\n";
        let g = Gemeenten::parse(csv).expect("valid list");
        assert_eq!(g.regio("0518"), Some("Haaglanden"));
        assert_eq!(g.leden("Haaglanden"), ["0518", "0603"]);
        assert_eq!(g.regios(), ["Groningen", "Haaglanden"]);
        assert_eq!(split_csv("a,\"b,\"\"c\"\"\",d"), ["a", "b,\"c\"", "d"]);
    }

    #[test]
    fn bad_lines_name_the_line() {
        let err = Gemeenten::parse("h\n0014,Groningen,Groningen\n").expect_err("three fields");
        assert_eq!(err.to_string(), "CBS list line 2: expected 4 fields: \"0014,Groningen,Groningen\"");
        assert!(Gemeenten::parse("h\n14,G,P,R\n").is_err());
        assert!(Gemeenten::parse("h\n").is_err());
    }

    #[test]
    fn the_shared_list_has_342_gemeenten() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(DEFAULT_PATH);
        let g = Gemeenten::load(&path).expect("the shared CBS list");
        assert_eq!(g.all().len(), 342);
        assert_eq!(g.regio("0363").map(str::len).map(|n| n > 0), Some(true));
    }
}
