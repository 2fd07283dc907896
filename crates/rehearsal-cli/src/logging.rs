//! Log output in mountebank's two formats: console lines `info: [mb:2525] message` on stdout, and
//! a JSON-lines file `{"level":"info","message":"...","timestamp":"..."}` that `GET /logs` reads.
//!
//! Messages carry their own scope prefix (`[mb:2525]`, `[http:4545 orders]`), as mountebank's do,
//! so this layer prints the message as it is; any other fields of an event are appended as
//! ` key=value` so that nothing is silently lost.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use anyhow::Context;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Context as LayerContext, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

use crate::args::LogLevel;
use crate::config::LogConfig;

/// Installs the global subscriber. The log file is opened for appending, as mountebank's is.
pub fn init(config: &LogConfig) -> anyhow::Result<()> {
    let file = match &config.file {
        Some(path) => Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| {
                    format!(
                        "cannot open log file {}; choose another with --logfile or use --nologfile",
                        path.display()
                    )
                })?,
        ),
        None => None,
    };
    let layer = MbLayer {
        colorize: std::io::stdout().is_terminal(),
        file: file.map(Mutex::new),
    };
    tracing_subscriber::registry()
        .with(layer.with_filter(filter(config.level)))
        .try_init()
        .context("cannot install the logger")?;
    Ok(())
}

/// `--loglevel` for rehearsal's own events; libraries underneath (hyper, axum, ...) are held to
/// warnings, since their debug output means nothing to a mountebank user.
fn filter(level: LogLevel) -> Targets {
    let level = LevelFilter::from_level(tracing_level(level));
    let quiet = level.min(LevelFilter::WARN);
    [
        "hyper",
        "hyper_util",
        "h2",
        "axum",
        "tower",
        "tower_http",
        "reqwest",
        "rustls",
        "mio",
    ]
    .into_iter()
    .fold(Targets::new().with_default(level), |targets, target| {
        targets.with_target(target, quiet)
    })
}

fn tracing_level(level: LogLevel) -> Level {
    match level {
        LogLevel::Debug => Level::DEBUG,
        LogLevel::Info => Level::INFO,
        LogLevel::Warn => Level::WARN,
        LogLevel::Error => Level::ERROR,
    }
}

struct MbLayer {
    colorize: bool,
    /// Unbuffered, so that `GET /logs` sees a line as soon as it is logged; one `write_all` per
    /// line keeps lines whole.
    file: Option<Mutex<File>>,
}

impl<S: Subscriber> Layer<S> for MbLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: LayerContext<'_, S>) {
        let mut visitor = MessageVisitor::default();
        event.record(&mut visitor);
        let message = visitor.message;
        let level = level_name(*event.metadata().level());

        let mut line = String::with_capacity(message.len() + 16);
        if self.colorize {
            let _ = write!(line, "\x1b[{}m{level}\x1b[39m", color(level));
        } else {
            line.push_str(level);
        }
        let _ = writeln!(line, ": {message}");
        // A closed stdout must not stop the server; the file log still has the line.
        let _ = std::io::stdout().lock().write_all(line.as_bytes());

        if let Some(file) = &self.file {
            let record = json!({
                "level": level,
                "message": message,
                "timestamp": timestamp(),
            });
            let mut line = record.to_string();
            line.push('\n');
            if let Ok(mut file) = file.lock() {
                let _ = file.write_all(line.as_bytes());
            }
        }
    }
}

/// mountebank's level names; tracing's TRACE never passes the filter but would read as debug.
fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "error",
        Level::WARN => "warn",
        Level::INFO => "info",
        _ => "debug",
    }
}

/// winston's colours: the ANSI foreground code for each level.
fn color(level: &str) -> u8 {
    match level {
        "error" => 31,
        "warn" => 33,
        "info" => 32,
        _ => 34,
    }
}

/// The current UTC time as mountebank writes it: `2024-01-31T12:34:56.789Z`.
fn timestamp() -> String {
    rehearsal_server::iso_now()
}

#[derive(Default)]
struct MessageVisitor {
    message: String,
}

impl Visit for MessageVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.insert_str(0, value);
        } else {
            let _ = write!(self.message, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message.insert_str(0, &format!("{value:?}"));
        } else {
            let _ = write!(self.message, " {}={value:?}", field.name());
        }
    }
}
