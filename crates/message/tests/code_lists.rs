//! The Rust code lists equal the XSD enumerations, per law, code for code and description
//! for description (`shared/istandaarden/*/codelijsten/basisschema_enumeraties.csv`).

use ketenzicht_testkit as support;

use std::collections::BTreeMap;

use ketenzicht_message::Wet;
use ketenzicht_message::codes::*;
use ketenzicht_message::xml::element::Leaf;

type Lists = BTreeMap<String, Vec<(String, String)>>;

/// Parse the CSV (three columns; the description may be quoted and contain commas).
fn csv(wet: Wet) -> Lists {
    let text = std::fs::read_to_string(
        support::shared().join(support::law_dir(wet)).join("codelijsten/basisschema_enumeraties.csv"),
    )
    .expect("CSV readable");
    let mut lists = Lists::new();
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let (ldt, rest) = line.split_once(',').expect("ldt");
        let (code, desc) = rest.split_once(',').expect("code");
        let desc = desc.strip_prefix('"').and_then(|d| d.strip_suffix('"')).unwrap_or(desc).replace("\"\"", "\"");
        lists.entry(ldt.to_owned()).or_default().push((code.to_owned(), desc));
    }
    lists
}

fn enum_rows<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    desc: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter().map(|&v| (code(v).to_owned(), desc(v).to_owned())).collect()
}

fn table_rows(rows: &[CodeRow]) -> Vec<(String, String)> {
    rows.iter().map(|(c, d)| ((*c).to_owned(), (*d).to_owned())).collect()
}

macro_rules! enums {
    ($($ty:ident),*) => {
        vec![$((<$ty as Leaf>::XSD_TYPE, enum_rows($ty::ALL, $ty::code, $ty::omschrijving))),*]
    };
}

#[test]
fn code_lists_match_the_xsd_enumerations() {
    for wet in Wet::ALL {
        let mut expected = csv(wet);
        let mut ours: Vec<(&str, Vec<(String, String)>)> = enums!(
            AanduidingWoonadres,
            AdresSoort,
            Communicatievorm,
            DatumGebruik,
            DebetCredit,
            Eenheid,
            Frequentie,
            Geslacht,
            JaNee,
            JuridischeStatus,
            NaamGebruik,
            RedenAfwijzingVerzoek,
            RedenVerzoek,
            RedenWijziging,
            SoortRelatie,
            StatusAanlevering,
            TypeVerwijzer,
            VerzoekAntwoord,
            WettelijkeVertegenwoordiging
        );
        ours.push(("LDT_ProductCategorie", table_rows(ProductCategorie::table(wet))));
        ours.push(("LDT_RedenBeeindiging", table_rows(RedenBeeindiging::table(wet))));
        ours.push(("LDT_RetourCode", table_rows(RetourCode::table(wet))));
        ours.push(("LDT_LandCode", table_rows(LandCode::table(wet))));
        for (ldt, mut rows) in ours {
            let mut want = expected.remove(ldt).unwrap_or_else(|| panic!("{ldt} is not in the {wet} CSV"));
            rows.sort();
            want.sort();
            assert_eq!(rows, want, "{wet} {ldt}");
        }
        assert!(expected.is_empty(), "{wet}: code lists without a Rust type: {:?}", expected.keys());
    }
}

#[test]
fn every_listed_code_parses_and_unknown_codes_are_findings() {
    for wet in Wet::ALL {
        for (code, _) in ProductCategorie::table(wet) {
            assert_eq!(ProductCategorie::parse(code, wet).map(|c| c.code().to_owned()), Ok((*code).to_owned()));
        }
        assert_eq!(RetourCode::table(wet).len(), 59);
        assert_eq!(LandCode::table(wet).len(), 249);
        assert!(RetourCode::parse("9999", wet).is_err());
        assert!(Eenheid::parse("99", wet).is_err());
    }
}
