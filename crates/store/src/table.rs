//! A small table model shared by the lake and the exports: named, typed columns and rows of
//! [`Value`]s. Tables are written as Parquet (through Arrow) and as CSV, and read back from
//! Parquet, so every writer and reader in ketenzicht agrees on types.

use chrono::{NaiveDate, NaiveDateTime};

/// The type of a column. Each maps to one Arrow type (see [`crate::parquet_io`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text (Arrow Utf8).
    Text,
    /// 64-bit integer (Arrow Int64); amounts are integer eurocents.
    Int,
    /// 64-bit float (Arrow Float64); only for derived statistics.
    Float,
    Bool,
    /// A calendar date without a zone (Arrow Date32).
    Date,
    /// A local timestamp without a zone, in whole seconds: written to Parquet as
    /// Timestamp(Millisecond, None) (a TIMESTAMP that DuckDB, Spark and Power BI read as one),
    /// read back as Arrow Timestamp(Second, None).
    Timestamp,
    /// Bytes (Arrow Binary), for the raw messages.
    Binary,
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    Timestamp(NaiveDateTime),
    Binary(Vec<u8>),
}

impl Value {
    pub fn kind(&self) -> Option<Kind> {
        Some(match self {
            Value::Null => return None,
            Value::Text(_) => Kind::Text,
            Value::Int(_) => Kind::Int,
            Value::Float(_) => Kind::Float,
            Value::Bool(_) => Kind::Bool,
            Value::Date(_) => Kind::Date,
            Value::Timestamp(_) => Kind::Timestamp,
            Value::Binary(_) => Kind::Binary,
        })
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_timestamp(&self) -> Option<NaiveDateTime> {
        match self {
            Value::Timestamp(t) => Some(*t),
            _ => None,
        }
    }

    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            Value::Binary(b) => Some(b),
            _ => None,
        }
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<std::rc::Rc<str>> for Value {
    fn from(s: std::rc::Rc<str>) -> Self {
        Value::Text(s.as_ref().to_owned())
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Value::Date(v)
    }
}
impl From<NaiveDateTime> for Value {
    fn from(v: NaiveDateTime) -> Self {
        Value::Timestamp(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Binary(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// A column: its name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// Named, typed columns and rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

/// A row whose width or cell types do not match the columns. A programming error in a table
/// builder, reported instead of writing a broken file.
#[derive(Debug, thiserror::Error)]
#[error("row {row}, column {column}: {problem}")]
pub struct ShapeError {
    pub row: usize,
    pub column: String,
    pub problem: String,
}

impl Table {
    pub fn new(columns: &[(&str, Kind)]) -> Self {
        Table {
            columns: columns.iter().map(|(n, k)| Column { name: (*n).to_owned(), kind: *k }).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Every row has one cell per column, of the column's type or null.
    pub fn check(&self) -> Result<(), ShapeError> {
        for (i, row) in self.rows.iter().enumerate() {
            if row.len() != self.columns.len() {
                return Err(ShapeError {
                    row: i,
                    column: String::new(),
                    problem: format!("{} cells for {} columns", row.len(), self.columns.len()),
                });
            }
            for (cell, column) in row.iter().zip(&self.columns) {
                if let Some(kind) = cell.kind()
                    && kind != column.kind
                {
                    return Err(ShapeError {
                        row: i,
                        column: column.name.clone(),
                        problem: format!("a {kind:?} value in a {:?} column", column.kind),
                    });
                }
            }
        }
        Ok(())
    }
}
