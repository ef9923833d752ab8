//! Listing images: filters, one page, and a lazy iterator over every page.

use serde::Deserialize;

use crate::client::Client;
use crate::enums::{ImageStatus, MemberStatus, SortDir, Visibility};
use crate::error::{Error, Result};
use crate::image::Image;
use crate::paging::{first_page, page_at, Page, Pager};
use crate::server_values;
use crate::url::Query;

/// A filter on a field that takes one value or an `in:` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Exactly this value.
    Is(String),
    /// Any of these values (`in:a,b`).
    In(Vec<String>),
}

impl From<&str> for Match {
    fn from(value: &str) -> Self {
        Match::Is(value.to_owned())
    }
}

impl From<String> for Match {
    fn from(value: String) -> Self {
        Match::Is(value)
    }
}

impl Match {
    fn query_value(&self, field: &str) -> Result<String> {
        match self {
            Match::Is(v) => Ok(v.clone()),
            Match::In(values) if values.is_empty() => Err(Error::invalid_argument(format!(
                "'{field}' in: list is empty"
            ))),
            Match::In(values) => {
                // Glance splits on commas; a value holding one is quoted.
                let items: Vec<String> = values
                    .iter()
                    .map(|v| {
                        if v.contains(',') || v.contains('"') {
                            format!("\"{}\"", v.replace('"', "\\\""))
                        } else {
                            v.clone()
                        }
                    })
                    .collect();
                Ok(format!("in:{}", items.join(",")))
            }
        }
    }
}

/// Comparison operators of the time filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
    /// Equal.
    Eq,
    /// Not equal.
    Neq,
}

impl Compare {
    const ALL: [Compare; 6] = [
        Compare::Gt,
        Compare::Gte,
        Compare::Lt,
        Compare::Lte,
        Compare::Eq,
        Compare::Neq,
    ];

    /// The operator as the API spells it (`gt`, `gte`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Compare::Gt => "gt",
            Compare::Gte => "gte",
            Compare::Lt => "lt",
            Compare::Lte => "lte",
            Compare::Eq => "eq",
            Compare::Neq => "neq",
        }
    }
}

impl std::str::FromStr for Compare {
    type Err = Error;

    /// Parses the API's spelling; anything else is [`Error::InvalidArgument`].
    fn from_str(op: &str) -> Result<Compare> {
        Compare::ALL
            .into_iter()
            .find(|c| c.as_str() == op)
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "comparison must be gt, gte, lt, lte, eq or neq, not '{op}'"
                ))
            })
    }
}

/// Filters, sorting and paging of an image listing. Every field is optional.
///
/// ```
/// use glance_client::{ListOptions, ImageStatus, SortDir};
/// let opts = ListOptions {
///     status: Some(ImageStatus::Active.into()),
///     sort: vec![("name".into(), SortDir::Asc)],
///     limit: Some(100),
///     ..Default::default()
/// };
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListOptions {
    /// Page size (1 or more).
    pub limit: Option<u32>,
    /// Start after the image with this id.
    pub marker: Option<String>,
    /// Image id.
    pub id: Option<Match>,
    /// Name (exact).
    pub name: Option<Match>,
    /// Visibility; `None` lists what Glance lists by default (no community).
    pub visibility: Option<VisibilityFilter>,
    /// Membership status of shared images (default on the server: accepted).
    pub member_status: Option<MemberStatusFilter>,
    /// Owning project.
    pub owner: Option<String>,
    /// Images carrying all of these tags.
    pub tags: Vec<String>,
    /// Status.
    pub status: Option<StatusFilter>,
    /// Minimum size in bytes.
    pub size_min: Option<u64>,
    /// Maximum size in bytes.
    pub size_max: Option<u64>,
    /// Legacy single sort key (pyrax's `sort_key`).
    pub sort_key: Option<String>,
    /// Legacy sort direction (pyrax's `sort_dir`).
    pub sort_dir: Option<SortDir>,
    /// Sort by several keys (`sort=name:asc,created_at:desc`); excludes `sort_key`.
    pub sort: Vec<(String, SortDir)>,
    /// Creation time comparisons (ISO 8601 values).
    pub created_at: Vec<(Compare, String)>,
    /// Update time comparisons (ISO 8601 values).
    pub updated_at: Vec<(Compare, String)>,
    /// Hidden images only (`true`) or visible only (`false`).
    pub os_hidden: Option<bool>,
    /// Protected or not.
    pub protected: Option<bool>,
    /// Disk format.
    pub disk_format: Option<Match>,
    /// Container format.
    pub container_format: Option<Match>,
    /// Custom properties that must match exactly.
    pub properties: Vec<(String, String)>,
}

/// The `visibility` filter: an image visibility or `all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisibilityFilter {
    /// Images of this visibility.
    Only(Visibility),
    /// Every image the caller may see, community included.
    All,
}

/// The `member_status` filter: a member status or `all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberStatusFilter {
    /// Shared images the caller answered this way.
    Only(MemberStatus),
    /// Whatever the answer.
    All,
}

/// The `status` filter: one status or an `in:` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusFilter {
    /// This status.
    Is(ImageStatus),
    /// Any of these.
    In(Vec<ImageStatus>),
}

impl From<ImageStatus> for StatusFilter {
    fn from(s: ImageStatus) -> Self {
        StatusFilter::Is(s)
    }
}

impl From<Visibility> for VisibilityFilter {
    fn from(v: Visibility) -> Self {
        VisibilityFilter::Only(v)
    }
}

const RESERVED_KEYS: &[&str] = &[
    "limit",
    "marker",
    "id",
    "name",
    "visibility",
    "member_status",
    "owner",
    "tag",
    "status",
    "size_min",
    "size_max",
    "sort_key",
    "sort_dir",
    "sort",
    "created_at",
    "updated_at",
    "os_hidden",
    "protected",
    "disk_format",
    "container_format",
];

fn non_empty<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    if value.is_empty() {
        Err(Error::invalid_argument(format!(
            "'{field}' must not be empty"
        )))
    } else {
        Ok(value)
    }
}

impl ListOptions {
    /// The query string, or an error naming the first bad option.
    pub(crate) fn to_query(&self) -> Result<Query> {
        let mut q = Query::default();
        if let Some(limit) = self.limit {
            if limit == 0 {
                return Err(Error::invalid_argument("'limit' must be at least 1"));
            }
            q.push("limit", &limit.to_string());
        }
        if let Some(marker) = &self.marker {
            q.push("marker", non_empty("marker", marker)?);
        }
        for (field, m) in [
            ("id", &self.id),
            ("name", &self.name),
            ("disk_format", &self.disk_format),
            ("container_format", &self.container_format),
        ] {
            if let Some(m) = m {
                q.push(field, &m.query_value(field)?);
            }
        }
        match &self.visibility {
            Some(VisibilityFilter::Only(v)) => {
                q.push("visibility", non_empty("visibility", v.as_str())?)
            }
            Some(VisibilityFilter::All) => q.push("visibility", "all"),
            None => {}
        }
        match &self.member_status {
            Some(MemberStatusFilter::Only(s)) => {
                q.push("member_status", non_empty("member_status", s.as_str())?)
            }
            Some(MemberStatusFilter::All) => q.push("member_status", "all"),
            None => {}
        }
        if let Some(owner) = &self.owner {
            q.push("owner", non_empty("owner", owner)?);
        }
        for tag in &self.tags {
            q.push("tag", non_empty("tag", tag)?);
        }
        match &self.status {
            Some(StatusFilter::Is(s)) => q.push("status", non_empty("status", s.as_str())?),
            Some(StatusFilter::In(list)) => {
                let values = list.iter().map(|s| s.as_str().to_owned()).collect();
                q.push("status", &Match::In(values).query_value("status")?);
            }
            None => {}
        }
        if let (Some(min), Some(max)) = (self.size_min, self.size_max) {
            if min > max {
                return Err(Error::invalid_argument(format!(
                    "'size_min' ({min}) is larger than 'size_max' ({max})"
                )));
            }
        }
        if let Some(min) = self.size_min {
            q.push("size_min", &min.to_string());
        }
        if let Some(max) = self.size_max {
            q.push("size_max", &max.to_string());
        }
        if !self.sort.is_empty() && (self.sort_key.is_some() || self.sort_dir.is_some()) {
            return Err(Error::invalid_argument(
                "'sort' cannot be combined with 'sort_key'/'sort_dir'",
            ));
        }
        if let Some(key) = &self.sort_key {
            q.push("sort_key", non_empty("sort_key", key)?);
        }
        if let Some(dir) = self.sort_dir {
            q.push("sort_dir", dir.as_str());
        }
        if !self.sort.is_empty() {
            let mut parts = Vec::with_capacity(self.sort.len());
            for (key, dir) in &self.sort {
                if key.is_empty() || key.contains([',', ':']) {
                    return Err(Error::invalid_argument(format!(
                        "sort key '{key}' is empty or holds ',' or ':'"
                    )));
                }
                parts.push(format!("{key}:{}", dir.as_str()));
            }
            q.push("sort", &parts.join(","));
        }
        for (field, comparisons) in [
            ("created_at", &self.created_at),
            ("updated_at", &self.updated_at),
        ] {
            for (op, value) in comparisons {
                q.push(
                    field,
                    &format!("{}:{}", op.as_str(), non_empty(field, value)?),
                );
            }
        }
        if let Some(hidden) = self.os_hidden {
            q.push("os_hidden", if hidden { "true" } else { "false" });
        }
        if let Some(protected) = self.protected {
            q.push("protected", if protected { "true" } else { "false" });
        }
        for (key, value) in &self.properties {
            if key.is_empty() || RESERVED_KEYS.contains(&key.as_str()) {
                return Err(Error::invalid_argument(format!(
                    "'{key}' is not a custom property name; use its own option"
                )));
            }
            q.push(key, value);
        }
        Ok(q)
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImagePage {
    /// The images of this page.
    pub images: Vec<Image>,
    /// The link to the next page, as Glance gave it; absent on the last page.
    /// A link holding a NUL byte makes the page an invalid response.
    #[serde(default, deserialize_with = "server_values::optional_c_string")]
    pub next: Option<String>,
    /// The link to the first page.
    #[serde(default, deserialize_with = "server_values::optional_c_string")]
    pub first: Option<String>,
}

impl Page for ImagePage {
    type Record = Image;
    const ID: fn(&Image) -> &str = |image| &image.id;

    fn into_parts(self) -> (Vec<Image>, Option<String>, Option<String>) {
        (self.images, self.next, self.first)
    }
}

/// Iterator over all images of a listing; fetches a page when the previous
/// one is used up. Stops after the first error.
pub type ImageIter = Pager<ImagePage>;

impl Client {
    /// One page of images.
    pub fn list_images(&self, options: &ListOptions) -> Result<ImagePage> {
        first_page(self, options.to_query()?.append_to("/v2/images"))
    }

    /// The page a `next` link names (relative, as Glance returns it).
    pub fn list_images_at(&self, link: &str) -> Result<ImagePage> {
        page_at(self, link)
    }

    /// A lazy iterator over every image matching `options`, page after page,
    /// following Glance's `next` links until there are none.
    ///
    /// A server that leads it back to a page already read (the same link, or
    /// a page holding an image already listed: a marker that did not advance)
    /// ends it with [`Error::InvalidResponse`] instead of listing for ever.
    pub fn images(&self, options: &ListOptions) -> ImageIter {
        let first = options.to_query().map(|q| q.append_to("/v2/images"));
        Pager::new("ImageIter", self, first)
    }

    /// Every image matching `options` (all pages).
    pub fn list_all_images(&self, options: &ListOptions) -> Result<Vec<Image>> {
        self.images(options).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(o: &ListOptions) -> String {
        o.to_query().unwrap().append_to("")
    }

    #[test]
    fn comparisons_parse_as_the_api_spells_them() {
        for op in Compare::ALL {
            assert_eq!(op.as_str().parse::<Compare>().unwrap(), op);
        }
        let err = "ge".parse::<Compare>().unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
        assert!(err.to_string().contains("not 'ge'"), "{err}");
    }

    #[test]
    fn every_filter_is_encoded() {
        let o = ListOptions {
            limit: Some(7),
            name: Some(Match::Is("a&b c/ü+%".into())),
            tags: vec!["x".into(), "y z".into()],
            status: Some(ImageStatus::Active.into()),
            visibility: Some(VisibilityFilter::All),
            sort: vec![
                ("name".into(), SortDir::Desc),
                ("created_at".into(), SortDir::Asc),
            ],
            created_at: vec![(Compare::Gte, "2020-01-01T00:00:00Z".into())],
            properties: vec![("os_distro".into(), "debian".into())],
            ..Default::default()
        };
        assert_eq!(
            query(&o),
            "?limit=7&name=a%26b%20c%2F%C3%BC%2B%25&visibility=all&tag=x&tag=y%20z&status=active\
             &sort=name%3Adesc%2Ccreated_at%3Aasc&created_at=gte%3A2020-01-01T00%3A00%3A00Z\
             &os_distro=debian"
        );
    }

    #[test]
    fn in_lists_quote_commas() {
        let o = ListOptions {
            name: Some(Match::In(vec!["a".into(), "b,c".into()])),
            ..Default::default()
        };
        assert_eq!(query(&o), "?name=in%3Aa%2C%22b%2Cc%22");
    }

    #[test]
    fn bad_options_fail_before_any_request() {
        let bad = [
            ListOptions {
                limit: Some(0),
                ..Default::default()
            },
            ListOptions {
                marker: Some(String::new()),
                ..Default::default()
            },
            ListOptions {
                size_min: Some(5),
                size_max: Some(1),
                ..Default::default()
            },
            ListOptions {
                sort: vec![("name".into(), SortDir::Asc)],
                sort_key: Some("name".into()),
                ..Default::default()
            },
            ListOptions {
                properties: vec![("limit".into(), "1".into())],
                ..Default::default()
            },
            ListOptions {
                name: Some(Match::In(vec![])),
                ..Default::default()
            },
        ];
        for o in bad {
            assert!(
                matches!(o.to_query(), Err(Error::InvalidArgument(_))),
                "{o:?}"
            );
        }
    }
}
