//! Planning the traffic of one gemeente and one law: trajecten with their flows and the
//! monthly declarations, each heenbericht with the moment its answer arrives.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use ketenzicht_calendar::Calendar;
use ketenzicht_message::Wet;
use ketenzicht_message::leaf::{Bsn, Gemeente};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::event::{Client, Fout, Heen, Inhoud, PrestatieSpec, ToewijzingVersie};
use crate::world::{self, Aanbieder, GemeenteGedrag, GemeenteInfo, ProductDef};

const ACHTERNAMEN: &[&str] = &[
    "Jansen",
    "de Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Yilmaz",
    "El Amrani",
];
const VOORLETTERS: &[&str] = &["A", "B", "J", "M", "S", "T", "E", "K", "L", "R"];

/// Delivery of one toewijzing, for the monthly declarations.
#[derive(Debug, Clone)]
struct Levering {
    aanbieder: usize,
    client: Client,
    product: ProductDef,
    begin: NaiveDate,
    eind: NaiveDate,
}

pub struct Planner<'a> {
    pub cal: &'a Calendar,
    pub rng: ChaCha8Rng,
    pub wet: Wet,
    pub gemeente: &'a GemeenteInfo,
    pub gedrag: GemeenteGedrag,
    pub aanbieders: &'a [Aanbieder],
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub volume_factor: f64,
    /// Other gemeenten, for woonplaatsbeginsel answers.
    pub andere_gemeente: Gemeente,
    next_nummer: u32,
    next_ref: u32,
    next_bsn: u32,
    /// When the current traject's last regiebericht was sent: the next one comes later.
    laatste_regie: NaiveDateTime,
    /// Planned heenberichten not yet handed on, in receipt order (ties in planning order).
    queue: BTreeMap<(NaiveDateTime, u64), Heen>,
    queued: u64,
    /// Delivery per ToewijzingNummer, pruned once declared.
    leveringen: BTreeMap<u32, Levering>,
    /// The first month not yet declared.
    te_declareren: NaiveDate,
    declaratie_volgnummer: u32,
}

/// How a planned heenbericht arrives.
#[derive(Debug, Clone, Copy)]
struct Aankomst {
    /// Without any fault (not refused, rejected or delivered twice).
    schoon: bool,
    /// The receipt of the delivery that counts: the message itself, or its resend after a
    /// refusal or rejection; `None` when that falls after `--to`.
    telt: Option<NaiveDateTime>,
}

fn at(day: NaiveDate, secs: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0).unwrap_or_default())
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 { d.checked_add_days(Days::new(n as u64)) } else { d.checked_sub_days(Days::new((-n) as u64)) }
        .unwrap_or(d)
}

impl<'a> Planner<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        cal: &'a Calendar,
        rng: ChaCha8Rng,
        wet: Wet,
        gemeente: &'a GemeenteInfo,
        gedrag: GemeenteGedrag,
        aanbieders: &'a [Aanbieder],
        (from, to): (NaiveDate, NaiveDate),
        volume_factor: f64,
        andere_gemeente: Gemeente,
    ) -> Self {
        // BSN prefixes per gemeente and law are disjoint: 250,000 a gemeente, split by law.
        let base = 10_000_000 + (gemeente.code.0 % 1000) * 80_000 + if wet == Wet::IJw { 40_000 } else { 0 };
        Planner {
            cal,
            rng,
            wet,
            gemeente,
            gedrag,
            aanbieders,
            from,
            to,
            volume_factor,
            andere_gemeente,
            next_nummer: 1,
            next_ref: 1,
            next_bsn: base,
            laatste_regie: NaiveDateTime::MIN,
            queue: BTreeMap::new(),
            queued: 0,
            leveringen: BTreeMap::new(),
            te_declareren: NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from),
            declaratie_volgnummer: 1,
        }
    }

    /// A moment during office hours on the first working day on or after `day`.
    fn kantoor(&mut self, day: NaiveDate) -> NaiveDateTime {
        let day = if self.cal.is_working_day(day) { day } else { self.cal.next_working_day(day).unwrap_or(day) };
        at(day, self.rng.random_range(8 * 3600..18 * 3600))
    }

    /// The answer to a message received at `t`: `k` working days later, after `t` on the same day.
    fn answer_after(&mut self, t: NaiveDateTime, k: u32) -> NaiveDateTime {
        let day = self.cal.deadline(t.date(), k).unwrap_or(t.date());
        if k == 0 {
            let secs = t.time().num_seconds_from_midnight() + self.rng.random_range(60..4 * 3600);
            return at(day, secs);
        }
        at(day, self.rng.random_range(8 * 3600..19 * 3600))
    }

    /// When a retour comes: `None` (missing), on time (0–3 working days) or late (4–12).
    fn retour(&mut self, t: NaiveDateTime, te_laat: f64, ontbreekt: f64) -> Option<NaiveDateTime> {
        if self.rng.random_bool(ontbreekt) {
            return None;
        }
        let k =
            if self.rng.random_bool(te_laat) { self.rng.random_range(4..=12) } else { self.rng.random_range(0..=3) };
        Some(self.answer_after(t, k))
    }

    /// A regiebericht is sent after the traject's previous one (no stop before its start).
    fn na_laatste_regie(&mut self, t: NaiveDateTime) -> NaiveDateTime {
        let t = if t <= self.laatste_regie {
            self.laatste_regie + chrono::Duration::minutes(self.rng.random_range(30..600))
        } else {
            t
        };
        self.laatste_regie = t;
        t
    }

    fn new_client(&mut self) -> Client {
        let bsn = loop {
            let first8 = self.next_bsn;
            self.next_bsn += 1;
            if let Some(bsn) = Bsn::complete(first8) {
                break bsn;
            }
        };
        let ages = world::leeftijd_range(self.wet);
        let age = self.rng.random_range(ages);
        let born = add_days(self.from, -(i64::from(age) * 365 + self.rng.random_range(0..365)));
        Client {
            bsn,
            geboortedatum: born,
            geslacht: if self.rng.random_bool(0.5) { "1" } else { "2" },
            achternaam: ACHTERNAMEN[self.rng.random_range(0..ACHTERNAMEN.len())],
            voorletters: VOORLETTERS[self.rng.random_range(0..VOORLETTERS.len())],
        }
    }

    fn pick_aanbieder(&mut self) -> usize {
        let total: f64 = self.aanbieders.iter().map(|a| a.gewicht).sum();
        let mut x = self.rng.random_range(0.0..total);
        for (i, a) in self.aanbieders.iter().enumerate() {
            if x < a.gewicht {
                return i;
            }
            x -= a.gewicht;
        }
        self.aanbieders.len() - 1
    }

    fn push(
        &mut self,
        aanbieder: usize,
        client: Client,
        ontvangen: NaiveDateTime,
        inhoud: Inhoud,
        antwoord: Option<NaiveDateTime>,
    ) -> Aankomst {
        if ontvangen.date() > self.to || ontvangen.date() < self.from {
            return Aankomst { schoon: false, telt: None };
        }
        // Faults: 0.3% refused at transport (one in five of those unreadable), 1% rejected
        // technically (retour 0001), 0.5% delivered twice. A refused message is sent again.
        let x: f64 = self.rng.random_range(0.0..1.0);
        let fout = if x < 0.003 {
            Fout::Transport { code: "IB014", onleesbaar: self.rng.random_bool(0.2) }
        } else if x < 0.013 && antwoord.is_some() {
            // A technical rejection is the retour's verdict: without a retour there is none.
            Fout::Technisch
        } else if x < 0.018 {
            Fout::Dubbel(ontvangen + chrono::Duration::minutes(self.rng.random_range(1..240)))
        } else if x < 0.028
            && antwoord.is_some()
            && matches!(inhoud, Inhoud::Start { status: "1", .. } | Inhoud::Stop { .. })
        {
            // A start or stop rejected on content (level 3).
            let codes: [&'static str; 2] =
                if matches!(inhoud, Inhoud::Start { .. }) { ["9326", "9074"] } else { ["9069", "9063"] };
            Fout::Inhoudelijk(codes[self.rng.random_range(0..2)])
        } else {
            Fout::Geen
        };
        let (wet, gemeente, agb) = (self.wet, self.gemeente.code, self.aanbieders[aanbieder].agb);
        let heen = move |fout, ontvangen, inhoud, antwoord| Heen {
            wet,
            gemeente,
            aanbieder: agb,
            client,
            ontvangen,
            inhoud,
            antwoord,
            fout,
        };
        match fout {
            Fout::Transport { .. } | Fout::Technisch | Fout::Inhoudelijk(_) => {
                let refused_answer = if matches!(fout, Fout::Transport { .. }) { None } else { antwoord };
                self.enqueue(heen(fout, ontvangen, inhoud.clone(), refused_answer));
                // Sent again once the sender knows: after the retour, or a working day or two.
                let known = refused_answer.unwrap_or(ontvangen).max(ontvangen);
                let k = self.rng.random_range(1..=2);
                let again = self.answer_after(known, k);
                if again.date() <= self.to {
                    let shift = again - ontvangen;
                    let antwoord = antwoord.map(|a| a + shift);
                    self.enqueue(heen(Fout::Geen, again, inhoud, antwoord));
                    return Aankomst { schoon: false, telt: Some(again) };
                }
                Aankomst { schoon: false, telt: None }
            }
            Fout::Geen => {
                self.enqueue(heen(fout, ontvangen, inhoud, antwoord));
                Aankomst { schoon: true, telt: Some(ontvangen) }
            }
            _ => {
                self.enqueue(heen(fout, ontvangen, inhoud, antwoord));
                Aankomst { schoon: false, telt: Some(ontvangen) }
            }
        }
    }

    fn enqueue(&mut self, heen: Heen) {
        self.queued += 1;
        self.queue.insert((heen.ontvangen, self.queued), heen);
    }

    /// Hand on every planned heenbericht received before `until`, in receipt order.
    fn flush(&mut self, until: NaiveDateTime, sink: &mut impl FnMut(Heen)) {
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 >= until {
                break;
            }
            sink(entry.remove());
        }
    }

    fn send_301(&mut self, a: usize, client: Client, t: NaiveDateTime, versie: ToewijzingVersie) -> Aankomst {
        let g = self.aanbieders[a].gedrag.clone();
        let antwoord = self.retour(t, g.retour_te_laat, g.retour_ontbreekt);
        self.push(a, client, t, Inhoud::Toewijzing(versie), antwoord)
    }

    /// Plan every traject of the period, handing heenberichten to `sink` in receipt order as
    /// soon as they are final: trajecten are planned in order of their start, and nothing a
    /// later traject plans comes before its start. Memory holds the active trajecten only.
    pub fn run(mut self, mut sink: impl FnMut(Heen)) {
        let days = (self.to - self.from).num_days().max(1);
        let per_year = world::clienten_per_jaar(self.gemeente.inwoners, self.wet) * self.volume_factor;
        let count = (per_year * days as f64 / 365.0 * 0.6).round() as u32;
        let mut starts: Vec<NaiveDate> =
            (0..count).map(|_| add_days(self.from, self.rng.random_range(0..days))).collect();
        starts.sort_unstable();
        for start in starts {
            self.declaraties_tot(start);
            self.flush(start.and_time(NaiveTime::MIN), &mut sink);
            self.traject(start);
        }
        self.declaraties_tot(add_days(self.to, 1));
        self.flush(NaiveDateTime::MAX, &mut sink);
    }

    fn traject(&mut self, start: NaiveDate) {
        let a = self.pick_aanbieder();
        let client = self.new_client();
        let product: ProductDef = {
            let list = world::producten(self.wet);
            list[self.rng.random_range(0..list.len())]
        };
        self.traject_bij(start, a, client, product, None);
    }

    /// Another aanbieder than `a` (the same when it is the only one).
    fn pick_other_aanbieder(&mut self, a: usize) -> usize {
        if self.aanbieders.len() < 2 {
            return a;
        }
        let other = self.rng.random_range(0..self.aanbieders.len() - 1);
        if other >= a { other + 1 } else { other }
    }

    /// One traject of `client` for `product` at aanbieder `a`. `vervolg`: the traject follows a
    /// change of aanbieder; the gemeente grants it on its own initiative (no VOT) on `start`,
    /// the day it shortened the previous toewijzing, from that date.
    fn traject_bij(
        &mut self,
        start: NaiveDate,
        a: usize,
        client: Client,
        product: ProductDef,
        vervolg: Option<NaiveDate>,
    ) {
        let nummer = self.next_nummer;
        self.next_nummer += 1;
        let duur = self.rng.random_range(90..365);

        // Toeleiding: a VOT (seven in ten) or the gemeente's own initiative.
        let (besluit, ingang, referentie) = if let Some(ingang) = vervolg {
            (self.kantoor(start), ingang, None)
        } else if self.rng.random_bool(0.7) {
            let t315 = self.kantoor(start);
            let referentie = format!("R{:04}{:07}", self.gemeente.code.0, self.next_ref);
            self.next_ref += 1;
            let ingang = add_days(t315.date(), self.rng.random_range(0..14));
            let eind = add_days(ingang, duur);
            let retour = self.retour(t315, self.gedrag.retour_te_laat, self.gedrag.retour_ontbreekt);
            let vot = Inhoud::Vot { referentie: referentie.clone(), ingang, eind, product };
            // The gemeente answers the request it received: a refused or rejected 315 once resent.
            let Some(t315) = self.push(a, client, t315, vot, retour).telt else { return };
            match self.beoordeel(a, client, t315, &referentie) {
                Some(besluit) => (besluit, ingang, Some(referentie)),
                None => return,
            }
        } else {
            let t = self.kantoor(start);
            (t, add_days(t.date(), self.rng.random_range(0..21)), None)
        };
        let mut versie = ToewijzingVersie {
            nummer,
            product,
            referentie,
            besluit,
            ingangsdatum: ingang,
            einddatum: add_days(ingang, duur),
            reden_wijziging: None,
        };
        // The aanbieder acts on the toewijzing it received: a refused or rejected 301 once resent.
        let Some(t301) = self.send_301(a, client, besluit, versie.clone()).telt else { return };
        // A deletion (one in a hundred): the toewijzing is withdrawn as if never sent
        // (RedenWijziging 13, Einddatum = Ingangsdatum, CS335); nothing follows.
        if self.rng.random_bool(0.01) {
            let dagen = self.rng.random_range(1..10);
            let t = self.kantoor(add_days(t301.date(), dagen)).max(t301 + chrono::Duration::hours(1));
            versie.besluit = t;
            versie.einddatum = versie.ingangsdatum;
            versie.reden_wijziging = Some("13");
            versie.referentie = None;
            self.send_301(a, client, t, versie);
            return;
        }

        let g = self.aanbieders[a].gedrag.clone();
        if self.rng.random_bool(g.nooit_gestart) {
            return;
        }
        // The real start: after a waiting time drawn per aanbieder.
        let wacht = (-g.wachttijd_dagen * (1.0 - self.rng.random_range(0.0..0.999f64)).ln()).round() as i64;
        let begindatum = add_days(versie.ingangsdatum, wacht.min(duur - 14).max(0));
        // OP271: reported within 5 working days of the start, or of the 301's receipt when retroactive.
        let t0 = begindatum.max(t301.date());
        let k = if self.rng.random_bool(g.te_laat_gemeld) {
            self.rng.random_range(6..20)
        } else {
            self.rng.random_range(0..=5)
        };
        let t305 = at(self.cal.deadline(t0, k).unwrap_or(t0), self.rng.random_range(8 * 3600..18 * 3600)).max(t301);
        self.laatste_regie = t305;
        let retour = self.retour(t305, self.gedrag.retour_te_laat, self.gedrag.retour_ontbreekt);
        self.push(
            a,
            client,
            t305,
            Inhoud::Start { nummer, product, ingang: versie.ingangsdatum, begindatum, status: "1" },
            retour,
        );
        // A correction (one in thirty): delete the start (StatusAanlevering 3) and send it again
        // with the right Begindatum (1); the key changes, so the stop carries the new one.
        let mut begindatum = begindatum;
        if self.rng.random_bool(0.03) {
            let k = self.rng.random_range(1..=4);
            let t = self.answer_after(t305, k);
            let t = self.na_laatste_regie(t);
            let retour = self.retour(t, self.gedrag.retour_te_laat, self.gedrag.retour_ontbreekt);
            let ingang = versie.ingangsdatum;
            self.push(a, client, t, Inhoud::Start { nummer, product, ingang, begindatum, status: "3" }, retour);
            begindatum = add_days(begindatum, self.rng.random_range(1..=5)).min(add_days(versie.einddatum, -1));
            let t = self.na_laatste_regie(t);
            let retour = self.retour(t, self.gedrag.retour_te_laat, self.gedrag.retour_ontbreekt);
            self.push(a, client, t, Inhoud::Start { nummer, product, ingang, begindatum, status: "1" }, retour);
        }
        self.leveringen
            .insert(nummer, Levering { aanbieder: a, client, product, begin: begindatum, eind: versie.einddatum });

        // A VOW (one in twelve): the aanbieder asks for a longer toewijzing; the gemeente grants
        // it as a whole (a 301 with RedenWijziging 12 and the VOW's reference) or rejects it.
        if self.rng.random_bool(0.08) && (versie.einddatum - begindatum).num_days() > 60 {
            let dag = self.rng.random_range(20..(versie.einddatum - begindatum).num_days() - 30);
            let t317 = self.kantoor(add_days(begindatum, dag)).max(versie.besluit + chrono::Duration::hours(1));
            let referentie = format!("V{:04}{:07}", self.gemeente.code.0, self.next_ref);
            self.next_ref += 1;
            let gewenst = add_days(t317.date(), 14);
            let einddatum = add_days(versie.einddatum, self.rng.random_range(60..120));
            let retour = self.retour(t317, self.gedrag.retour_te_laat, self.gedrag.retour_ontbreekt);
            let inhoud = Inhoud::Vow { referentie: referentie.clone(), nummer, product, gewenst, einddatum };
            let ontvangen = self.push(a, client, t317, inhoud, retour).telt;
            let k = if self.rng.random_bool(self.gedrag.vot_te_laat) {
                self.rng.random_range(6..15)
            } else {
                self.rng.random_range(1..=5)
            };
            // Answered once received (a refused or rejected 317 once resent).
            let besluit = ontvangen.map(|t317| self.answer_after(t317, k));
            if let Some(besluit) = besluit
                && self.rng.random_bool(0.8)
            {
                versie.besluit = besluit;
                versie.einddatum = einddatum;
                versie.reden_wijziging = Some("12");
                versie.referentie = Some(referentie);
                self.send_301(a, client, besluit, versie.clone());
                if let Some(l) = self.leveringen.get_mut(&nummer) {
                    l.eind = versie.einddatum;
                }
            } else if let Some(besluit) = besluit {
                let retour = self.retour(besluit, g.retour_te_laat, g.retour_ontbreekt);
                let inhoud = Inhoud::Antwoord { referentie, in_onderzoek: false, reden: Some("4"), woonplaats: None };
                self.push(a, client, besluit, inhoud, retour);
            }
        }

        // Verlenging (one in five): the same ToewijzingNummer, a later Einddatum, reden 04.
        if self.rng.random_bool(0.2) {
            let voor = self.rng.random_range(7..30);
            let t = self.kantoor(add_days(versie.einddatum, -voor)).max(versie.besluit + chrono::Duration::hours(1));
            versie.besluit = t;
            versie.einddatum = add_days(versie.einddatum, self.rng.random_range(90..180));
            versie.reden_wijziging = Some("04");
            versie.referentie = None;
            self.send_301(a, client, t, versie.clone());
            if let Some(l) = self.leveringen.get_mut(&nummer) {
                l.eind = versie.einddatum;
            }
        }

        // An early end (one in twenty): the gemeente shortens the toewijzing and the aanbieder
        // stops with the matching reason: verkorting (RedenWijziging 05, stop 36), a change of
        // aanbieder (09, 38) or outflow to another domain (06, 39).
        if self.rng.random_bool(0.05) && (versie.einddatum - begindatum).num_days() > 45 {
            let (wijziging, beeindiging) = [("05", "36"), ("09", "38"), ("06", "39")][self.rng.random_range(0..3)];
            let eind = add_days(begindatum, self.rng.random_range(30..(versie.einddatum - begindatum).num_days() - 10));
            let voor = self.rng.random_range(0..10);
            let t = self.kantoor(add_days(eind, -voor)).max(versie.besluit + chrono::Duration::hours(1));
            versie.besluit = t;
            versie.einddatum = eind.max(t.date());
            versie.reden_wijziging = Some(wijziging);
            versie.referentie = None;
            self.send_301(a, client, t, versie.clone());
            if let Some(l) = self.leveringen.get_mut(&nummer) {
                l.eind = versie.einddatum;
            }
            self.stop(a, client, &versie, begindatum, versie.einddatum, beeindiging);
            // A change of aanbieder: care goes on at another aanbieder from the next day, in a
            // traject of its own (its own ToewijzingNummer).
            if wijziging == "09" {
                let next = self.pick_other_aanbieder(a);
                let ingang = add_days(versie.einddatum, 1);
                let besloten = add_days(versie.besluit.date(), 1);
                self.traject_bij(besloten, next, client, product, Some(ingang));
            }
            return;
        }

        // A temporary stop (one in twelve), with a restart when care resumes before the end.
        let mut begin = begindatum;
        if self.rng.random_bool(0.08) && (versie.einddatum - begin).num_days() > 60 {
            let pauze = add_days(begin, self.rng.random_range(20..(versie.einddatum - begin).num_days() - 30));
            self.stop(a, client, &versie, begin, pauze, "20");
            // A temporary stop is often left hanging: no restart, no definitive stop (OP377).
            if self.rng.random_bool(g.tijdelijk_zonder_vervolg) {
                return;
            }
            let herstart = add_days(pauze, self.rng.random_range(7..30));
            // Without a restart the definitive stop carries the key of the start it ends (TR382).
            if herstart < versie.einddatum {
                begin = herstart;
                let t = self.kantoor(begin);
                let t = self.na_laatste_regie(t);
                let retour = self.retour(t, self.gedrag.retour_te_laat, self.gedrag.retour_ontbreekt);
                self.push(
                    a,
                    client,
                    t,
                    Inhoud::Start { nummer, product, ingang: versie.ingangsdatum, begindatum: begin, status: "1" },
                    retour,
                );
            }
        }
        // The definitive stop at the end, unless the aanbieder forgets.
        if !self.rng.random_bool(g.stop_ontbreekt) {
            let reden = if self.wet == Wet::IWmo { "19" } else { "31" };
            self.stop(a, client, &versie, begin, versie.einddatum, reden);
        }
    }

    fn stop(
        &mut self,
        a: usize,
        client: Client,
        versie: &ToewijzingVersie,
        begin: NaiveDate,
        eind: NaiveDate,
        reden: &'static str,
    ) {
        let g = self.aanbieders[a].gedrag.clone();
        let k = if self.rng.random_bool(g.te_laat_gemeld) {
            self.rng.random_range(6..20)
        } else {
            self.rng.random_range(0..=5)
        };
        let t = at(self.cal.deadline(eind, k).unwrap_or(eind), self.rng.random_range(8 * 3600..18 * 3600));
        let t = self.na_laatste_regie(t);
        let retour = self.retour(t, self.gedrag.retour_te_laat, self.gedrag.retour_ontbreekt);
        let inhoud = Inhoud::Stop {
            nummer: versie.nummer,
            product: versie.product,
            ingang: versie.ingangsdatum,
            begindatum: begin,
            reden,
            einddatum: eind,
        };
        self.push(a, client, t, inhoud, retour);
    }

    /// The gemeente judges a VOT product: the moment of the 301 decision, or `None` when rejected.
    fn beoordeel(&mut self, a: usize, client: Client, t315: NaiveDateTime, referentie: &str) -> Option<NaiveDateTime> {
        let g = self.aanbieders[a].gedrag.clone();
        let k = if self.rng.random_bool(self.gedrag.vot_te_laat) {
            self.rng.random_range(6..15)
        } else {
            self.rng.random_range(1..=5)
        };
        let antwoord_t = self.answer_after(t315, k);
        let antwoord = |p: &mut Self,
                        t: NaiveDateTime,
                        in_onderzoek: bool,
                        reden: Option<&'static str>,
                        woonplaats: Option<Gemeente>| {
            let retour = p.retour(t, g.retour_te_laat, g.retour_ontbreekt);
            let inhoud = Inhoud::Antwoord { referentie: referentie.to_owned(), in_onderzoek, reden, woonplaats };
            p.push(a, client, t, inhoud, retour);
        };
        if self.wet == Wet::IJw && self.rng.random_bool(0.02) {
            let k = self.rng.random_range(2..12);
            let t = self.answer_after(t315, k);
            antwoord(self, t, false, Some("8"), Some(self.andere_gemeente));
            return None;
        }
        if self.rng.random_bool(0.07) {
            let reden = ["2", "3", "4", "7"][self.rng.random_range(0..4)];
            antwoord(self, antwoord_t, false, Some(reden), None);
            return None;
        }
        if self.rng.random_bool(self.gedrag.in_onderzoek) {
            antwoord(self, antwoord_t, true, None, None);
            let dagen = if self.rng.random_bool(self.gedrag.onderzoek_te_lang) {
                self.rng.random_range(60..110)
            } else {
                self.rng.random_range(10..50)
            };
            let t = self.kantoor(add_days(t315.date(), dagen));
            if self.rng.random_bool(0.2) {
                antwoord(self, t, false, Some("7"), None);
                return None;
            }
            return Some(t);
        }
        Some(antwoord_t)
    }

    /// A correction of approved prestaties (OP366): a 323 for the same month that credits each
    /// in full (a new ReferentieNummer, VorigReferentieNummer to the debit, DebetCredit C),
    /// credits first, and declares it again with another volume. Sent after the 325 approved
    /// the debits and before the next month can be declared (TR318, TR319, TR323), else not.
    fn correctie(
        &mut self,
        a: usize,
        maand: NaiveDate,
        nummer: String,
        goedgekeurd: NaiveDateTime,
        prestaties: Vec<PrestatieSpec>,
    ) {
        let volgende_ronde = add_days(world::next_month(world::next_month(maand)), 2);
        let wacht = self.rng.random_range(3..10);
        let t = self.kantoor(add_days(goedgekeurd.date(), wacht));
        if t.date() >= volgende_ronde {
            return;
        }
        let mut regels = Vec::with_capacity(prestaties.len() * 2);
        let mut opnieuw = Vec::with_capacity(prestaties.len());
        for p in prestaties {
            let mut credit = p.clone();
            credit.referentie_nummer = self.referentie_nummer();
            credit.credit_van = Some(p.referentie_nummer.clone());
            regels.push(credit);
            let mut debet = p;
            debet.referentie_nummer = self.referentie_nummer();
            debet.volume =
                if debet.volume > 1 && self.rng.random_bool(0.7) { debet.volume - 1 } else { debet.volume + 1 };
            opnieuw.push(debet);
        }
        regels.extend(opnieuw);
        let client = regels[0].client;
        let k = self.rng.random_range(2..=10);
        let antwoord = self.answer_after(t, k);
        self.push(a, client, t, Inhoud::Declaratie { nummer, maand, prestaties: regels }, Some(antwoord));
    }

    fn referentie_nummer(&mut self) -> String {
        self.declaratie_volgnummer += 1;
        format!("P{:04}{:09}", self.gemeente.code.0, self.declaratie_volgnummer - 1)
    }

    /// Monthly declarations: per aanbieder, one 323 with every month of delivery, sent in
    /// the following month and answered by a 325. A month is declared once `cursor` is past
    /// it (every traject delivering in it has then been planned) and it ends before `--to`.
    fn declaraties_tot(&mut self, cursor: NaiveDate) {
        loop {
            let maand = self.te_declareren;
            let volgende = world::next_month(maand);
            if volgende > cursor || volgende > self.to {
                return;
            }
            let eind_maand = volgende.pred_opt().unwrap_or(maand);
            let mut per_aanbieder: BTreeMap<usize, Vec<PrestatieSpec>> = BTreeMap::new();
            let leveringen: Vec<(u32, Levering)> = self
                .leveringen
                .iter()
                .filter(|(_, l)| l.begin <= eind_maand && l.eind >= maand)
                .map(|(n, l)| (*n, l.clone()))
                .collect();
            for (nummer, l) in leveringen {
                let b = l.begin.max(maand);
                let e = l.eind.min(eind_maand);
                let weken = ((e - b).num_days() + 1) as u32 / 7;
                let volume =
                    if l.product.frequentie == "2" { l.product.volume * weken.max(1) } else { l.product.volume };
                let afgewezen = self.rng.random_bool(0.03).then_some("0611");
                per_aanbieder.entry(l.aanbieder).or_default().push(PrestatieSpec {
                    client: l.client,
                    referentie_nummer: self.referentie_nummer(),
                    toewijzing_nummer: nummer,
                    product: l.product,
                    begin: b,
                    eind: e,
                    volume,
                    afgewezen,
                    credit_van: None,
                });
            }
            for (a, prestaties) in per_aanbieder {
                let dag = self.rng.random_range(2..20);
                let t = self.kantoor(add_days(volgende, dag));
                let k = if self.rng.random_bool(self.gedrag.antwoord_te_laat) {
                    self.rng.random_range(11..25)
                } else {
                    self.rng.random_range(2..=10)
                };
                let antwoord = self.answer_after(t, k);
                let nummer = |soort: char| {
                    let g = self.gemeente.code.0 % 10_000;
                    format!("{soort}{g:04}{}{:02}{:03}", maand.year() % 100, maand.month(), a % 1000)
                };
                let (debet, correctie) = (nummer('D'), nummer('C'));
                let kans = self.aanbieders[a].gedrag.gecorrigeerd;
                let te_corrigeren: Vec<PrestatieSpec> = prestaties
                    .iter()
                    .filter(|p| p.afgewezen.is_none() && self.rng.random_bool(kans))
                    .cloned()
                    .collect();
                let client = prestaties[0].client;
                let schoon = self
                    .push(a, client, t, Inhoud::Declaratie { nummer: debet, maand, prestaties }, Some(antwoord))
                    .schoon;
                if schoon && !te_corrigeren.is_empty() {
                    self.correctie(a, maand, correctie, antwoord, te_corrigeren);
                }
            }
            self.leveringen.retain(|_, l| l.eind >= volgende);
            self.te_declareren = volgende;
        }
    }
}
