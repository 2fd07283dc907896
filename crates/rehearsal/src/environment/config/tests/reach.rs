//! Phase 6: a container names only containers, which it can reach on its network.

use super::{check, Dir};

const HINT_CACHE: &str = "Run `cache` as a container too (kind = \"container\" with its \
                          image), or run `web` as a local process (kind = \"command\").";

const WEB: &str = "[services.web]\nkind = \"container\"\nimage = \"nginx\"\ncontainer_port = 80\n";

#[test]
fn a_container_cannot_depend_on_a_local_server() {
    check(
        &format!("[services.cache]\nkind = \"redis\"\n{WEB}depends_on = [\"cache\"]\n"),
        &format!(
            "rehearsal.toml:7:15: the container `web` depends on `cache`, a redis service that \
             runs on this machine, which a container cannot reach\n  {HINT_CACHE}"
        ),
    );
}

#[test]
fn a_container_cannot_name_a_local_process_in_a_template() {
    check(
        &format!("[services.api]\ncommand = \"api\"\n{WEB}env = {{ API = \"{{api.url}}\" }}\n"),
        "rehearsal.toml:7:15: the container `web` refers to `api` in the template `{api.url}`, \
         but `api` is a command service that runs on this machine, which a container cannot \
         reach\n  Run `api` as a container too (kind = \"container\" with its image), or run \
         `web` as a local process (kind = \"command\").",
    );
}

#[test]
fn a_container_cannot_name_a_local_server_in_its_env_file() {
    let dir = Dir::new();
    dir.write(".env.web", "CACHE={cache.host}:{cache.port}\n");
    dir.check(
        &format!("[services.cache]\nkind = \"redis\"\n{WEB}env_file = \".env.web\"\n"),
        &format!(
            ".env.web:1:1: the container `web` refers to `cache` in the template \
             `{{cache.host}}:{{cache.port}}`, but `cache` is a redis service that runs on this \
             machine, which a container cannot reach\n  {HINT_CACHE}"
        ),
    );
}

#[test]
fn the_first_unreachable_service_in_the_file_is_reported() {
    let dir = Dir::new();
    dir.write("mock.json", "{}");
    dir.check(
        &format!(
            "[services.mock]\nkind = \"imposter\"\nfile = \"mock.json\"\n\
             [services.cache]\nkind = \"redis\"\n\
             [services.late]\nkind = \"container\"\nimage = \"nginx\"\ncontainer_port = 80\n\
             depends_on = [\"cache\"]\n\
             {WEB}depends_on = [\"mock\"]\nenv = {{ A = \"{{cache.url}}\" }}\n"
        ),
        "rehearsal.toml:10:15: the container `late` depends on `cache`, a redis service that \
         runs on this machine, which a container cannot reach\n  Run `cache` as a container \
         too (kind = \"container\" with its image), or run `late` as a local process (kind = \
         \"command\").",
    );
}

#[test]
fn an_imposter_is_an_imposter_service() {
    let dir = Dir::new();
    dir.write("mock.json", "{}");
    dir.check(
        &format!(
            "[services.mock]\nkind = \"imposter\"\nfile = \"mock.json\"\n{WEB}\
             depends_on = [\"mock\"]\n"
        ),
        "rehearsal.toml:8:15: the container `web` depends on `mock`, an imposter service that \
         runs on this machine, which a container cannot reach\n  Run `mock` as a container \
         too (kind = \"container\" with its image), or run `web` as a local process (kind = \
         \"command\").",
    );
}

#[test]
fn containers_reach_containers_and_anything_reaches_a_container() {
    let spec = Dir::new().spec(&format!(
        "[services.cache]\nkind = \"redis\"\n\
         [services.api]\nkind = \"container\"\nimage = \"acme/api\"\ncontainer_port = 8080\n\
         {WEB}depends_on = [\"api\"]\nenv = {{ API = \"{{api.url}}\" }}\n\
         [services.tests]\ncommand = \"run-tests {{web.url}}\"\ndepends_on = [\"api\", \"cache\"]\n"
    ));
    assert_eq!(spec.service("web").unwrap().depends_on, ["api"]);
    assert_eq!(
        spec.service("tests").unwrap().depends_on,
        ["web", "api", "cache"]
    );
}
