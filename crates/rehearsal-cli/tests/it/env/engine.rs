//! A real container engine for the container tests: podman's Docker-compatible API service,
//! started by each test on a socket of its own, with a small image built from the machine's
//! static busybox (no registry is needed: the image is imported from a tarball).
//!
//! The settings in `CONTAINERS_CONF` let podman run containers inside a sandbox such as a CI
//! runner's: runc with cgroupfs (crun refuses hybrid cgroups), and open-file limits no higher
//! than the sandbox's own. The limits have equal soft and hard values because podman 4.3's
//! Docker-compatible API swaps the two.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::cli::harness::eventually;

/// The image the tests run: busybox (`sh`, `httpd`, `wget`) and a page in `/www`.
pub const IMAGE: &str = "localhost/rehearsal-test-busybox:1";

/// What `/www/index.html` of the image says.
pub const PAGE: &str = "hello from the container";

const CONTAINERS_CONF: &str = r#"[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
"#;

/// A podman API service on a unix socket, stopped when dropped.
pub struct Engine {
    service: Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Engine {
    /// Starts a service on a new socket, once the test image is imported.
    pub fn start() -> Engine {
        image();
        let dir = tempfile::Builder::new()
            .prefix("rehearsal-test-engine-")
            .tempdir()
            .expect("create the engine's folder");
        let socket = dir.path().join("engine.sock");
        let service = podman()
            .args(["system", "service", "--time=0"])
            .arg(format!("unix://{}", socket.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start `podman system service`");
        let engine = Engine {
            service,
            socket,
            _dir: dir,
        };
        eventually("the engine's socket", Duration::from_secs(20), || {
            engine.socket.exists()
        });
        engine
    }

    /// `unix://...`, for `DOCKER_HOST`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// The containers (running or not) labelled with the run directory `run_dir`.
    pub fn containers_of(&self, run_dir: &str) -> Vec<String> {
        self.labelled("ps", run_dir)
    }

    /// The networks labelled with the run directory `run_dir`.
    pub fn networks_of(&self, run_dir: &str) -> Vec<String> {
        self.labelled("network", run_dir)
    }

    /// Removes the containers and networks labelled with `run_dir`.
    pub fn remove_all_of(&self, run_dir: &str) {
        for (what, ids) in [
            ("container", self.containers_of(run_dir)),
            ("network", self.networks_of(run_dir)),
        ] {
            for id in ids {
                let status = podman()
                    .args([what, "rm", "--force", &id])
                    .stdout(Stdio::null())
                    .status()
                    .expect("run podman rm");
                assert!(status.success(), "podman {what} rm {id} failed");
            }
        }
    }

    /// The run directories named by the labels of all containers, of every environment.
    pub fn labelled_run_dirs(&self) -> Vec<String> {
        let output = podman()
            .args([
                "ps",
                "--all",
                "--filter",
                "label=dev.rehearsal.run",
                "--format",
            ])
            .arg(r#"{{ index .Labels "dev.rehearsal.run" }}"#)
            .output()
            .expect("run podman ps");
        assert!(output.status.success(), "podman ps failed: {output:?}");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn labelled(&self, what: &str, run_dir: &str) -> Vec<String> {
        let filter = format!("label=dev.rehearsal.run={run_dir}");
        let mut command = podman();
        match what {
            "ps" => command.args(["ps", "--all", "--quiet", "--filter", &filter]),
            _ => command.args(["network", "ls", "--quiet", "--filter", &filter]),
        };
        let output = command.output().expect("run podman");
        assert!(output.status.success(), "podman {what} failed: {output:?}");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.service.kill();
        let _ = self.service.wait();
    }
}

/// `podman` with the sandbox settings.
fn podman() -> Command {
    static CONF: OnceLock<PathBuf> = OnceLock::new();
    let conf = CONF.get_or_init(|| {
        let path = std::env::temp_dir().join(format!(
            "rehearsal-test-containers-{}.conf",
            std::process::id()
        ));
        fs::write(&path, CONTAINERS_CONF).expect("write containers.conf");
        path
    });
    let mut command = Command::new("podman");
    command.env("CONTAINERS_CONF", conf);
    command
}

/// Imports the test image unless podman has it.
fn image() {
    static IMPORTED: OnceLock<()> = OnceLock::new();
    IMPORTED.get_or_init(|| {
        let exists = podman()
            .args(["image", "exists", IMAGE])
            .status()
            .unwrap_or_else(|e| {
                panic!(
                    "the container tests need podman ({e}): apt-get install podman runc \
                     busybox-static (scripts/test-all.sh does)"
                )
            });
        if exists.success() {
            return;
        }
        let root = tempfile::tempdir().expect("create the image's folder");
        let tarball = build_root(root.path());
        let status = podman()
            .args(["import", "--quiet"])
            .arg(&tarball)
            .arg(IMAGE)
            .stdout(Stdio::null())
            .status()
            .expect("run podman import");
        assert!(status.success(), "podman import failed");
    });
}

/// A root file system with busybox and its applets, as a tarball.
fn build_root(dir: &Path) -> PathBuf {
    let busybox = ["/bin/busybox", "/usr/bin/busybox"]
        .into_iter()
        .map(Path::new)
        .find(|path| path.exists())
        .expect("busybox is installed (apt-get install busybox-static)");
    let root = dir.join("root");
    fs::create_dir_all(root.join("bin")).expect("create bin/");
    fs::create_dir_all(root.join("www")).expect("create www/");
    fs::create_dir_all(root.join("tmp")).expect("create tmp/");
    fs::copy(busybox, root.join("bin/busybox")).expect("copy busybox");
    for applet in ["sh", "httpd", "wget", "echo", "sleep", "cat", "env"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(applet))
            .expect("link an applet");
    }
    fs::write(root.join("www/index.html"), PAGE).expect("write the page");
    let tarball = dir.join("root.tar");
    let status = Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("-cf")
        .arg(&tarball)
        .arg(".")
        .status()
        .expect("run tar");
    assert!(status.success(), "tar failed");
    tarball
}
