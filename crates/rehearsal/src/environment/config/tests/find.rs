//! `EnvironmentSpec::find` and `load`: the file on disk.

use std::path::Path;

use super::super::{EnvironmentSpec, Location, FILE_NAME};
use super::Dir;

#[test]
fn find_walks_up_to_the_nearest_config_file() {
    let dir = Dir::new();
    dir.write("rehearsal.toml", "")
        .write("service/rehearsal.toml", "")
        .write("service/src/deep/.keep", "")
        .write("other/.keep", "");
    let root = dir.path();
    assert_eq!(
        EnvironmentSpec::find(&root.join("service/src/deep")),
        Some(root.join("service").join(FILE_NAME))
    );
    assert_eq!(
        EnvironmentSpec::find(&root.join("service")),
        Some(root.join("service/rehearsal.toml"))
    );
    assert_eq!(
        EnvironmentSpec::find(&root.join("other")),
        Some(root.join("rehearsal.toml"))
    );
}

#[test]
fn find_ignores_a_folder_named_like_the_file() {
    let dir = Dir::new();
    dir.write("rehearsal.toml/.keep", "").write("a/.keep", "");
    let found = EnvironmentSpec::find(&dir.path().join("a"));
    assert_ne!(found, Some(dir.path().join("rehearsal.toml")));
}

#[test]
fn load_reads_the_file_and_resolves_paths_against_its_folder() {
    let dir = Dir::new();
    dir.write("env/imposters/p.json", "{}").write(
        "env/rehearsal.toml",
        "[services.p]\nkind = \"imposter\"\nfile = \"imposters/p.json\"\n",
    );
    let spec = EnvironmentSpec::load(&dir.path().join("env/rehearsal.toml")).unwrap();
    let root = dir.path().canonicalize().unwrap();
    assert_eq!(spec.file, root.join("env/rehearsal.toml"));
    assert_eq!(spec.dir, root.join("env"));
    assert_eq!(
        spec.services[0].kind,
        super::super::Kind::Imposter(super::super::ImposterSpec {
            file: root.join("env/imposters/p.json"),
            port: None,
        })
    );
}

#[test]
fn load_of_a_missing_file() {
    let dir = Dir::new();
    let error = EnvironmentSpec::load(&dir.path().join("rehearsal.toml")).unwrap_err();
    assert!(error.location().is_none());
    assert_eq!(
        dir.shown(&error),
        "rehearsal.toml: cannot read the environment file: No such file or directory (os error \
         2)\n  Check the path; without one, rehearsal uses the rehearsal.toml of the current \
         folder or of the nearest parent folder that has one."
    );
}

#[test]
fn an_error_has_its_parts() {
    let dir = Dir::new();
    let error = dir
        .parse("[services.api]\ncommand = \"api\"\nport = 0\n")
        .unwrap_err();
    assert_eq!(
        error.location(),
        Some(&Location {
            path: dir.config(),
            line: 3,
            column: 8,
        })
    );
    assert_eq!(error.path(), dir.config());
    assert_eq!(
        error.message(),
        "`port = 0` is not a port; ports are 1 to 65535"
    );
    assert_eq!(
        error.hint(),
        "Pick a port from 1 to 65535, or leave `port` out for a free port."
    );
    assert_eq!(
        format!("{error:?}"),
        error.to_string(),
        "Debug shows the report, for `unwrap`"
    );
}

#[test]
fn a_relative_path_is_shown_as_given() {
    let error = EnvironmentSpec::parse(
        "[services.api]\nkind = \"nope\"\n",
        Path::new("config/rehearsal.toml"),
    )
    .unwrap_err();
    assert_eq!(
        error.location().map(ToString::to_string).as_deref(),
        Some("config/rehearsal.toml:2:8")
    );
}

#[test]
fn columns_count_characters() {
    let error = EnvironmentSpec::parse(
        "[services.api]\ncommand = \"api\"\nenv = { \"ÉTÉ\" = \"x\", B = \"{nope}\" }\n",
        Path::new("rehearsal.toml"),
    )
    .unwrap_err();
    assert_eq!(error.location().map(|l| (l.line, l.column)), Some((3, 26)));
}
