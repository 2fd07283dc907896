//! Phase 3: service names, and the services they name.

use super::check;

#[test]
fn names_have_no_dots() {
    check(
        "[services.\"my.db\"]\nkind = \"redis\"\n",
        "rehearsal.toml:1:11: the service name `my.db` has the character '.', which names \
         cannot have\n  Rename the service: names are ASCII letters, digits, `_` and `-`; they \
         are used in templates (`{name.url}`) and environment variables \
         (`REHEARSAL_NAME_URL`).",
    );
    check(
        "[services.\"\"]\nkind = \"redis\"\n",
        "rehearsal.toml:1:11: a service name is empty\n  Rename the service: names are ASCII \
         letters, digits, `_` and `-`; they are used in templates (`{name.url}`) and \
         environment variables (`REHEARSAL_NAME_URL`).",
    );
}

#[test]
fn names_that_are_one_environment_variable() {
    check(
        "[services.my-db]\nkind = \"redis\"\n\n[services.my_db]\nkind = \"redis\"\n",
        "rehearsal.toml:4:11: the services `my-db` (line 1) and `my_db` have the same name in \
         environment variables: REHEARSAL_MY_DB_URL\n  Rename one of them: names are \
         upper-cased, with `-` as `_`, in environment variable names.",
    );
    check(
        "[services.cache]\nkind = \"redis\"\n[services.Cache]\nkind = \"redis\"\n",
        "rehearsal.toml:3:11: the services `cache` (line 1) and `Cache` have the same name in \
         environment variables: REHEARSAL_CACHE_URL\n  Rename one of them: names are \
         upper-cased, with `-` as `_`, in environment variable names.",
    );
}

const DECLARED: &str = r#"
[services.payments]
kind = "redis"
[services.cache]
kind = "redis"
[services.db]
kind = "postgres"
"#;

#[test]
fn an_unknown_service_in_depends_on() {
    check(
        &format!("{DECLARED}[services.orders]\ncommand = \"orders\"\ndepends_on = [\"db\", \"paymnts\"]\n"),
        "rehearsal.toml:10:21: the service `orders` depends on `paymnts`, which is not declared \
         (declared: payments, cache, db, orders)\n  Declare [services.paymnts], or fix the name \
         (did you mean `payments`?).",
    );
}

#[test]
fn an_unknown_service_in_a_template() {
    check(
        &format!(
            "{DECLARED}[services.orders]\ncommand = \"orders\"\n\
             env = {{ PAYMENTS_URL = \"{{paymnts.url}}\" }}\n"
        ),
        "rehearsal.toml:10:24: the service `orders` refers to `paymnts` in the template \
         `{paymnts.url}`, but `paymnts` is not declared (declared: payments, cache, db, \
         orders)\n  Declare [services.paymnts], or fix the name (did you mean `payments`?).",
    );
    check(
        &format!(
            "{DECLARED}[services.orders]\ncommand = [\"orders\", \"--queue={{queue.url}}\"]\n"
        ),
        "rehearsal.toml:9:22: the service `orders` refers to `queue` in the template \
         `--queue={queue.url}`, but `queue` is not declared (declared: payments, cache, db, \
         orders)\n  Declare [services.queue], or fix the name.",
    );
}

#[test]
fn a_service_naming_itself() {
    check(
        "[services.api]\ncommand = \"api\"\ndepends_on = [\"api\"]\n",
        "rehearsal.toml:3:15: the service `api` depends on itself\n  Remove `api` from its \
         `depends_on`.",
    );
}

#[test]
fn a_template_naming_its_own_service_is_not_a_dependency() {
    let spec = super::Dir::new().spec("[services.api]\ncommand = [\"api\", \"{api.port}\"]\n");
    assert!(spec.services[0].depends_on.is_empty());
}
