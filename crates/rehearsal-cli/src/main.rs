//! The `rehearsal` binary (also `mb`). PLACEHOLDER; the CLI is being written.

fn main() {
    println!("rehearsal {}", env!("CARGO_PKG_VERSION"));
}
