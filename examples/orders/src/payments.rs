//! The payments service, as this service calls it: `POST /charges`.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

/// A client of the payments service at one base URL.
#[derive(Clone)]
pub struct Payments {
    http: reqwest::Client,
    url: String,
}

/// A charge the payments service made.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Charge {
    pub id: String,
}

/// Why there is no charge.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PaymentError {
    /// The payments service refused the charge (`402`), with its reason.
    #[error("the payment was declined: {0}")]
    Declined(String),
    /// It could not be reached, took too long, or answered something else.
    #[error("the payments service failed: {0}")]
    Unavailable(String),
}

impl Payments {
    /// `url` is the service's base URL; a charge that takes longer than `timeout` fails.
    pub fn new(url: &str, timeout: Duration) -> Result<Payments, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(Payments {
            http,
            url: url.trim_end_matches('/').to_string(),
        })
    }

    /// Charges `customer` `amount_cents` for `order_id`. The order id is also the idempotency
    /// key, so that the payments service can tell a resent charge of this order from a new
    /// one. (A client that retries a whole order gets a new order id, and a new charge: see
    /// the README.)
    pub async fn charge(
        &self,
        order_id: &str,
        customer: &str,
        amount_cents: u64,
    ) -> Result<Charge, PaymentError> {
        let answer = self
            .http
            .post(format!("{}/charges", self.url))
            .header("Idempotency-Key", order_id)
            .json(
                &json!({"order_id": order_id, "customer": customer, "amount_cents": amount_cents}),
            )
            .send()
            .await
            .map_err(|error| PaymentError::Unavailable(describe(&error)))?;
        let status = answer.status();
        let body = answer
            .text()
            .await
            .map_err(|error| PaymentError::Unavailable(describe(&error)))?;
        match status.as_u16() {
            200 | 201 => serde_json::from_str(&body).map_err(|_| {
                PaymentError::Unavailable(format!("its answer has no charge id: {body}"))
            }),
            402 => Err(PaymentError::Declined(reason(&body))),
            _ => Err(PaymentError::Unavailable(format!("it answered {status}"))),
        }
    }
}

/// The `reason` a refusal gives, or its whole body.
fn reason(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|json| json.get("reason")?.as_str().map(str::to_string))
        .unwrap_or_else(|| body.to_string())
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "it did not answer in time".to_string()
    } else if error.is_connect() {
        "it cannot be reached".to_string()
    } else {
        error.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_gives_its_reason_or_its_body() {
        assert_eq!(reason(r#"{"reason": "card expired"}"#), "card expired");
        assert_eq!(reason("insufficient funds"), "insufficient funds");
    }
}
