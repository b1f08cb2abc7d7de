//! Tables as CSV: the plain form (`,`, `.` decimals) and the Excel-NL form (`;`, a UTF-8 byte
//! order mark so that Excel reads UTF-8, comma decimals). Dates are ISO `YYYY-MM-DD`,
//! timestamps `YYYY-MM-DD hh:mm:ss`; fields with a separator, quote or line break are quoted.

use std::io::Write;

use crate::table::{Table, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Plain,
    ExcelNl,
}

impl Dialect {
    fn separator(self) -> char {
        match self {
            Dialect::Plain => ',',
            Dialect::ExcelNl => ';',
        }
    }
}

fn field(value: &Value, dialect: Dialect) -> String {
    match value {
        Value::Null => String::new(),
        Value::Text(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => {
            let s = f.to_string();
            if dialect == Dialect::ExcelNl { s.replace('.', ",") } else { s }
        }
        Value::Bool(b) => (if *b { "true" } else { "false" }).to_owned(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Timestamp(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        Value::Binary(b) => crate::pseudonym::hex(b),
    }
}

fn quoted(s: &str, separator: char) -> String {
    if s.contains([separator, '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// Start a CSV: the byte order mark (Excel-NL) and the header line.
pub fn write_header<S: AsRef<str>>(out: &mut impl Write, names: &[S], dialect: Dialect) -> std::io::Result<()> {
    let sep = dialect.separator();
    if dialect == Dialect::ExcelNl {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let header: Vec<String> = names.iter().map(|n| quoted(n.as_ref(), sep)).collect();
    writeln!(out, "{}", header.join(&sep.to_string()))
}

/// One data line, for writers that stream rows instead of building a [`Table`].
pub fn write_row(out: &mut impl Write, row: &[Value], dialect: Dialect) -> std::io::Result<()> {
    let sep = dialect.separator();
    let line: Vec<String> = row.iter().map(|v| quoted(&field(v, dialect), sep)).collect();
    writeln!(out, "{}", line.join(&sep.to_string()))
}

/// Write the table with a header line.
pub fn write_csv(out: &mut impl Write, table: &Table, dialect: Dialect) -> std::io::Result<()> {
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    write_header(out, &names, dialect)?;
    for row in &table.rows {
        write_row(out, row, dialect)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Kind;

    #[test]
    fn excel_nl_uses_semicolons_bom_and_comma_decimals() {
        let mut t = Table::new(&[("naam", Kind::Text), ("gemiddelde", Kind::Float), ("n", Kind::Int)]);
        t.push(vec!["a;b".into(), 2.5.into(), 3i64.into()]);
        t.push(vec![Value::Null, Value::Null, Value::Null]);
        let mut out = Vec::new();
        write_csv(&mut out, &t, Dialect::ExcelNl).expect("in memory");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "\u{feff}naam;gemiddelde;n\n\"a;b\";2,5;3\n;;\n");
        let mut out = Vec::new();
        write_csv(&mut out, &t, Dialect::Plain).expect("in memory");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "naam,gemiddelde,n\na;b,2.5,3\n,,\n");
    }
}
