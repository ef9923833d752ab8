//! One module per group of `openstack image` commands.

pub mod images;
pub mod import;
pub mod journeys;
pub mod members;
pub mod tasks;
