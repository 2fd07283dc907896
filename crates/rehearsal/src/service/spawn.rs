//! Spawning children: in their own process group, with a parent-death signal, from one
//! long-lived thread.
//!
//! Linux sends the parent-death signal when the *thread* that forked the child exits, not
//! the process. Test threads end all the time (libtest runs each test on its own thread), so
//! a child forked by a test thread would be killed when that test function returns, even if
//! it handed the running service to someone else. All forks therefore happen on one kit
//! thread that lives as long as the process: the signal then fires exactly when the test
//! process dies, however it dies (SIGKILL included).

use std::io;
use std::process::{Child, Command};
use std::sync::mpsc::{self, Sender};
use std::sync::{Mutex, PoisonError};
use std::thread;

/// Spawns `command` as the leader of a new process group, to be killed with SIGKILL if the
/// test process dies.
pub(crate) fn spawn(command: Command) -> io::Result<Child> {
    let (reply, answer) = mpsc::channel();
    spawner()?
        .send(Job { command, reply })
        .map_err(|_| io::Error::other("the rehearsal spawner thread is gone"))?;
    answer
        .recv()
        .map_err(|_| io::Error::other("the rehearsal spawner thread is gone"))?
}

struct Job {
    command: Command,
    reply: Sender<io::Result<Child>>,
}

/// The spawner thread's queue, started on first use. It is never stopped: the thread must
/// outlive every child it forks.
fn spawner() -> io::Result<Sender<Job>> {
    static SPAWNER: Mutex<Option<Sender<Job>>> = Mutex::new(None);
    let mut slot = SPAWNER.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(sender) = slot.as_ref() {
        return Ok(sender.clone());
    }
    let (sender, jobs) = mpsc::channel::<Job>();
    thread::Builder::new()
        .name("rehearsal-spawner".to_owned())
        .spawn(move || {
            for Job { mut command, reply } in jobs {
                guard_against_orphaning(&mut command);
                // The caller may have given up waiting; the child is then dropped unreaped,
                // which its parent-death signal and the watchdog make harmless.
                let _ = reply.send(command.spawn());
            }
        })?;
    *slot = Some(sender.clone());
    Ok(sender)
}

/// Makes the child a process-group leader (so a stop reaches its own children too) that
/// receives SIGKILL when its parent dies.
///
/// `pre_exec` is `unsafe` because the closure runs in the forked child, where only
/// async-signal-safe calls are allowed (another thread may have held the allocator's lock at
/// the fork). This closure is sound: it makes two system calls, `prctl(PR_SET_PDEATHSIG)` and
/// `getppid`, and builds its errors from a raw errno, without allocating or locking.
#[allow(unsafe_code)]
fn guard_against_orphaning(command: &mut Command) {
    use std::os::unix::process::CommandExt;

    use nix::errno::Errno;
    use nix::sys::prctl;
    use nix::sys::signal::Signal;
    use nix::unistd::{getpid, getppid};

    command.process_group(0);
    let parent = getpid();
    // SAFETY: see above; the closure only makes async-signal-safe system calls.
    unsafe {
        command.pre_exec(move || {
            prctl::set_pdeathsig(Signal::SIGKILL).map_err(io::Error::from)?;
            // If the parent died before the signal was armed, nothing will send it: give up
            // instead of running as an orphan.
            if getppid() != parent {
                return Err(io::Error::from(Errno::ESRCH));
            }
            Ok(())
        });
    }
}
