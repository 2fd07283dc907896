//! CSV records as mountebank reads them for `lookup`: csv-parse 5.4 with its defaults and only
//! `delimiter` set.
//!
//! Written by hand rather than with the `csv` crate because lookup results depend on where
//! csv-parse is strict and that crate is lenient, and on what it cannot express:
//! * the delimiter may be several characters (`"::"`);
//! * the record delimiter is the first of `\r\n`, `\n` or `\r` met outside quotes, and only
//!   that one ends records afterwards (a lone `\r` later is data);
//! * a quote inside an unquoted field, text after a closing quote, an unclosed quote, and a
//!   record whose length differs from the first record's are errors that end the parse;
//! * an empty line is a record of one empty field (so an error when there are more columns);
//! * nothing is trimmed and a byte order mark stays in the first header.
//!
//! Records are produced one at a time because mountebank stops at the first matching row: an
//! error after it does not matter, an error before it means no row.

/// One record, or the error that ended the parse.
pub type Record = Result<Vec<String>, String>;

/// The records of `text`, stopping after the first error.
pub fn records<'a>(text: &'a str, delimiter: &'a str) -> Records<'a> {
    Records {
        rest: text,
        delimiter,
        record_delimiter: None,
        expected_length: None,
        line: 1,
        failed: false,
    }
}

pub struct Records<'a> {
    rest: &'a str,
    delimiter: &'a str,
    /// Fixed by the first record delimiter met outside quotes.
    record_delimiter: Option<&'static str>,
    /// The first record's length, which every record must have.
    expected_length: Option<usize>,
    line: usize,
    failed: bool,
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let record = self.record().and_then(|fields| self.check_length(fields));
        self.failed = record.is_err();
        Some(record)
    }
}

impl Records<'_> {
    fn check_length(&mut self, fields: Vec<String>) -> Record {
        let expected = *self.expected_length.get_or_insert(fields.len());
        if fields.len() == expected {
            Ok(fields)
        } else {
            Err(format!(
                "Invalid Record Length: expect {expected}, got {} on line {}",
                fields.len(),
                self.line
            ))
        }
    }

    /// Reads one record and the record delimiter after it.
    fn record(&mut self) -> Record {
        let mut fields = Vec::new();
        loop {
            let (field, end) = if self.rest.starts_with('"') {
                self.quoted_field()?
            } else {
                self.plain_field(fields.len())?
            };
            fields.push(field);
            match end {
                FieldEnd::Delimiter => continue,
                FieldEnd::Record | FieldEnd::Text => {
                    self.line += 1;
                    return Ok(fields);
                }
            }
        }
    }

    /// A field up to a delimiter, a record delimiter or the end of the text.
    fn plain_field(&mut self, index: usize) -> Result<(String, FieldEnd), String> {
        let mut field = String::new();
        loop {
            if let Some(end) = self.take_separator() {
                return Ok((field, end));
            }
            let Some(c) = self.rest.chars().next() else {
                return Ok((field, FieldEnd::Text));
            };
            if c == '"' {
                return Err(format!(
                    "Invalid Opening Quote: a quote is found on field {index} at line {}, value is {field:?}",
                    self.line
                ));
            }
            field.push(c);
            self.rest = &self.rest[c.len_utf8()..];
        }
    }

    /// A field in quotes, where `""` is a quote and delimiters are data.
    fn quoted_field(&mut self) -> Result<(String, FieldEnd), String> {
        let start_line = self.line;
        self.rest = &self.rest[1..];
        let mut field = String::new();
        loop {
            let Some(at) = self.rest.find('"') else {
                return Err(format!(
                    "Quote Not Closed: the parsing is finished with an opening quote at line {start_line}"
                ));
            };
            field.push_str(&self.rest[..at]);
            self.rest = &self.rest[at + 1..];
            if let Some(rest) = self.rest.strip_prefix('"') {
                field.push('"');
                self.rest = rest;
                continue;
            }
            if self.rest.is_empty() {
                return Ok((field, FieldEnd::Text));
            }
            return match self.take_separator() {
                Some(end) => Ok((field, end)),
                None => Err(format!(
                    "Invalid Closing Quote: got {:?} at line {} instead of delimiter, record delimiter, trimable character (if activated) or comment",
                    self.rest.chars().next().unwrap_or_default(),
                    self.line
                )),
            };
        }
    }

    /// Consumes a delimiter or a record delimiter at the start of the rest, if there is one.
    fn take_separator(&mut self) -> Option<FieldEnd> {
        if !self.delimiter.is_empty() && self.rest.starts_with(self.delimiter) {
            self.rest = &self.rest[self.delimiter.len()..];
            return Some(FieldEnd::Delimiter);
        }
        let record_delimiter = match self.record_delimiter {
            Some(fixed) => self.rest.starts_with(fixed).then_some(fixed)?,
            None => {
                let found = ["\r\n", "\n", "\r"]
                    .into_iter()
                    .find(|candidate| self.rest.starts_with(candidate))?;
                self.record_delimiter = Some(found);
                found
            }
        };
        self.rest = &self.rest[record_delimiter.len()..];
        Some(FieldEnd::Record)
    }
}

/// What ended a field.
enum FieldEnd {
    Delimiter,
    Record,
    /// The end of the text.
    Text,
}
