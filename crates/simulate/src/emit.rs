//! Writing one gemeente's traffic of one law in receipt order: message files, routing records
//! and the ground truth.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDateTime;
use ketenzicht_calendar::Calendar;
use ketenzicht_message::{Message, Wet, WriteOptions, write};
use rand_chacha::ChaCha8Rng;

use crate::event::{Fout, Heen, Inhoud};
use crate::{Options, SimulateError, Summary, build, io, plan, rng_for, stamp, truth, uuid, world};

#[derive(Debug, Clone, Copy)]
enum Item {
    Heen(usize),
    /// The second delivery of a duplicated heenbericht.
    Dubbel(usize),
    Antwoord(usize),
}

/// A heenbericht as written: the message, its bytes, file and UUID.
#[derive(Debug, Clone)]
struct Written {
    message: Message,
    bytes: Vec<u8>,
    rel: String,
    uuid: String,
}

pub struct Emitter<'a> {
    options: &'a Options,
    cal: &'a Calendar,
    gemeente: String,
    code: u16,
    wet: Wet,
    planned: &'a plan::Plan,
    truth: &'a mut truth::Truth,
    summary: &'a mut Summary,
    ids: ChaCha8Rng,
    seq: u32,
    written: Vec<Option<Written>>,
    // For the timeliness truth, over messages that count as sent.
    started: BTreeSet<u32>,
    first_301: BTreeMap<u32, NaiveDateTime>,
    tijdelijk_gestopt: BTreeMap<u32, bool>,
    gevraagd: Vec<(String, String, NaiveDateTime)>,
    beantwoord: BTreeMap<String, NaiveDateTime>,
}

impl<'a> Emitter<'a> {
    pub fn new(
        options: &'a Options,
        cal: &'a Calendar,
        g: &world::GemeenteInfo,
        wet: Wet,
        planned: &'a plan::Plan,
        truth: &'a mut truth::Truth,
        summary: &'a mut Summary,
    ) -> Self {
        Emitter {
            options,
            cal,
            gemeente: g.code.to_string(),
            code: (g.code.0 % 10_000) as u16,
            wet,
            planned,
            truth,
            summary,
            ids: rng_for(options.seed, "uuid", u64::from(g.code.0) * 2 + u64::from(wet == Wet::IJw)),
            seq: 0,
            written: vec![None; planned.heen.len()],
            started: BTreeSet::new(),
            first_301: BTreeMap::new(),
            tijdelijk_gestopt: BTreeMap::new(),
            gevraagd: Vec::new(),
            beantwoord: BTreeMap::new(),
        }
    }

    fn items(&self) -> Vec<(NaiveDateTime, u8, usize, Item)> {
        let mut items = Vec::new();
        for (i, h) in self.planned.heen.iter().enumerate() {
            items.push((h.ontvangen, 0, i, Item::Heen(i)));
            if let Fout::Dubbel(t) = h.fout
                && t.date() <= self.options.to
            {
                items.push((t, 1, i, Item::Dubbel(i)));
            }
            if let Some(t) = h.antwoord.filter(|t| t.date() <= self.options.to) {
                items.push((t, 2, i, Item::Antwoord(i)));
            }
        }
        items.sort_by_key(|(t, order, i, _)| (*t, *order, *i));
        items
    }

    pub fn run(mut self) -> Result<(), SimulateError> {
        let wet_lower = self.wet.as_str().to_ascii_lowercase();
        let routing_path = self.options.out.join("routing").join(format!("{}-{wet_lower}.jsonl", self.gemeente));
        let file = std::fs::File::create(&routing_path).map_err(io(&routing_path))?;
        let mut routing = std::io::BufWriter::new(file);
        for (t, _, _, item) in self.items() {
            let record = match item {
                Item::Heen(i) => self.heen(i, t)?,
                Item::Dubbel(i) => self.dubbel(i, t)?,
                Item::Antwoord(i) => self.antwoord(i, t)?,
            };
            if let Some(record) = record {
                writeln!(routing, "{record}").map_err(io(&routing_path))?;
            }
        }
        routing.flush().map_err(io(&routing_path))?;
        for (referentie, aanbieder, t) in std::mem::take(&mut self.gevraagd) {
            let answer = self.beantwoord.get(&referentie).copied();
            self.truth.vot(self.cal, self.options.to, (&self.gemeente, self.wet.as_str(), &aanbieder), t, answer);
        }
        Ok(())
    }

    fn next_id(&mut self) -> String {
        self.seq += 1;
        format!("{:04}{:08}", self.code, self.seq)
    }

    fn store(&mut self, rel: &str, bytes: &[u8]) -> Result<(), SimulateError> {
        let path: PathBuf = self.options.out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
        self.summary.berichten += 1;
        self.summary.bytes += bytes.len() as u64;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        h: &Heen,
        t: NaiveDateTime,
        name: &str,
        soort: &str,
        id: &str,
        cross_ref: Option<&str>,
        transport: Option<&'static str>,
        rel: &str,
    ) -> serde_json::Value {
        let gemeente_stuurt = h.afzender_is_gemeente() == (soort == "heen");
        let (afzender, ontvanger) = if gemeente_stuurt {
            (self.gemeente.clone(), h.aanbieder.to_string())
        } else {
            (h.aanbieder.to_string(), self.gemeente.clone())
        };
        self.truth.bericht(&self.gemeente, self.wet.as_str(), name, t);
        serde_json::json!({
            "uuid": uuid(&mut self.ids),
            "ontvangen": stamp(t),
            "bericht": name,
            "wet": self.wet.as_str(),
            "soort": soort,
            "afzender": afzender,
            "ontvanger": ontvanger,
            "identificatie": id,
            "cross_ref": cross_ref,
            "transport": if transport.is_some() { "afgewezen" } else { "geaccepteerd" },
            "transport_code": transport,
            "bestand": rel,
        })
    }

    fn heen(&mut self, i: usize, t: NaiveDateTime) -> Result<Option<serde_json::Value>, SimulateError> {
        let h = &self.planned.heen[i];
        let id = self.next_id();
        let message = build::heen(h, &self.planned.clients, &id);
        let name = message.name();
        let rel = format!("berichten/{}/{}/{id}-{name}.xml", self.gemeente, build::maand(t.date()));
        let mut bytes = write(&message, WriteOptions { indent: true });
        let transport = match h.fout {
            Fout::Transport { code, onleesbaar } => {
                if onleesbaar {
                    bytes.truncate(bytes.len() / 2);
                }
                Some(code)
            }
            _ => None,
        };
        self.store(&rel, &bytes)?;
        let record = self.record(h, t, &name, "heen", &id, None, transport, &rel);
        self.truth.heen(self.cal, self.options.to, (&self.gemeente, self.wet.as_str(), &name), h, h.antwoord);
        self.truth.fout(&self.gemeente, self.wet.as_str(), &name, t, h.fout);
        if h.fout.telt() {
            self.process(h, t);
        }
        let uuid = record["uuid"].as_str().unwrap_or_default().to_owned();
        self.written[i] = Some(Written { message, bytes, rel, uuid });
        Ok(Some(record))
    }

    /// The truth of the process indicators, for a message that counts as sent.
    fn process(&mut self, h: &Heen, t: NaiveDateTime) {
        let (g, w) = (self.gemeente.clone(), self.wet.as_str());
        let aanbieder = h.aanbieder.to_string();
        match &h.inhoud {
            Inhoud::Toewijzing(v) => {
                self.first_301.entry(v.nummer).or_insert(t);
                if let Some(r) = &v.referentie {
                    self.beantwoord.entry(r.clone()).or_insert(t);
                }
            }
            Inhoud::Antwoord { referentie, .. } => {
                self.beantwoord.entry(referentie.clone()).or_insert(t);
            }
            Inhoud::Vot { referentie, .. } => self.gevraagd.push((referentie.clone(), aanbieder, t)),
            Inhoud::Start { nummer, begindatum, .. } => {
                if self.started.insert(*nummer) {
                    self.truth.start(&g, w, &aanbieder, h);
                }
                let t0 = self.first_301.get(nummer).map_or(*begindatum, |t301| (*begindatum).max(t301.date()));
                self.truth.gemeld(self.cal, "OP271", (&g, w, &aanbieder), t, Some(t0));
                self.tijdelijk_gestopt.insert(*nummer, false);
            }
            Inhoud::Stop { nummer, reden, einddatum, .. } => {
                let tijdelijk = *reden == "20";
                let na_tijdelijk = self.tijdelijk_gestopt.get(nummer).copied().unwrap_or(false);
                let t0 = (tijdelijk || !na_tijdelijk).then_some(*einddatum);
                self.truth.gemeld(self.cal, "OP272", (&g, w, &aanbieder), t, t0);
                self.tijdelijk_gestopt.insert(*nummer, tijdelijk);
            }
            Inhoud::Declaratie { .. } => {}
        }
    }

    fn dubbel(&mut self, i: usize, t: NaiveDateTime) -> Result<Option<serde_json::Value>, SimulateError> {
        let h = &self.planned.heen[i];
        let Some(Written { message, bytes, rel, .. }) = self.written[i].clone() else { return Ok(None) };
        let name = message.name();
        let rel = rel.replace(".xml", "-2.xml");
        self.store(&rel, &bytes)?;
        let id = message.bericht.kop().bericht_identificatie.identificatie.to_string();
        Ok(Some(self.record(h, t, &name, "heen", &id, None, None, &rel)))
    }

    fn antwoord(&mut self, i: usize, t: NaiveDateTime) -> Result<Option<serde_json::Value>, SimulateError> {
        let h = &self.planned.heen[i];
        let Some(Written { message: heen, uuid: heen_uuid, .. }) = self.written[i].clone() else { return Ok(None) };
        let id = self.next_id();
        let message = build::antwoord(&heen, h, &self.planned.clients, &id, t, h.fout == Fout::Technisch);
        let name = message.name();
        let rel = format!("berichten/{}/{}/{id}-{name}.xml", self.gemeente, build::maand(t.date()));
        let bytes = write(&message, WriteOptions { indent: true });
        self.store(&rel, &bytes)?;
        Ok(Some(self.record(h, t, &name, "retour", &id, Some(&heen_uuid), None, &rel)))
    }
}
