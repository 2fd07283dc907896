//! The `copy` behavior: values selected from a request field replace a token everywhere in
//! the response.

use serde_json::{Map, Value};

use super::replace;
use super::select::{From, Selector};
use crate::{MbError, Request};

/// `{"copy": {"from": ..., "into": "${TOKEN}", "using": {...}}}`, compiled.
#[derive(Debug, Clone)]
pub struct CopyBehavior {
    from: From,
    into: String,
    selector: Selector,
}

impl CopyBehavior {
    /// Compiles a validated `copy` object.
    pub(super) fn compile(config: &Map<String, Value>) -> CopyBehavior {
        CopyBehavior {
            from: From::compile(config.get("from").unwrap_or(&Value::Null)),
            into: config
                .get("into")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            selector: Selector::compile(
                config
                    .get("using")
                    .and_then(Value::as_object)
                    .unwrap_or(&Map::new()),
            ),
        }
    }

    /// Replaces `${TOKEN}[i]` with the i-th selected value and `${TOKEN}` with the first; when
    /// nothing is selected the tokens stay. Fails, as in mountebank, for a regex or xpath
    /// selector that cannot be used.
    pub fn apply(
        &self,
        request: &Request,
        response: &mut Map<String, Value>,
    ) -> Result<(), MbError> {
        let values = self.selector.select(self.from.read(request).as_ref())?;
        replace::copy_tokens(response, &self.into, &values)
    }
}
