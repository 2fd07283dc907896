//! The one integration-test binary of rehearsal-contract. New tests go in the module of the
//! capability they test; a new capability gets a module of its own here.

mod checks;
mod documents;
