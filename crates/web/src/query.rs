//! The filter of a dashboard or API call, from the query string. The URL holds the whole
//! filter state, so a link can be shared.

use chrono::NaiveDate;
use ketenzicht_indicators::{Dim, Filter, Options};
use serde::Deserialize;

use crate::error::WebError;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Query {
    pub gemeente: Option<String>,
    pub van: Option<String>,
    pub tot: Option<String>,
    pub wet: Option<String>,
    pub aanbieder: Option<String>,
    pub productcategorie: Option<String>,
    pub bericht: Option<String>,
    pub klasse: Option<String>,
    pub per: Option<String>,
    pub uitkomst: Option<String>,
    pub formaat: Option<String>,
    pub sorteer: Option<String>,
}

fn some(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date(v: &Option<String>, name: &str) -> Result<Option<NaiveDate>, WebError> {
    some(v)
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| WebError::BadRequest(format!("{name} {s:?} is geen datum (JJJJ-MM-DD)")))
        })
        .transpose()
}

impl Query {
    pub fn gemeente(&self) -> Option<&str> {
        some(&self.gemeente)
    }

    pub fn uitkomst(&self) -> Option<&str> {
        some(&self.uitkomst)
    }

    pub fn csv(&self) -> bool {
        some(&self.formaat) == Some("csv")
    }

    pub fn xlsx(&self) -> bool {
        some(&self.formaat) == Some("xlsx")
    }

    /// The period: `tot` (the peildatum; default today) and `van` (default a year before).
    pub fn periode(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), WebError> {
        let tot = date(&self.tot, "tot")?.unwrap_or(today);
        let van = date(&self.van, "van")?.unwrap_or(tot - chrono::Duration::days(365));
        if van > tot {
            return Err(WebError::BadRequest("van ligt na tot".into()));
        }
        Ok((van, tot))
    }

    /// The dimensions asked for (`per=aanbieder,maand`), else `default`.
    pub fn per(&self, default: &[Dim]) -> Result<Vec<Dim>, WebError> {
        let Some(per) = some(&self.per) else { return Ok(default.to_vec()) };
        per.split(',')
            .map(|n| Dim::parse(n.trim()).ok_or_else(|| WebError::BadRequest(format!("onbekende dimensie {n:?}"))))
            .collect()
    }

    /// The options for one computation.
    pub fn options(
        &self,
        today: NaiveDate,
        indicators: Vec<&'static ketenzicht_indicators::Definitie>,
        per: Vec<Dim>,
        items: bool,
    ) -> Result<Options, WebError> {
        let (van, tot) = self.periode(today)?;
        let wet = some(&self.wet).map(|w| match w.to_ascii_lowercase().as_str() {
            "ijw" => "iJw".to_owned(),
            "iwmo" => "iWmo".to_owned(),
            _ => w.to_owned(),
        });
        Ok(Options {
            van: Some(van),
            peildatum: tot,
            indicators,
            per,
            filter: Filter {
                wet,
                aanbieder: some(&self.aanbieder).map(str::to_owned),
                productcategorie: some(&self.productcategorie).map(str::to_owned),
                bericht: some(&self.bericht).map(str::to_owned),
                klasse: some(&self.klasse).map(str::to_owned),
            },
            items,
            calendar: ketenzicht_calendar::Calendar::atw(),
        })
    }

    /// The query string of this filter with one field changed (for links).
    pub fn with(&self, field: &str, value: &str) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let fields = [
            ("gemeente", &self.gemeente),
            ("van", &self.van),
            ("tot", &self.tot),
            ("wet", &self.wet),
            ("aanbieder", &self.aanbieder),
            ("productcategorie", &self.productcategorie),
            ("bericht", &self.bericht),
            ("klasse", &self.klasse),
            ("sorteer", &self.sorteer),
        ];
        for (name, v) in fields {
            if name == field {
                continue;
            }
            if let Some(v) = some(v) {
                pairs.push((name, v.to_owned()));
            }
        }
        if !value.is_empty() {
            pairs.push((field, value.to_owned()));
        }
        let encoded: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        if encoded.is_empty() { String::new() } else { format!("?{}", encoded.join("&")) }
    }
}

/// Percent-encode a query value.
pub fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
