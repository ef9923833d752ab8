//! The services the client talks to, named as the catalog names them.

/// A service the client talks to, as named in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// `image`: Glance.
    Image,
    /// `object-store`: Swift.
    ObjectStore,
}

impl Service {
    /// The catalog's service type.
    pub fn catalog_type(self) -> &'static str {
        match self {
            Service::Image => "image",
            Service::ObjectStore => "object-store",
        }
    }
}
