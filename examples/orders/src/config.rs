//! The service's settings, read from environment variables.

use std::time::Duration;

/// How the service runs: where it listens, its Redis, and the payments service it calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `PORT`: the port to listen on, on 127.0.0.1 (`BIND` changes the address). Default 8080.
    pub bind: String,
    pub port: u16,
    /// `REDIS_URL`, such as `redis://127.0.0.1:6379/0`. Default `redis://127.0.0.1:6379`.
    pub redis_url: String,
    /// `PAYMENTS_URL`: the payments service's base URL. Required.
    pub payments_url: String,
    /// `PAYMENTS_TIMEOUT_MS`: how long a charge may take. Default 2000.
    pub payments_timeout: Duration,
}

/// A setting that is missing or malformed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{name} must be {expected}, not {value:?}")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
}

impl Config {
    /// Reads the settings from the process's environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, which gives a variable's value by name.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let port = match lookup("PORT") {
            Some(value) => value.parse().map_err(|_| ConfigError::Invalid {
                name: "PORT",
                expected: "a port number from 0 to 65535",
                value,
            })?,
            None => 8080,
        };
        let payments_url = lookup("PAYMENTS_URL")
            .filter(|url| !url.is_empty())
            .ok_or(ConfigError::Missing("PAYMENTS_URL"))?;
        if !payments_url.starts_with("http://") && !payments_url.starts_with("https://") {
            return Err(ConfigError::Invalid {
                name: "PAYMENTS_URL",
                expected: "an http:// or https:// URL",
                value: payments_url,
            });
        }
        let payments_timeout = match lookup("PAYMENTS_TIMEOUT_MS") {
            Some(value) => {
                Duration::from_millis(value.parse().map_err(|_| ConfigError::Invalid {
                    name: "PAYMENTS_TIMEOUT_MS",
                    expected: "a number of milliseconds",
                    value,
                })?)
            }
            None => Duration::from_millis(2000),
        };
        Ok(Config {
            bind: lookup("BIND").unwrap_or_else(|| "127.0.0.1".into()),
            port,
            redis_url: lookup("REDIS_URL").unwrap_or_else(|| "redis://127.0.0.1:6379".into()),
            payments_url: payments_url.trim_end_matches('/').to_string(),
            payments_timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn only_the_payments_url_is_required() {
        let config = config(&[("PAYMENTS_URL", "http://127.0.0.1:4545/")]).unwrap();
        assert_eq!(
            config,
            Config {
                bind: "127.0.0.1".into(),
                port: 8080,
                redis_url: "redis://127.0.0.1:6379".into(),
                payments_url: "http://127.0.0.1:4545".into(),
                payments_timeout: Duration::from_millis(2000),
            }
        );
    }

    #[test]
    fn every_setting_can_be_given() {
        let config = config(&[
            ("PORT", "9000"),
            ("BIND", "0.0.0.0"),
            ("REDIS_URL", "redis://127.0.0.1:7000/2"),
            ("PAYMENTS_URL", "https://payments.example"),
            ("PAYMENTS_TIMEOUT_MS", "150"),
        ])
        .unwrap();
        assert_eq!(config.port, 9000);
        assert_eq!(config.bind, "0.0.0.0");
        assert_eq!(config.redis_url, "redis://127.0.0.1:7000/2");
        assert_eq!(config.payments_url, "https://payments.example");
        assert_eq!(config.payments_timeout, Duration::from_millis(150));
    }

    #[test]
    fn a_missing_or_malformed_setting_says_which_and_why() {
        assert_eq!(
            config(&[]).unwrap_err().to_string(),
            "PAYMENTS_URL is required"
        );
        assert_eq!(
            config(&[("PAYMENTS_URL", "payments:4545")])
                .unwrap_err()
                .to_string(),
            "PAYMENTS_URL must be an http:// or https:// URL, not \"payments:4545\""
        );
        assert_eq!(
            config(&[("PAYMENTS_URL", "http://p"), ("PORT", "eighty")])
                .unwrap_err()
                .to_string(),
            "PORT must be a port number from 0 to 65535, not \"eighty\""
        );
        assert_eq!(
            config(&[("PAYMENTS_URL", "http://p"), ("PAYMENTS_TIMEOUT_MS", "2s")])
                .unwrap_err()
                .to_string(),
            "PAYMENTS_TIMEOUT_MS must be a number of milliseconds, not \"2s\""
        );
    }
}
