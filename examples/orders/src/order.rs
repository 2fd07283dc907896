//! Orders: what a customer asks for, the checks it must pass, and what is kept of it.

use serde::{Deserialize, Serialize};

/// The most items one order may hold.
pub const MAX_ITEMS: usize = 50;

/// An order as a client sends it (`POST /orders`).
#[derive(Debug, Clone, Deserialize)]
pub struct NewOrder {
    pub customer: String,
    pub items: Vec<Item>,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub sku: String,
    pub quantity: u32,
    /// The unit price, in cents.
    pub price_cents: u64,
}

/// An order as it is kept and shown (`GET /orders/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: String,
    pub customer: String,
    pub items: Vec<Item>,
    pub total_cents: u64,
    pub status: Status,
    /// The payments service's id of the charge.
    pub payment_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Paid,
}

impl NewOrder {
    /// The problems that stop the order, each saying what to fix; empty when there are none.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.customer.trim().is_empty() {
            problems.push("customer must not be empty".to_string());
        }
        if self.items.is_empty() {
            problems.push("items must hold at least one item".to_string());
        }
        if self.items.len() > MAX_ITEMS {
            problems.push(format!("items must hold at most {MAX_ITEMS} items"));
        }
        for (at, item) in self.items.iter().enumerate() {
            if item.sku.trim().is_empty() {
                problems.push(format!("items[{at}].sku must not be empty"));
            }
            if item.quantity == 0 {
                problems.push(format!("items[{at}].quantity must be at least 1"));
            }
        }
        if self.total_cents().is_none() {
            problems.push("the order's total is too large".to_string());
        }
        problems
    }

    /// What the order costs, in cents; `None` when it does not fit in 64 bits.
    pub fn total_cents(&self) -> Option<u64> {
        self.items.iter().try_fold(0u64, |total, item| {
            item.price_cents
                .checked_mul(u64::from(item.quantity))
                .and_then(|line| total.checked_add(line))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(sku: &str, quantity: u32, price_cents: u64) -> Item {
        Item {
            sku: sku.into(),
            quantity,
            price_cents,
        }
    }

    fn new_order(items: Vec<Item>) -> NewOrder {
        NewOrder {
            customer: "c-1".into(),
            items,
        }
    }

    #[test]
    fn the_total_is_the_sum_of_quantity_times_price() {
        let order = new_order(vec![item("tea", 2, 350), item("cake", 1, 425)]);
        assert_eq!(order.total_cents(), Some(1125));
        assert!(order.problems().is_empty());
    }

    #[test]
    fn a_total_too_large_for_64_bits_is_refused() {
        let order = new_order(vec![item("gold", 2, u64::MAX / 2 + 1)]);
        assert_eq!(order.total_cents(), None);
        assert_eq!(order.problems(), ["the order's total is too large"]);
    }

    #[test]
    fn each_problem_names_the_field_to_fix() {
        let order = NewOrder {
            customer: " ".into(),
            items: vec![item("", 0, 100)],
        };
        assert_eq!(
            order.problems(),
            [
                "customer must not be empty",
                "items[0].sku must not be empty",
                "items[0].quantity must be at least 1",
            ]
        );
        assert_eq!(
            NewOrder {
                customer: "c".into(),
                items: vec![]
            }
            .problems(),
            ["items must hold at least one item"]
        );
        let many = new_order(vec![item("tea", 1, 1); MAX_ITEMS + 1]);
        assert_eq!(many.problems(), ["items must hold at most 50 items"]);
    }

    #[test]
    fn an_order_is_shown_with_its_status_in_lower_case() {
        let order = Order {
            id: "ord-1".into(),
            customer: "c-1".into(),
            items: vec![item("tea", 1, 350)],
            total_cents: 350,
            status: Status::Paid,
            payment_id: "ch_1".into(),
        };
        let json = serde_json::to_value(&order).unwrap();
        assert_eq!(json["status"], "paid");
        assert_eq!(serde_json::from_value::<Order>(json).unwrap(), order);
    }
}
