//! Links between messages (heenbericht ↔ retour or 325) and the verdict of each retour.

use std::collections::HashMap;

use chrono::NaiveDate;
use ketenzicht_message::{Bericht, BerichtType, Wet};

use crate::load::Msg;

/// Codes that do not reject: 0200 (accepted), 0233 (accepted with remark), 8001 (declaration
/// accepted as a whole).
const NIET_AFWIJZEND: [&str; 3] = ["0200", "0233", "8001"];

/// The verdict of a retour (or 325) on its heenbericht.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oordeel {
    Geaccepteerd,
    /// 0001 in the header: the message counts as not sent (OP286).
    TechnischAfgekeurd,
    /// A rejecting code in a class (a 325: in class DeclaratieAntwoord): the message counts
    /// as not sent.
    InhoudelijkAfgekeurd,
}

impl Oordeel {
    pub fn as_str(self) -> &'static str {
        match self {
            Oordeel::Geaccepteerd => "geaccepteerd",
            Oordeel::TechnischAfgekeurd => "technisch_afgekeurd",
            Oordeel::InhoudelijkAfgekeurd => "inhoudelijk_afgekeurd",
        }
    }
}

/// Every RetourCode in a message with the path of its class (`Header`, `Client/StartProducten/…`).
pub fn retourcodes(msg: &Msg) -> Vec<(String, String)> {
    fn walk(value: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    if key == "RetourCodes" {
                        if let Some(codes) = child.get("RetourCode").and_then(|c| c.as_array()) {
                            out.extend(
                                codes.iter().filter_map(|c| c.as_str()).map(|c| (path.to_owned(), c.to_owned())),
                            );
                        }
                    } else {
                        let sub = if path.is_empty() { key.clone() } else { format!("{path}/{key}") };
                        walk(child, &sub, out);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, path, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&ketenzicht_message::json::to_json(&msg.message), "", &mut out);
    out
}

/// The codes of an answer that reject its heenbericht, each once, in order: 0001 in the
/// header, and the rejecting codes in a class (in a 325 only class DeclaratieAntwoord: codes
/// on prestaties reject those prestaties, not the declaration).
fn afwijzingscodes(msg: &Msg, codes: &[(String, String)]) -> Vec<String> {
    let is_325 = msg.message.bericht_type() == BerichtType::T325;
    let mut out: Vec<String> = Vec::new();
    for (path, code) in codes {
        let rejects = match path.as_str() {
            "Header" => code == "0001",
            "DeclaratieAntwoord" => !NIET_AFWIJZEND.contains(&code.as_str()),
            _ => !is_325 && !NIET_AFWIJZEND.contains(&code.as_str()),
        };
        if rejects && !out.contains(code) {
            out.push(code.clone());
        }
    }
    out
}

fn oordeel(codes: &[(String, String)], afwijzend: &[String]) -> Oordeel {
    if codes.iter().any(|(path, code)| path == "Header" && code == "0001") {
        Oordeel::TechnischAfgekeurd
    } else if afwijzend.is_empty() {
        Oordeel::Geaccepteerd
    } else {
        Oordeel::InhoudelijkAfgekeurd
    }
}

type HeenKey = (Wet, BerichtType, String, String, NaiveDate);

fn heen_key_of_answer(msg: &Msg) -> Option<HeenKey> {
    let heen = msg.message.bericht_type().heenbericht()?;
    let (id, afzender) = match &msg.message.bericht {
        Bericht::DeclaratieAntwoord(b) => (&b.header.declaratie_identificatie, b.header.ontvanger.to_string()),
        other => {
            let kop = other.kop();
            (kop.bericht_identificatie, kop.afzender.to_string())
        }
    };
    Some((msg.message.wet, heen, afzender, id.identificatie.to_string(), id.dagtekening.0))
}

/// The links and verdicts of one gemeente's messages (indexes into the loaded list).
#[derive(Debug)]
pub struct Links {
    pub antwoord: Vec<Option<usize>>,
    pub heen: Vec<Option<usize>>,
    pub codes: Vec<Vec<(String, String)>>,
    /// For a heenbericht with an answer: the answer's verdict.
    pub oordeel: Vec<Option<Oordeel>>,
    /// For a heenbericht with an answer: the codes with which it was rejected.
    pub afwijzing: Vec<Vec<String>>,
}

impl Links {
    pub fn new(msgs: &[Msg]) -> Links {
        let mut by_key: HashMap<HeenKey, usize> = HashMap::new();
        for (i, m) in msgs.iter().enumerate() {
            let t = m.message.bericht_type();
            if t.retour().is_some() {
                let eigen = m.message.bericht.eigen_identiteit();
                let key = (
                    m.message.wet,
                    t,
                    eigen.verzender.to_string(),
                    eigen.identificatie.to_string(),
                    eigen.dagtekening.0,
                );
                by_key.entry(key).or_insert(i);
            }
        }
        let mut links = Links {
            antwoord: vec![None; msgs.len()],
            heen: vec![None; msgs.len()],
            codes: vec![Vec::new(); msgs.len()],
            oordeel: vec![None; msgs.len()],
            afwijzing: vec![Vec::new(); msgs.len()],
        };
        for (i, m) in msgs.iter().enumerate() {
            let Some(key) = heen_key_of_answer(m) else { continue };
            let codes = retourcodes(m);
            if let Some(&h) = by_key.get(&key)
                && links.antwoord[h].is_none()
            {
                links.antwoord[h] = Some(i);
                links.heen[i] = Some(h);
                let afwijzend = afwijzingscodes(m, &codes);
                links.oordeel[h] = Some(oordeel(&codes, &afwijzend));
                links.afwijzing[h] = afwijzend;
            }
            links.codes[i] = codes;
        }
        links
    }

    /// Does this message count as sent: accepted at transport and, for a heenbericht, not
    /// rejected by its retour (0001 or a class code; OP286, IV028)?
    pub fn telt(&self, msgs: &[Msg], i: usize) -> bool {
        !msgs[i].transport_afgewezen && !matches!(self.oordeel[i], Some(o) if o != Oordeel::Geaccepteerd)
    }
}

/// The retour term of a heenbericht in working days (OP090: 3; OP090x4 for the 323: 10).
pub fn retour_termijn(t: BerichtType) -> Option<(&'static str, u32)> {
    match t {
        BerichtType::T323 => Some(("OP090x4", 10)),
        t if t.retour().is_some() => Some(("OP090", 3)),
        _ => None,
    }
}
