//! Words for reports: command lines a shell accepts, durations, how a process ended.

use std::ffi::OsStr;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::Duration;

use super::signal;

/// The command as one line that can be pasted into a shell to reproduce a failure.
pub(crate) fn command_line(program: &OsStr, args: &[String]) -> String {
    let mut line = quote(&program.to_string_lossy());
    for arg in args {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    line
}

/// `arg` as a POSIX shell word: unchanged when that is safe, else in single quotes.
pub(crate) fn quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// `250 ms`, `10 s`, `1.5 s`.
pub(crate) fn duration(d: Duration) -> String {
    let millis = d.as_millis();
    if millis < 1000 {
        format!("{millis} ms")
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `exited with code 3`, `was killed by SIGKILL (signal 9)`.
pub(crate) fn exit(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with code {code}");
    }
    match status.signal() {
        Some(number) => match signal::name_of(number) {
            Some(name) => format!("was killed by {name} (signal {number})"),
            None => format!("was killed by signal {number}"),
        },
        None => format!("ended with {status}"),
    }
}

#[cfg(test)]
mod tests;
