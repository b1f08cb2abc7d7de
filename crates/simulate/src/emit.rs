//! Writing one gemeente's traffic of one law in receipt order: message files, routing records
//! and the ground truth.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_calendar::Calendar;
use ketenzicht_message::{Message, Wet, WriteOptions, write};
use rand_chacha::ChaCha8Rng;

use crate::Vorm;
use crate::event::{Fout, Heen, Inhoud};
use crate::sink::Sink;
use crate::truth::KetendataTabel as Tabel;
use crate::{Options, SimulateError, Summary, build, io, rng_for, truth, uuid, world};
use ketenzicht_envelope::{Envelope, Soort, Systeem};

#[derive(Debug, Clone, Copy)]
enum Item {
    Heen,
    /// The second delivery of a duplicated heenbericht.
    Dubbel,
    Antwoord,
}

/// A heenbericht as written: the message, its bytes, file name and UUID.
#[derive(Debug, Clone)]
struct Written {
    message: Message,
    bytes: Vec<u8>,
    file: String,
    uuid: String,
}

/// One message crossing the knooppunt, as `deliver` writes it.
struct Delivery<'d> {
    t: NaiveDateTime,
    name: &'d str,
    /// `heen` or `retour`.
    soort: &'d str,
    id: &'d str,
    cross_ref: Option<&'d str>,
    transport: Option<&'static str>,
    file: String,
    bytes: &'d [u8],
}

/// A heenbericht with items still to write (itself, a second delivery, its answer).
#[derive(Debug)]
struct Slot {
    heen: Heen,
    written: Option<Written>,
    pending: u8,
}

/// Writes one gemeente's traffic of one law as it streams in from the planner.
pub struct Emitter<'a> {
    options: &'a Options,
    cal: &'a Calendar,
    gemeente: String,
    code: u16,
    wet: Wet,
    truth: &'a mut truth::Truth,
    summary: &'a mut Summary,
    ids: ChaCha8Rng,
    /// The UUIDs of Fo01s (StUF form), a stream of their own so both forms share the rest.
    fout_ids: ChaCha8Rng,
    seq: u32,
    queue: BTreeMap<(NaiveDateTime, u8, u64), Item>,
    /// Boxed: a slot moves out of the map and back for every item it writes.
    slots: HashMap<u64, Box<Slot>>,
    next_slot: u64,
    routing: std::io::BufWriter<std::fs::File>,
    /// The routing record being written.
    line: Vec<u8>,
    routing_path: PathBuf,
    sink: Sink,
    // For the timeliness truth, over messages that count as sent.
    /// The valid starts and stops of each toewijzing, in order of receipt.
    verloop: BTreeMap<u32, Verloop>,
    /// Toewijzingen whose start was just deleted: the next start is a correction.
    gecorrigeerd: BTreeSet<u32>,
    first_301: BTreeMap<u32, NaiveDateTime>,
    /// VOT products (OP274) and VOWs (OP346): (rule, reference, aanbieder, receipt).
    gevraagd: Vec<(&'static str, String, String, NaiveDateTime)>,
    beantwoord: BTreeMap<String, NaiveDateTime>,
    /// The receipt of each VOT product's 315, by reference.
    vot_ontvangen: BTreeMap<String, NaiveDateTime>,
    /// The first final answer (a 301, or a 319 "afgewezen") per reference.
    finaal: BTreeMap<String, NaiveDateTime>,
    /// What that final answer was: `toegewezen`, or `afgewezen` with its reason.
    finaal_soort: BTreeMap<String, (&'static str, &'static str)>,
    /// 319s "in onderzoek": (reference, aanbieder, receipt).
    onderzoek: Vec<(String, String, NaiveDateTime)>,
    /// The current version of each toewijzing: (aanbieder, Ingangsdatum, Einddatum, deleted).
    toewijzingen: BTreeMap<u32, (String, NaiveDate, NaiveDate, bool)>,
    /// Trajecten that count (a client at an aanbieder; one product per client), for the
    /// Ketendata truth.
    trajecten: std::collections::HashSet<(ketenzicht_message::leaf::Bsn, ketenzicht_message::leaf::AgbCode)>,
}

impl<'a> Emitter<'a> {
    pub fn new(
        options: &'a Options,
        cal: &'a Calendar,
        g: &world::GemeenteInfo,
        wet: Wet,
        truth: &'a mut truth::Truth,
        summary: &'a mut Summary,
    ) -> Result<Self, SimulateError> {
        let gemeente = g.code.to_string();
        let wet_lower = wet.as_str().to_ascii_lowercase();
        let routing_path = options.out.join("routing").join(format!("{gemeente}-{wet_lower}.jsonl"));
        let file = std::fs::File::create(&routing_path).map_err(io(&routing_path))?;
        Ok(Emitter {
            options,
            cal,
            gemeente,
            code: (g.code.0 % 10_000) as u16,
            wet,
            truth,
            summary,
            ids: rng_for(options.seed, "uuid", u64::from(g.code.0) * 2 + u64::from(wet == Wet::IJw)),
            fout_ids: rng_for(options.seed, "fo01", u64::from(g.code.0) * 2 + u64::from(wet == Wet::IJw)),
            seq: 0,
            queue: BTreeMap::new(),
            slots: HashMap::new(),
            next_slot: 0,
            routing: std::io::BufWriter::with_capacity(1 << 18, file),
            line: Vec::with_capacity(512),
            routing_path,
            sink: Sink::new(options.layout, &g.code.to_string(), &wet_lower),
            verloop: BTreeMap::new(),
            gecorrigeerd: BTreeSet::new(),
            first_301: BTreeMap::new(),
            gevraagd: Vec::new(),
            beantwoord: BTreeMap::new(),
            vot_ontvangen: BTreeMap::new(),
            finaal: BTreeMap::new(),
            finaal_soort: BTreeMap::new(),
            onderzoek: Vec::new(),
            toewijzingen: BTreeMap::new(),
            trajecten: std::collections::HashSet::new(),
        })
    }

    /// Take a heenbericht; heenberichten come in receipt order.
    pub fn accept(&mut self, heen: Heen) -> Result<(), SimulateError> {
        self.advance(heen.ontvangen)?;
        let id = self.next_slot;
        self.next_slot += 1;
        let mut pending = 1;
        self.queue.insert((heen.ontvangen, 0, id), Item::Heen);
        if let Fout::Dubbel(t) = heen.fout
            && t.date() <= self.options.to
        {
            self.queue.insert((t, 1, id), Item::Dubbel);
            pending += 1;
        }
        if let Some(t) = heen.antwoord.filter(|t| t.date() <= self.options.to) {
            self.queue.insert((t, 2, id), Item::Antwoord);
            pending += 1;
        }
        self.slots.insert(id, Box::new(Slot { heen, written: None, pending }));
        Ok(())
    }

    /// Write everything due before `until`.
    fn advance(&mut self, until: NaiveDateTime) -> Result<(), SimulateError> {
        while let Some(entry) = self.queue.first_entry() {
            let (t, _, id) = *entry.key();
            if t >= until {
                break;
            }
            let item = entry.remove();
            let Some(mut slot) = self.slots.remove(&id) else { continue };
            match item {
                Item::Heen => self.heen(&mut slot, t)?,
                Item::Dubbel => self.dubbel(&slot, t)?,
                Item::Antwoord => self.antwoord(&slot, t)?,
            }
            slot.pending -= 1;
            if slot.pending > 0 {
                self.slots.insert(id, slot);
            }
        }
        Ok(())
    }

    /// Write what is left and the per-gemeente truth.
    pub fn finish(mut self) -> Result<(), SimulateError> {
        self.advance(NaiveDateTime::MAX)?;
        self.routing.flush().map_err(io(&self.routing_path))?;
        self.sink.finish()?;
        let in_onderzoek: std::collections::BTreeSet<&String> = self.onderzoek.iter().map(|(r, _, _)| r).collect();
        for (_, referentie, aanbieder, t) in self.gevraagd.iter().filter(|g| g.0 == "OP274") {
            let (uitkomst, reden) = match self.finaal_soort.get(referentie) {
                Some(&(u, r)) => (u, r),
                None if in_onderzoek.contains(referentie) => ("in_onderzoek", ""),
                None => ("geen_antwoord", ""),
            };
            let key = (self.gemeente.as_str(), self.wet.as_str(), aanbieder.as_str());
            self.truth.telling("vot_uitkomst", key, t.date(), reden, uitkomst);
        }
        for (regel, referentie, aanbieder, t) in std::mem::take(&mut self.gevraagd) {
            let answer = self.beantwoord.get(&referentie).copied();
            self.truth.vot(
                self.cal,
                self.options.to,
                regel,
                (&self.gemeente, self.wet.as_str(), &aanbieder),
                t,
                answer,
            );
        }
        for (referentie, aanbieder, t) in std::mem::take(&mut self.onderzoek) {
            let Some(gevraagd) = self.vot_ontvangen.get(&referentie) else { continue };
            let finaal = self.finaal.get(&referentie).copied();
            self.truth.onderzoek(
                self.options.to,
                (&self.gemeente, self.wet.as_str(), &aanbieder),
                t,
                gevraagd.date(),
                finaal,
            );
        }
        for (nummer, (aanbieder, ingang, einddatum, deleted)) in std::mem::take(&mut self.toewijzingen) {
            let key = (self.gemeente.as_str(), self.wet.as_str(), aanbieder.as_str());
            let due = self.cal.deadline(ingang, truth::ZONDER_START_WERKDAGEN).unwrap_or(ingang);
            let verloop = self.verloop.get(&nummer);
            if !deleted && verloop.and_then(Verloop::eerste_start).is_none() && due < self.options.to {
                self.truth.zonder_start(key, nummer, ingang);
            }
            if let Some(fase) = verloop.and_then(Verloop::fase) {
                self.truth.open_traject(self.cal, self.options.to, key, nummer, fase, einddatum);
            }
        }
        for (nummer, verloop) in std::mem::take(&mut self.verloop) {
            if let Some((aanbieder, ingang, begindatum)) = verloop.eerste_start() {
                self.truth.start(&self.gemeente, self.wet.as_str(), aanbieder, ingang, begindatum);
                if let Some(t301) = self.first_301.get(&nummer) {
                    let key = (self.gemeente.as_str(), self.wet.as_str(), aanbieder);
                    let dagen = (begindatum - t301.date()).num_days();
                    self.truth.duur("wachttijd_ontvangst_start", key, begindatum, dagen);
                }
            }
        }
        Ok(())
    }

    fn next_id(&mut self) -> String {
        self.seq += 1;
        format!("{:04}{:08}", self.code, self.seq)
    }

    /// Deliver one message: wrap it in its StUF-GGk envelope when asked, store it, write its
    /// routing record and count it in the truth. Returns its UUID.
    fn deliver(&mut self, h: &Heen, d: Delivery<'_>) -> Result<String, SimulateError> {
        let uuid = uuid(&mut self.ids);
        let gemeente_stuurt = h.afzender_is_gemeente() == (d.soort == "heen");
        let aanbieder = h.aanbieder.to_string();
        let (afzender, ontvanger) = if gemeente_stuurt {
            (self.gemeente.as_str(), aanbieder.as_str())
        } else {
            (aanbieder.as_str(), self.gemeente.as_str())
        };
        let wrapped;
        let bytes = match self.options.vorm {
            Vorm::Bericht => d.bytes,
            Vorm::Stuf => {
                wrapped = ketenzicht_envelope::write(&Envelope {
                    soort: if d.soort == "heen" { Soort::Di01 } else { Soort::Du01 },
                    zender: Systeem { organisatie: afzender.to_owned(), applicatie: "ketenzicht-simulator".to_owned() },
                    ontvanger: Systeem { organisatie: ontvanger.to_owned(), applicatie: "GGk".to_owned() },
                    referentienummer: uuid.clone(),
                    tijdstip: d.t,
                    cross_ref: d.cross_ref.map(str::to_owned),
                    functie: d.name.to_owned(),
                    bericht: d.bytes.to_vec(),
                });
                &wrapped
            }
        };
        let placed = self.sink.put(&self.options.out, d.t, &d.file, bytes)?;
        self.summary.berichten += 1;
        self.summary.bytes += bytes.len() as u64;
        self.truth.bericht(&self.gemeente, self.wet.as_str(), d.name, d.t);
        // The fields are digits, codes and fixed words: no JSON escaping is needed. Written
        // piece by piece into one line buffer (through `fmt` this was a tenth of the run).
        let line = &mut self.line;
        line.clear();
        let quoted = |line: &mut Vec<u8>, v: Option<&str>| match v {
            Some(v) => {
                line.push(b'"');
                line.extend_from_slice(v.as_bytes());
                line.push(b'"');
            }
            None => line.extend_from_slice(b"null"),
        };
        line.extend_from_slice(b"{\"uuid\":\"");
        line.extend_from_slice(uuid.as_bytes());
        line.extend_from_slice(b"\",\"ontvangen\":\"");
        crate::stamp_into(line, d.t);
        for (key, value) in [
            ("bericht", d.name),
            ("wet", self.wet.as_str()),
            ("soort", d.soort),
            ("afzender", afzender),
            ("ontvanger", ontvanger),
            ("identificatie", d.id),
        ] {
            line.extend_from_slice(b"\",\"");
            line.extend_from_slice(key.as_bytes());
            line.extend_from_slice(b"\":\"");
            line.extend_from_slice(value.as_bytes());
        }
        line.extend_from_slice(b"\",\"cross_ref\":");
        quoted(line, d.cross_ref);
        line.extend_from_slice(b",\"transport\":");
        quoted(line, Some(if d.transport.is_some() { "afgewezen" } else { "geaccepteerd" }));
        line.extend_from_slice(b",\"transport_code\":");
        quoted(line, d.transport);
        line.extend_from_slice(b",\"bestand\":");
        quoted(line, Some(&placed.bestand));
        line.extend_from_slice(b",\"lid\":");
        quoted(line, placed.lid.as_deref());
        line.extend_from_slice(b"}\n");
        self.routing.write_all(line).map_err(io(&self.routing_path))?;
        if let (Vorm::Stuf, Some(code)) = (self.options.vorm, d.transport) {
            let sender = afzender.to_owned();
            self.fo01(&d, code, &uuid, &sender)?;
        }
        Ok(uuid)
    }

    /// In the StUF form, the knooppunt's answer to a refused delivery: a Fo01 to its sender,
    /// two seconds later, written beside it (`…-Fo01.xml`). The routing records carry the
    /// refusal too; the Fo01 is how a store fed with envelopes alone learns of it.
    fn fo01(&mut self, d: &Delivery<'_>, code: &str, refused: &str, afzender: &str) -> Result<(), SimulateError> {
        let fout = ketenzicht_envelope::write_fout(&ketenzicht_envelope::Foutbericht {
            zender: Systeem { organisatie: "IB".to_owned(), applicatie: "GGK".to_owned() },
            ontvanger: Systeem { organisatie: afzender.to_owned(), applicatie: "ketenzicht-simulator".to_owned() },
            referentienummer: uuid(&mut self.fout_ids),
            tijdstip: d.t + chrono::Duration::seconds(2),
            cross_ref: refused.to_owned(),
            code: code.to_owned(),
            plek: "client".to_owned(),
            omschrijving: crate::event::transport_reden(code).to_owned(),
            details: Some(format!("{}-{}", d.name, d.id)),
        });
        let file = format!("{}-Fo01.xml", d.file.trim_end_matches(".xml"));
        // Filed under the refused delivery's month, in its archive.
        self.sink.put(&self.options.out, d.t, &file, &fout)?;
        self.summary.fo01 += 1;
        Ok(())
    }

    fn heen(&mut self, slot: &mut Slot, t: NaiveDateTime) -> Result<(), SimulateError> {
        let h = &slot.heen;
        let id = self.next_id();
        let message = build::heen(h, &id);
        let name = message.name();
        let file = format!("{id}-{name}.xml");
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
        let delivery = Delivery {
            t,
            name: &name,
            soort: "heen",
            id: &id,
            cross_ref: None,
            transport,
            file: file.clone(),
            bytes: &bytes,
        };
        let uuid = self.deliver(h, delivery)?;
        if !matches!(h.fout, Fout::Transport { onleesbaar: true, .. }) {
            self.truth.ketendata(&self.gemeente, self.wet.as_str(), Tabel::Berichten, 1);
        }
        // As of --to, a rejection whose 0001 retour comes later cannot be seen: it counts as accepted.
        let fout = match h.fout {
            Fout::Technisch | Fout::Inhoudelijk(_) if h.antwoord.is_none_or(|a| a.date() > self.options.to) => {
                Fout::Geen
            }
            f => f,
        };
        self.truth.heen(self.cal, self.options.to, (&self.gemeente, self.wet.as_str(), &name), h, h.antwoord);
        self.truth.fout(&self.gemeente, self.wet.as_str(), &name, t, fout);
        if fout.telt() {
            self.process(h, t);
        }
        slot.written = Some(Written { message, bytes, file, uuid });
        Ok(())
    }

    /// The truth of the process indicators, for a message that counts as sent.
    fn process(&mut self, h: &Heen, t: NaiveDateTime) {
        let (g, w) = (self.gemeente.clone(), self.wet.as_str());
        let aanbieder = h.aanbieder.to_string();
        self.count_ketendata(h);
        match &h.inhoud {
            Inhoud::Toewijzing(v) => {
                self.first_301.entry(v.nummer).or_insert(t);
                if let Some(reden) = v.reden_wijziging {
                    self.truth.telling("toewijzing_wijzigingen", (&g, w, &aanbieder), t.date(), reden, "gewijzigd");
                }
                if let Some(r) = &v.referentie
                    && !self.finaal_soort.contains_key(r)
                    && let Some(gevraagd) = self.vot_ontvangen.get(r)
                {
                    // VOT → toewijzing: from the 315's receipt to the Toewijzingsdatum.
                    let dagen = (v.besluit.date() - gevraagd.date()).num_days();
                    self.truth.duur("doorlooptijd_verzoek_toewijzing", (&g, w, &aanbieder), t.date(), dagen);
                }
                if let Some(r) = &v.referentie {
                    self.finaal_soort.entry(r.clone()).or_insert(("toegewezen", ""));
                }
                // Later 301s carry later decisions: the last one received is the current version.
                self.toewijzingen.insert(
                    v.nummer,
                    (aanbieder.clone(), v.ingangsdatum, v.einddatum, v.reden_wijziging == Some("13")),
                );
                if let Some(r) = &v.referentie {
                    self.beantwoord.entry(r.clone()).or_insert(t);
                    self.finaal.entry(r.clone()).or_insert(t);
                }
            }
            Inhoud::Antwoord { referentie, in_onderzoek, reden, .. } => {
                self.beantwoord.entry(referentie.clone()).or_insert(t);
                if *in_onderzoek {
                    self.onderzoek.push((referentie.clone(), aanbieder, t));
                } else {
                    self.finaal.entry(referentie.clone()).or_insert(t);
                    self.finaal_soort.entry(referentie.clone()).or_insert(("afgewezen", reden.unwrap_or("")));
                    if *reden == Some("8")
                        && let Some(gevraagd) = self.vot_ontvangen.get(referentie).copied()
                    {
                        self.truth.woonplaats((&g, w, &aanbieder), gevraagd, t);
                    }
                }
            }
            Inhoud::Vot { referentie, .. } => {
                self.vot_ontvangen.entry(referentie.clone()).or_insert(t);
                self.gevraagd.push(("OP274", referentie.clone(), aanbieder, t));
            }
            Inhoud::Vow { referentie, .. } => self.gevraagd.push(("OP346", referentie.clone(), aanbieder, t)),
            Inhoud::Start { nummer, begindatum, status: "3", .. } => {
                // A deletion: not a start to judge; the start with this key no longer counts,
                // and the start that follows is its correction.
                self.verloop.entry(*nummer).or_default().verwijder_start(*begindatum);
                self.gecorrigeerd.insert(*nummer);
            }
            Inhoud::Start { nummer, ingang, begindatum, .. } => {
                let stap = Stap::Start { aanbieder: aanbieder.clone(), ingang: *ingang, begindatum: *begindatum };
                self.verloop.entry(*nummer).or_default().stappen.push(stap);
                // A correction pair does not count as a late start (niet meetbaar).
                let t0 = (!self.gecorrigeerd.remove(nummer))
                    .then(|| self.first_301.get(nummer).map_or(*begindatum, |t301| (*begindatum).max(t301.date())));
                self.truth.gemeld(self.cal, "OP271", (&g, w, &aanbieder), t, t0);
            }
            Inhoud::Stop { nummer, reden, einddatum, .. } => {
                let tijdelijk = *reden == "20";
                let verloop = self.verloop.entry(*nummer).or_default();
                let na_tijdelijk = matches!(verloop.fase(), Some(truth::Fase::Tijdelijk(_)));
                let t0 = (tijdelijk || !na_tijdelijk).then_some(*einddatum);
                self.truth.gemeld(self.cal, "OP272", (&g, w, &aanbieder), t, t0);
                if !tijdelijk {
                    self.truth.stop((&g, w, &aanbieder), t, reden);
                    if let Some((_, _, begindatum)) = verloop.eerste_start() {
                        self.truth.trajectduur((&g, w, &aanbieder), t, begindatum, *einddatum);
                    }
                }
                let fase = if tijdelijk { truth::Fase::Tijdelijk(*einddatum) } else { truth::Fase::Gestopt };
                verloop.stappen.push(Stap::Stop(fase));
            }
            Inhoud::Declaratie { maand, prestaties, .. } => {
                let eind = crate::build::maand_eind(*maand);
                self.truth.duur("declaratie_termijn", (&g, w, &aanbieder), t.date(), (t.date() - eind).num_days());
                for p in prestaties {
                    let soort = if p.credit_van.is_some() { "credit" } else { "debet" };
                    self.truth.telling("creditpercentage", (&g, w, &aanbieder), t.date(), "", soort);
                }
            }
        }
    }

    /// The Ketendata rows a heenbericht that counts as sent adds (one product per message
    /// in the simulated traffic), and the traject it belongs to (a client at an aanbieder).
    fn count_ketendata(&mut self, h: &Heen) {
        let (g, w) = (self.gemeente.as_str(), self.wet.as_str());
        match &h.inhoud {
            Inhoud::Toewijzing(_) => self.truth.ketendata(g, w, Tabel::Toewijzingen, 1),
            Inhoud::Vot { .. } | Inhoud::Vow { .. } => self.truth.ketendata(g, w, Tabel::Verzoeken, 1),
            Inhoud::Start { .. } | Inhoud::Stop { .. } => self.truth.ketendata(g, w, Tabel::Regie, 1),
            Inhoud::Declaratie { prestaties, .. } => {
                self.truth.ketendata(g, w, Tabel::Declaraties, 1);
                self.truth.ketendata(g, w, Tabel::Prestaties, prestaties.len() as u64);
            }
            Inhoud::Antwoord { .. } => {}
        }
        if !matches!(h.inhoud, Inhoud::Declaratie { .. } | Inhoud::Antwoord { .. })
            && self.trajecten.insert((h.client.bsn, h.aanbieder))
        {
            self.truth.ketendata(g, w, Tabel::Zorgtrajecten, 1);
        }
    }

    fn dubbel(&mut self, slot: &Slot, t: NaiveDateTime) -> Result<(), SimulateError> {
        let h = &slot.heen;
        let Some(Written { message, bytes, file, .. }) = slot.written.as_ref() else { return Ok(()) };
        let name = message.name();
        let id = message.bericht.kop().bericht_identificatie.identificatie.to_string();
        let file = file.replace(".xml", "-2.xml");
        self.deliver(
            h,
            Delivery { t, name: &name, soort: "heen", id: &id, cross_ref: None, transport: None, file, bytes },
        )
        .map(drop)
    }

    fn antwoord(&mut self, slot: &Slot, t: NaiveDateTime) -> Result<(), SimulateError> {
        let h = &slot.heen;
        let Some(Written { message: heen, uuid: heen_uuid, .. }) = slot.written.as_ref() else { return Ok(()) };
        let id = self.next_id();
        let oordeel = match h.fout {
            Fout::Technisch => build::Oordeel::Technisch,
            Fout::Inhoudelijk(code) => build::Oordeel::Inhoudelijk(code),
            _ => build::Oordeel::Goed,
        };
        let message = build::antwoord(heen, h, &id, t, oordeel);
        let code = match oordeel {
            build::Oordeel::Technisch => Some("0001"),
            build::Oordeel::Inhoudelijk(code) => Some(code),
            build::Oordeel::Goed => None,
        };
        if let Some(code) = code {
            let afzender = if h.afzender_is_gemeente() { self.gemeente.clone() } else { h.aanbieder.to_string() };
            let heen_name = heen.name();
            self.truth.retourcode((&self.gemeente, self.wet.as_str(), &afzender), &heen_name, h.ontvangen, code);
        }
        let name = message.name();
        let bytes = write(&message, WriteOptions { indent: true });
        let file = format!("{id}-{name}.xml");
        let delivery = Delivery {
            t,
            name: &name,
            soort: "retour",
            id: &id,
            cross_ref: Some(heen_uuid),
            transport: None,
            file,
            bytes: &bytes,
        };
        self.deliver(h, delivery)?;
        self.truth.ketendata(&self.gemeente, self.wet.as_str(), Tabel::Berichten, 1);
        Ok(())
    }
}

/// A valid start or stop of a toewijzing.
#[derive(Debug)]
enum Stap {
    Start { aanbieder: String, ingang: NaiveDate, begindatum: NaiveDate },
    Stop(truth::Fase),
}

/// The valid starts and stops of one toewijzing, in order of receipt. A deletion
/// (StatusAanlevering 3) removes the start with its Begindatum, wherever it stands.
#[derive(Debug, Default)]
struct Verloop {
    stappen: Vec<Stap>,
}

impl Verloop {
    /// The first start that is still valid: (aanbieder, Ingangsdatum, Begindatum).
    fn eerste_start(&self) -> Option<(&str, NaiveDate, NaiveDate)> {
        self.stappen.iter().find_map(|s| match s {
            Stap::Start { aanbieder, ingang, begindatum } => Some((aanbieder.as_str(), *ingang, *begindatum)),
            Stap::Stop(_) => None,
        })
    }

    /// Where the toewijzing stands after its last valid start or stop (`None`: never started).
    fn fase(&self) -> Option<truth::Fase> {
        self.eerste_start()?;
        self.stappen.last().map(|s| match s {
            Stap::Start { .. } => truth::Fase::Lopend,
            Stap::Stop(fase) => *fase,
        })
    }

    fn verwijder_start(&mut self, begindatum: NaiveDate) {
        let found =
            self.stappen.iter().rposition(|s| matches!(s, Stap::Start { begindatum: b, .. } if *b == begindatum));
        if let Some(i) = found {
            self.stappen.remove(i);
        }
    }
}
