//! The `lookup` behavior: a key selected from the request picks a row of a CSV file, whose
//! columns replace `${ROW}["column"]` tokens in the response.
//!
//! The server reads the file (this crate does no IO): it asks for the key, reads
//! [`LookupBehavior::csv_path`], and hands the text to [`LookupBehavior::apply`]. Nothing in a
//! lookup fails the request: as in mountebank, every problem is logged and the response goes
//! out with its tokens in place.

use serde_json::{Map, Value};

use super::select::{From, Selector};
use super::{csv, replace};
use crate::js;
use crate::{MbError, Request};

/// `{"lookup": {"key": {...}, "fromDataSource": {"csv": {...}}, "into": "${ROW}"}}`, compiled.
#[derive(Debug, Clone)]
pub struct LookupBehavior {
    from: From,
    selector: Selector,
    /// Which selected value is the key; `None` when `index` names no element, so the key is
    /// `undefined`.
    index: Option<usize>,
    path: String,
    key_column: String,
    delimiter: String,
    into: String,
}

/// What [`LookupBehavior::apply`] found, for the server's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupResult {
    /// A row matched and its values replaced the tokens.
    Replaced,
    /// No row has the key; the tokens stay.
    NoRow,
    /// The header row lacks `keyColumn` (mountebank logs it as an error).
    MissingKeyColumn(String),
    /// The file is not CSV csv-parse would read to the matching row.
    BadCsv(String),
}

impl LookupBehavior {
    /// Compiles a validated `lookup` object.
    pub(super) fn compile(config: &Map<String, Value>) -> LookupBehavior {
        let empty = Map::new();
        let key = config
            .get("key")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let csv = config
            .get("fromDataSource")
            .and_then(|source| source.get("csv"))
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let text = |map: &Map<String, Value>, name: &str| {
            map.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let delimiter = text(csv, "delimiter");
        LookupBehavior {
            from: From::compile(key.get("from").unwrap_or(&Value::Null)),
            selector: Selector::compile(
                key.get("using")
                    .and_then(Value::as_object)
                    .unwrap_or(&empty),
            ),
            index: key_index(key.get("index")),
            path: text(csv, "path"),
            key_column: text(csv, "keyColumn"),
            // `csvConfig.delimiter || ','`
            delimiter: if delimiter.is_empty() {
                ",".into()
            } else {
                delimiter
            },
            into: text(config, "into"),
        }
    }

    /// The CSV file to read, relative to the server's working directory.
    pub fn csv_path(&self) -> &str {
        &self.path
    }

    /// The key as text: the selected value at `index`, or `"undefined"` when there is none,
    /// which is what mountebank compares rows with then. Fails for a selector that cannot be
    /// used; the lookup then leaves the response alone.
    pub fn key(&self, request: &Request) -> Result<String, MbError> {
        let values = self.selector.select(self.from.read(request).as_ref())?;
        Ok(match self.index.and_then(|index| values.get(index)) {
            Some(Some(value)) => js::string(value),
            _ => js::UNDEFINED.to_string(),
        })
    }

    /// Replaces the row tokens with the first row of `csv` whose key column equals `key`.
    /// Fails only when the replacement would grow the response without bound.
    pub fn apply(
        &self,
        key: &str,
        csv: &str,
        response: &mut Map<String, Value>,
    ) -> Result<LookupResult, MbError> {
        Ok(match self.find_row(key, csv) {
            Ok(Some(row)) => {
                replace::row_tokens(response, &self.into, &row)?;
                LookupResult::Replaced
            }
            Ok(None) => LookupResult::NoRow,
            Err(result) => result,
        })
    }

    /// mountebank's `selectRowFromCSV`: the header row, then the records until one matches.
    fn find_row(
        &self,
        key: &str,
        csv: &str,
    ) -> Result<Option<Vec<(String, String)>>, LookupResult> {
        let mut records = csv::records(csv, &self.delimiter);
        let headers = match records.next() {
            None => return Ok(None),
            Some(record) => record.map_err(LookupResult::BadCsv)?,
        };
        let Some(key_at) = headers
            .iter()
            .rposition(|header| *header == self.key_column)
        else {
            return Err(LookupResult::MissingKeyColumn(format!(
                "CSV headers \"{}\" with delimiter \"{}\" does not contain keyColumn:\"{}\"",
                headers.join(","),
                self.delimiter,
                self.key_column
            )));
        };
        for record in records {
            let record = record.map_err(LookupResult::BadCsv)?;
            // A repeated header keeps its last column, as the row object mountebank builds does.
            // (mountebank compares with `localeCompare`, which also equates canonically
            // equivalent Unicode; plain equality is the same for all else.)
            if record.get(key_at).is_some_and(|value| value == key) {
                return Ok(Some(row(&headers, record)));
            }
        }
        Ok(None)
    }
}

/// The row as mountebank's object holds it: one entry per distinct header, the last column of
/// that name, in JavaScript's key order.
fn row(headers: &[String], record: Vec<String>) -> Vec<(String, String)> {
    let mut object = Map::new();
    for (header, value) in headers.iter().zip(record) {
        object.insert(header.clone(), Value::String(value));
    }
    js::object_keys(&object)
        .into_iter()
        .map(|column| {
            let value = object
                .get(column)
                .and_then(Value::as_str)
                .unwrap_or_default();
            (column.clone(), value.to_string())
        })
        .collect()
}

/// `lookupConfig.key.index || 0`, then `keyValues[index]`: a property access, so only a whole
/// non-negative number, or a string that spells one, names an element.
fn key_index(index: Option<&Value>) -> Option<usize> {
    match index {
        None => Some(0),
        Some(value) if !js::is_truthy(value) => Some(0),
        Some(Value::Number(number)) => number.as_u64().and_then(|n| usize::try_from(n).ok()),
        Some(Value::String(text)) => text
            .parse::<usize>()
            .ok()
            .filter(|n| n.to_string() == *text),
        Some(_) => None,
    }
}
