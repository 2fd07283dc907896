//! Dependency cycles, found before anything starts.

use super::find_cycle;

fn check(dependencies: &[&[usize]], expected: Option<&[usize]>) {
    let dependencies: Vec<Vec<usize>> = dependencies.iter().map(|d| d.to_vec()).collect();
    assert_eq!(
        find_cycle(&dependencies).as_deref(),
        expected,
        "{dependencies:?}"
    );
}

#[test]
fn cycles() {
    check(&[], None);
    check(&[&[], &[0], &[0, 1]], None);
    check(&[&[0]], Some(&[0, 0]));
    check(&[&[1], &[0]], Some(&[0, 1, 0]));
    check(&[&[], &[2], &[3], &[1]], Some(&[1, 2, 3, 1]));
}
