//! Shared test helpers: the test double and the local cloud's settings.
#![allow(dead_code)]

pub mod busy;
pub mod c_abi;
pub mod cloud;
pub mod double;
pub mod identity;
pub mod swift;
pub mod tls;
