//! What the storing thread takes of a message that read well, worked out on the parsing thread
//! that read it: the message's identity and keys. The parsed model is dropped there, on the
//! thread that allocated it.
//!
//! Freeing the model on the storing thread cost that thread the allocator's cross-thread
//! frees (each block handed back to the parsing thread's heap, which then collects them), and
//! hashing the keys there was storing work that parsing threads can do in parallel.

use chrono::NaiveDate;
use ketenzicht_message::{Message, Wet};
use ketenzicht_store::ledger::{Inhoud, Sleutel, dated_key, key_month, undated_key, undated_key_of};

use crate::source::Routing;
use crate::{content_text, identity_text, uuid_key};

/// A message's identity and keys (see [`crate::identity`] and [`dated_key`]).
#[derive(Debug)]
pub(crate) struct Stamp {
    pub wet: Wet,
    /// The message's name, `WMO301` say.
    pub name: String,
    /// The gemeente's code, four digits.
    pub gemeente: String,
    /// The sender's code (a gemeente's or an AGB code), as the lake's rows hold it.
    pub verzender: String,
    pub identificatie: String,
    pub dagtekening: NaiveDate,
    /// The key of the message, dated with its Dagtekening's month, and undated.
    pub key: Sleutel,
    pub undated: Sleutel,
    /// The key of the delivery (its knooppunt UUID, else its content), dated with the same
    /// month, and undated: a delivery has the same key whichever form its routing data came
    /// in (a routing record and an envelope may differ in their receipt time).
    pub levering: Sleutel,
    pub levering_undated: Sleutel,
}

impl Stamp {
    /// The stamp of `message`, delivered with `routing` and content hash `inhoud`.
    pub fn of(message: &Message, routing: Option<&Routing>, inhoud: &Inhoud) -> Stamp {
        let (gemeente, _) = message.bericht.partijen();
        let eigen = message.bericht.eigen_identiteit();
        let name = message.name();
        // Each text is hashed once; the undated keys serve `zonder_opdracht` and ledgers that
        // hold undated keys.
        let month = key_month(eigen.dagtekening.0);
        let undated = undated_key_of(&[&identity_text(message.wet, &name, &eigen)]);
        let levering_undated = match routing {
            Some(r) => uuid_key(&r.uuid),
            None => undated_key(&content_text(inhoud)),
        };
        Stamp {
            wet: message.wet,
            name,
            gemeente: gemeente.code(),
            verzender: eigen.verzender.code(),
            identificatie: eigen.identificatie.as_str().to_owned(),
            dagtekening: eigen.dagtekening.0,
            key: dated_key(month, undated),
            undated,
            levering: dated_key(month, levering_undated),
            levering_undated,
        }
    }
}
