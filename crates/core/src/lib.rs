//! Fairdraw's domain: the types, rules and algorithms every surface shares. No I/O lives here:
//! randomness, clocks and storage are passed in, so everything in this crate is a pure function
//! of its inputs and can be tested as such.
#![forbid(unsafe_code)]

pub mod account;
pub mod apikey;
pub mod audit;
pub mod beacon;
pub mod chat;
pub mod claims;
pub mod comments;
pub mod draw;
pub mod entry_methods;
pub mod events;
pub mod gallery;
pub mod giveaway;
pub mod lists;
pub mod names;
pub mod page;
pub mod retry;
pub mod secret;
pub mod time;
pub mod translog;
pub mod validation;
