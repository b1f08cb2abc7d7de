//! The JSON mirror of a message for `ketenzicht inspect`: element names as keys, every element
//! that the XSD lets repeat as an array, leaf values as the XML text. `wet` and `bericht` first.

use crate::model::{Message, each_bericht};
use crate::xml::element::Element;

pub fn to_json(message: &Message) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert("wet".to_owned(), message.wet.as_str().into());
    map.insert("bericht".to_owned(), message.name().into());
    if let serde_json::Value::Object(body) = each_bericht!(&message.bericht, b => b.to_json()) {
        map.extend(body);
    }
    serde_json::Value::Object(map)
}
