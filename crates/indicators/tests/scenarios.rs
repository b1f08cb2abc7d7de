//! Hand-built scenarios around weekends and holidays, and the edge cases of each rule, with
//! the exact outcome every item must get.

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_calendar::Calendar;
use ketenzicht_indicators::aggregate::{Acc, Rij};
use ketenzicht_indicators::input::{Bericht, Declaratie, Input, Prestatie, Regie, Toewijzing, Verzoek};
use ketenzicht_indicators::{Item, defs, items_of};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn t(y: i32, m: u32, day: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(10, 0, 0).expect("time")
}

fn heen(id: i64, bericht: &str, ontvangen: NaiveDateTime, antwoord: Option<NaiveDateTime>) -> Bericht {
    Bericht {
        bericht_id: id,
        wet: "iJw".into(),
        bericht: bericht.into(),
        heen: true,
        aanbieder: "98000001".into(),
        dagtekening: Some(ontvangen.date()),
        ontvangen,
        leveringen: 1,
        transport_afgewezen: false,
        antwoord_ontvangen: antwoord,
        oordeel: antwoord.map(|_| "geaccepteerd".into()),
        afwijzingscodes: Vec::new(),
    }
}

fn toewijzing(id: i64, nummer: i64, ontvangen: NaiveDateTime, ingang: NaiveDate, eind: NaiveDate) -> Toewijzing {
    Toewijzing {
        bericht_id: id,
        wet: "iJw".into(),
        aanbieder: "98000001".into(),
        traject_id: format!("traject{nummer}"),
        nummer,
        actueel: true,
        vervallen: false,
        categorie: "45".into(),
        referentie: None,
        ingangsdatum: Some(ingang),
        einddatum: Some(eind),
        toewijzingsdatum: Some(ontvangen.date()),
        reden_wijziging: None,
        ontvangen,
    }
}

fn start(id: i64, nummer: i64, ontvangen: NaiveDateTime, ingang: NaiveDate, begin: NaiveDate) -> Regie {
    Regie {
        bericht_id: id,
        wet: "iJw".into(),
        aanbieder: "98000001".into(),
        traject_id: format!("traject{nummer}"),
        stop: false,
        nummer,
        categorie: "45".into(),
        toewijzing_ingangsdatum: Some(ingang),
        begindatum: Some(begin),
        einddatum: None,
        reden_beeindiging: None,
        verwijdering: false,
        geldig: true,
        ontvangen,
    }
}

fn stop(id: i64, nummer: i64, ontvangen: NaiveDateTime, begin: NaiveDate, eind: NaiveDate, reden: &str) -> Regie {
    Regie {
        stop: true,
        einddatum: Some(eind),
        reden_beeindiging: Some(reden.into()),
        ..start(id, nummer, ontvangen, begin, begin)
    }
}

fn verzoek(id: i64, ontvangen: NaiveDateTime) -> Verzoek {
    Verzoek {
        bericht_id: id,
        wet: "iJw".into(),
        aanbieder: "98000001".into(),
        traject_id: "traject".into(),
        vow: false,
        referentie: format!("R{id}"),
        categorie: "45".into(),
        ontvangen,
        eerste_antwoord_ontvangen: None,
        in_onderzoek: None,
        definitief_antwoord: None,
        definitief_antwoord_ontvangen: None,
        reden_afwijzing: None,
    }
}

fn input() -> Input {
    Input { gemeente: "0014".into(), ..Input::default() }
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
        heen(1, "JW301", t(2024, 5, 8), Some(t(2024, 5, 14))),
        heen(2, "JW301", t(2024, 5, 8), Some(t(2024, 5, 15))),
        heen(3, "JW301", t(2024, 5, 8), None),
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
        heen(1, "JW305", t(2023, 4, 26), Some(t(2023, 5, 2))),
        heen(2, "JW305", t(2023, 4, 26), Some(t(2023, 5, 3))),
        heen(3, "JW305", t(2025, 4, 25), Some(t(2025, 4, 30))),
        heen(4, "JW305", t(2025, 4, 25), Some(t(2025, 5, 1))),
    ];
    let items = items_of(&inp, &Calendar::atw(), d(2025, 6, 1));
    assert_eq!(
        outcomes(&items, "retour_tijdig"),
        [(Some(1), "op_tijd"), (Some(2), "te_laat"), (Some(3), "op_tijd"), (Some(4), "te_laat")]
    );
    // Refused at transport: no retour is due; it is counted as refused.
    inp.berichten = vec![Bericht { transport_afgewezen: true, ..heen(5, "JW305", t(2025, 4, 25), None) }];
    let items = items_of(&inp, &Calendar::atw(), d(2025, 6, 1));
    assert!(outcomes(&items, "retour_tijdig").is_empty());
    assert_eq!(outcomes(&items, "afwijzingen"), [(Some(5), "transport_afgewezen")]);
}

#[test]
fn a_start_on_24_december_and_a_retroactive_toewijzing() {
    // OP271: 5 working days after Tuesday 24 December 2024 ends on Friday 3 January 2025.
    let mut inp = input();
    inp.toewijzingen = vec![
        toewijzing(10, 1, t(2024, 12, 2), d(2024, 12, 1), d(2025, 12, 31)),
        toewijzing(11, 2, t(2024, 12, 2), d(2024, 12, 1), d(2025, 12, 31)),
        // Retroactive: the 301 came on 24 December for care that started on 1 November.
        toewijzing(12, 3, t(2024, 12, 24), d(2024, 11, 1), d(2025, 12, 31)),
    ];
    inp.regie = vec![
        start(20, 1, t(2025, 1, 3), d(2024, 12, 1), d(2024, 12, 24)),
        start(21, 2, t(2025, 1, 6), d(2024, 12, 1), d(2024, 12, 24)),
        start(22, 3, t(2025, 1, 3), d(2024, 11, 1), d(2024, 11, 1)),
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
    inp.toewijzingen = vec![toewijzing(10, 1, t(2024, 3, 1), d(2024, 3, 4), d(2024, 6, 30))];
    let wrong = Regie { geldig: false, ..start(20, 1, t(2024, 3, 12), d(2024, 3, 4), d(2024, 3, 11)) };
    let deletion =
        Regie { verwijdering: true, geldig: false, ..start(21, 1, t(2024, 4, 2), d(2024, 3, 4), d(2024, 3, 11)) };
    let corrected = start(22, 1, t(2024, 4, 2), d(2024, 3, 4), d(2024, 3, 8));
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
        toewijzing(10, 1, t(2024, 1, 2), d(2024, 1, 8), d(2024, 3, 31)),
        toewijzing(11, 2, t(2024, 1, 2), d(2024, 1, 8), d(2024, 12, 31)),
        toewijzing(12, 3, t(2024, 1, 2), d(2024, 1, 8), d(2024, 3, 29)),
        toewijzing(13, 4, t(2024, 5, 1), d(2024, 5, 6), d(2024, 12, 31)),
    ];
    inp.regie = vec![
        // 1: started, never stopped although the toewijzing ended on 31 March.
        start(20, 1, t(2024, 1, 9), d(2024, 1, 8), d(2024, 1, 8)),
        // 2: temporary stop on 15 February, then a definitive stop: not measurable.
        start(21, 2, t(2024, 1, 9), d(2024, 1, 8), d(2024, 1, 8)),
        stop(22, 2, t(2024, 2, 16), d(2024, 1, 8), d(2024, 2, 15), "20"),
        stop(23, 2, t(2024, 6, 3), d(2024, 1, 8), d(2024, 5, 1), "31"),
        // 3: a temporary stop with no follow-up.
        start(24, 3, t(2024, 1, 9), d(2024, 1, 8), d(2024, 1, 8)),
        stop(25, 3, t(2024, 3, 1), d(2024, 1, 8), d(2024, 2, 29), "20"),
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
    let mut onderzoek = verzoek(1, t(2024, 1, 2));
    onderzoek.eerste_antwoord_ontvangen = Some(t(2024, 1, 5));
    onderzoek.in_onderzoek = Some(t(2024, 1, 5));
    let mut woonplaats_op_tijd = verzoek(2, t(2024, 3, 1));
    woonplaats_op_tijd.eerste_antwoord_ontvangen = Some(t(2024, 3, 15));
    woonplaats_op_tijd.definitief_antwoord = Some("afwijzing".into());
    woonplaats_op_tijd.definitief_antwoord_ontvangen = Some(t(2024, 3, 15));
    woonplaats_op_tijd.reden_afwijzing = Some("8".into());
    let mut woonplaats_laat = woonplaats_op_tijd.clone();
    woonplaats_laat.bericht_id = 3;
    woonplaats_laat.definitief_antwoord_ontvangen = Some(t(2024, 3, 16));
    let mut toegewezen = verzoek(4, t(2024, 3, 1));
    toegewezen.eerste_antwoord_ontvangen = Some(t(2024, 3, 11));
    toegewezen.definitief_antwoord = Some("toewijzing".into());
    toegewezen.definitief_antwoord_ontvangen = Some(t(2024, 3, 11));
    inp.verzoeken = vec![onderzoek, woonplaats_op_tijd, woonplaats_laat, toegewezen];
    inp.berichten = vec![heen(1, "JW315", t(2024, 1, 2), None)];
    let mut answer = toewijzing(30, 7, t(2024, 3, 11), d(2024, 3, 11), d(2024, 12, 31));
    answer.referentie = Some("R4".into());
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
    inp.declaraties = vec![Declaratie {
        bericht_id: 1,
        wet: "iJw".into(),
        aanbieder: "98000001".into(),
        periode_eind: Some(d(2024, 1, 31)),
        dagtekening: Some(d(2024, 2, 10)),
        ontvangen: t(2024, 2, 10),
    }];
    let prestatie = |credit| Prestatie {
        bericht_id: 1,
        wet: "iJw".into(),
        aanbieder: "98000001".into(),
        traject_id: "traject".into(),
        credit,
        categorie: "45".into(),
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
