//! The simulated world: gemeenten with their jeugdzorgregio, synthetic population, aanbieders
//! with their behaviour, products per law.

use chrono::NaiveDate;
use ketenzicht_message::Wet;
use ketenzicht_message::leaf::{AgbCode, Gemeente};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::{Scale, SimulateError};

/// One gemeente from the CBS list.
#[derive(Debug, Clone)]
pub struct GemeenteInfo {
    pub code: Gemeente,
    pub naam: String,
    pub regio: String,
    /// Synthetic number of inhabitants (the CBS list carries none): known for the four large
    /// cities, otherwise drawn from a skewed distribution seeded by the gemeentecode.
    pub inwoners: u32,
}

/// How an aanbieder behaves in the chain; drawn once, so that some partners are slow or sloppy.
#[derive(Debug, Clone)]
pub struct AanbiederGedrag {
    /// Mean calendar days from Ingangsdatum to the real start of care.
    pub wachttijd_dagen: f64,
    /// Probability that a toewijzing never starts.
    pub nooit_gestart: f64,
    /// Probability that a 305 or 307 is reported later than 5 working days.
    pub te_laat_gemeld: f64,
    /// Probability that a stop is never reported.
    pub stop_ontbreekt: f64,
    /// Probability that a temporary stop gets no follow-up (no restart, no definitive stop).
    pub tijdelijk_zonder_vervolg: f64,
    /// Probability that a retour (302, 320) is late, and that it is missing.
    pub retour_te_laat: f64,
    pub retour_ontbreekt: f64,
    /// Probability that an approved prestatie is corrected: credited in full and declared
    /// again (OP366).
    pub gecorrigeerd: f64,
}

/// How a gemeente behaves.
#[derive(Debug, Clone)]
pub struct GemeenteGedrag {
    /// Probability that a VOT product is answered later than 5 working days.
    pub vot_te_laat: f64,
    /// Probability of "in onderzoek" first, and of staying in onderzoek past 8 weeks.
    pub in_onderzoek: f64,
    pub onderzoek_te_lang: f64,
    /// Probability that a retour (306, 308, 316) is late, and that it is missing.
    pub retour_te_laat: f64,
    pub retour_ontbreekt: f64,
    /// Probability that a 325 comes later than 10 working days.
    pub antwoord_te_laat: f64,
}

#[derive(Debug, Clone)]
pub struct Aanbieder {
    pub agb: AgbCode,
    pub wet: Wet,
    pub gedrag: AanbiederGedrag,
    /// Relative share of the trajecten in its regio.
    pub gewicht: f64,
}

/// A product an aanbieder delivers: category, code, unit, frequency, tariff in eurocents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductDef {
    pub categorie: &'static str,
    pub code: &'static str,
    /// Eenheid code (`04` uur, `14` etmaal, `16` dagdeel, `82` stuks output).
    pub eenheid: &'static str,
    /// Frequentie code (`2` per week, `4` per maand).
    pub frequentie: &'static str,
    pub volume: u32,
    pub tarief: u32,
}

/// Plausible products per law (national lists WMO021/JZ21 are not public; codes follow the
/// pattern of the official examples: category followed by a letter and two digits).
pub fn producten(wet: Wet) -> &'static [ProductDef] {
    const WMO: &[ProductDef] = &[
        ProductDef { categorie: "01", code: "01A01", eenheid: "04", frequentie: "2", volume: 3, tarief: 3_150 },
        ProductDef { categorie: "01", code: "01A02", eenheid: "04", frequentie: "2", volume: 2, tarief: 3_150 },
        ProductDef { categorie: "02", code: "02A05", eenheid: "04", frequentie: "2", volume: 4, tarief: 6_240 },
        ProductDef { categorie: "03", code: "03A01", eenheid: "04", frequentie: "2", volume: 2, tarief: 5_580 },
        ProductDef { categorie: "07", code: "07A03", eenheid: "16", frequentie: "2", volume: 3, tarief: 4_870 },
        ProductDef { categorie: "15", code: "15A01", eenheid: "14", frequentie: "4", volume: 30, tarief: 11_200 },
    ];
    const JW: &[ProductDef] = &[
        ProductDef { categorie: "45", code: "45A03", eenheid: "04", frequentie: "2", volume: 2, tarief: 8_950 },
        ProductDef { categorie: "45", code: "45A04", eenheid: "04", frequentie: "4", volume: 6, tarief: 9_400 },
        ProductDef { categorie: "54", code: "54A01", eenheid: "04", frequentie: "2", volume: 1, tarief: 11_300 },
        ProductDef { categorie: "41", code: "41A02", eenheid: "16", frequentie: "2", volume: 3, tarief: 7_600 },
        ProductDef { categorie: "43", code: "43A01", eenheid: "14", frequentie: "4", volume: 30, tarief: 24_500 },
        ProductDef { categorie: "48", code: "48A01", eenheid: "82", frequentie: "4", volume: 1, tarief: 152_000 },
    ];
    match wet {
        Wet::IWmo => WMO,
        Wet::IJw => JW,
    }
}

/// The gemeenten of the CBS list as (code, name, jeugdzorgregio).
pub fn parse_gemeenten(csv: &str) -> Result<Vec<(Gemeente, String, String)>, SimulateError> {
    let list = ketenzicht_gemeenten::Gemeenten::parse(csv).map_err(|e| SimulateError::Reference(e.to_string()))?;
    list.all()
        .iter()
        .map(|g| {
            let code = g.code.parse().map_err(|_| SimulateError::Reference(format!("gemeentecode {:?}", g.code)))?;
            Ok((code, g.naam.clone(), g.jeugdzorgregio.clone()))
        })
        .collect()
}

/// The jeugdzorgregio's that make up each scale (national: all).
pub fn regios(scale: Scale) -> Option<&'static [&'static str]> {
    match scale {
        Scale::Demo => Some(&["Groningen", "Haaglanden"]),
        Scale::Regio => Some(&["Groningen", "Haaglanden", "Twente", "Zuid-Oost Brabant"]),
        Scale::National => None,
    }
}

fn synthetic_inwoners(code: Gemeente, rng: &mut ChaCha8Rng) -> u32 {
    match code.0 {
        363 => 931_000,
        599 => 670_000,
        518 => 566_000,
        344 => 374_000,
        _ => {
            // Skewed: many small gemeenten, some large ones; median near 30,000.
            let u: f64 = rng.random_range(0.0..1.0);
            (8_000.0 + 22_000.0 * (u / (1.0 - u * 0.97)).powf(0.9)).min(260_000.0) as u32
        }
    }
}

/// Pick the gemeenten of a scale and give each a population.
pub fn gemeenten(all: &[(Gemeente, String, String)], scale: Scale, seed: u64) -> Vec<GemeenteInfo> {
    let wanted = regios(scale);
    all.iter()
        .filter(|(_, _, regio)| wanted.is_none_or(|w| w.contains(&regio.as_str())))
        .map(|(code, naam, regio)| {
            let mut rng = crate::rng_for(seed, "inwoners", u64::from(code.0));
            GemeenteInfo {
                code: *code,
                naam: naam.clone(),
                regio: regio.clone(),
                inwoners: synthetic_inwoners(*code, &mut rng),
            }
        })
        .collect()
}

fn draw_gedrag(rng: &mut ChaCha8Rng) -> AanbiederGedrag {
    // One in five aanbieders is sloppy, one in ten slow.
    let sloppy = rng.random_bool(0.2);
    let slow = rng.random_bool(0.1);
    AanbiederGedrag {
        wachttijd_dagen: if slow { rng.random_range(35.0..90.0) } else { rng.random_range(3.0..25.0) },
        nooit_gestart: if sloppy { 0.08 } else { 0.02 },
        te_laat_gemeld: if sloppy { 0.35 } else { 0.06 },
        stop_ontbreekt: if sloppy { 0.15 } else { 0.03 },
        tijdelijk_zonder_vervolg: if sloppy { 0.4 } else { 0.1 },
        retour_te_laat: if sloppy { 0.25 } else { 0.04 },
        retour_ontbreekt: if sloppy { 0.05 } else { 0.005 },
        gecorrigeerd: if sloppy { 0.06 } else { 0.01 },
    }
}

pub fn gemeente_gedrag(seed: u64, code: Gemeente) -> GemeenteGedrag {
    let mut rng = crate::rng_for(seed, "gemeente-gedrag", u64::from(code.0));
    let slow = rng.random_bool(0.25);
    GemeenteGedrag {
        vot_te_laat: if slow { 0.30 } else { 0.05 },
        in_onderzoek: if slow { 0.15 } else { 0.06 },
        onderzoek_te_lang: if slow { 0.30 } else { 0.08 },
        retour_te_laat: if slow { 0.15 } else { 0.02 },
        retour_ontbreekt: if slow { 0.03 } else { 0.004 },
        antwoord_te_laat: if slow { 0.25 } else { 0.05 },
    }
}

/// Aanbieders of one regio and law. Their number follows the population (about 8,000
/// nationally), thinned with the square root of the volume factor so that small scales keep
/// enough trajecten per aanbieder.
pub fn aanbieders(seed: u64, regio_index: u32, inwoners: u64, wet: Wet, volume_factor: f64) -> Vec<Aanbieder> {
    let mut rng = crate::rng_for(seed, "aanbieders", u64::from(regio_index) * 2 + u64::from(wet == Wet::IJw));
    let full = inwoners as f64 * 8_000.0 / 17_900_000.0 / 2.0;
    let n = ((full * volume_factor.sqrt()).round() as u32).max(6);
    (0..n)
        .map(|i| {
            // AGB: a plausible 8-digit code; the first two digits are the kind (here 94/98),
            // then regio and sequence so that codes are unique across regio's and laws.
            let kind = if wet == Wet::IWmo { 94 } else { 98 };
            let agb = AgbCode(kind * 1_000_000 + regio_index * 10_000 + i);
            // Zipf-like weights: a few large aanbieders, many small ones.
            let gewicht = 1.0 / f64::from(i + 1).powf(0.9);
            Aanbieder { agb, wet, gedrag: draw_gedrag(&mut rng), gewicht }
        })
        .collect()
}

/// Working-age and youth ages per law, for birth dates.
pub fn leeftijd_range(wet: Wet) -> std::ops::Range<u32> {
    match wet {
        Wet::IJw => 0..23,
        Wet::IWmo => 18..96,
    }
}

/// Clients per year in care: about 1 in 9 of the young (24% of the population is under 23)
/// and 72 per 1,000 inhabitants for the Wmo.
pub fn clienten_per_jaar(inwoners: u32, wet: Wet) -> f64 {
    match wet {
        Wet::IJw => f64::from(inwoners) * 0.24 / 9.0,
        Wet::IWmo => f64::from(inwoners) * 0.072,
    }
}

/// The first day of the month after `d`.
pub fn next_month(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
}
