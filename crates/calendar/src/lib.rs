//! Working days for the terms of the iWmo/iJw standards (OP090, OP271, OP272, OP274, OP346 …).
//!
//! A working day is Monday to Friday, minus the holidays of the Algemene termijnenwet art. 3:
//! Nieuwjaarsdag, Goede Vrijdag, 2e Paasdag, Koningsdag (27 April, or 26 April when the 27th
//! is a Sunday), 5 mei (every year), Hemelvaartsdag, 2e Pinksterdag, 1e and 2e Kerstdag.
//! Which of these count, and extra days (for example a day made equal by Royal Decree), are
//! configurable through [`CalendarConfig`].
//!
//! Counting (an interpretation, `process-and-indicators.md` §2.1): day 1 is the first working
//! day after the day of receipt, and a term of N working days ends at the end of working day N.
//! Received on a Friday, a 3-day term ends on Wednesday.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// A holiday of the Algemene termijnenwet art. 3 (Goede Vrijdag by lid 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feestdag {
    Nieuwjaarsdag,
    GoedeVrijdag,
    TweedePaasdag,
    Koningsdag,
    Bevrijdingsdag,
    Hemelvaartsdag,
    TweedePinksterdag,
    EersteKerstdag,
    TweedeKerstdag,
}

impl Feestdag {
    pub const ALL: [Feestdag; 9] = [
        Feestdag::Nieuwjaarsdag,
        Feestdag::GoedeVrijdag,
        Feestdag::TweedePaasdag,
        Feestdag::Koningsdag,
        Feestdag::Bevrijdingsdag,
        Feestdag::Hemelvaartsdag,
        Feestdag::TweedePinksterdag,
        Feestdag::EersteKerstdag,
        Feestdag::TweedeKerstdag,
    ];

    /// A short identifier for configuration: `nieuwjaarsdag`, `goede-vrijdag`, …
    pub fn id(self) -> &'static str {
        match self {
            Feestdag::Nieuwjaarsdag => "nieuwjaarsdag",
            Feestdag::GoedeVrijdag => "goede-vrijdag",
            Feestdag::TweedePaasdag => "tweede-paasdag",
            Feestdag::Koningsdag => "koningsdag",
            Feestdag::Bevrijdingsdag => "bevrijdingsdag",
            Feestdag::Hemelvaartsdag => "hemelvaartsdag",
            Feestdag::TweedePinksterdag => "tweede-pinksterdag",
            Feestdag::EersteKerstdag => "eerste-kerstdag",
            Feestdag::TweedeKerstdag => "tweede-kerstdag",
        }
    }

    /// The holiday with this [`Feestdag::id`].
    pub fn from_id(id: &str) -> Option<Feestdag> {
        Feestdag::ALL.into_iter().find(|f| f.id() == id)
    }

    /// The Dutch name, as on screen.
    pub fn naam(self) -> &'static str {
        match self {
            Feestdag::Nieuwjaarsdag => "Nieuwjaarsdag",
            Feestdag::GoedeVrijdag => "Goede Vrijdag",
            Feestdag::TweedePaasdag => "Tweede Paasdag",
            Feestdag::Koningsdag => "Koningsdag",
            Feestdag::Bevrijdingsdag => "Bevrijdingsdag (5 mei)",
            Feestdag::Hemelvaartsdag => "Hemelvaartsdag",
            Feestdag::TweedePinksterdag => "Tweede Pinksterdag",
            Feestdag::EersteKerstdag => "Eerste Kerstdag",
            Feestdag::TweedeKerstdag => "Tweede Kerstdag",
        }
    }

    /// The date of this holiday in `year`.
    pub fn date(self, year: i32) -> Option<NaiveDate> {
        let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
        let easter = |offset: i64| {
            let e = easter_sunday(year)?;
            if offset >= 0 {
                e.checked_add_days(Days::new(offset as u64))
            } else {
                e.checked_sub_days(Days::new((-offset) as u64))
            }
        };
        match self {
            Feestdag::Nieuwjaarsdag => ymd(1, 1),
            Feestdag::GoedeVrijdag => easter(-2),
            Feestdag::TweedePaasdag => easter(1),
            Feestdag::Koningsdag => {
                let day27 = ymd(4, 27)?;
                if day27.weekday() == Weekday::Sun { ymd(4, 26) } else { Some(day27) }
            }
            Feestdag::Bevrijdingsdag => ymd(5, 5),
            Feestdag::Hemelvaartsdag => easter(39),
            Feestdag::TweedePinksterdag => easter(50),
            Feestdag::EersteKerstdag => ymd(12, 25),
            Feestdag::TweedeKerstdag => ymd(12, 26),
        }
    }
}

impl fmt::Display for Feestdag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.naam())
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian computus).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// Which days are not working days, besides weekends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarConfig {
    /// Atw holidays that do *not* count (default: none, all nine count).
    pub exclude: Vec<Feestdag>,
    /// Extra non-working days, with a description (for example a Royal-Decree day).
    pub extra: Vec<(NaiveDate, String)>,
    /// Years to prepare holidays for; dates outside fall back to computing on the fly.
    pub years: std::ops::RangeInclusive<i32>,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        CalendarConfig { exclude: Vec::new(), extra: Vec::new(), years: 2015..=2040 }
    }
}

/// Why a day is not a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vrij {
    Weekend,
    Feestdag(Feestdag),
    Extra(String),
}

/// The working-day calendar. Cloning it is cheap: the prepared table is shared.
#[derive(Debug, Clone)]
pub struct Calendar {
    p: Arc<Prepared>,
}

#[derive(Debug)]
struct Prepared {
    config: CalendarConfig,
    days_off: BTreeMap<NaiveDate, Vrij>,
    /// The first day of the prepared years, and for each day from it whether it is a working
    /// day (so that term arithmetic costs one lookup per day).
    first: NaiveDate,
    working: Vec<bool>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::atw()
    }
}

impl Calendar {
    /// The default: all nine Atw holidays, no extra days (prepared once per process).
    pub fn atw() -> Self {
        static ATW: OnceLock<Calendar> = OnceLock::new();
        ATW.get_or_init(|| Calendar::new(CalendarConfig::default())).clone()
    }

    pub fn new(config: CalendarConfig) -> Self {
        let mut days_off = BTreeMap::new();
        for year in config.years.clone() {
            for f in Feestdag::ALL.into_iter().filter(|f| !config.exclude.contains(f)) {
                if let Some(d) = f.date(year) {
                    days_off.insert(d, Vrij::Feestdag(f));
                }
            }
        }
        for (d, why) in &config.extra {
            days_off.insert(*d, Vrij::Extra(why.clone()));
        }
        let first = NaiveDate::from_ymd_opt(*config.years.start(), 1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(*config.years.end(), 12, 31).unwrap_or(first);
        // Weekdays first, then the days off inside the range: one pass, no lookup per day.
        let mut working: Vec<bool> = first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .collect();
        for day in days_off.keys() {
            if let Some(slot) = usize::try_from((*day - first).num_days()).ok().and_then(|i| working.get_mut(i)) {
                *slot = false;
            }
        }
        Calendar { p: Arc::new(Prepared { config, days_off, first, working }) }
    }

    pub fn config(&self) -> &CalendarConfig {
        &self.p.config
    }

    /// Why `day` is not a working day, or `None` when it is one.
    pub fn vrij(&self, day: NaiveDate) -> Option<Vrij> {
        if let Some(v) = self.p.days_off.get(&day) {
            return Some(v.clone());
        }
        if !self.p.config.years.contains(&day.year()) {
            // Outside the prepared years: compute the holiday directly.
            if let Some(f) = Feestdag::ALL
                .into_iter()
                .filter(|f| !self.p.config.exclude.contains(f))
                .find(|f| f.date(day.year()) == Some(day))
            {
                return Some(Vrij::Feestdag(f));
            }
        }
        matches!(day.weekday(), Weekday::Sat | Weekday::Sun).then_some(Vrij::Weekend)
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        let prepared = usize::try_from((day - self.p.first).num_days()).ok().and_then(|i| self.p.working.get(i));
        match prepared {
            Some(working) => *working,
            None => self.vrij(day).is_none(),
        }
    }

    /// The next working day strictly after `day`.
    pub fn next_working_day(&self, day: NaiveDate) -> Option<NaiveDate> {
        let mut d = day.succ_opt()?;
        while !self.is_working_day(d) {
            d = d.succ_opt()?;
        }
        Some(d)
    }

    /// The last day of a term of `n` working days that starts with receipt on `received`:
    /// day 1 is the first working day after `received`. A message answered on or before this
    /// date is on time. `n = 0` gives `received` itself.
    pub fn deadline(&self, received: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut d = received;
        for _ in 0..n {
            d = self.next_working_day(d)?;
        }
        Some(d)
    }

    /// Was `answered` within a term of `n` working days after `received`?
    pub fn on_time(&self, received: NaiveDate, answered: NaiveDate, n: u32) -> bool {
        self.deadline(received, n).is_some_and(|deadline| answered <= deadline)
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`;
    /// negative when `to` is before `from`). A message answered on working day 3 after
    /// receipt gives 3.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (start, end, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
        let mut count = 0i64;
        let mut d = start;
        while d < end {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                count += 1;
            }
        }
        sign * count
    }

    /// The holidays of one year that count, in date order.
    pub fn holidays(&self, year: i32) -> Vec<(NaiveDate, Feestdag)> {
        let mut out: Vec<(NaiveDate, Feestdag)> = Feestdag::ALL
            .into_iter()
            .filter(|f| !self.p.config.exclude.contains(f))
            .filter_map(|f| f.date(year).map(|d| (d, f)))
            .collect();
        out.sort();
        out
    }
}
