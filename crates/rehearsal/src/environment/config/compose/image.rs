//! What an `image:` is, for rehearsal: Redis and PostgreSQL images run as local servers.

/// The kind of server an image is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Image {
    /// `redis`, `redis:7-alpine`, `bitnami/redis`, `valkey/valkey:8`.
    Redis,
    /// `postgres:16`, `postgis/postgis`, `docker.io/library/postgres`.
    Postgres,
    /// Anything else: run as a container.
    Other,
}

/// The image's name without registry, owner, tag and digest decides.
pub(super) fn classify(image: &str) -> Image {
    let image = image.trim();
    let without_digest = image.split('@').next().unwrap_or(image);
    let name = without_digest.rsplit('/').next().unwrap_or(without_digest);
    // A `:` in the last segment starts the tag; one before a `/` is a registry's port.
    let name = name.split(':').next().unwrap_or(name);
    match name.to_ascii_lowercase().as_str() {
        "redis" | "valkey" => Image::Redis,
        "postgres" | "postgis" => Image::Postgres,
        _ => Image::Other,
    }
}
