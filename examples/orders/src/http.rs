//! The HTTP API (`openapi.yaml` describes it): errors are `{"errors": [..]}`, each message
//! saying what went wrong or what to fix.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::order::{NewOrder, Order, Status};
use crate::payments::PaymentError;
use crate::store::StoreError;
use crate::App;

/// The service's routes, over `app`.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/orders", post(create_order))
        .route("/orders/{id}", get(get_order))
        .with_state(app)
}

/// Ready when Redis answers.
async fn health(State(app): State<App>) -> Response {
    match app.store.ping().await {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable", "errors": [error.to_string()]})),
        )
            .into_response(),
    }
}

/// Checks the order, charges the customer, and keeps the paid order.
async fn create_order(State(app): State<App>, body: Bytes) -> Response {
    let new: NewOrder = match serde_json::from_slice(&body) {
        Ok(new) => new,
        Err(error) => {
            return errors(
                StatusCode::BAD_REQUEST,
                [format!("the body is not an order: {error}")],
            )
        }
    };
    let problems = new.problems();
    if !problems.is_empty() {
        return errors(StatusCode::UNPROCESSABLE_ENTITY, problems);
    }
    // problems() is empty, so the total fits.
    let total_cents = new.total_cents().unwrap_or_default();
    let id = match app.store.next_id().await {
        Ok(id) => id,
        Err(error) => return storage_failed(&error),
    };
    let charge = match app.payments.charge(&id, &new.customer, total_cents).await {
        Ok(charge) => charge,
        Err(error @ PaymentError::Declined(_)) => {
            return errors(StatusCode::PAYMENT_REQUIRED, [error.to_string()])
        }
        Err(error @ PaymentError::Unavailable(_)) => {
            tracing::warn!("order {id}: {error}");
            return errors(StatusCode::BAD_GATEWAY, [error.to_string()]);
        }
    };
    let order = Order {
        id,
        customer: new.customer,
        items: new.items,
        total_cents,
        status: Status::Paid,
        payment_id: charge.id,
    };
    if let Err(error) = app.store.save(&order).await {
        return storage_failed(&error);
    }
    tracing::info!("order {} paid: {} cents", order.id, order.total_cents);
    let location = format!("/orders/{}", order.id);
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(order),
    )
        .into_response()
}

async fn get_order(State(app): State<App>, Path(id): Path<String>) -> Response {
    match app.store.get(&id).await {
        Ok(Some(order)) => Json(order).into_response(),
        Ok(None) => errors(StatusCode::NOT_FOUND, [format!("there is no order {id}")]),
        Err(error) => storage_failed(&error),
    }
}

fn storage_failed(error: &StoreError) -> Response {
    tracing::error!("{error}");
    errors(
        StatusCode::SERVICE_UNAVAILABLE,
        ["the order store is unavailable; try again later".to_string()],
    )
}

fn errors(status: StatusCode, messages: impl IntoIterator<Item = String>) -> Response {
    let messages: Vec<String> = messages.into_iter().collect();
    (status, Json(json!({ "errors": messages }))).into_response()
}
