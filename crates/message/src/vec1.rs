//! A list with at least one element: the `[1..n]` cardinality of the XSDs, as a type.

use std::ops::Deref;

/// A non-empty `Vec`. Built with [`Vec1::new`] or `Vec1::try_from(vec)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Vec1<T>(Vec<T>);

impl<T> Vec1<T> {
    pub fn new(first: T) -> Self {
        Vec1(vec![first])
    }

    pub fn push(&mut self, item: T) {
        self.0.push(item);
    }

    pub fn first(&self) -> &T {
        &self.0[0]
    }

    pub fn into_vec(self) -> Vec<T> {
        self.0
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.0.iter_mut()
    }
}

impl<T> Deref for Vec1<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

/// The vector was empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a list with at least one element was expected")]
pub struct EmptyList;

impl<T> TryFrom<Vec<T>> for Vec1<T> {
    type Error = EmptyList;
    fn try_from(v: Vec<T>) -> Result<Self, EmptyList> {
        if v.is_empty() { Err(EmptyList) } else { Ok(Vec1(v)) }
    }
}

impl<'a, T> IntoIterator for &'a Vec1<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> IntoIterator for Vec1<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(feature = "proptest")]
pub fn strategy<T: std::fmt::Debug + 'static>(
    item: proptest::strategy::BoxedStrategy<T>,
    max: usize,
) -> proptest::strategy::BoxedStrategy<Vec1<T>> {
    use proptest::strategy::Strategy;
    proptest::collection::vec(item, 1..=max).prop_map(Vec1).boxed()
}
