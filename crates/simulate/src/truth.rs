//! The ground truth, computed from the event model (never from the XML the simulator wrote):
//! for each indicator, the exact values per gemeente, law, aanbieder and month.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_calendar::Calendar;
use ketenzicht_message::BerichtType;

use crate::build::maand;
use crate::event::{Fout, Heen};

/// OP090: a retour within 3 working days; OP090x4: a 325 within 10.
pub fn term(t: BerichtType) -> (&'static str, u32) {
    if t == BerichtType::T323 { ("OP090x4", 10) } else { ("OP090", 3) }
}

#[derive(Debug, Default)]
struct Tijdigheid {
    heenberichten: u64,
    op_tijd: u64,
    te_laat: u64,
    ontbreekt: u64,
    open: u64,
}

/// (gemeente, wet, bericht or aanbieder, maand).
type Key = (String, String, String, String);

/// (gemeente, wet, aanbieder, ToewijzingNummer).
type ToewijzingKey = (String, String, String, u32);

/// Counts for a "reported on time" indicator.
#[derive(Debug, Default)]
struct Gemeld {
    berichten: u64,
    op_tijd: u64,
    te_laat: u64,
    niet_meetbaar: u64,
}

/// Faults per (gemeente, wet, bericht, maand): transport refusals, unreadable files,
/// technical rejections (0001), duplicate deliveries.
#[derive(Debug, Default)]
struct Fouten {
    transport_afgewezen: u64,
    onleesbaar: u64,
    technisch_afgekeurd: u64,
    inhoudelijk_afgekeurd: u64,
    dubbel: u64,
}

/// Accumulates truth rows while the traffic is emitted.
#[derive(Debug, Default)]
pub struct Truth {
    berichten: BTreeMap<Key, u64>,
    tijdigheid: BTreeMap<Key, Tijdigheid>,
    wachttijd: BTreeMap<Key, Vec<i64>>,
    /// Trajectduur per (gemeente, wet, aanbieder, maand of the definitive stop's receipt):
    /// calendar days from the first valid start's Begindatum to the Einddatum.
    trajectduur: BTreeMap<Key, Vec<i64>>,
    /// OP271 / OP272, keyed by (gemeente, wet, aanbieder, maand) and the rule.
    gemeld: BTreeMap<(Key, &'static str), Gemeld>,
    /// OP274 per requested product and OP346 per VOW, keyed by (gemeente, wet, aanbieder,
    /// maand of the request) and the rule.
    vot: BTreeMap<(Key, &'static str), Tijdigheid>,
    fouten: BTreeMap<Key, Fouten>,
    /// "In onderzoek" follow-up per (gemeente, wet, aanbieder, maand of the 319):
    /// [in onderzoek, op tijd, te laat, te lang open, open].
    onderzoek: BTreeMap<Key, [u64; 5]>,
    /// OP359 per (gemeente, wet, aanbieder, maand of the 315): [afwijzingen, op tijd, te laat].
    woonplaats: BTreeMap<Key, [u64; 3]>,
    /// Definitive stops per (gemeente, wet, aanbieder, maand of receipt) and RedenBeeindiging.
    stops: BTreeMap<(Key, &'static str), u64>,
    /// Toewijzingen without a start: (gemeente, wet, aanbieder, ToewijzingNummer) → Ingangsdatum.
    zonder_start: BTreeMap<ToewijzingKey, NaiveDate>,
    /// Open trajecten: (gemeente, wet, aanbieder, ToewijzingNummer) → (soort, regel, datum).
    open: BTreeMap<ToewijzingKey, (&'static str, &'static str, NaiveDate)>,
    /// Rejecting RetourCodes per (gemeente, wet, sender of the heenbericht, maand of its
    /// receipt), heenbericht type and code.
    retourcodes: BTreeMap<(Key, String, &'static str), u64>,
    /// Expected Ketendata row counts per (gemeente, wet), in the order of [`KETENDATA_TABELLEN`].
    ketendata: BTreeMap<(String, String), [u64; 7]>,
    /// Further counted indicators: (indicator, (gemeente, wet, aanbieder, maand), klasse, uitkomst).
    tellingen: BTreeMap<(&'static str, Key, String, &'static str), u64>,
    /// Further durations: (indicator, (gemeente, wet, aanbieder, maand)) → days.
    duren: BTreeMap<(&'static str, Key), Vec<i64>>,
}

/// The Ketendata tables whose row counts `ketendata.jsonl` gives, named as in
/// [`KETENDATA_TABELLEN`] (same order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KetendataTabel {
    Berichten,
    Toewijzingen,
    Verzoeken,
    Regie,
    Declaraties,
    Prestaties,
    Zorgtrajecten,
}

/// The names of [`KetendataTabel`], in its order.
pub const KETENDATA_TABELLEN: [&str; 7] =
    ["berichten", "toewijzingen", "verzoeken", "regie", "declaraties", "prestaties", "zorgtrajecten"];

/// Where a started traject stands after its last start or stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fase {
    Lopend,
    /// Temporarily stopped (RedenBeeindiging 20) with this Einddatum.
    Tijdelijk(NaiveDate),
    Gestopt,
}

/// A temporary stop without a new start or a definitive stop this many calendar days after
/// its Einddatum is an open traject (OP377).
pub const TIJDELIJK_ZONDER_VERVOLG_DAGEN: u64 = 56;

/// A toewijzing counts as "without start" when its Ingangsdatum lies more than this many
/// working days before the end of the period and no valid start came.
pub const ZONDER_START_WERKDAGEN: u32 = 10;

impl Truth {
    /// Count `n` rows of a Ketendata table.
    pub fn ketendata(&mut self, gemeente: &str, wet: &str, tabel: KetendataTabel, n: u64) {
        self.ketendata.entry((gemeente.into(), wet.into())).or_default()[tabel as usize] += n;
    }

    /// A message was written (any type).
    pub fn bericht(&mut self, gemeente: &str, wet: &str, naam: &str, ontvangen: NaiveDateTime) {
        *self.berichten.entry((gemeente.into(), wet.into(), naam.into(), maand(ontvangen.date()))).or_default() += 1;
    }

    /// A heenbericht was written; `antwoord` is when its answer arrives (`None`: never).
    pub fn heen(
        &mut self,
        cal: &Calendar,
        to: NaiveDate,
        (gemeente, wet, naam): (&str, &str, &str),
        h: &Heen,
        antwoord: Option<NaiveDateTime>,
    ) {
        if matches!(h.fout, Fout::Transport { .. }) {
            // Refused at transport: no retour is due; counted in fouten.jsonl.
            return;
        }
        let (_, n) = term(h.inhoud.bericht_type());
        let deadline = cal.deadline(h.ontvangen.date(), n).unwrap_or(to);
        let row =
            self.tijdigheid.entry((gemeente.into(), wet.into(), naam.into(), maand(h.ontvangen.date()))).or_default();
        row.heenberichten += 1;
        match antwoord.filter(|t| t.date() <= to) {
            Some(t) if t.date() <= deadline => row.op_tijd += 1,
            Some(_) => row.te_laat += 1,
            None if deadline < to => row.ontbreekt += 1,
            None => row.open += 1,
        }
    }

    /// The first valid start of a toewijzing (StatusAanlevering 1, not deleted later): the
    /// wait from its Ingangsdatum to the real start, in calendar days.
    pub fn start(&mut self, gemeente: &str, wet: &str, aanbieder: &str, ingang: NaiveDate, begindatum: NaiveDate) {
        let key = (gemeente.into(), wet.into(), aanbieder.into(), maand(begindatum));
        self.wachttijd.entry(key).or_default().push((begindatum - ingang).num_days());
    }

    /// A definitive stop closed a traject that started (first valid start) on `begindatum`.
    pub fn trajectduur(
        &mut self,
        key: (&str, &str, &str),
        ontvangen: NaiveDateTime,
        begindatum: NaiveDate,
        einddatum: NaiveDate,
    ) {
        let (g, w, a) = key;
        let row = self.trajectduur.entry((g.into(), w.into(), a.into(), maand(ontvangen.date()))).or_default();
        row.push((einddatum - begindatum).num_days());
    }

    /// The fault of a heenbericht's delivery, if any.
    pub fn fout(&mut self, gemeente: &str, wet: &str, naam: &str, ontvangen: NaiveDateTime, fout: Fout) {
        if fout == Fout::Geen {
            return;
        }
        let row = self.fouten.entry((gemeente.into(), wet.into(), naam.into(), maand(ontvangen.date()))).or_default();
        match fout {
            Fout::Geen => {}
            Fout::Transport { onleesbaar, .. } => {
                row.transport_afgewezen += 1;
                row.onleesbaar += u64::from(onleesbaar);
            }
            Fout::Technisch => row.technisch_afgekeurd += 1,
            Fout::Inhoudelijk(_) => row.inhoudelijk_afgekeurd += 1,
            Fout::Dubbel(_) => row.dubbel += 1,
        }
    }

    /// A start (OP271) or stop (OP272) was received at `ontvangen`, due within 5 working days
    /// of `t0`; `None` when the term cannot be measured (a definitive stop right after a
    /// temporary one: the moment it became definitive is not in the data).
    pub fn gemeld(
        &mut self,
        cal: &Calendar,
        regel: &'static str,
        key: (&str, &str, &str),
        ontvangen: NaiveDateTime,
        t0: Option<NaiveDate>,
    ) {
        let (g, w, a) = key;
        let row = self.gemeld.entry(((g.into(), w.into(), a.into(), maand(ontvangen.date())), regel)).or_default();
        row.berichten += 1;
        match t0 {
            None => row.niet_meetbaar += 1,
            Some(t0) if cal.on_time(t0, ontvangen.date(), 5) => row.op_tijd += 1,
            Some(_) => row.te_laat += 1,
        }
    }

    /// A VOT product asked at `gevraagd` was answered (first 301 or 319 with its reference) at `antwoord`.
    pub fn vot(
        &mut self,
        cal: &Calendar,
        to: NaiveDate,
        regel: &'static str,
        key: (&str, &str, &str),
        gevraagd: NaiveDateTime,
        antwoord: Option<NaiveDateTime>,
    ) {
        let (g, w, a) = key;
        let deadline = cal.deadline(gevraagd.date(), 5).unwrap_or(to);
        let row = self.vot.entry(((g.into(), w.into(), a.into(), maand(gevraagd.date())), regel)).or_default();
        row.heenberichten += 1;
        match antwoord {
            Some(t) if t.date() <= deadline => row.op_tijd += 1,
            Some(_) => row.te_laat += 1,
            None if deadline < to => row.ontbreekt += 1,
            None => row.open += 1,
        }
    }

    /// A 319 "in onderzoek" on a request received on `gevraagd`: the final answer is due 8
    /// weeks (56 days) after the request's Dagtekening.
    pub fn onderzoek(
        &mut self,
        to: NaiveDate,
        key: (&str, &str, &str),
        in_onderzoek: NaiveDateTime,
        gevraagd: NaiveDate,
        finaal: Option<NaiveDateTime>,
    ) {
        let (g, w, a) = key;
        let deadline = gevraagd + chrono::Days::new(56);
        let row = self.onderzoek.entry((g.into(), w.into(), a.into(), maand(in_onderzoek.date()))).or_default();
        row[0] += 1;
        match finaal {
            Some(t) if t.date() <= deadline => row[1] += 1,
            Some(_) => row[2] += 1,
            None if deadline < to => row[3] += 1,
            None => row[4] += 1,
        }
    }

    /// OP359: a rejection on woonplaatsbeginsel, due within 14 days of the 315's receipt.
    pub fn woonplaats(&mut self, key: (&str, &str, &str), gevraagd: NaiveDateTime, afgewezen: NaiveDateTime) {
        let (g, w, a) = key;
        let row = self.woonplaats.entry((g.into(), w.into(), a.into(), maand(gevraagd.date()))).or_default();
        row[0] += 1;
        if afgewezen.date() <= gevraagd.date() + chrono::Days::new(14) {
            row[1] += 1;
        } else {
            row[2] += 1;
        }
    }

    /// A definitive stop (RedenBeeindiging other than 20) was received.
    pub fn stop(&mut self, key: (&str, &str, &str), ontvangen: NaiveDateTime, reden: &'static str) {
        let (g, w, a) = key;
        *self.stops.entry(((g.into(), w.into(), a.into(), maand(ontvangen.date())), reden)).or_default() += 1;
    }

    /// A current toewijzing that never started by the end of the period.
    pub fn zonder_start(&mut self, key: (&str, &str, &str), nummer: u32, ingangsdatum: NaiveDate) {
        let (g, w, a) = key;
        self.zonder_start.insert((g.into(), w.into(), a.into(), nummer), ingangsdatum);
    }

    /// A started traject at the end of the period: open when it still runs although the
    /// toewijzing's `einddatum` plus the stop's term (5 working days) lies before `to`
    /// (OP288), or when it stopped temporarily and nothing followed within
    /// [`TIJDELIJK_ZONDER_VERVOLG_DAGEN`] (OP377).
    pub fn open_traject(
        &mut self,
        cal: &Calendar,
        to: NaiveDate,
        key: (&str, &str, &str),
        nummer: u32,
        fase: Fase,
        einddatum: NaiveDate,
    ) {
        let (g, w, a) = key;
        let open = match fase {
            Fase::Lopend => {
                cal.deadline(einddatum, 5).is_some_and(|due| due < to).then_some(("geen_stop", "OP288", einddatum))
            }
            Fase::Tijdelijk(eind) => (eind + chrono::Days::new(TIJDELIJK_ZONDER_VERVOLG_DAGEN) < to).then_some((
                "tijdelijk_zonder_vervolg",
                "OP377",
                eind,
            )),
            Fase::Gestopt => None,
        };
        if let Some(row) = open {
            self.open.insert((g.into(), w.into(), a.into(), nummer), row);
        }
    }

    /// A retour rejected its heenbericht with `code`.
    pub fn retourcode(&mut self, key: (&str, &str, &str), heen: &str, ontvangen: NaiveDateTime, code: &'static str) {
        let (g, w, afzender) = key;
        let k = ((g.into(), w.into(), afzender.into(), maand(ontvangen.date())), heen.to_owned(), code);
        *self.retourcodes.entry(k).or_default() += 1;
    }

    /// One item of a counted indicator (`tellingen.jsonl`): its month from `dag`.
    pub fn telling(
        &mut self,
        indicator: &'static str,
        key: (&str, &str, &str),
        dag: NaiveDate,
        klasse: &str,
        uitkomst: &'static str,
    ) {
        let (g, w, a) = key;
        let k = (indicator, (g.into(), w.into(), a.into(), maand(dag)), klasse.to_owned(), uitkomst);
        *self.tellingen.entry(k).or_default() += 1;
    }

    /// One value of a duration indicator in days (`duren.jsonl`): its month from `dag`.
    pub fn duur(&mut self, indicator: &'static str, key: (&str, &str, &str), dag: NaiveDate, dagen: i64) {
        let (g, w, a) = key;
        self.duren.entry((indicator, (g.into(), w.into(), a.into(), maand(dag)))).or_default().push(dagen);
    }

    /// The names of the truth files, in the order of [`Truth::files`].
    pub const FILES: [&'static str; 16] = [
        "berichten.jsonl",
        "fouten.jsonl",
        "retour_tijdigheid.jsonl",
        "wachttijd_toewijzing_start.jsonl",
        "start_stop_tijdigheid.jsonl",
        "vot_beantwoord.jsonl",
        "onderzoek_termijn.jsonl",
        "woonplaatsbeginsel.jsonl",
        "stops_per_reden.jsonl",
        "toewijzing_zonder_start.jsonl",
        "retourcodes.jsonl",
        "trajectduur.jsonl",
        "open_trajecten.jsonl",
        "ketendata.jsonl",
        "tellingen.jsonl",
        "duren.jsonl",
    ];

    /// The truth files as (name, JSON Lines text), in a fixed order.
    pub fn files(&self) -> Vec<(&'static str, String)> {
        let ketendata = lines(&self.ketendata, |(g, w), counts, row| {
            row.field("gemeente", g).field("wet", w);
            for (name, n) in KETENDATA_TABELLEN.iter().zip(counts) {
                row.field(name, n);
            }
        });
        let berichten = lines(&self.berichten, |k, n, row| {
            row.key(k, "bericht").field("aantal", n);
        });
        let fouten = lines(&self.fouten, |k, f, row| {
            row.key(k, "bericht")
                .field("transport_afgewezen", &f.transport_afgewezen)
                .field("onleesbaar", &f.onleesbaar);
            row.field("technisch_afgekeurd", &f.technisch_afgekeurd)
                .field("inhoudelijk_afgekeurd", &f.inhoudelijk_afgekeurd)
                .field("dubbel", &f.dubbel);
        });
        let tijdigheid = lines(&self.tijdigheid, |k, t, row| {
            let b = &k.2;
            let number =
                b.get(b.len().saturating_sub(3)..).and_then(|n| n.parse().ok()).and_then(BerichtType::from_number);
            let (regel, n) = term(number.unwrap_or(BerichtType::T301));
            row.key(k, "bericht").field("regel", regel).field("termijn_werkdagen", &n);
            row.field("heenberichten", &t.heenberichten).counts(t);
        });
        let duration = |k: &Key, values: &Vec<i64>, row: &mut Row| {
            row.key(k, "aanbieder").stats(values);
        };
        let wachttijd = lines(&self.wachttijd, duration);
        let trajectduur = lines(&self.trajectduur, duration);
        let gemeld = lines(&self.gemeld, |(k, regel), r, row| {
            row.key(k, "aanbieder").field("regel", regel).field("termijn_werkdagen", &5);
            row.field("berichten", &r.berichten).field("op_tijd", &r.op_tijd).field("te_laat", &r.te_laat);
            row.field("niet_meetbaar", &r.niet_meetbaar);
        });
        let vot = lines(&self.vot, |(k, regel), t, row| {
            row.key(k, "aanbieder").field("regel", regel).field("termijn_werkdagen", &5);
            row.field("verzoeken", &t.heenberichten).counts(t);
        });
        let onderzoek = lines(&self.onderzoek, |k, r, row| {
            row.key(k, "aanbieder").field("termijn_dagen", &56).field("in_onderzoek", &r[0]);
            row.field("op_tijd", &r[1]).field("te_laat", &r[2]).field("te_lang_open", &r[3]).field("open", &r[4]);
        });
        let woonplaats = lines(&self.woonplaats, |k, r, row| {
            row.key(k, "aanbieder").field("regel", "OP359").field("termijn_dagen", &14);
            row.field("afwijzingen", &r[0]).field("op_tijd", &r[1]).field("te_laat", &r[2]);
        });
        let stops = lines(&self.stops, |(k, reden), n, row| {
            row.key(k, "aanbieder").field("reden_beeindiging", reden).field("aantal", n);
        });
        let zonder_start = lines(&self.zonder_start, |k, ingang, row| {
            row.toewijzing(k).field("ingangsdatum", &ingang.to_string());
            row.field("na_werkdagen", &ZONDER_START_WERKDAGEN);
        });
        let retourcodes = lines(&self.retourcodes, |(k, b, code), n, row| {
            row.key(k, "afzender").field("bericht", b).field("retourcode", code).field("aantal", n);
        });
        let open = lines(&self.open, |k, (soort, regel, datum), row| {
            row.toewijzing(k).field("soort", soort).field("regel", regel).field("einddatum", &datum.to_string());
        });
        let tellingen = lines(&self.tellingen, |(id, k, klasse, uitkomst), n, row| {
            row.field("indicator", id).key(k, "aanbieder");
            row.field("klasse", klasse).field("uitkomst", uitkomst).field("aantal", n);
        });
        let duren = lines(&self.duren, |(id, k), values, row| {
            row.field("indicator", id).key(k, "aanbieder").stats(values);
        });
        let files = [
            berichten,
            fouten,
            tijdigheid,
            wachttijd,
            gemeld,
            vot,
            onderzoek,
            woonplaats,
            stops,
            zonder_start,
            retourcodes,
            trajectduur,
            open,
            ketendata,
            tellingen,
            duren,
        ];
        Truth::FILES.into_iter().zip(files).collect()
    }
}

/// One JSON object per entry of a sorted map, one per line.
fn lines<K, V>(map: &BTreeMap<K, V>, fields: impl Fn(&K, &V, &mut Row)) -> String {
    let mut row = Row { out: Vec::with_capacity(map.len() * 160), first: true };
    for (k, v) in map {
        row.first = true;
        fields(k, v, &mut row);
        row.out.extend_from_slice(b"}\n");
    }
    // JSON written by serde_json is UTF-8.
    String::from_utf8(row.out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// One JSON object written field by field, in the order given: the text that `json!` gives
/// (keys in order, the same escaping and number formats) without building a
/// `serde_json::Value` per row. [`lines`] closes the object.
struct Row {
    out: Vec<u8>,
    first: bool,
}

impl Row {
    fn field<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: &T) -> &mut Self {
        self.out.push(if self.first { b'{' } else { b',' });
        self.first = false;
        // Strings and numbers only: writing them into memory cannot fail.
        let written = serde_json::to_writer(&mut self.out, key).and_then(|()| {
            self.out.push(b':');
            serde_json::to_writer(&mut self.out, value)
        });
        debug_assert!(written.is_ok(), "{written:?}");
        self
    }

    /// Gemeente, wet, the third part of the key under `third`, and maand.
    fn key(&mut self, (g, w, x, m): &Key, third: &str) -> &mut Self {
        self.field("gemeente", g).field("wet", w).field(third, x).field("maand", m)
    }

    /// Gemeente, wet, aanbieder and ToewijzingNummer.
    fn toewijzing(&mut self, (g, w, a, nummer): &ToewijzingKey) -> &mut Self {
        self.field("gemeente", g).field("wet", w).field("aanbieder", a).field("toewijzing_nummer", nummer)
    }

    /// The outcome counts of a term: on time, late, missing, still open.
    fn counts(&mut self, t: &Tijdigheid) -> &mut Self {
        self.field("op_tijd", &t.op_tijd)
            .field("te_laat", &t.te_laat)
            .field("ontbreekt", &t.ontbreekt)
            .field("open", &t.open)
    }

    /// The statistics of a duration.
    fn stats(&mut self, values: &[i64]) -> &mut Self {
        let s = Stats::of(values);
        self.field("n", &s.n).field("gemiddelde", &s.mean).field("mediaan", &s.median);
        self.field("p80", &s.p80).field("p90", &s.p90).field("max", &s.max)
    }
}

/// Duration statistics: mean rounded to two decimals, percentiles by nearest rank
/// (the smallest value with at least p% of the values at or below it).
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub n: usize,
    pub mean: f64,
    pub median: i64,
    pub p80: i64,
    pub p90: i64,
    pub max: i64,
}

impl Stats {
    pub fn of(values: &[i64]) -> Stats {
        let mut v = values.to_vec();
        v.sort_unstable();
        let n = v.len();
        let rank = |p: f64| v[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
        let sum: i64 = v.iter().sum();
        Stats {
            n,
            mean: (sum as f64 / n as f64 * 100.0).round() / 100.0,
            median: rank(0.5),
            p80: rank(0.8),
            p90: rank(0.9),
            max: v[n - 1],
        }
    }
}
