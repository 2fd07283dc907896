//! Which stubs can match a request, without trying every one of them.
//!
//! mountebank tries stubs in order until one matches, so a request that matches the last of a
//! thousand stubs pays for a thousand predicate evaluations. Most stubs name an exact path, and
//! such a stub cannot match a request with another path; the index files stubs under the path
//! they demand, so a request is tried against the stubs filed under its own path and the stubs
//! that demand none, merged back into stub order. First match still wins, as in mountebank.

use std::collections::HashMap;

use serde_json::Value;

use crate::predicate::lowercase;
use crate::{Request, Stub};

/// Stub positions grouped by the lower-cased path each stub demands.
#[derive(Debug, Clone, Default)]
pub struct StubIndex {
    by_path: HashMap<String, Vec<usize>>,
    /// Stubs that may match any path, in order.
    any_path: Vec<usize>,
    len: usize,
}

impl StubIndex {
    pub fn new<'a>(stubs: impl IntoIterator<Item = &'a Stub>) -> StubIndex {
        let mut index = StubIndex::default();
        for (position, stub) in stubs.into_iter().enumerate() {
            match stub.required_path() {
                Some(path) => index.by_path.entry(path).or_default().push(position),
                None => index.any_path.push(position),
            }
            index.len = position + 1;
        }
        index
    }

    /// The positions of the stubs that may match `request`, in stub order. Every stub that
    /// can match is among them; the caller still evaluates each one's predicates.
    pub fn candidates<'a>(&'a self, request: &Request) -> Candidates<'a> {
        let filed: &[usize] = match request.0.get("path") {
            Some(Value::String(path)) => self
                .by_path
                .get(lowercase(path).as_ref())
                .map_or(&[], Vec::as_slice),
            // A request built without its path is only built so when no stub reads the path.
            _ if self.by_path.is_empty() => &[],
            _ => return Candidates::All(0..self.len),
        };
        Candidates::Merged {
            filed,
            any_path: &self.any_path,
        }
    }
}

/// The iterator of [`StubIndex::candidates`].
#[derive(Debug)]
pub enum Candidates<'a> {
    All(std::ops::Range<usize>),
    /// Two ascending lists merged into one.
    Merged {
        filed: &'a [usize],
        any_path: &'a [usize],
    },
}

impl Iterator for Candidates<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Candidates::All(range) => range.next(),
            Candidates::Merged { filed, any_path } => {
                let take_filed = match (filed.first(), any_path.first()) {
                    (Some(a), Some(b)) => a < b,
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => return None,
                };
                let list = if take_filed { filed } else { any_path };
                let (first, rest) = list.split_first()?;
                *list = rest;
                Some(*first)
            }
        }
    }
}

#[cfg(test)]
mod tests;
