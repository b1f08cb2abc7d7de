//! Links between messages (heenbericht ↔ retour or 325) and the verdict of each retour.

use std::collections::HashMap;

use chrono::NaiveDate;
use ketenzicht_message::{Bericht, BerichtType, Message, Wet};

use crate::load::{Interner, Msg, Tekst};

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
fn retourcodes(message: &Message) -> Vec<(String, String)> {
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
    walk(&ketenzicht_message::json::to_json(message), "", &mut out);
    out
}

/// The codes of an answer that reject its heenbericht, each once, in order: 0001 in the
/// header, and the rejecting codes in a class (in a 325 only class DeclaratieAntwoord: codes
/// on prestaties reject those prestaties, not the declaration).
fn afwijzingscodes(is_325: bool, codes: &[(String, String)]) -> Vec<String> {
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

/// The key of a heenbericht: law, type, real sender, Identificatie and Dagtekening.
pub type HeenKey = (Wet, BerichtType, Tekst, Tekst, NaiveDate);

/// What an answer (retour or 325) says about its heenbericht, taken from it when read.
#[derive(Debug)]
pub struct Antwoord {
    /// The heenbericht it answers.
    pub heen: HeenKey,
    /// Every RetourCode in it, space-separated.
    pub retourcodes: Option<Tekst>,
    pub oordeel: Oordeel,
    /// The codes with which it rejects its heenbericht, space-separated.
    pub afwijzing: Option<Tekst>,
}

impl Antwoord {
    /// The answer part of a retour or 325; `None` for a heenbericht.
    pub fn of(message: &Message, t: &mut Interner) -> Option<Antwoord> {
        let soort = message.bericht_type();
        let heen = soort.heenbericht()?;
        let (id, afzender) = match &message.bericht {
            Bericht::DeclaratieAntwoord(b) => (&b.header.declaratie_identificatie, t.of(b.header.ontvanger)),
            other => {
                let kop = other.kop();
                (kop.bericht_identificatie, t.of(kop.afzender))
            }
        };
        let codes = retourcodes(message);
        let afwijzend = afwijzingscodes(soort == BerichtType::T325, &codes);
        let heen = (message.wet, heen, afzender, t.of(&id.identificatie), id.dagtekening.0);
        let mut joined = |items: Vec<&str>| (!items.is_empty()).then(|| t.get(&items.join(" ")));
        Some(Antwoord {
            heen,
            retourcodes: joined(codes.iter().map(|(_, c)| c.as_str()).collect()),
            oordeel: oordeel(&codes, &afwijzend),
            afwijzing: joined(afwijzend.iter().map(String::as_str).collect()),
        })
    }
}

/// The links between one gemeente's messages (indexes into the loaded list).
#[derive(Debug)]
pub struct Links {
    pub antwoord: Vec<Option<usize>>,
    pub heen: Vec<Option<usize>>,
}

impl Links {
    pub fn new(msgs: &[Msg]) -> Links {
        let mut by_key: HashMap<HeenKey, usize> = HashMap::new();
        for (i, m) in msgs.iter().enumerate() {
            if m.bericht_type.retour().is_some() {
                by_key.entry(m.eigen_key()).or_insert(i);
            }
        }
        let mut links = Links { antwoord: vec![None; msgs.len()], heen: vec![None; msgs.len()] };
        for (i, m) in msgs.iter().enumerate() {
            let Some(antwoord) = &m.antwoord else { continue };
            if let Some(&h) = by_key.get(&antwoord.heen)
                && links.antwoord[h].is_none()
            {
                links.antwoord[h] = Some(i);
                links.heen[i] = Some(h);
            }
        }
        links
    }

    /// The answer to heenbericht `i`, with what it says.
    pub fn antwoord_op<'m>(&self, msgs: &'m [Msg], i: usize) -> Option<(&'m Msg, &'m Antwoord)> {
        let a = &msgs[self.antwoord[i]?];
        Some((a, a.antwoord.as_deref()?))
    }

    /// Does this message count as sent: accepted at transport and, for a heenbericht, not
    /// rejected by its retour (0001 or a class code; OP286, IV028)?
    pub fn telt(&self, msgs: &[Msg], i: usize) -> bool {
        !msgs[i].transport_afgewezen
            && self.antwoord_op(msgs, i).is_none_or(|(_, a)| a.oordeel == Oordeel::Geaccepteerd)
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
