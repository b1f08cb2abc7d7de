//! Strategies for arbitrary valid messages of all 28 types (feature `proptest`).

use proptest::prelude::*;

use crate::model::*;
use crate::wet::{BerichtType, Release, Wet};
use crate::xml::element::Element;

/// Arbitrary level-1-valid messages of one type in one law.
pub fn message(wet: Wet, t: BerichtType) -> BoxedStrategy<Message> {
    let bericht: BoxedStrategy<Bericht> = match t {
        BerichtType::T301 => Bericht301::strategy(wet).prop_map(Bericht::Toewijzing).boxed(),
        BerichtType::T302 => Bericht302::strategy(wet).prop_map(Bericht::ToewijzingRetour).boxed(),
        BerichtType::T305 => Bericht305::strategy(wet).prop_map(Bericht::Start).boxed(),
        BerichtType::T306 => Bericht306::strategy(wet).prop_map(Bericht::StartRetour).boxed(),
        BerichtType::T307 => Bericht307::strategy(wet).prop_map(Bericht::Stop).boxed(),
        BerichtType::T308 => Bericht308::strategy(wet).prop_map(Bericht::StopRetour).boxed(),
        BerichtType::T315 => Bericht315::strategy(wet).prop_map(Bericht::VerzoekOmToewijzing).boxed(),
        BerichtType::T316 => Bericht316::strategy(wet).prop_map(Bericht::VerzoekOmToewijzingRetour).boxed(),
        BerichtType::T317 => Bericht317::strategy(wet).prop_map(Bericht::VerzoekOmWijziging).boxed(),
        BerichtType::T318 => Bericht318::strategy(wet).prop_map(Bericht::VerzoekOmWijzigingRetour).boxed(),
        BerichtType::T319 => Bericht319::strategy(wet).prop_map(Bericht::Antwoord).boxed(),
        BerichtType::T320 => Bericht320::strategy(wet).prop_map(Bericht::AntwoordRetour).boxed(),
        BerichtType::T323 => Bericht323::strategy(wet).prop_map(Bericht::Declaratie).boxed(),
        BerichtType::T325 => Bericht325::strategy(wet).prop_map(Bericht::DeclaratieAntwoord).boxed(),
    };
    bericht
        .prop_map(move |bericht| {
            let mut m = Message { wet, release: Release::R3_2, bericht };
            m.fix_identity();
            m
        })
        .boxed()
}

/// Arbitrary messages of any of the 28 types.
pub fn any_message() -> BoxedStrategy<Message> {
    let all: Vec<(Wet, BerichtType)> =
        Wet::ALL.into_iter().flat_map(|w| BerichtType::ALL.into_iter().map(move |t| (w, t))).collect();
    proptest::sample::select(all).prop_flat_map(|(w, t)| message(w, t)).boxed()
}
