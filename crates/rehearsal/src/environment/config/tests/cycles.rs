//! Phase 4: dependency cycles, reported with their path at their first service.

use super::{check, Dir};

#[test]
fn a_cycle_of_two() {
    check(
        "[services.a]\ncommand = \"a {b.port}\"\n[services.b]\ncommand = \"b\"\ndepends_on = [\"a\"]\n",
        "rehearsal.toml:1:11: the services depend on each other in a cycle: a -> b -> a\n  \
         Break the cycle: a service may only name (in a template or `depends_on`) services \
         that do not need it in turn.",
    );
}

#[test]
fn a_cycle_starts_at_its_first_service_in_the_file() {
    check(
        "[services.x]\nkind = \"redis\"\n\
         [services.a]\ncommand = \"a\"\ndepends_on = [\"c\"]\n\
         [services.b]\ncommand = \"b\"\ndepends_on = [\"a\"]\n\
         [services.c]\ncommand = \"c\"\ndepends_on = [\"b\", \"x\"]\n",
        "rehearsal.toml:3:11: the services depend on each other in a cycle: a -> c -> b -> a\n  \
         Break the cycle: a service may only name (in a template or `depends_on`) services \
         that do not need it in turn.",
    );
}

#[test]
fn a_cycle_through_an_env_file() {
    let dir = Dir::new();
    dir.write(".env.a", "B_URL={b.url}\n");
    dir.check(
        "[services.a]\ncommand = \"a\"\nenv_file = \".env.a\"\n\
         [services.b]\ncommand = \"b\"\nenv = { A = \"{a.url}\" }\n",
        "rehearsal.toml:1:11: the services depend on each other in a cycle: a -> b -> a\n  \
         Break the cycle: a service may only name (in a template or `depends_on`) services \
         that do not need it in turn.",
    );
}

#[test]
fn a_diamond_is_not_a_cycle() {
    let spec = Dir::new().spec(
        "[services.db]\nkind = \"redis\"\n\
         [services.a]\ncommand = \"a {db.port}\"\n\
         [services.b]\ncommand = \"b {db.port}\"\n\
         [services.top]\ncommand = \"top\"\ndepends_on = [\"a\", \"b\"]\n",
    );
    assert_eq!(spec.service("top").unwrap().depends_on, ["a", "b"]);
}
