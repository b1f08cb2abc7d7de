//! Every Atw holiday from 2021 to 2030, written out by hand (not computed by the same
//! formula), and the term scenarios around holidays and weekends.

use chrono::NaiveDate;
use ketenzicht_calendar::{Calendar, CalendarConfig, Feestdag, Vrij};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// (month, day).
type Md = (u32, u32);

/// (year, Goede Vrijdag, 2e Paasdag, Koningsdag, Hemelvaart, 2e Pinksterdag).
const MOVABLE: &[(i32, Md, Md, Md, Md, Md)] = &[
    (2021, (4, 2), (4, 5), (4, 27), (5, 13), (5, 24)),
    (2022, (4, 15), (4, 18), (4, 27), (5, 26), (6, 6)),
    (2023, (4, 7), (4, 10), (4, 27), (5, 18), (5, 29)),
    (2024, (3, 29), (4, 1), (4, 27), (5, 9), (5, 20)),
    (2025, (4, 18), (4, 21), (4, 26), (5, 29), (6, 9)),
    (2026, (4, 3), (4, 6), (4, 27), (5, 14), (5, 25)),
    (2027, (3, 26), (3, 29), (4, 27), (5, 6), (5, 17)),
    (2028, (4, 14), (4, 17), (4, 27), (5, 25), (6, 5)),
    (2029, (3, 30), (4, 2), (4, 27), (5, 10), (5, 21)),
    (2030, (4, 19), (4, 22), (4, 27), (5, 30), (6, 10)),
];

#[test]
fn every_holiday_2021_to_2030() {
    let cal = Calendar::atw();
    for &(y, gv, pasen, koning, hemel, pinkster) in MOVABLE {
        let expected = vec![
            (d(y, 1, 1), Feestdag::Nieuwjaarsdag),
            (d(y, gv.0, gv.1), Feestdag::GoedeVrijdag),
            (d(y, pasen.0, pasen.1), Feestdag::TweedePaasdag),
            (d(y, koning.0, koning.1), Feestdag::Koningsdag),
            (d(y, 5, 5), Feestdag::Bevrijdingsdag),
            (d(y, hemel.0, hemel.1), Feestdag::Hemelvaartsdag),
            (d(y, pinkster.0, pinkster.1), Feestdag::TweedePinksterdag),
            (d(y, 12, 25), Feestdag::EersteKerstdag),
            (d(y, 12, 26), Feestdag::TweedeKerstdag),
        ];
        let mut expected = expected;
        expected.sort();
        assert_eq!(cal.holidays(y), expected, "{y}");
        for (date, f) in &expected {
            assert_eq!(cal.vrij(*date), Some(Vrij::Feestdag(*f)), "{date}");
        }
    }
}

#[test]
fn koningsdag_on_a_sunday_moves_to_saturday() {
    // 27 April 2025 was a Sunday.
    let cal = Calendar::atw();
    assert_eq!(Feestdag::Koningsdag.date(2025), Some(d(2025, 4, 26)));
    assert_eq!(cal.vrij(d(2025, 4, 27)), Some(Vrij::Weekend));
    // Received Friday 25 April 2025: the weekend (with Koningsdag on Saturday) does not count.
    assert_eq!(cal.deadline(d(2025, 4, 25), 3), Some(d(2025, 4, 30)));
    // 5 mei 2025 is a Monday and counts every year: received Friday 2 May, 3 days → Thursday 8 May.
    assert_eq!(cal.deadline(d(2025, 5, 2), 3), Some(d(2025, 5, 8)));
}

#[test]
fn a_301_received_on_the_wednesday_before_hemelvaart() {
    // Hemelvaart 2024 is Thursday 9 May. OP090, 3 working days: Fri 10, Mon 13, Tue 14.
    let cal = Calendar::atw();
    assert_eq!(cal.deadline(d(2024, 5, 8), 3), Some(d(2024, 5, 14)));
    assert!(cal.on_time(d(2024, 5, 8), d(2024, 5, 14), 3));
    assert!(!cal.on_time(d(2024, 5, 8), d(2024, 5, 15), 3));
    assert_eq!(cal.working_days_between(d(2024, 5, 8), d(2024, 5, 14)), 3);
}

#[test]
fn a_start_on_24_december() {
    // OP271, 5 working days after the Begindatum Tuesday 24 December 2024:
    // Fri 27, Mon 30, Tue 31, Thu 2 Jan, Fri 3 Jan (25, 26 December and 1 January are holidays).
    let cal = Calendar::atw();
    assert_eq!(cal.deadline(d(2024, 12, 24), 5), Some(d(2025, 1, 3)));
    assert_eq!(cal.working_days_between(d(2024, 12, 24), d(2025, 1, 3)), 5);
}

#[test]
fn friday_receipt_with_a_three_day_term_ends_on_wednesday() {
    let cal = Calendar::atw();
    assert_eq!(cal.deadline(d(2024, 6, 7), 3), Some(d(2024, 6, 12)));
    assert_eq!(cal.deadline(d(2024, 6, 8), 3), Some(d(2024, 6, 12)), "received on a Saturday");
    assert_eq!(cal.deadline(d(2024, 6, 7), 0), Some(d(2024, 6, 7)));
    assert_eq!(cal.working_days_between(d(2024, 6, 12), d(2024, 6, 7)), -3);
}

#[test]
fn configuration_excludes_and_adds_days() {
    let cal = Calendar::new(CalendarConfig {
        exclude: vec![Feestdag::GoedeVrijdag, Feestdag::Bevrijdingsdag],
        extra: vec![(d(2024, 5, 10), "Vrijdag na Hemelvaart".to_owned())],
        ..CalendarConfig::default()
    });
    assert!(cal.is_working_day(d(2024, 3, 29)), "Goede Vrijdag excluded");
    assert!(!cal.is_working_day(d(2029, 5, 5)), "5 May 2029 is a Saturday anyway");
    assert!(cal.is_working_day(d(2026, 5, 5)), "5 mei excluded");
    assert_eq!(cal.vrij(d(2024, 5, 10)), Some(Vrij::Extra("Vrijdag na Hemelvaart".to_owned())));
    // Wednesday before Hemelvaart with the extra Friday: Mon 13, Tue 14, Wed 15.
    assert_eq!(cal.deadline(d(2024, 5, 8), 3), Some(d(2024, 5, 15)));
}

#[test]
fn years_outside_the_prepared_range_still_know_their_holidays() {
    let cal = Calendar::atw();
    assert_eq!(cal.vrij(d(2050, 12, 26)), Some(Vrij::Feestdag(Feestdag::TweedeKerstdag)));
    assert_eq!(ketenzicht_calendar::easter_sunday(2050), Some(d(2050, 4, 10)));
}

#[test]
fn the_prepared_table_agrees_with_the_reasons_on_every_day() {
    let configs = [
        CalendarConfig::default(),
        CalendarConfig {
            exclude: vec![Feestdag::Koningsdag],
            extra: vec![(d(2024, 5, 10), "brugdag".to_owned()), (d(2024, 5, 11), "zaterdag".to_owned())],
            years: 2020..=2031,
        },
    ];
    for config in configs {
        let cal = Calendar::new(config.clone());
        let first = d(*config.years.start(), 1, 1);
        let last = d(*config.years.end(), 12, 31);
        let mut working = 0;
        for day in first.iter_days().take_while(|x| *x <= last) {
            assert_eq!(cal.is_working_day(day), cal.vrij(day).is_none(), "{day}");
            working += usize::from(cal.is_working_day(day));
        }
        assert!(working > 250 * (config.years.end() - config.years.start()) as usize, "{working} working days");
    }
}
