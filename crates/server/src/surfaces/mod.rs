//! The API surfaces: thin adapters that translate HTTP into engine calls and engine results
//! into each surface's own envelope and error style.

pub mod external;
pub mod hosted;
pub mod links;
pub mod ops;
pub mod pages;
pub mod public;
pub mod v1;
pub mod v2;
