//! Excel workbooks of an indicator's rows or items (`formaat=xlsx`): one sheet with a bold
//! header, numbers as numbers, shares as percentages.

use ketenzicht_indicators::{ItemRecord, Report, Uitslag, output};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde_json::Value;

use crate::error::WebError;

fn sheet_name(id: &str) -> String {
    // Excel allows at most 31 characters.
    id.chars().take(31).collect()
}

/// The rows of one indicator as a workbook.
pub fn rows(report: &Report, u: &Uitslag) -> Result<Vec<u8>, WebError> {
    let rows = output::rows_json(report, u);
    let columns: Vec<String> =
        rows.first().and_then(|r| r.as_object()).map(|o| o.keys().cloned().collect()).unwrap_or_default();
    build(
        &sheet_name(u.definitie.id),
        &columns,
        rows.iter().map(|r| columns.iter().map(|c| r[c.as_str()].clone()).collect::<Vec<Value>>()),
    )
    .map_err(WebError::internal)
}

/// Items as a workbook.
pub fn items<'a>(id: &str, items: impl Iterator<Item = &'a ItemRecord>) -> Result<Vec<u8>, WebError> {
    let columns: Vec<String> = output::ITEM_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    build(
        &sheet_name(id),
        &columns,
        items.map(|i| {
            let j = output::item_json(i);
            columns.iter().map(|c| j[c.as_str()].clone()).collect::<Vec<Value>>()
        }),
    )
    .map_err(WebError::internal)
}

fn build(sheet: &str, columns: &[String], rows: impl Iterator<Item = Vec<Value>>) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    for (c, name) in columns.iter().enumerate() {
        ws.write_with_format(0, c as u16, name.as_str(), &bold)?;
    }
    for (r, row) in rows.enumerate() {
        let r = r as u32 + 1;
        for (c, (value, name)) in row.iter().zip(columns).enumerate() {
            let c = c as u16;
            match value {
                Value::Number(n) if name == "aandeel" => {
                    ws.write_with_format(r, c, n.as_f64().unwrap_or_default(), &percent)?;
                }
                Value::Number(n) => {
                    ws.write(r, c, n.as_f64().unwrap_or_default())?;
                }
                Value::String(s) => {
                    ws.write(r, c, s.as_str())?;
                }
                _ => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}
