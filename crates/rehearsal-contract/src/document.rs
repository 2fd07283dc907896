//! `Document`: an API document and the neighbouring files its `$ref`s name, loaded and
//! checked once, so that every later lookup succeeds.
//!
//! A document may be split across files (`$ref: schemas/Pet.yaml`,
//! `$ref: ../common/errors.yaml#/Error`). Loading follows every `$ref`, reads each file
//! once, and checks that each reference points at something: a broken document is reported
//! when it is loaded, naming the file and the place of the `$ref`, rather than when a test
//! happens to reach it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::pointer;
use crate::version::Version;
use crate::yaml;

/// Why a document cannot be used. The `Display` names the file, the place in it (a JSON
/// pointer) when there is one, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), at.as_deref().map(|at| format!(" at {at}")).unwrap_or_default())]
pub struct DocumentError {
    /// The file at fault.
    pub file: PathBuf,
    /// Where in it, as a JSON pointer (`#/paths/~1pets/get/responses/200/$ref`).
    pub at: Option<String>,
    pub message: String,
}

/// A loaded API document: the root file and every file its references reach.
#[derive(Debug, Clone)]
pub struct Document {
    version: Version,
    root: PathBuf,
    /// Every file by its canonical path, the root among them.
    files: BTreeMap<PathBuf, Value>,
}

/// What a reference points at: the value and where it is.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    pub file: &'a Path,
    /// A JSON pointer into `file` (`/components/schemas/Pet`; empty for the whole file).
    pub pointer: String,
    pub value: &'a Value,
}

impl Document {
    /// Reads the document at `path` (YAML or JSON) and the files its references name.
    pub fn load(path: &Path) -> Result<Document, DocumentError> {
        let root = canonical(path).map_err(|message| DocumentError {
            file: path.to_owned(),
            at: None,
            message,
        })?;
        let mut files = BTreeMap::new();
        let value = read(&root)?;
        let version = Version::of(&value).map_err(|message| DocumentError {
            file: root.clone(),
            at: None,
            message,
        })?;
        files.insert(root.clone(), value);
        let mut document = Document {
            version,
            root,
            files,
        };
        document.load_neighbours()?;
        document.check_references()?;
        Ok(document)
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// The root file, canonical.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The root file's content.
    pub fn root(&self) -> &Value {
        &self.files[&self.root]
    }

    /// The files of the document, the root first.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.root.as_path()).chain(
            self.files
                .keys()
                .map(PathBuf::as_path)
                .filter(|f| *f != self.root),
        )
    }

    /// The content of one of the document's files.
    pub fn file(&self, path: &Path) -> Option<&Value> {
        self.files.get(path)
    }

    /// What `reference` (a `$ref` value) written in `from` points at. Every reference in the
    /// document was checked when it was loaded, so for those this only fails on references
    /// made up later.
    pub fn resolve(&self, from: &Path, reference: &str) -> Result<Target<'_>, String> {
        let (file, fragment) = split(from, reference);
        let (file, content) = self.files.get_key_value(&file).ok_or_else(|| {
            format!("`{reference}` names a file that is not part of the document")
        })?;
        let pointer = fragment_pointer(fragment)?;
        let value = pointer::get(content, &pointer)
            .ok_or_else(|| format!("`{reference}` points at nothing in {}", file.display()))?;
        Ok(Target {
            file,
            pointer,
            value,
        })
    }

    /// Follows `$ref`s from `value`, found at `pointer` in `file`, until a value that is not
    /// a reference; `Err` on a cycle of references.
    pub fn follow<'a>(
        &'a self,
        file: &'a Path,
        pointer: String,
        value: &'a Value,
    ) -> Result<Target<'a>, String> {
        let mut target = Target {
            file,
            pointer,
            value,
        };
        for _ in 0..64 {
            match target.value.get("$ref").and_then(Value::as_str) {
                Some(reference) => target = self.resolve(target.file, reference)?,
                None => return Ok(target),
            }
        }
        Err("a chain of more than 64 `$ref`s, probably a cycle".to_owned())
    }

    /// Reads every file that a reference names, transitively.
    fn load_neighbours(&mut self) -> Result<(), DocumentError> {
        let mut pending: Vec<PathBuf> = vec![self.root.clone()];
        while let Some(file) = pending.pop() {
            let mut references = Vec::new();
            collect_references(&self.files[&file], String::new(), &mut references);
            for (at, reference) in references {
                let (target, _) = split(&file, &reference);
                if self.files.contains_key(&target) {
                    continue;
                }
                let at = Some(format!("#{at}/$ref"));
                if is_remote(&reference) {
                    return Err(DocumentError {
                        file,
                        at,
                        message: format!(
                            "`{reference}` is on the network; only files beside the document \
                             can be referenced. Download it next to the document and refer \
                             to it by its relative path"
                        ),
                    });
                }
                let canonical_target = canonical(&target).map_err(|message| DocumentError {
                    file: file.clone(),
                    at: at.clone(),
                    message: format!("`{reference}` names {}: {message}", target.display()),
                })?;
                let value = read(&canonical_target)?;
                self.files.insert(canonical_target.clone(), value);
                pending.push(canonical_target);
            }
        }
        Ok(())
    }

    /// Every reference of every file points at something.
    fn check_references(&self) -> Result<(), DocumentError> {
        for (file, content) in &self.files {
            let mut references = Vec::new();
            collect_references(content, String::new(), &mut references);
            for (at, reference) in references {
                let error = |message| DocumentError {
                    file: file.clone(),
                    at: Some(format!("#{at}/$ref")),
                    message,
                };
                let target = self.resolve(file, &reference).map_err(error)?;
                // A chain of references that comes back on itself has no value at its end.
                self.follow(target.file, target.pointer.clone(), target.value)
                    .map_err(error)?;
            }
        }
        Ok(())
    }
}

/// The file and the fragment of `reference`, written in `from`.
fn split<'r>(from: &Path, reference: &'r str) -> (PathBuf, &'r str) {
    let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if file_part.is_empty() {
        return (from.to_owned(), fragment);
    }
    let dir = from.parent().unwrap_or(Path::new("."));
    let decoded = pointer::percent_decode(file_part);
    let joined = dir.join(decoded);
    // Canonical when it exists, so that one file reached two ways is one file.
    (joined.canonicalize().unwrap_or(joined), fragment)
}

/// The JSON pointer of a fragment: `/components/schemas/Pet`, percent-decoded. `#/` (the
/// whole file, as some documents write it) is the whole file.
fn fragment_pointer(fragment: &str) -> Result<String, String> {
    let decoded = pointer::percent_decode(fragment);
    if decoded == "/" {
        return Ok(String::new());
    }
    if !decoded.is_empty() && !decoded.starts_with('/') {
        return Err(format!(
            "`#{fragment}` is not a JSON pointer (one starts with `/`, as in \
             `#/components/schemas/Pet`)"
        ));
    }
    Ok(decoded)
}

fn is_remote(reference: &str) -> bool {
    let lower = reference.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Keys whose value is data (an example, a default), where a `$ref` key is just a key.
const DATA_KEYS: [&str; 6] = ["example", "x-example", "value", "default", "enum", "const"];

/// Keys whose value maps names of the document's own choosing to objects: a property
/// called `example` is a schema, not data.
const NAME_MAPS: [&str; 14] = [
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "schemas",
    "parameters",
    "responses",
    "examples",
    "headers",
    "links",
    "callbacks",
    "securitySchemes",
    "requestBodies",
    "pathItems",
];

/// Every `$ref` string in `value`, with the pointer of the object that holds it.
fn collect_references(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    collect_references_under(value, None, at, out);
}

fn collect_references_under(
    value: &Value,
    parent_key: Option<&str>,
    at: String,
    out: &mut Vec<(String, String)>,
) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push((at.clone(), reference.clone()));
            }
            let names = parent_key.is_some_and(|key| NAME_MAPS.contains(&key));
            for (key, child) in map {
                if !names && DATA_KEYS.contains(&key.as_str()) {
                    continue;
                }
                let child_at = format!("{at}/{}", pointer::escape(key));
                collect_references_under(child, Some(key), child_at, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_references_under(child, None, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

fn canonical(path: &Path) -> Result<PathBuf, String> {
    path.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "the file does not exist".to_owned(),
        _ => format!("the file cannot be read: {e}"),
    })
}

fn read(path: &Path) -> Result<Value, DocumentError> {
    let error = |message: String| DocumentError {
        file: path.to_owned(),
        at: None,
        message,
    };
    let text =
        fs::read_to_string(path).map_err(|e| error(format!("the file cannot be read: {e}")))?;
    yaml::parse(&text).map_err(error)
}
