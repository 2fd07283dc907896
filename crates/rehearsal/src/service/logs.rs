//! Log files of children: where they go, their tails for reports, and following them for
//! `Probe::log_line`.
//!
//! Children write straight to files, not to pipes the kit would have to drain: a child can
//! never block on a full pipe, its output survives the test process, and the files are there
//! to read after a failed run (`target/rehearsal/logs/<name>-<pid>.{stdout,stderr}.log`).

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use regex::Regex;

/// Lines of each stream shown in a failure report.
pub(crate) const REPORT_LINES: usize = 20;

/// Only the end of a log is read for a tail; logs can be large.
const TAIL_BYTES: u64 = 64 * 1024;

/// The two log files of one start of a service.
///
/// ```no_run
/// # use rehearsal::service::Service;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let orders = Service::new("orders", "orders").start()?;
/// let stdout = std::fs::read_to_string(orders.log_paths().stdout())?;
/// # let _ = stdout;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogPaths {
    stdout: PathBuf,
    stderr: PathBuf,
}

impl LogPaths {
    /// The file the service's standard output goes to.
    pub fn stdout(&self) -> &Path {
        &self.stdout
    }

    /// The file the service's standard error goes to.
    pub fn stderr(&self) -> &Path {
        &self.stderr
    }
}

/// The last lines of a service's standard output and standard error.
///
/// Its `Display` shows each stream's file and its lines, each prefixed with the service's
/// name, as failure reports do:
///
/// ```text
/// stdout (/work/target/rehearsal/logs/orders-4242.stdout.log):
///   orders | listening on 127.0.0.1:41234
/// stderr (/work/target/rehearsal/logs/orders-4242.stderr.log): empty
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogTail {
    name: String,
    paths: LogPaths,
    stdout: Vec<String>,
    stderr: Vec<String>,
}

impl LogTail {
    /// The last lines of standard output, oldest first, without line endings.
    pub fn stdout(&self) -> &[String] {
        &self.stdout
    }

    /// The last lines of standard error, oldest first, without line endings.
    pub fn stderr(&self) -> &[String] {
        &self.stderr
    }

    /// All the lines of both streams joined, for a quick `contains` in a test.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for line in self.stdout.iter().chain(&self.stderr) {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

impl fmt::Display for LogTail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (stream, path, lines) in [
            ("stdout", &self.paths.stdout, &self.stdout),
            ("stderr", &self.paths.stderr, &self.stderr),
        ] {
            write!(f, "{stream} ({}):", path.display())?;
            if lines.is_empty() {
                writeln!(f, " empty")?;
            } else {
                writeln!(f)?;
                for line in lines {
                    writeln!(f, "  {} | {line}", self.name)?;
                }
            }
        }
        Ok(())
    }
}

/// The open files a child writes to, before it is spawned.
pub(crate) struct LogFiles {
    pub(crate) stdout: File,
    pub(crate) stderr: File,
    pub(crate) paths: LogPaths,
}

/// Creates a fresh pair of log files for a start of `name`. They get a provisional name
/// because the child's PID, which names them in the end, is not known yet.
pub(crate) fn create(dir: &Path, name: &str) -> io::Result<LogFiles> {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let stem = format!(
        "{}-starting-{}-{sequence}",
        file_safe(name),
        std::process::id()
    );
    let paths = paths_for(dir, &stem);
    Ok(LogFiles {
        stdout: File::create(&paths.stdout)?,
        stderr: File::create(&paths.stderr)?,
        paths,
    })
}

/// Renames the files of a spawned child to `<name>-<pid>`, so they can be found from the PID
/// in `ps` or a report. The child keeps writing through its open descriptors. If renaming
/// fails the provisional names stay, which loses nothing.
pub(crate) fn name_after_pid(paths: LogPaths, name: &str, pid: u32) -> LogPaths {
    name_after(paths, name, &pid.to_string())
}

/// Renames the files to `<name>-<tag>`: the PID of a child, `c` and the short ID of a
/// container.
pub(crate) fn name_after(paths: LogPaths, name: &str, tag: &str) -> LogPaths {
    let dir = paths.stdout.parent().unwrap_or(Path::new("."));
    let final_paths = paths_for(dir, &format!("{}-{tag}", file_safe(name)));
    let rename = |from: PathBuf, to: PathBuf| {
        if fs::rename(&from, &to).is_ok() {
            to
        } else {
            from
        }
    };
    LogPaths {
        stdout: rename(paths.stdout, final_paths.stdout),
        stderr: rename(paths.stderr, final_paths.stderr),
    }
}

/// The last `lines` lines of each stream. A log that cannot be read shows that as its line,
/// because a report must never fail for want of its logs.
pub(crate) fn tail(name: &str, paths: &LogPaths, lines: usize) -> LogTail {
    let read = |path: &Path| {
        tail_of(path, lines).unwrap_or_else(|e| vec![format!("(could not read the log: {e})")])
    };
    LogTail {
        name: name.to_owned(),
        stdout: read(&paths.stdout),
        stderr: read(&paths.stderr),
        paths: paths.clone(),
    }
}

/// Follows both log files of a child, for `Probe::log_line`: each call reads what was added
/// since the last one.
pub(crate) struct LineWatch {
    streams: [Follow; 2],
}

struct Follow {
    path: PathBuf,
    offset: u64,
    /// The bytes after the last newline, kept as bytes so a character split across two
    /// reads is decoded whole.
    partial: Vec<u8>,
}

impl LineWatch {
    pub(crate) fn new(paths: &LogPaths) -> LineWatch {
        let follow = |path: &Path| Follow {
            path: path.to_owned(),
            offset: 0,
            partial: Vec::new(),
        };
        LineWatch {
            streams: [follow(&paths.stdout), follow(&paths.stderr)],
        }
    }

    /// Whether a line written so far matches. A last line without its newline counts, since
    /// a service may print its banner without one.
    pub(crate) fn saw(&mut self, regex: &Regex) -> io::Result<bool> {
        for follow in &mut self.streams {
            if follow.saw(regex)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl Follow {
    fn saw(&mut self, regex: &Regex) -> io::Result<bool> {
        let mut file = File::open(&self.path)?;
        file.seek(SeekFrom::Start(self.offset))?;
        let mut added = Vec::new();
        let read = file.read_to_end(&mut added)?;
        self.offset += read as u64;
        self.partial.extend_from_slice(&added);
        let mut matched = false;
        while let Some(end) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            matched |= regex.is_match(trim_line(&String::from_utf8_lossy(&line)));
        }
        Ok(matched || regex.is_match(trim_line(&String::from_utf8_lossy(&self.partial))))
    }
}

/// The directory for log files: `$CARGO_TARGET_DIR/rehearsal/logs`, else `rehearsal/logs` in
/// the target directory the test binary was built in, else in the temp directory.
pub(crate) fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let preferred = target_dir().map(|target| target.join("rehearsal").join("logs"));
        if let Some(dir) = preferred.filter(|dir| fs::create_dir_all(dir).is_ok()) {
            return dir;
        }
        let fallback = std::env::temp_dir().join("rehearsal").join("logs");
        // If even this fails, creating the log files will, and that error is reported.
        let _ = fs::create_dir_all(&fallback);
        fallback
    })
}

/// Cargo's target directory. A relative `CARGO_TARGET_DIR` is relative to where cargo was
/// run, which a test cannot know, so then the test binary's location decides: cargo marks
/// its target directory with a `CACHEDIR.TAG`.
fn target_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        if dir.is_absolute() {
            return Some(dir);
        }
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors()
        .skip(1)
        .find(|dir| {
            dir.join("CACHEDIR.TAG").is_file() || dir.file_name() == Some("target".as_ref())
        })
        .map(Path::to_owned)
}

fn paths_for(dir: &Path, stem: &str) -> LogPaths {
    LogPaths {
        stdout: dir.join(format!("{stem}.stdout.log")),
        stderr: dir.join(format!("{stem}.stderr.log")),
    }
}

/// Service names become file names; anything but letters, digits, `-`, `_` and `.` is
/// replaced so a name like `api/v2` cannot point elsewhere.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn tail_of(path: &Path, lines: usize) -> io::Result<Vec<String>> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut all: Vec<&str> = text.lines().collect();
    if start > 0 && !all.is_empty() {
        // The read began inside a line; that fragment would mislead.
        all.remove(0);
    }
    let skip = all.len().saturating_sub(lines);
    Ok(all[skip..]
        .iter()
        .map(|line| trim_line(line).to_owned())
        .collect())
}

fn trim_line(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}
