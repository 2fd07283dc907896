//! Recognising a port clash in a child's output, and free ports.

use super::{free, is_free, says_address_in_use};

#[test]
fn address_in_use_phrases() {
    for output in [
        "OSError: [Errno 98] Address already in use",
        "Error: listen EADDRINUSE: address already in use 127.0.0.1:4000",
        "bind: Address in use",
        "java.net.BindException: Address already in use",
        "port 4000 is already in use",
    ] {
        assert!(says_address_in_use(output), "{output}");
    }
    for output in ["Connection refused", "permission denied", ""] {
        assert!(!says_address_in_use(output), "{output}");
    }
}

#[test]
fn free_ports_are_free_and_not_repeated() {
    let first = free().unwrap();
    let second = free().unwrap();
    assert_ne!(first, second);
    assert!(is_free(first));
    let holder = std::net::TcpListener::bind(("127.0.0.1", first)).unwrap();
    assert!(!is_free(first));
    drop(holder);
}
