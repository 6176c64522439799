//! The supertrait that keeps `Action` and `ServiceError` (and so `Paginated`) implemented only
//! inside this crate: methods can then be added to them without breaking users.

/// Implemented by generated types only; not nameable outside the crate.
pub trait Sealed {}
