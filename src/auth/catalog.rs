//! The service catalog that comes with a token: which URL serves which
//! service, in which region, through which interface.
//!
//! Keystone v3 and v2.0 write catalogs differently; their modules turn them
//! into this one form, and endpoint selection happens here only.

use crate::auth::{Interface, Service};
use crate::error::{Error, Result};

/// One endpoint of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CatalogEndpoint {
    /// `None` for endpoints valid in every region (v2 catalogs without `region`).
    pub(crate) region: Option<String>,
    pub(crate) interface: Interface,
    pub(crate) url: String,
}

/// One service of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CatalogService {
    pub(crate) service_type: String,
    pub(crate) endpoints: Vec<CatalogEndpoint>,
}

/// A token's service catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Catalog {
    pub(crate) services: Vec<CatalogService>,
}

impl Catalog {
    /// The URL of `service` in `region` (any region when `None`: the first
    /// listed, as openstacksdk does) through `interface`, as the catalog
    /// writes it. Regions are compared without regard to case.
    pub(crate) fn url(
        &self,
        service: Service,
        region: Option<&str>,
        interface: Interface,
    ) -> Result<&str> {
        let wanted = service.catalog_type();
        if self.services.is_empty() {
            return Err(Error::Config(format!(
                "the token has an empty service catalog, so no '{wanted}' endpoint: \
                 scope the authentication to a project, or give the endpoint"
            )));
        }
        let endpoints: Vec<&CatalogEndpoint> = self
            .services
            .iter()
            .filter(|s| s.service_type == wanted)
            .flat_map(|s| &s.endpoints)
            .collect();
        if endpoints.is_empty() {
            let mut types: Vec<&str> = self
                .services
                .iter()
                .map(|s| s.service_type.as_str())
                .collect();
            types.sort_unstable();
            types.dedup();
            return Err(Error::Config(format!(
                "the service catalog has no '{wanted}' service; it has: {}",
                types.join(", ")
            )));
        }
        let in_region = |e: &&&CatalogEndpoint| match (region, &e.region) {
            (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
            _ => true,
        };
        endpoints
            .iter()
            .filter(|e| e.interface == interface)
            .find(in_region)
            .map(|e| e.url.as_str())
            .ok_or_else(|| {
                let offered: Vec<String> = endpoints
                    .iter()
                    .map(|e| {
                        format!(
                            "{} {}",
                            e.region.as_deref().unwrap_or("(any region)"),
                            e.interface.as_str()
                        )
                    })
                    .collect();
                Error::Config(format!(
                    "the service catalog has no '{wanted}' endpoint for region {} and interface \
                     {}; it offers: {}",
                    region.map_or_else(|| "(any)".to_owned(), |r| format!("'{r}'")),
                    interface.as_str(),
                    offered.join(", ")
                ))
            })
    }

    /// The base URL the client prefixes its paths with: for the Image service
    /// without the version suffix (paths start with `/v2`), for others as
    /// listed, without a trailing slash.
    pub(crate) fn base_url(
        &self,
        service: Service,
        region: Option<&str>,
        interface: Interface,
    ) -> Result<String> {
        service_base_url(service, self.url(service, region, interface)?)
    }
}

/// Normalizes a service URL, whether it came from a catalog or an override.
pub(crate) fn service_base_url(service: Service, url: &str) -> Result<String> {
    match service {
        Service::Image => normalize_image_endpoint(url),
        Service::ObjectStore => {
            crate::url::split_origin(url)?;
            Ok(url.trim_end_matches('/').to_owned())
        }
    }
}

/// `http://h:9292`, `http://h:9292/`, `http://h:9292/v2` and `http://h:9292/v2/`
/// all name the same Image service; keep the form without version suffix, so
/// `/v2` is added exactly once by the request paths.
pub(crate) fn normalize_image_endpoint(url: &str) -> Result<String> {
    crate::url::split_origin(url)?;
    let trimmed = url.trim_end_matches('/');
    let base = trimmed
        .strip_suffix("/v2")
        .or_else(|| {
            // `/v2.0` or `/v2.1` style suffixes from older catalogs.
            trimmed
                .rfind("/v2.")
                .filter(|&i| {
                    let minor = &trimmed[i + 4..];
                    !minor.is_empty() && minor.chars().all(|c| c.is_ascii_digit())
                })
                .map(|i| &trimmed[..i])
        })
        .unwrap_or(trimmed);
    Ok(base.to_owned())
}

/// For the fuzz targets (feature `fuzzing`): every lookup the client makes,
/// each giving a URL of the catalog or an error, never a panic.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_lookups(catalog: &Catalog) {
    for service in [Service::Image, Service::ObjectStore] {
        for region in [None, Some("RegionOne"), Some("")] {
            for interface in [Interface::Public, Interface::Internal, Interface::Admin] {
                if let Ok(url) = catalog.url(service, region, interface) {
                    let _ = service_base_url(service, url);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(region: Option<&str>, interface: Interface, url: &str) -> CatalogEndpoint {
        CatalogEndpoint {
            region: region.map(str::to_owned),
            interface,
            url: url.to_owned(),
        }
    }

    fn catalog() -> Catalog {
        Catalog {
            services: vec![
                CatalogService {
                    service_type: "identity".into(),
                    endpoints: vec![endpoint(
                        Some("RegionOne"),
                        Interface::Public,
                        "http://k:5000/v3/",
                    )],
                },
                CatalogService {
                    service_type: "image".into(),
                    endpoints: vec![
                        endpoint(Some("RegionOne"), Interface::Public, "http://one:9292"),
                        endpoint(
                            Some("RegionOne"),
                            Interface::Internal,
                            "http://one-int:9292/",
                        ),
                        endpoint(Some("RegionTwo"), Interface::Public, "http://two:9292/v2/"),
                        endpoint(
                            Some("RegionTwo"),
                            Interface::Admin,
                            "http://two-adm/image/v2.1",
                        ),
                    ],
                },
            ],
        }
    }

    #[test]
    fn picks_region_without_case_and_interface() {
        let c = catalog();
        let url = |region, interface| c.base_url(Service::Image, region, interface).unwrap();
        assert_eq!(url(Some("RegionOne"), Interface::Public), "http://one:9292");
        assert_eq!(
            url(Some("regionone"), Interface::Internal),
            "http://one-int:9292"
        );
        assert_eq!(url(Some("REGIONTWO"), Interface::Public), "http://two:9292");
        assert_eq!(
            url(Some("RegionTwo"), Interface::Admin),
            "http://two-adm/image"
        );
        assert_eq!(url(None, Interface::Public), "http://one:9292");
    }

    #[test]
    fn missing_service_or_region_lists_what_exists() {
        let c = catalog();
        let e = c
            .url(Service::ObjectStore, None, Interface::Public)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no 'object-store' service; it has: identity, image"),
            "{e}"
        );
        let e = c
            .url(Service::Image, Some("RegionThree"), Interface::Public)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("region 'RegionThree' and interface public"),
            "{e}"
        );
        assert!(
            e.contains("RegionOne public, RegionOne internal, RegionTwo public, RegionTwo admin"),
            "{e}"
        );
        let e = c
            .url(Service::Image, Some("RegionOne"), Interface::Admin)
            .unwrap_err();
        assert!(matches!(e, Error::Config(_)));
        let e = Catalog::default()
            .url(Service::Image, None, Interface::Public)
            .unwrap_err()
            .to_string();
        assert!(e.contains("empty service catalog"), "{e}");
    }

    #[test]
    fn endpoints_without_region_serve_every_region() {
        let c = Catalog {
            services: vec![CatalogService {
                service_type: "object-store".into(),
                endpoints: vec![endpoint(None, Interface::Public, "https://s/v1/AUTH_x/")],
            }],
        };
        assert_eq!(
            c.base_url(Service::ObjectStore, Some("IAD"), Interface::Public)
                .unwrap(),
            "https://s/v1/AUTH_x"
        );
    }

    #[test]
    fn image_endpoint_forms_agree() {
        for url in [
            "http://h:9292",
            "http://h:9292/",
            "http://h:9292/v2",
            "http://h:9292/v2/",
            "http://h:9292/v2.1",
            "http://h:9292/v2.0/",
        ] {
            assert_eq!(
                normalize_image_endpoint(url).unwrap(),
                "http://h:9292",
                "{url}"
            );
        }
        assert_eq!(
            normalize_image_endpoint("https://c/image/v2").unwrap(),
            "https://c/image"
        );
        assert_eq!(
            normalize_image_endpoint("https://c/v2.x").unwrap(),
            "https://c/v2.x"
        );
        assert!(normalize_image_endpoint("127.0.0.1:9292").is_err());
    }
}
