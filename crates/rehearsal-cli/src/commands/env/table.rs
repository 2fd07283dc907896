//! The table of services that `up` and `ps` print.

use std::env;
use std::path::Path;

use rehearsal::environment::ServiceInfo;

/// One line per service: name, kind, URL, PID and where its output is.
pub fn render(services: &[ServiceInfo], with_status: bool) -> String {
    let mut rows = vec![header(with_status)];
    for service in services {
        let mut row = vec![
            service.name().to_owned(),
            service.kind().to_owned(),
            service.url().to_owned(),
            service
                .pid()
                .map_or_else(|| "-".to_owned(), |pid| pid.to_string()),
        ];
        if with_status {
            row.push(status(service).to_owned());
        }
        row.push(logs(service));
        rows.push(row);
    }
    align(&rows)
}

fn header(with_status: bool) -> Vec<String> {
    let mut names = vec!["SERVICE", "KIND", "URL", "PID"];
    if with_status {
        names.push("STATUS");
    }
    names.push("LOGS");
    names.into_iter().map(str::to_owned).collect()
}

fn status(service: &ServiceInfo) -> &'static str {
    match service.is_running() {
        Some(true) => "running",
        Some(false) => "exited",
        None => "serving",
    }
}

/// `<dir>/<name>-<pid>.{stdout,stderr}.log`, relative to the current directory when it is
/// below it.
fn logs(service: &ServiceInfo) -> String {
    let Some(stdout) = service.stdout_log() else {
        return "-".to_owned();
    };
    let shown = shorten(stdout);
    match shown.strip_suffix(".stdout.log") {
        Some(stem) => format!("{stem}.{{stdout,stderr}}.log"),
        None => shown,
    }
}

fn shorten(path: &Path) -> String {
    env::current_dir()
        .ok()
        .and_then(|here| path.strip_prefix(here).ok().map(Path::to_owned))
        .unwrap_or_else(|| path.to_owned())
        .display()
        .to_string()
}

fn align(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let last = row.len().saturating_sub(1);
        for (c, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if c < last {
                out.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        out.push('\n');
    }
    out
}
