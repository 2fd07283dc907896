//! The datadir's file operations, on a temporary directory.

use super::*;

#[test]
fn only_canonical_imposter_names_have_a_port() {
    assert_eq!(port_of("imposter-4545.json"), Some(4545));
    assert_eq!(port_of(&file_name(0)), Some(0));
    for other in [
        "imposter-4545.json.tmp",
        "imposter-4545.json.broken",
        "imposter-+4545.json",
        "imposter-04545.json",
        "imposter-70000.json",
        "imposter-.json",
        "4545.json",
        LOCK_NAME,
    ] {
        assert_eq!(port_of(other), None, "{other}");
    }
}

#[test]
fn a_write_replaces_the_file_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    write_atomically(dir.path(), 4545, b"first").unwrap();
    write_atomically(dir.path(), 4545, b"second").unwrap();
    assert_eq!(
        fs::read(dir.path().join("imposter-4545.json")).unwrap(),
        b"second"
    );
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["imposter-4545.json"]);
}

#[test]
fn set_aside_never_overwrites_an_earlier_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("imposter-1.json");
    fs::write(&path, "one").unwrap();
    assert_eq!(
        set_aside(&path).unwrap(),
        dir.path().join("imposter-1.json.broken")
    );
    fs::write(&path, "two").unwrap();
    assert_eq!(
        set_aside(&path).unwrap(),
        dir.path().join("imposter-1.json.1.broken")
    );
    let kept = fs::read_to_string(dir.path().join("imposter-1.json.broken")).unwrap();
    assert_eq!(kept, "one");
}

#[test]
fn a_second_lock_on_the_same_datadir_is_refused_until_the_first_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let first = try_lock(dir.path()).unwrap();
    assert!(first.is_some());
    assert!(try_lock(dir.path()).unwrap().is_none());
    drop(first);
    assert!(try_lock(dir.path()).unwrap().is_some());
}
