//! EJS rendering of configfiles, as mountebank's default formatter (mountebank-formatters
//! 0.0.2 over ejs 2.7.4) renders them, without a JavaScript engine.
//!
//! What works: `<%- include('file') %>` (also `include('file', {k: v})`) and the old
//! `<% include file %>`, mountebank's `stringify` and its alias `inject` in all three
//! signatures, `<%= %>` (HTML-escaped) and `<%- %>` (raw) of the variables mountebank passes
//! (`filename`; `data` in stringified files; `locals`) and of `process.env.NAME`, with the
//! operators defaults are written with (`process.env.PORT || 4545`, see `expr`), `<%#`
//! comments, `<%%` literals and the trimming tags `-%>`, `<%_`, `_%>`. JavaScript scriptlets
//! (`<% if (...) { %>`) and the rest of the language need an engine: they fail with the tag,
//! its line and the way out (`--noParse`).
//!
//! Pure but for the [`Host`], which reads files and environment variables, so tests run on
//! files in memory.

mod error;
mod expr;
mod render;
mod template;
mod value;

#[cfg(test)]
mod tests;

use std::io;
use std::path::Path;

pub use error::RenderError;

/// What rendering needs from the outside world.
pub trait Host {
    /// The text of a file (an included or stringified one).
    fn read(&self, path: &Path) -> io::Result<String>;
    /// An environment variable, for `process.env.NAME`.
    fn env_var(&self, name: &str) -> Option<String>;
}

/// Renders the configfile `file`, whose text is `text`; other files are read through `host`,
/// relative to `file` as mountebank resolves them.
pub fn render(file: &Path, text: &str, host: &dyn Host) -> Result<String, RenderError> {
    render::Renderer::new(file, host).render_root(text)
}
