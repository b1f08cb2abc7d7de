//! Hand-built scenarios around weekends and holidays, and the edge cases of each rule, with
//! the exact outcome every item must get.

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_calendar::Calendar;
use ketenzicht_indicators::aggregate::{Acc, Rij};
use ketenzicht_indicators::input::{Bericht, Declaratie, Input, Prestatie, Regie, Sym, Toewijzing, Verzoek};
use ketenzicht_indicators::{Item, defs, items_of};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn t(y: i32, m: u32, day: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(10, 0, 0).expect("time")
}

fn heen(x: &mut Input, id: i64, bericht: &str, ontvangen: NaiveDateTime, antwoord: Option<NaiveDateTime>) -> Bericht {
    Bericht {
        bericht_id: id,
        wet: x.pool.intern("iJw"),
        bericht: x.pool.intern(bericht),
        heen: true,
        aanbieder: x.pool.intern("98000001"),
        dagtekening: Some(ontvangen.date()),
        ontvangen,
        leveringen: 1,
        transport_afgewezen: false,
        antwoord_ontvangen: antwoord,
        oordeel: x.pool.intern(if antwoord.is_some() { "geaccepteerd" } else { "" }),
        afwijzingscodes: Vec::new(),
    }
}

fn toewijzing(
    x: &mut Input,
    id: i64,
    nummer: i64,
    ontvangen: NaiveDateTime,
    ingang: NaiveDate,
    eind: NaiveDate,
) -> Toewijzing {
    Toewijzing {
        bericht_id: id,
        wet: x.pool.intern("iJw"),
        aanbieder: x.pool.intern("98000001"),
        traject: nummer as u128,
        nummer,
        actueel: true,
        vervallen: false,
        categorie: x.pool.intern("45"),
        referentie: Sym::EMPTY,
        ingangsdatum: Some(ingang),
        einddatum: Some(eind),
        toewijzingsdatum: Some(ontvangen.date()),
        reden_wijziging: Sym::EMPTY,
        ontvangen,
    }
}

fn start(x: &mut Input, id: i64, nummer: i64, ontvangen: NaiveDateTime, ingang: NaiveDate, begin: NaiveDate) -> Regie {
    Regie {
        bericht_id: id,
        wet: x.pool.intern("iJw"),
        aanbieder: x.pool.intern("98000001"),
        traject: nummer as u128,
        stop: false,
        nummer,
        categorie: x.pool.intern("45"),
        toewijzing_ingangsdatum: Some(ingang),
        begindatum: Some(begin),
        einddatum: None,
        reden_beeindiging: Sym::EMPTY,
        verwijdering: false,
        geldig: true,
        ontvangen,
    }
}

fn stop(
    x: &mut Input,
    id: i64,
    nummer: i64,
    ontvangen: NaiveDateTime,
    begin: NaiveDate,
    eind: NaiveDate,
    reden: &str,
) -> Regie {
    Regie {
        stop: true,
        einddatum: Some(eind),
        reden_beeindiging: x.pool.intern(reden),
        ..start(x, id, nummer, ontvangen, begin, begin)
    }
}

fn verzoek(x: &mut Input, id: i64, ontvangen: NaiveDateTime) -> Verzoek {
    Verzoek {
        bericht_id: id,
        wet: x.pool.intern("iJw"),
        aanbieder: x.pool.intern("98000001"),
        traject: 99,
        vow: false,
        referentie: x.pool.intern(&format!("R{id}")),
        categorie: x.pool.intern("45"),
        dagtekening: Some(ontvangen.date()),
        ontvangen,
        eerste_antwoord_ontvangen: None,
        in_onderzoek: None,
        definitief_antwoord: Sym::EMPTY,
        definitief_antwoord_ontvangen: None,
        reden_afwijzing: Sym::EMPTY,
    }
}

fn input() -> Input {
    Input::new("0014")
}

/// (bericht_id, outcome) of the items of one indicator.
fn outcomes(items: &[Item], id: &str) -> Vec<(Option<i64>, &'static str)> {
    items.iter().filter(|i| i.indicator.id == id).map(|i| (i.bericht_id, i.uitkomst)).collect()
}

fn values(items: &[Item], id: &str) -> Vec<(Option<i64>, Option<i64>)> {
    items.iter().filter(|i| i.indicator.id == id).map(|i| (i.bericht_id, i.waarde)).collect()
}

#[test]
fn retour_of_a_301_received_on_the_wednesday_before_hemelvaart() {
    // Hemelvaart 2024 is Thursday 9 May: day 1 Friday 10, day 2 Monday 13, day 3 Tuesday 14.
    let mut inp = input();
    inp.berichten = vec![
        heen(&mut inp, 1, "JW301", t(2024, 5, 8), Some(t(2024, 5, 14))),
        heen(&mut inp, 2, "JW301", t(2024, 5, 8), Some(t(2024, 5, 15))),
        heen(&mut inp, 3, "JW301", t(2024, 5, 8), None),
    ];
    let cal = Calendar::atw();
    let on = |peil| items_of(&inp, &cal, peil);
    assert_eq!(
        outcomes(&on(d(2024, 5, 14)), "retour_tijdig"),
        [(Some(1), "op_tijd"), (Some(2), "te_laat"), (Some(3), "open")]
    );
    assert_eq!(outcomes(&on(d(2024, 5, 15)), "retour_tijdig")[2], (Some(3), "ontbreekt"));
    // A Royal-Decree Friday after Hemelvaart moves the deadline to Wednesday 15.
    let config = ketenzicht_calendar::CalendarConfig {
        extra: vec![(d(2024, 5, 10), "vrijdag na Hemelvaart".into())],
        ..Default::default()
    };
    let items = items_of(&inp, &Calendar::new(config), d(2024, 5, 31));
    assert_eq!(outcomes(&items, "retour_tijdig")[1], (Some(2), "op_tijd"));
}

#[test]
fn retour_around_koningsdag_on_a_weekday_and_on_a_sunday() {
    // Koningsdag 2023 is Thursday 27 April: received Wednesday 26, day 3 is Tuesday 2 May.
    // In 2025 the 27th is a Sunday and Koningsdag is Saturday 26: received Friday 25, day 3
    // is Wednesday 30 April.
    let mut inp = input();
    inp.berichten = vec![
        heen(&mut inp, 1, "JW305", t(2023, 4, 26), Some(t(2023, 5, 2))),
        heen(&mut inp, 2, "JW305", t(2023, 4, 26), Some(t(2023, 5, 3))),
        heen(&mut inp, 3, "JW305", t(2025, 4, 25), Some(t(2025, 4, 30))),
        heen(&mut inp, 4, "JW305", t(2025, 4, 25), Some(t(2025, 5, 1))),
    ];
    let items = items_of(&inp, &Calendar::atw(), d(2025, 6, 1));
    assert_eq!(
        outcomes(&items, "retour_tijdig"),
        [(Some(1), "op_tijd"), (Some(2), "te_laat"), (Some(3), "op_tijd"), (Some(4), "te_laat")]
    );
    // Refused at transport: no retour is due; it is counted as refused.
    inp.berichten = vec![Bericht { transport_afgewezen: true, ..heen(&mut inp, 5, "JW305", t(2025, 4, 25), None) }];
    let items = items_of(&inp, &Calendar::atw(), d(2025, 6, 1));
    assert!(outcomes(&items, "retour_tijdig").is_empty());
    assert_eq!(outcomes(&items, "afwijzingen"), [(Some(5), "transport_afgewezen")]);
}

#[test]
fn a_start_on_24_december_and_a_retroactive_toewijzing() {
    // OP271: 5 working days after Tuesday 24 December 2024 ends on Friday 3 January 2025.
    let mut inp = input();
    inp.toewijzingen = vec![
        toewijzing(&mut inp, 10, 1, t(2024, 12, 2), d(2024, 12, 1), d(2025, 12, 31)),
        toewijzing(&mut inp, 11, 2, t(2024, 12, 2), d(2024, 12, 1), d(2025, 12, 31)),
        // Retroactive: the 301 came on 24 December for care that started on 1 November.
        toewijzing(&mut inp, 12, 3, t(2024, 12, 24), d(2024, 11, 1), d(2025, 12, 31)),
    ];
    inp.regie = vec![
        start(&mut inp, 20, 1, t(2025, 1, 3), d(2024, 12, 1), d(2024, 12, 24)),
        start(&mut inp, 21, 2, t(2025, 1, 6), d(2024, 12, 1), d(2024, 12, 24)),
        start(&mut inp, 22, 3, t(2025, 1, 3), d(2024, 11, 1), d(2024, 11, 1)),
    ];
    let items = items_of(&inp, &Calendar::atw(), d(2025, 2, 1));
    assert_eq!(outcomes(&items, "start_tijdig"), [(Some(20), "op_tijd"), (Some(21), "te_laat"), (Some(22), "op_tijd")]);
    assert_eq!(
        values(&items, "wachttijd_toewijzing_start"),
        [(Some(20), Some(23)), (Some(21), Some(23)), (Some(22), Some(0))]
    );
    assert_eq!(
        values(&items, "wachttijd_ontvangst_start"),
        [(Some(20), Some(22)), (Some(21), Some(22)), (Some(22), Some(-53))]
    );
}

#[test]
fn a_correction_pair_is_not_measurable_and_the_corrected_start_counts() {
    let mut inp = input();
    inp.toewijzingen = vec![toewijzing(&mut inp, 10, 1, t(2024, 3, 1), d(2024, 3, 4), d(2024, 6, 30))];
    let wrong = Regie { geldig: false, ..start(&mut inp, 20, 1, t(2024, 3, 12), d(2024, 3, 4), d(2024, 3, 11)) };
    let deletion = Regie {
        verwijdering: true,
        geldig: false,
        ..start(&mut inp, 21, 1, t(2024, 4, 2), d(2024, 3, 4), d(2024, 3, 11))
    };
    let corrected = start(&mut inp, 22, 1, t(2024, 4, 2), d(2024, 3, 4), d(2024, 3, 8));
    inp.regie = vec![wrong, deletion, corrected];
    let items = items_of(&inp, &Calendar::atw(), d(2024, 5, 1));
    assert_eq!(outcomes(&items, "start_tijdig"), [(Some(20), "op_tijd"), (Some(22), "niet_meetbaar")]);
    assert_eq!(values(&items, "wachttijd_toewijzing_start"), [(Some(22), Some(4))]);
    assert!(outcomes(&items, "toewijzing_zonder_start").is_empty());
}

#[test]
fn stops_open_trajecten_and_toewijzingen_without_start() {
    let mut inp = input();
    inp.toewijzingen = vec![
        toewijzing(&mut inp, 10, 1, t(2024, 1, 2), d(2024, 1, 8), d(2024, 3, 31)),
        toewijzing(&mut inp, 11, 2, t(2024, 1, 2), d(2024, 1, 8), d(2024, 12, 31)),
        toewijzing(&mut inp, 12, 3, t(2024, 1, 2), d(2024, 1, 8), d(2024, 3, 29)),
        toewijzing(&mut inp, 13, 4, t(2024, 5, 1), d(2024, 5, 6), d(2024, 12, 31)),
    ];
    inp.regie = vec![
        // 1: started, never stopped although the toewijzing ended on 31 March.
        start(&mut inp, 20, 1, t(2024, 1, 9), d(2024, 1, 8), d(2024, 1, 8)),
        // 2: temporary stop on 15 February, then a definitive stop: not measurable.
        start(&mut inp, 21, 2, t(2024, 1, 9), d(2024, 1, 8), d(2024, 1, 8)),
        stop(&mut inp, 22, 2, t(2024, 2, 16), d(2024, 1, 8), d(2024, 2, 15), "20"),
        stop(&mut inp, 23, 2, t(2024, 6, 3), d(2024, 1, 8), d(2024, 5, 1), "31"),
        // 3: a temporary stop with no follow-up.
        start(&mut inp, 24, 3, t(2024, 1, 9), d(2024, 1, 8), d(2024, 1, 8)),
        stop(&mut inp, 25, 3, t(2024, 3, 1), d(2024, 1, 8), d(2024, 2, 29), "20"),
    ];
    let items = items_of(&inp, &Calendar::atw(), d(2024, 6, 30));
    assert_eq!(
        outcomes(&items, "stop_tijdig"),
        [(Some(22), "op_tijd"), (Some(23), "niet_meetbaar"), (Some(25), "op_tijd")]
    );
    assert_eq!(values(&items, "trajectduur"), [(Some(23), Some(114))]);
    let open: Vec<_> = items
        .iter()
        .filter(|i| i.indicator.id == "open_trajecten")
        .map(|i| (i.toewijzing_nummer, i.uitkomst, i.datum))
        .collect();
    assert_eq!(open, [(Some(1), "geen_stop", d(2024, 3, 31)), (Some(3), "tijdelijk_zonder_vervolg", d(2024, 2, 29))]);
    // 4: Ingangsdatum Monday 6 May; working day 10 after it is Wednesday 22 May (Hemelvaart
    // 9 May and 2e Pinksterdag 20 May are not working days).
    let zonder = |inp: &Input, peil| -> Vec<Option<i64>> {
        items_of(inp, &Calendar::atw(), peil)
            .iter()
            .filter(|i| i.indicator.id == "toewijzing_zonder_start")
            .map(|i| i.toewijzing_nummer)
            .collect()
    };
    assert!(zonder(&inp, d(2024, 5, 22)).is_empty());
    assert_eq!(zonder(&inp, d(2024, 5, 23)), [Some(4)]);
    // A deleted toewijzing (RedenWijziging 13) is never without a start.
    inp.toewijzingen[3].vervallen = true;
    assert!(zonder(&inp, d(2024, 5, 23)).is_empty());
}

#[test]
fn requests_in_onderzoek_and_woonplaatsbeginsel() {
    let mut inp = input();
    let mut onderzoek = verzoek(&mut inp, 1, t(2024, 1, 2));
    onderzoek.eerste_antwoord_ontvangen = Some(t(2024, 1, 5));
    onderzoek.in_onderzoek = Some(t(2024, 1, 5));
    let mut woonplaats_op_tijd = verzoek(&mut inp, 2, t(2024, 3, 1));
    woonplaats_op_tijd.eerste_antwoord_ontvangen = Some(t(2024, 3, 15));
    woonplaats_op_tijd.definitief_antwoord = inp.pool.intern("afwijzing");
    woonplaats_op_tijd.definitief_antwoord_ontvangen = Some(t(2024, 3, 15));
    woonplaats_op_tijd.reden_afwijzing = inp.pool.intern("8");
    let mut woonplaats_laat = woonplaats_op_tijd.clone();
    woonplaats_laat.bericht_id = 3;
    woonplaats_laat.definitief_antwoord_ontvangen = Some(t(2024, 3, 16));
    let mut toegewezen = verzoek(&mut inp, 4, t(2024, 3, 1));
    toegewezen.eerste_antwoord_ontvangen = Some(t(2024, 3, 11));
    toegewezen.definitief_antwoord = inp.pool.intern("toewijzing");
    toegewezen.definitief_antwoord_ontvangen = Some(t(2024, 3, 11));
    inp.verzoeken = vec![onderzoek, woonplaats_op_tijd, woonplaats_laat, toegewezen];
    inp.berichten = vec![heen(&mut inp, 1, "JW315", t(2024, 1, 2), None)];
    let mut answer = toewijzing(&mut inp, 30, 7, t(2024, 3, 11), d(2024, 3, 11), d(2024, 12, 31));
    answer.referentie = inp.pool.intern("R4");
    answer.toewijzingsdatum = Some(d(2024, 3, 6));
    inp.toewijzingen = vec![answer];
    let cal = Calendar::atw();
    // 8 weeks after the Dagtekening of 2 January is 27 February.
    assert_eq!(outcomes(&items_of(&inp, &cal, d(2024, 2, 27)), "onderzoek_termijn"), [(Some(1), "open")]);
    let items = items_of(&inp, &cal, d(2024, 4, 1));
    assert_eq!(outcomes(&items, "onderzoek_termijn"), [(Some(1), "te_lang_open")]);
    assert_eq!(
        outcomes(&items, "vot_tijdig"),
        [(Some(1), "op_tijd"), (Some(2), "te_laat"), (Some(3), "te_laat"), (Some(4), "te_laat")]
    );
    assert_eq!(outcomes(&items, "woonplaatsbeginsel"), [(Some(2), "op_tijd"), (Some(3), "te_laat")]);
    assert_eq!(
        outcomes(&items, "vot_uitkomst"),
        [(Some(1), "in_onderzoek"), (Some(2), "afgewezen"), (Some(3), "afgewezen"), (Some(4), "toegewezen")]
    );
    assert_eq!(values(&items, "doorlooptijd_verzoek_toewijzing"), [(Some(30), Some(5))]);
    // At a peildatum before the answers, they are unknown.
    let mut earlier = inp;
    earlier.retain_until(d(2024, 3, 12));
    let items = items_of(&earlier, &cal, d(2024, 3, 12));
    assert_eq!(outcomes(&items, "woonplaatsbeginsel"), []);
    assert_eq!(outcomes(&items, "vot_uitkomst")[1], (Some(2), "geen_antwoord"));
}

#[test]
fn declarations_timeliness_and_credit_rate() {
    let mut inp = input();
    let (wet, agb, cat) = (inp.pool.intern("iJw"), inp.pool.intern("98000001"), inp.pool.intern("45"));
    inp.declaraties = vec![Declaratie {
        bericht_id: 1,
        wet,
        aanbieder: agb,
        periode_eind: Some(d(2024, 1, 31)),
        dagtekening: Some(d(2024, 2, 10)),
        ontvangen: t(2024, 2, 10),
    }];
    let prestatie = |credit| Prestatie {
        bericht_id: 1,
        wet,
        aanbieder: agb,
        traject: 99,
        credit,
        categorie: cat,
        nummer: Some(1),
        ontvangen: t(2024, 2, 10),
    };
    inp.prestaties = vec![prestatie(false), prestatie(false), prestatie(false), prestatie(true)];
    let items = items_of(&inp, &Calendar::atw(), d(2024, 3, 1));
    assert_eq!(values(&items, "declaratie_termijn"), [(Some(1), Some(10))]);
    let mut acc = Acc::default();
    for i in items.iter().filter(|i| i.indicator.id == "creditpercentage") {
        acc.add(&defs::CREDITPERCENTAGE, i);
    }
    let rij = Rij::from_acc(&defs::CREDITPERCENTAGE, Vec::new(), acc);
    assert_eq!((rij.n, rij.uitkomsten.clone(), rij.aandeel), (4, vec![3, 1], Some(0.25)));
}
