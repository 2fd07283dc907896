//! `KindName`: the kinds of service as `kind = "..."` names them, and the fields of each.

/// The kinds, as `kind = "..."` names them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum KindName {
    Command,
    Imposter,
    Redis,
    Postgres,
    Container,
}

pub(super) const KINDS: [KindName; 5] = [
    KindName::Command,
    KindName::Imposter,
    KindName::Redis,
    KindName::Postgres,
    KindName::Container,
];

impl KindName {
    pub(super) fn parse(name: &str) -> Option<KindName> {
        KINDS.into_iter().find(|kind| kind.name() == name)
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            KindName::Command => "command",
            KindName::Imposter => "imposter",
            KindName::Redis => "redis",
            KindName::Postgres => "postgres",
            KindName::Container => "container",
        }
    }

    /// "a command service", "an imposter service".
    pub(super) fn a(self) -> String {
        let article = if self == KindName::Imposter {
            "an"
        } else {
            "a"
        };
        format!("{article} {} service", self.name())
    }

    /// The fields the kind takes, in the order the documentation lists them.
    pub(super) fn fields(self) -> &'static [&'static str] {
        match self {
            KindName::Command => &[
                "kind",
                "command",
                "cwd",
                "port",
                "env",
                "env_file",
                "depends_on",
                "ready",
                "ready_timeout",
                "stop_signal",
                "stop_grace",
            ],
            // Imposters are created before any process starts, at once: nothing to wait for.
            KindName::Imposter => &["kind", "file", "port"],
            KindName::Redis => &[
                "kind",
                "port",
                "args",
                "env",
                "env_file",
                "depends_on",
                "ready_timeout",
            ],
            KindName::Postgres => &[
                "kind",
                "port",
                "database",
                "user",
                "init",
                "env",
                "env_file",
                "depends_on",
                "ready_timeout",
            ],
            KindName::Container => &[
                "kind",
                "image",
                "command",
                "container_port",
                "env",
                "env_file",
                "depends_on",
                "ready",
                "ready_timeout",
            ],
        }
    }

    /// "an imposter", "a redis".
    pub(super) fn article(self) -> String {
        let article = if self == KindName::Imposter {
            "an"
        } else {
            "a"
        };
        format!("{article} {}", self.name())
    }
}
