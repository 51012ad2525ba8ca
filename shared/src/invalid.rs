//! The one validation error of the core: which value failed and why.
//!
//! Invariant: every check in the crate reports through [`FieldError`], with `field` the
//! JSON path of the value (`message.buttons[0].url`), so the shells can name it in a 400
//! without knowing which rule refused it. It lives at the bottom of the layers so a rule
//! at any level can return it without importing the stored or wire shapes.

/// A value that failed validation, and why: the field is a path such as
/// `message.buttons[0].url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), problem: problem.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}
